import { CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AwsServiceAccess, SecureStudioVpc, VpceRestrictedBucket, VpceRestrictedBucketProps } from '../../src';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate, SimulatedRequest } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * Offline IAM evaluation of the synthesized bucket, endpoint and key policies, with the
 * template's references replaced by sample ids. The simulator does not derive context
 * keys from the principal, so every request states them (aws:PrincipalArn, ...).
 */

const BUCKET = 'studio-data';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const OBJECT = `${BUCKET_ARN}/team-a/train.csv`;
const ENDPOINT = 'vpce-0studio0000000001';
const KEY_ARN = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ANALYST = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Analyst`;
const INGEST = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/data/Ingest`;
const ADMIN = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Admin`;
const AUTO_DELETE_ROLE = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Test-CustomS3AutoDeleteObjects`;

const allow = (action: string, resource = '*') => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const S3_ALL = allow('s3:*');
const KMS_ALL = allow('kms:*');

/** The request context of a caller of this account; `via` is the VPC endpoint, if any. */
function context(principalArn: string, via?: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': SAMPLE_ACCOUNT,
    'aws:SecureTransport': 'true',
    ...(via ? { 'aws:SourceVpce': via } : {}),
    ...extra,
  };
}

/** The synthesized policies of a stack with the network and one bucket, made concrete. */
function policies(props: Partial<VpceRestrictedBucketProps> = {}, configure: (network: SecureStudioVpc) => void = () => {}) {
  const stack = agnosticStack();
  const network = new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') });
  configure(network);
  const data = new VpceRestrictedBucket(stack, 'Data', {
    network,
    exemptRoles: [iam.Role.fromRoleArn(stack, 'Ingest', INGEST)],
    ...props,
  });
  const resources = Template.fromStack(stack).toJSON().Resources;
  const autoDeleteRole = Object.keys(resources).find((id) => id.startsWith('CustomS3AutoDeleteObjectsCustomResourceProviderRole'));
  const ids: Record<string, string> = {
    [`${logicalId(stack, data.bucket)}.Arn`]: BUCKET_ARN,
    [logicalId(stack, network.s3Endpoint)]: ENDPOINT,
    ...(autoDeleteRole ? { [`${autoDeleteRole}.Arn`]: AUTO_DELETE_ROLE } : {}),
  };
  const property = (construct: IConstruct, name: string) => concretize(resources[logicalId(stack, construct)].Properties[name], ids);
  return {
    bucketPolicy: property(data.bucket.policy!, 'PolicyDocument'),
    endpointPolicy: property(network.s3Endpoint, 'PolicyDocument'),
    keyPolicy: property(data.encryptionKey, 'KeyPolicy'),
  };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('the bucket policy', () => {
  const { bucketPolicy, endpointPolicy } = policies();
  const getObject = (principal: string, ctx: Record<string, string>): SimulatedRequest => ({
    principal, action: 's3:GetObject', resource: OBJECT, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy, context: ctx,
  });

  test('GetObject through the allowed endpoint, over TLS, is allowed to a role whose identity policy allows it', async () => {
    expect(await simulate({ ...getObject(ANALYST, context(ANALYST, ENDPOINT)), endpointPolicies: [endpointPolicy] })).toBe('Allowed');
  });

  test('GetObject through the allowed endpoint is still denied without an identity policy that allows it', async () => {
    expect(await simulate({ ...getObject(ANALYST, context(ANALYST, ENDPOINT)), identityPolicies: [], endpointPolicies: [endpointPolicy] })).toBe('ImplicitlyDenied');
  });

  test('GetObject through another VPC endpoint is denied', async () => {
    expect(await simulate(getObject(ANALYST, context(ANALYST, 'vpce-0elsewhere0000001')))).toBe('ExplicitlyDenied');
  });

  test('GetObject with no VPC endpoint (console, or CLI from a laptop) is denied', async () => {
    expect(await simulate(getObject(ANALYST, context(ANALYST)))).toBe('ExplicitlyDenied');
  });

  test('GetObject without TLS is denied, even through the allowed endpoint', async () => {
    expect(await simulate(getObject(ANALYST, context(ANALYST, ENDPOINT, { 'aws:SecureTransport': 'false' })))).toBe('ExplicitlyDenied');
  });

  test('GetObject over TLS 1.1 is denied, even through the allowed endpoint', async () => {
    expect(await simulate(getObject(ANALYST, context(ANALYST, ENDPOINT, { 's3:TlsVersion': '1.1' })))).toBe('ExplicitlyDenied');
  });

  test.each([
    ['PutObject', 's3:PutObject', OBJECT],
    ['DeleteObject', 's3:DeleteObject', OBJECT],
    ['ListBucket', 's3:ListBucket', BUCKET_ARN],
    ['ListBucketVersions', 's3:ListBucketVersions', BUCKET_ARN],
  ])('%s from outside the endpoints is denied, and allowed through the endpoint', async (_name, action, resource) => {
    const request = { principal: ANALYST, action, resource, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy };
    expect(await simulate({ ...request, context: context(ANALYST) })).toBe('ExplicitlyDenied');
    expect(await simulate({ ...request, context: context(ANALYST, ENDPOINT), endpointPolicies: [endpointPolicy] })).toBe('Allowed');
  });

  test('an exempt role reads from outside the endpoints, in any of its sessions', async () => {
    const session = `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/Ingest/nightly-load`;
    expect(await simulate(getObject(session, context(INGEST)))).toBe('Allowed');
  });

  test('PutBucketPolicy by an account admin from outside the endpoints is allowed (management keeps working)', async () => {
    expect(await simulate({
      principal: ADMIN, action: 's3:PutBucketPolicy', resource: BUCKET_ARN, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy, context: context(ADMIN),
    })).toBe('Allowed');
  });

  // Data actions AWS added after the old action-list deny was written, and that it missed: a
  // NotAction deny holds them to the endpoint rule without naming them.
  test.each([
    ['s3:InitiateReplication', OBJECT],
    ['s3:UpdateObjectEncryption', OBJECT],
    ['s3:GetObjectAttributes', OBJECT],
    ['s3:ListBucketMultipartUploads', BUCKET_ARN],
  ])('%s, not named anywhere in the bucket policy, is denied from outside the endpoints and allowed through them', async (action, resource) => {
    const request = { principal: ANALYST, action, resource, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy };
    expect(await simulate({ ...request, context: context(ANALYST) })).toBe('ExplicitlyDenied');
    expect(await simulate({ ...request, context: context(ANALYST, ENDPOINT) })).toBe('Allowed');
  });

  test.each([
    ['s3:PutBucketPolicy'], ['s3:GetBucketPolicy'], ['s3:PutEncryptionConfiguration'], ['s3:PutBucketVersioning'],
    ['s3:PutBucketTagging'], ['s3:GetLifecycleConfiguration'], ['s3:DeleteBucket'], ['s3:TagResource'], ['s3:UntagResource'],
    ['s3:ListTagsForResource'], ['s3:PutBucketAbac'],
  ])('CloudFormation (its execution role, outside the VPC) keeps %s on the bucket', async (action) => {
    const cloudFormation = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${SAMPLE_ACCOUNT}-${SAMPLE_REGION}`;
    const request = { principal: cloudFormation, action, resource: BUCKET_ARN, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy };
    expect(await simulate({ ...request, context: context(cloudFormation, undefined, { 'aws:CalledVia': 'cloudformation.amazonaws.com', 'aws:ViaAWSService': 'true' }) }))
      .toBe('Allowed');
  });

  test('a request that Athena makes with the caller\'s credentials, from outside the VPC, is denied by default', async () => {
    expect(await simulate(getObject(ANALYST, context(ANALYST, undefined, { 'aws:ViaAWSService': 'true', 'aws:CalledVia': 'athena.amazonaws.com' })))).toBe('ExplicitlyDenied');
  });
});

describe('the endpoint policy', () => {
  const { endpointPolicy } = policies();
  const through = (principal: string, resource: string, ctx: Record<string, string>, resourceAccount = SAMPLE_ACCOUNT): SimulatedRequest => ({
    principal, action: 's3:GetObject', resource, resourceAccount, identityPolicies: [S3_ALL], endpointPolicies: [endpointPolicy], context: ctx,
  });

  test('denies a bucket that is not registered, and allows the registered one', async () => {
    expect(await simulate(through(ANALYST, `arn:aws:s3:::other-team-data/${'report.csv'}`, context(ANALYST, ENDPOINT)))).toBe('ImplicitlyDenied');
    expect(await simulate(through(ANALYST, OBJECT, context(ANALYST, ENDPOINT)))).toBe('Allowed');
  });

  test("denies writing to another account's bucket that accepts anyone's writes (exfiltration)", async () => {
    const drop = 'arn:aws:s3:::attacker-drop-zone';
    const request = { ...through(ANALYST, `${drop}/dump.csv`, context(ANALYST, ENDPOINT), '444455556666'), action: 's3:PutObject' };
    const acceptsAnyone = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `${drop}/*` }] };
    expect(await simulate({ ...request, resourcePolicy: acceptsAnyone, endpointPolicies: [] })).toBe('Allowed');
    expect(await simulate({ ...request, resourcePolicy: acceptsAnyone })).toBe('ImplicitlyDenied');
  });

  test("denies another account's principal, even on the registered bucket that grants it access", async () => {
    const outsider = 'arn:aws:iam::444455556666:role/Outsider';
    const grantsOutsider = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: outsider }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` }] };
    const request = { ...through(outsider, OBJECT, { ...context(outsider, ENDPOINT), 'aws:PrincipalAccount': '444455556666' }), resourcePolicy: grantsOutsider };
    expect(await simulate({ ...request, endpointPolicies: [] })).toBe('Allowed');
    expect(await simulate(request)).toBe('ImplicitlyDenied');
  });

  test('allows the ECR image layers of the region, fetched with a URL that ECR signed, and nothing else of that bucket', async () => {
    const ecr = 'arn:aws:iam::999988887777:role/ecr-layer-delivery';
    const layers = `arn:aws:s3:::prod-${SAMPLE_REGION}-starport-layer-bucket`;
    const ctx = { ...context(ecr, ENDPOINT), 'aws:PrincipalAccount': '999988887777' };
    expect(await simulate(through(ecr, `${layers}/sha256-abc`, ctx, '999988887777'))).toBe('Allowed');
    expect(await simulate({ ...through(ecr, `${layers}/sha256-abc`, ctx, '999988887777'), action: 's3:PutObject' })).toBe('ImplicitlyDenied');
    expect(await simulate(through(ecr, 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256-abc', ctx, '999988887777'))).toBe('ImplicitlyDenied');
  });

  test('JumpStart objects tagged SageMaker=true are reachable only after opting in', async () => {
    const opted = policies({}, (network) => network.s3EndpointPolicy.allowJumpStartObjects()).endpointPolicy;
    const cache = `arn:aws:s3:::jumpstart-cache-prod-${SAMPLE_REGION}`;
    const publicRead = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${cache}/*` }] };
    const model = { ...through(ANALYST, `${cache}/huggingface-llm/model.tar.gz`, context(ANALYST, ENDPOINT), '999988887777'), resourcePolicy: publicRead };
    const tagged = { ...model, context: { ...model.context, 's3:ExistingObjectTag/SageMaker': 'true' } };
    expect(await simulate(tagged)).toBe('ImplicitlyDenied');
    expect(await simulate({ ...tagged, endpointPolicies: [opted] })).toBe('Allowed');
    expect(await simulate({ ...model, endpointPolicies: [opted] })).toBe('ImplicitlyDenied');
  });
});

describe('grants: deletes leave versions; permanent deletion is an explicit grant', () => {
  const DATA_SCIENTIST = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DataScientist`;
  const RETENTION = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Retention`;

  /** The bucket policy and each role's identity policy, made concrete. */
  function granted() {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') });
    const data = new VpceRestrictedBucket(stack, 'Data', { network });
    const scientist = new iam.Role(stack, 'DataScientist', { assumedBy: new iam.AccountRootPrincipal() });
    const retention = new iam.Role(stack, 'Retention', { assumedBy: new iam.AccountRootPrincipal() });
    data.grantReadWrite(scientist);
    data.grantReadWrite(retention);
    data.grantPermanentDelete(retention);
    const resources = Template.fromStack(stack).toJSON().Resources;
    const ids = { [`${logicalId(stack, data.bucket)}.Arn`]: BUCKET_ARN, [`${logicalId(stack, data.encryptionKey)}.Arn`]: KEY_ARN, [logicalId(stack, network.s3Endpoint)]: ENDPOINT };
    const roleDocument = (role: iam.Role) => concretize(resources[logicalId(stack, role.node.findChild('DefaultPolicy'))].Properties.PolicyDocument, ids);
    return {
      bucketPolicy: concretize(resources[logicalId(stack, data.bucket.policy!)].Properties.PolicyDocument, ids),
      scientistPolicy: roleDocument(scientist),
      retentionPolicy: roleDocument(retention),
    };
  }

  const { bucketPolicy, scientistPolicy, retentionPolicy } = granted();
  const request = (principal: string, identity: unknown, action: string): SimulatedRequest => ({
    principal, action, resource: OBJECT, identityPolicies: [identity], resourcePolicy: bucketPolicy, context: context(principal, ENDPOINT),
  });

  test('grantReadWrite lets a persona delete an object (a delete marker) but not destroy a version', async () => {
    expect(await simulate(request(DATA_SCIENTIST, scientistPolicy, 's3:DeleteObject'))).toBe('Allowed');
    expect(await simulate(request(DATA_SCIENTIST, scientistPolicy, 's3:PutObject'))).toBe('Allowed');
    expect(await simulate(request(DATA_SCIENTIST, scientistPolicy, 's3:DeleteObjectVersion'))).toBe('ImplicitlyDenied');
  });

  test('grantPermanentDelete lets the opted-in role destroy versions, through the endpoint only', async () => {
    expect(await simulate(request(RETENTION, retentionPolicy, 's3:DeleteObjectVersion'))).toBe('Allowed');
    expect(await simulate({ ...request(RETENTION, retentionPolicy, 's3:DeleteObjectVersion'), context: context(RETENTION) })).toBe('ExplicitlyDenied');
  });
});

describe('choices', () => {
  test('with DESTROY and auto-delete, the auto-delete handler empties the bucket from outside the VPC', async () => {
    const { bucketPolicy } = policies({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const session = `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/Test-CustomS3AutoDeleteObjects/handler`;
    for (const [action, resource] of [['s3:ListBucketVersions', BUCKET_ARN], ['s3:DeleteObjectVersion', OBJECT]]) {
      expect(await simulate({ principal: session, action, resource, resourcePolicy: bucketPolicy, context: context(AUTO_DELETE_ROLE) })).toBe('Allowed');
    }
  });

  test('SERVICE_PRINCIPALS_AND_FORWARDED_REQUESTS lets Athena read with the caller\'s credentials from outside the VPC', async () => {
    const { bucketPolicy } = policies({ awsServiceAccess: AwsServiceAccess.SERVICE_PRINCIPALS_AND_FORWARDED_REQUESTS });
    const request = { principal: ANALYST, action: 's3:GetObject', resource: OBJECT, identityPolicies: [S3_ALL], resourcePolicy: bucketPolicy };
    expect(await simulate({ ...request, context: context(ANALYST, undefined, { 'aws:ViaAWSService': 'true' }) })).toBe('Allowed');
    expect(await simulate({ ...request, context: context(ANALYST, undefined, { 'aws:ViaAWSService': 'false' }) })).toBe('ExplicitlyDenied');
  });
});

describe('the key policy', () => {
  const { keyPolicy } = policies();
  const decrypt = (ctx: Record<string, string>): SimulatedRequest => ({
    principal: ANALYST, action: 'kms:Decrypt', resource: KEY_ARN, identityPolicies: [KMS_ALL], resourcePolicy: keyPolicy, context: ctx,
  });

  test('a principal allowed kms:Decrypt decrypts through S3 of the region', async () => {
    expect(await simulate(decrypt({ ...context(ANALYST), 'kms:ViaService': `s3.${SAMPLE_REGION}.amazonaws.com`, 'kms:CallerAccount': SAMPLE_ACCOUNT }))).toBe('Allowed');
  });

  test('the same principal cannot decrypt directly, or through another service', async () => {
    expect(await simulate(decrypt({ ...context(ANALYST), 'kms:CallerAccount': SAMPLE_ACCOUNT }))).toBe('ImplicitlyDenied');
    expect(await simulate(decrypt({ ...context(ANALYST), 'kms:ViaService': `ec2.${SAMPLE_REGION}.amazonaws.com`, 'kms:CallerAccount': SAMPLE_ACCOUNT }))).toBe('ImplicitlyDenied');
  });

  test('an account admin manages the key, through the IAM delegation of the key policy', async () => {
    expect(await simulate({
      principal: ADMIN, action: 'kms:PutKeyPolicy', resource: KEY_ARN, identityPolicies: [KMS_ALL], resourcePolicy: keyPolicy, context: context(ADMIN),
    })).toBe('Allowed');
  });
});
