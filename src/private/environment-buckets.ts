import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';
import { ScopedStatement } from './scoped-policy';
import { wildcardFindingIds } from './wildcard-findings';

/**
 * Access to an environment's data buckets by tag (S3 ABAC), so that the persona roles'
 * policies stay the same size whatever the number of buckets
 * (docs/decisions/022-environment-bucket-access.md).
 *
 * Each bucket carries two tags and has ABAC enabled (`AbacStatus: Enabled`), which makes
 * `aws:ResourceTag/<key>` match the bucket's tags, for requests on the bucket and on its
 * objects (Service Authorization Reference: the `bucket` and `object` resource types of
 * Amazon S3 take `aws:ResourceTag/${TagKey}`). A bucket without ABAC, or without the tags,
 * matches no statement here: the access fails closed.
 */

/** Tag key whose value names the environment a bucket belongs to. */
export const ENVIRONMENT_TAG_KEY = 'cdk-secure-studio:environment';
/** Tag key whose value says what the environment's roles may do in the bucket. */
export const ACCESS_TAG_KEY = 'cdk-secure-studio:access';
/** The tag keys above, as an `aws:TagKeys` pattern. */
const TAG_KEY_PATTERN = 'cdk-secure-studio:*';

/** Values of the access tag. */
export const ACCESS_READ_WRITE = 'read-write';
export const ACCESS_READ_ONLY = 'read-only';

/** What aws-cdk-lib's grantRead allows on a bucket and its objects (as VpceRestrictedBucket.grantRead). */
const READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
/** Object writes and deletes that leave the versions (as VpceRestrictedBucket.grantWrite: no s3:DeleteObjectVersion). */
const WRITE_ACTIONS = [
  's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*',
  's3:DeleteObject',
];

/** The tags of an environment's bucket. */
export function environmentBucketTags(environmentId: string, readWrite: boolean): Record<string, string> {
  return { [ENVIRONMENT_TAG_KEY]: environmentId, [ACCESS_TAG_KEY]: readWrite ? ACCESS_READ_WRITE : ACCESS_READ_ONLY };
}

/** The reason, for a security reviewer, why the statements name every bucket of the account. */
const WILDCARD_REASON = 'Attribute-based access to the data buckets of this Studio environment (S3 ABAC): the statement ' +
  'names every bucket of the partition, and its conditions narrow it to buckets of this account (s3:ResourceAccount) that ' +
  'carry the environment\'s tag (aws:ResourceTag, evaluated only on buckets with ABAC enabled). The persona roles may not ' +
  'tag buckets or enable ABAC themselves (DenyTaggingBucketsIntoEnvironments), and the S3 endpoint still reaches only the ' +
  'registered buckets. One statement for any number of buckets keeps the policy within the IAM size limit.';

/**
 * The statements that let a role read every bucket of the environment, and write the
 * read/write ones: resources `arn:<partition>:s3:::*` (buckets) and `...:::*\/*` (objects),
 * narrowed by conditions on the account and the tags.
 */
export function environmentBucketStatements(scope: IConstruct, environmentId: string, options: { readonly write: boolean }): ScopedStatement[] {
  const stack = Stack.of(scope);
  const buckets = `arn:${stack.partition}:s3:::*`;
  const objects = `${buckets}/*`;
  const inEnvironment = { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: environmentId, 's3:ResourceAccount': stack.account };
  const statements: ScopedStatement[] = [{
    statement: new iam.PolicyStatement({
      sid: 'ReadEnvironmentBuckets',
      actions: READ_ACTIONS,
      resources: [buckets, objects],
      conditions: { StringEquals: inEnvironment },
    }),
    wildcardReason: WILDCARD_REASON,
  }];
  if (options.write) {
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'WriteEnvironmentBucketsTaggedReadWrite',
        actions: WRITE_ACTIONS,
        resources: [objects],
        conditions: { StringEquals: { ...inEnvironment, [`aws:ResourceTag/${ACCESS_TAG_KEY}`]: ACCESS_READ_WRITE } },
      }),
      wildcardReason: WILDCARD_REASON,
    });
  }
  return statements;
}

/**
 * Guardrail: the tags decide which buckets a role reaches, so a role with access must not
 * set them. Denies tagging or untagging any bucket with the environment's tag keys
 * (`s3:TagResource`/`s3:UntagResource` and `s3:CreateBucket` take `aws:TagKeys`), and, since
 * `s3:PutBucketTagging` takes no tag-key condition, bucket tagging by that action at all;
 * and `s3:PutBucketAbac`, which would make tags set earlier count.
 */
export function denyTaggingBucketsIntoEnvironments(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyTaggingBucketsIntoEnvironments',
      effect: iam.Effect.DENY,
      actions: ['s3:TagResource', 's3:UntagResource', 's3:CreateBucket'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringLike': { 'aws:TagKeys': [TAG_KEY_PATTERN] } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyBucketTaggingAndAbacChanges',
      effect: iam.Effect.DENY,
      actions: ['s3:PutBucketTagging', 's3:PutBucketAbac'],
      resources: ['*'],
    }),
  ];
}

/**
 * Adds the statements to the role's principal policy (a persona role's `GrantsPolicy`) and
 * acknowledges, on that policy, the resource wildcards of each with its reason. The
 * policy acknowledges the action families (`s3:GetObject*`) of a grant itself.
 */
export function addScopedStatements(role: iam.IRole, statements: ScopedStatement[]): void {
  for (const { statement, wildcardReason } of statements) {
    const { policyDependable } = role.addToPrincipalPolicy(statement);
    if (wildcardReason && Construct.isConstruct(policyDependable)) {
      const resourceFindings = wildcardFindingIds(role, statement).filter((id) => id.includes('[Resource::'));
      acknowledgeFindings(policyDependable, wildcardReason, resourceFindings);
    }
  }
}
