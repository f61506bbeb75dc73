import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** A key for the data of AWS services, usable only through them, by this account. */
export interface ServiceScopedKeyOptions {
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** Sid of the key-policy statement. */
  readonly sid: string;
  /** Service names (`sagemaker`, `elasticfilesystem`, ...) whose regional endpoint may use the key. */
  readonly services: string[];
}

/**
 * `EncryptionKey`: a customer-managed key with rotation whose key policy lets this account's
 * principals use it only through the given services of this region (`kms:ViaService`,
 * `kms:CallerAccount`). Callers need an IAM allow as well.
 */
export function createServiceScopedKey(scope: Construct, options: ServiceScopedKeyOptions): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'EncryptionKey', {
    description: options.description,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  const viaService = options.services.map((service) => `${service}.${stack.region}.amazonaws.com`);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: options.sid,
    // The account (not '*'): callers need an IAM allow as well, and only through these services.
    principals: [new iam.AccountRootPrincipal()],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'kms:CallerAccount': stack.account,
        'kms:ViaService': viaService.length === 1 ? viaService[0] : viaService,
      },
    },
  }));
  return key;
}
