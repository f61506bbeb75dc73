import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** How to create a KMS-encrypted log group. */
export interface EncryptedLogGroupOptions {
  /** What the logs are, for the key description. */
  readonly purpose: string;
  /** The key to use; a new key with rotation when undefined. */
  readonly encryptionKey?: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A log group encrypted with a customer-managed key (`<prefix>Key`, created with rotation
 * unless given) whose key policy lets CloudWatch Logs of this region use it for log
 * groups of this account only. The group is `<prefix>Group`.
 */
export function createEncryptedLogGroup(scope: Construct, prefix: string, options: EncryptedLogGroupOptions): logs.LogGroup {
  const key = options.encryptionKey ?? new kms.Key(scope, `${prefix}Key`, {
    description: `Encrypts the ${options.purpose} of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  allowCloudWatchLogs(scope, key);
  return new logs.LogGroup(scope, `${prefix}Group`, {
    encryptionKey: key,
    retention: options.retention,
    removalPolicy: options.removalPolicy,
  });
}

/** Lets CloudWatch Logs of this region use the key for log groups of this account. */
function allowCloudWatchLogs(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
      },
    },
  }));
}
