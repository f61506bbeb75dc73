import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Object reads, writes and deletes, and listings: the data actions held to the endpoint
 * rule. Bucket management (PutBucketPolicy, PutBucketEncryption, DeleteBucket, ...) is not
 * among them, so CloudFormation and the account's admins can still manage the bucket.
 */
export const DATA_ACTIONS = [
  's3:GetObject*',
  's3:PutObject*',
  's3:DeleteObject*',
  's3:ListBucket*',
  's3:ListMultipartUploadParts',
  's3:AbortMultipartUpload',
  's3:RestoreObject',
  's3:Replicate*',
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
 * Denies the data actions on the bucket and its objects to every principal, unless the
 * request comes through one of the endpoints or from an exempt principal. For a role
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
    actions: DATA_ACTIONS,
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
    conditions,
  });
}
