import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { DataBucketAccess, SecureStudio } from '../src';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from './helpers/iam-simulation';
import { agnosticStack } from './helpers/stacks';

/**
 * The data-bucket claims of SecureStudio, evaluated offline on the synthesized policies
 * (identity, bucket and S3 endpoint policies; tokens replaced by sample ids). The roles
 * reach the environment's buckets by tag (S3 ABAC, docs/decisions/022-environment-bucket-access.md):
 * a request states the bucket's tags and account as S3 would put them in the request
 * context, and whether the bucket has ABAC enabled. Every claim is a pair: the request that
 * must be denied, and the nearest request that must be allowed.
 */

const stack: Stack = agnosticStack();
const studio = new SecureStudio(stack, 'Studio', {
  team: 'fraud',
  dataBuckets: ['data'],
  dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }],
});
const template = Template.fromStack(stack).toJSON();
const resources: Record<string, any> = template.Resources;

const ENDPOINT = 'vpce-0studio0000000001';
const OTHER_ACCOUNT = '444455556666';
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const bucketName = (construct: IConstruct) => `test-${logicalId(construct).toLowerCase()}-1a2b3c4d5e6f`;
const DATA = bucketName(studio.findBucket('data')!.bucket);
const RAW = bucketName(studio.findBucket('raw')!.bucket);
/** A bucket whose name looks like the environment's data bucket. */
const LOOK_ALIKE = `${DATA}-copy`;
const KEY_ARN = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/${logicalId(studio.buckets[0].encryptionKey)}`;

/** A sample value for every Ref and Fn::GetAtt of the template: ARNs for roles, keys and buckets. */
function sampleIds(): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [id, resource] of Object.entries(resources)) {
    const name = resource.Type === 'AWS::S3::Bucket' ? `test-${id.toLowerCase()}-1a2b3c4d5e6f` : `sample-${id.toLowerCase()}`;
    ids[id] = resource.Type === 'AWS::EC2::VPCEndpoint' ? ENDPOINT : name;
    ids[`${id}.Arn`] = {
      'AWS::IAM::Role': `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${id}`,
      'AWS::KMS::Key': `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/${id}`,
      'AWS::S3::Bucket': `arn:aws:s3:::${name}`,
    }[resource.Type as string] ?? `arn:aws:sample:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${name}`;
    for (const attribute of ['GroupId', 'Id', 'VpcId']) {
      ids[`${id}.${attribute}`] = `${name}-${attribute.toLowerCase()}`;
    }
  }
  return ids;
}
const SAMPLE_IDS = sampleIds();
const concrete = (value: unknown) => concretize(value, SAMPLE_IDS);

const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;

/** The concrete documents of the managed policies attached to a role. */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concrete(r.Properties.PolicyDocument));
}

const bucketPolicyOf = (name: string) => concrete(Object.values(resources)
  .find((r) => r.Type === 'AWS::S3::BucketPolicy' && concrete(r.Properties.Bucket) === name)!.Properties.PolicyDocument);
const ENDPOINT_POLICY = concrete(resources[logicalId(studio.network.s3Endpoint)].Properties.PolicyDocument);

/** The environment's tags on a bucket, as the template sets them. */
function tagsOf(name: string): Record<string, string> {
  const bucket = Object.entries(resources).find(([id]) => SAMPLE_IDS[id] === name)![1];
  return Object.fromEntries(bucket.Properties.Tags.map((tag: any) => [tag.Key, concrete(tag.Value)]));
}
const DATA_TAGS = tagsOf(DATA);
const RAW_TAGS = tagsOf(RAW);

const S3_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

interface S3Request {
  readonly role?: iam.IRole;
  readonly action: string;
  readonly bucket: string;
  /** Object key, or none for a request on the bucket. */
  readonly key?: string;
  readonly account?: string;
  readonly tags?: Record<string, string>;
  /** Whether the bucket has ABAC enabled. */
  readonly abac?: boolean;
  /** Identity policies beyond the role's own, e.g. an allow-all that a guardrail must still beat. */
  readonly extraPolicies?: unknown[];
  /** Evaluate the role's identity policies alone, without the bucket and endpoint policies. */
  readonly identityOnly?: boolean;
  readonly context?: Record<string, string | string[]>;
}

/** A request of a role through the network's S3 endpoint, over TLS. */
function decide(request: S3Request): Promise<string> {
  const role = request.role ?? studio.personas.dataScientistRole;
  const account = request.account ?? SAMPLE_ACCOUNT;
  const environmentBucket = [DATA, RAW].includes(request.bucket);
  const tags = Object.fromEntries(Object.entries(request.tags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
  return simulate({
    principal: arnOf(role),
    action: request.action,
    resource: `arn:aws:s3:::${request.bucket}${request.key === undefined ? '' : `/${request.key}`}`,
    resourceAccount: account,
    context: {
      'aws:PrincipalArn': arnOf(role),
      'aws:PrincipalAccount': SAMPLE_ACCOUNT,
      'aws:SecureTransport': 'true',
      'aws:SourceVpce': ENDPOINT,
      's3:ResourceAccount': account,
      ...tags,
      ...request.context,
    },
    identityPolicies: [...policiesOf(role), ...request.extraPolicies ?? []],
    resourcePolicy: !request.identityOnly && environmentBucket ? bucketPolicyOf(request.bucket) : undefined,
    endpointPolicies: request.identityOnly ? undefined : [ENDPOINT_POLICY],
    bucketAbacEnabled: request.abac ?? true,
  });
}

const getData: S3Request = { action: 's3:GetObject', bucket: DATA, key: 'train/part-0.csv', tags: DATA_TAGS };
const putData: S3Request = { ...getData, action: 's3:PutObject' };
const lookAlike = (request: S3Request): S3Request => ({ ...request, bucket: LOOK_ALIKE });
const tagBucket = (key: string, value: string): S3Request => ({
  action: 's3:TagResource',
  bucket: LOOK_ALIKE,
  extraPolicies: [S3_ALL],
  identityOnly: true,
  context: { 'aws:TagKeys': [key], [`aws:RequestTag/${key}`]: value },
});

/** [claim, the request that must be denied (and how), the request that must be allowed]. */
const PAIRS: [string, S3Request, 'ExplicitlyDenied' | 'ImplicitlyDenied', S3Request][] = [
  ['a read-only bucket refuses PutObject by the data scientist, and allows GetObject',
    { ...putData, bucket: RAW, tags: RAW_TAGS }, 'ImplicitlyDenied', { ...getData, bucket: RAW, tags: RAW_TAGS }],
  ['the data scientist writes a read/write bucket of the environment; not a read-only one',
    { ...putData, bucket: RAW, tags: RAW_TAGS }, 'ImplicitlyDenied', putData],
  ['the data scientist lists a bucket of the environment; not a look-alike bucket without its tags',
    lookAlike({ action: 's3:ListBucket', bucket: DATA, identityOnly: true }), 'ImplicitlyDenied',
    { action: 's3:ListBucket', bucket: DATA, tags: DATA_TAGS }],
  ['a delete leaves versions: DeleteObjectVersion is denied, DeleteObject allowed',
    { ...putData, action: 's3:DeleteObjectVersion' }, 'ImplicitlyDenied', { ...putData, action: 's3:DeleteObject' }],
  ['a look-alike bucket of another account, with the environment\'s tags copied, is refused by the identity policy alone (s3:ResourceAccount)',
    lookAlike({ ...getData, account: OTHER_ACCOUNT, identityOnly: true }), 'ImplicitlyDenied', { ...getData, identityOnly: true }],
  ['a look-alike bucket of another account is refused through the endpoint too; the environment\'s bucket is reached',
    lookAlike({ ...putData, account: OTHER_ACCOUNT }), 'ImplicitlyDenied', putData],
  ['a look-alike bucket of this account without the environment\'s tags is refused by the identity policy alone',
    lookAlike({ ...getData, tags: {}, identityOnly: true }), 'ImplicitlyDenied', { ...getData, identityOnly: true }],
  ['a bucket of another environment (its environment tag) is refused by the identity policy alone',
    lookAlike({ ...getData, tags: { ...DATA_TAGS, 'cdk-secure-studio:environment': `${SAMPLE_REGION}/OtherStudio0A1B2C3D` }, identityOnly: true }),
    'ImplicitlyDenied', { ...getData, identityOnly: true }],
  ['a bucket of this account that an administrator tagged into the environment, but not registered on the S3 endpoint, is still refused through it',
    lookAlike(putData), 'ImplicitlyDenied', putData],
  ['the tags count only with ABAC: the environment\'s tags on a bucket without ABAC grant nothing',
    { ...getData, abac: false }, 'ImplicitlyDenied', getData],
  ['the data scientist cannot tag a bucket into the environment, even with s3:* allowed by another policy; a tag of another key then is allowed',
    tagBucket('cdk-secure-studio:environment', DATA_TAGS['cdk-secure-studio:environment']), 'ExplicitlyDenied', tagBucket('project', 'churn')],
  ['the data scientist cannot make a read-only bucket read/write by its tag, even with s3:* allowed by another policy',
    { ...tagBucket('cdk-secure-studio:access', 'read-write'), bucket: RAW }, 'ExplicitlyDenied', { ...tagBucket('project', 'churn'), bucket: RAW }],
  ['the data scientist cannot enable ABAC on a bucket (tags set before would count), even with s3:* allowed; other bucket settings then are allowed',
    { action: 's3:PutBucketAbac', bucket: LOOK_ALIKE, extraPolicies: [S3_ALL], identityOnly: true }, 'ExplicitlyDenied',
    { action: 's3:PutBucketVersioning', bucket: LOOK_ALIKE, extraPolicies: [S3_ALL], identityOnly: true }],
  ['the data scientist cannot set bucket tags with PutBucketTagging (which takes no tag-key condition), even with s3:* allowed',
    { action: 's3:PutBucketTagging', bucket: LOOK_ALIKE, extraPolicies: [S3_ALL], identityOnly: true }, 'ExplicitlyDenied',
    { action: 's3:PutBucketVersioning', bucket: LOOK_ALIKE, extraPolicies: [S3_ALL], identityOnly: true }],
  ['the default role cannot read a bucket of the environment; the data scientist can',
    { ...getData, role: studio.personas.defaultRole }, 'ImplicitlyDenied', getData],
  ['MLOps reads a read-only bucket, and cannot write it',
    { ...putData, bucket: RAW, tags: RAW_TAGS, role: studio.personas.mlopsRole }, 'ImplicitlyDenied',
    { ...getData, bucket: RAW, tags: RAW_TAGS, role: studio.personas.mlopsRole }],
  ['the job role writes a read/write bucket, and not a read-only one',
    { ...putData, bucket: RAW, tags: RAW_TAGS, role: studio.personas.jobRole }, 'ImplicitlyDenied', { ...putData, role: studio.personas.jobRole }],
];

describe('offline IAM evaluation of the environment\'s data buckets', () => {
  test.each(PAIRS)('%s', async (_, denied, how, allowed) => {
    await expect(decide(denied)).resolves.toBe(how);
    await expect(decide(allowed)).resolves.toBe('Allowed');
  });

  test('who may tag buckets decides: the identity policy admits a bucket an administrator tagged into the environment, and the S3 endpoint, which names the registered buckets, refuses it', async () => {
    await expect(decide(lookAlike({ ...putData, identityOnly: true }))).resolves.toBe('Allowed');
    await expect(decide(lookAlike(putData))).resolves.toBe('ImplicitlyDenied');
  });

  test('the data scientist decrypts with the buckets\' shared key through S3; not directly, and not with another key', async () => {
    const keyPolicy = concrete(resources[logicalId(studio.buckets[0].encryptionKey)].Properties.KeyPolicy);
    const decrypt = (resource: string, context: Record<string, string>) => simulate({
      principal: arnOf(studio.personas.dataScientistRole),
      action: 'kms:Decrypt',
      resource,
      resourcePolicy: resource === KEY_ARN ? keyPolicy : undefined,
      identityPolicies: policiesOf(studio.personas.dataScientistRole),
      context: { 'aws:PrincipalArn': arnOf(studio.personas.dataScientistRole), 'aws:PrincipalAccount': SAMPLE_ACCOUNT, 'kms:CallerAccount': SAMPLE_ACCOUNT, ...context },
    });
    const throughS3 = { 'kms:ViaService': `s3.${SAMPLE_REGION}.amazonaws.com` };
    await expect(decrypt(`arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/another-key`, throughS3)).resolves.toBe('ImplicitlyDenied');
    await expect(decrypt(KEY_ARN, {})).resolves.toBe('ImplicitlyDenied');
    await expect(decrypt(KEY_ARN, throughS3)).resolves.toBe('Allowed');
  });
});
