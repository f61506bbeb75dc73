import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings, skipCheckovChecks } from './acknowledge';
import { acknowledgeNoReplication } from './s3-findings';

/** How to create the bucket that receives S3 server access logs. */
export interface AccessLogsBucketOptions {
  readonly removalPolicy: RemovalPolicy;
  readonly autoDeleteObjects: boolean;
}

/**
 * A private, TLS-only, versioned bucket for S3 server access logs. It is encrypted with
 * SSE-S3 because S3 does not deliver server access logs to a bucket whose default
 * encryption is SSE-KMS; delivery is allowed by its bucket policy (ACLs are disabled).
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
  return bucket;
}
