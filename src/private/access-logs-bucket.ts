import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings, skipCheckovChecks } from './acknowledge';
import { AwsLimits } from './aws-limits';
import { acknowledgeNoReplication } from './s3-findings';

const LOGGING_SERVICE = 'logging.s3.amazonaws.com';
/** The longest ARN of a source bucket: partition aws-us-gov, a 63-character name. */
const LONGEST_BUCKET_ARN = `arn:aws-us-gov:s3:::${'x'.repeat(63)}`;

/** How to create the bucket that receives S3 server access logs. */
export interface AccessLogsBucketOptions {
  readonly removalPolicy: RemovalPolicy;
  readonly autoDeleteObjects: boolean;
  /** Name of the construct that creates the bucket, for error messages. */
  readonly owner: string;
}

/**
 * A private, TLS-only, versioned bucket for S3 server access logs. It is encrypted with
 * SSE-S3 because S3 does not deliver server access logs to a bucket whose default
 * encryption is SSE-KMS; delivery is allowed by its bucket policy (ACLs are disabled).
 *
 * aws-cdk-lib adds one delivery statement per source bucket to that policy; they are
 * rendered as one statement listing the sources, so that a bucket shared by a hundred
 * sources stays within the 20 KB bucket-policy limit, which is checked at synthesis.
 */
export function createAccessLogsBucket(scope: Construct, id: string, options: AccessLogsBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.autoDeleteObjects,
  });
  const noLogging = 'This bucket is the target of S3 server access logs; logging it into itself would log its own log ' +
    'deliveries without end. Its writes come only from the S3 logging service, by its bucket policy.';
  skipCheckovChecks(bucket.node.defaultChild as s3.CfnBucket, noLogging, ['CKV_AWS_18']);
  acknowledgeFindings(bucket, noLogging, [
    'AwsSolutions-S1',
    'HIPAA.Security-S3BucketLoggingEnabled',
    'NIST.800.53.R5-S3BucketLoggingEnabled',
    'PCI.DSS.321-S3BucketLoggingEnabled',
  ]);
  acknowledgeFindings(bucket,
    'S3 delivers server access logs only to buckets whose default encryption is SSE-S3, not SSE-KMS. The logs hold ' +
    'request metadata, not object data; the bucket is private, TLS-only and versioned.', [
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-S3DefaultEncryptionKMS',
    ]);
  acknowledgeNoReplication(bucket);
  mergeLogDeliveries(bucket, options.owner);
  return bucket;
}

/**
 * Renders the bucket's policy with one log-delivery statement per resource and account,
 * and refuses at synthesis a policy that can exceed the size limit once deployed.
 */
function mergeLogDeliveries(bucket: s3.Bucket, owner: string): void {
  const policy = bucket.policy!;
  const cfn = policy.node.defaultChild as s3.CfnBucketPolicy;
  cfn.policyDocument = Lazy.uncachedAny({ produce: (context) => mergeLogDeliveryStatements(context.resolve(policy.document)) });
  bucket.node.addValidation({
    validate: () => {
      const length = worstCaseLength(mergeLogDeliveryStatements(Stack.of(bucket).resolve(policy.document)));
      return length > AwsLimits.S3_BUCKET_POLICY_CHARACTERS
        ? [`${owner}: the policy of access-log bucket '${bucket.node.path}' can reach ${length} characters, over the limit of ` +
          `${AwsLimits.S3_BUCKET_POLICY_CHARACTERS}; let fewer buckets share it (serverAccessLogsBucket)`]
        : [];
    },
  });
}

/** Whether a statement lets S3 deliver server access logs, from the source buckets of its `aws:SourceArn` condition. */
function isLogDelivery(statement: any): boolean {
  const conditions = Object.keys(statement.Condition ?? {});
  return statement.Effect === 'Allow' && statement.Principal?.Service === LOGGING_SERVICE && statement.Action === 's3:PutObject' &&
    Object.keys(statement.Condition?.ArnLike ?? {}).join() === 'aws:SourceArn' && conditions.every((key) => ['ArnLike', 'StringEquals'].includes(key));
}

/**
 * The document with the log-delivery statements that differ only in their source bucket
 * merged into one, whose `aws:SourceArn` lists the sources (any of them matches, as the
 * separate statements did).
 */
function mergeLogDeliveryStatements(document: any): any {
  if (document?.Statement === undefined) {
    return document;
  }
  const groups = new Map<string, { statement: any; sources: unknown[] }>();
  const statements = document.Statement.map((statement: any) => {
    if (!isLogDelivery(statement)) {
      return statement;
    }
    const { ArnLike: arnLike, ...otherConditions } = statement.Condition;
    const key = JSON.stringify({ ...statement, Condition: otherConditions });
    const group = groups.get(key);
    if (group) {
      group.sources.push(...[arnLike['aws:SourceArn']].flat());
      return undefined;
    }
    groups.set(key, { statement, sources: [arnLike['aws:SourceArn']].flat() });
    return key;
  });
  return {
    ...document,
    Statement: statements.filter((statement: unknown) => statement !== undefined).map((statement: any) => {
      const group = typeof statement === 'string' ? groups.get(statement) : undefined;
      if (!group) {
        return statement;
      }
      const sourceArn = group.sources.length === 1 ? group.sources[0] : group.sources;
      return { ...group.statement, Condition: { ...group.statement.Condition, ArnLike: { 'aws:SourceArn': sourceArn } } };
    }),
  };
}

/** Length of the document once deployed, every source bucket's ARN that is a reference counted at its longest. */
function worstCaseLength(document: any): number {
  const references = (document?.Statement ?? []).filter(isLogDelivery)
    .flatMap((statement: any) => [statement.Condition.ArnLike['aws:SourceArn']].flat())
    .filter((arn: unknown) => typeof arn !== 'string');
  return JSON.stringify(document ?? {}).length +
    references.reduce((sum: number, arn: unknown) => sum + Math.max(0, JSON.stringify(LONGEST_BUCKET_ARN).length - JSON.stringify(arn).length), 0);
}
