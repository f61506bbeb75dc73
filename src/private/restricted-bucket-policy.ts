import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * The bucket-configuration actions that the endpoint rule spares (its `NotAction`), so
 * that CloudFormation and the account's administrators can still read and change the
 * bucket's configuration and delete the bucket, through IAM as usual. Every other S3
 * action on the bucket and its objects is held to the rule, including data actions AWS
 * adds after today (docs/decisions/021-restricted-bucket-policy.md). None of these
 * matches a data action: object actions are named `*Object*`, listings `List*` (of which
 * only `s3:ListTagsForResource`, the bucket's tags, is spared, by its full name),
 * replication `Replicate*`/`InitiateReplication`.
 */
export const MANAGEMENT_ACTIONS = [
  // Policy, ACL, tagging, versioning, logging, notifications, CORS, website, ownership,
  // public access block, object-lock and ABAC settings; DeleteBucket and DeleteBucketPolicy.
  's3:GetBucket*',
  's3:PutBucket*',
  's3:DeleteBucket*',
  // Encryption, lifecycle, replication, inventory, analytics, metrics, intelligent-tiering,
  // accelerate and object-lock configurations.
  's3:Get*Configuration',
  's3:Put*Configuration',
  // The bucket's tags through the tagging API, which CloudFormation uses, and the only way to
  // tag a bucket with ABAC enabled (PutBucketTagging then fails).
  's3:TagResource',
  's3:UntagResource',
  's3:ListTagsForResource',
];

/** Who, besides requests through the endpoints, escapes the endpoint rule. */
export interface EndpointRuleOptions {
  /** Ids of the VPC endpoints data requests must come through. */
  readonly endpointIds: string[];
  /** Role ARNs exempt from the rule (every session of each role). */
  readonly exemptRoleArns: string[];
  /** Whether AWS service principals are exempt (`aws:PrincipalIsAWSService`). */
  readonly exemptServicePrincipals: boolean;
  /** Whether requests an AWS service makes with the caller's credentials are exempt (`aws:ViaAWSService`). */
  readonly exemptForwardedRequests: boolean;
}

/**
 * Denies every S3 action but the bucket-configuration ones on the bucket and its objects
 * to every principal, unless the request comes through one of the endpoints or from an
 * exempt principal. For a role
 * session, `aws:PrincipalArn` is the ARN of the role, so a role ARN exempts all its
 * sessions. Absent keys make the deny apply (`StringNotEquals`, `ArnNotEquals` and
 * `BoolIfExists` are true when the key is missing), so a request fails closed.
 */
export function denyOutsideEndpointsStatement(bucket: s3.IBucket, options: EndpointRuleOptions): iam.PolicyStatement {
  const conditions: Record<string, Record<string, unknown>> = {
    StringNotEquals: { 'aws:SourceVpce': options.endpointIds },
  };
  if (options.exemptRoleArns.length > 0) {
    conditions.ArnNotEquals = { 'aws:PrincipalArn': options.exemptRoleArns };
  }
  const services: Record<string, string> = {};
  if (options.exemptServicePrincipals) {
    services['aws:PrincipalIsAWSService'] = 'false';
  }
  if (options.exemptForwardedRequests) {
    services['aws:ViaAWSService'] = 'false';
  }
  if (Object.keys(services).length > 0) {
    conditions.BoolIfExists = services;
  }
  return new iam.PolicyStatement({
    sid: 'DenyDataAccessOutsideTheVpcEndpoints',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    notActions: MANAGEMENT_ACTIONS,
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
    conditions,
  });
}
