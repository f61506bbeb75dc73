import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * A customer-managed key, with rotation, for the objects of one bucket. Its key policy
 * delegates management to the IAM policies of the account (its admins), and lets the
 * account's principals use it only through Amazon S3 of the stack's region
 * (`kms:ViaService`): nobody can decrypt an object's data key outside S3.
 */
export function createS3DataKey(scope: Construct, id: string, removalPolicy: RemovalPolicy): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, id, {
    description: `Encrypts the objects of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy,
    // An empty document: no default statement that allows kms:* to the account.
    policy: new iam.PolicyDocument(),
  });
  key.grantAdmin(new iam.AccountRootPrincipal());
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowUseThroughS3ByThisAccount',
    principals: [new iam.AccountRootPrincipal()],
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'kms:ViaService': `s3.${stack.region}.amazonaws.com`,
        'kms:CallerAccount': stack.account,
      },
    },
  }));
  return key;
}
