import { CfnResource, CustomResourceProviderBase, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CHECKOV_PROVIDER_LAMBDA_CHECKS, skipCheckovChecks } from './acknowledge';

/** Construct id of aws-cdk-lib's auto-delete-objects provider, one per stack. */
const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

/**
 * The role of aws-cdk-lib's auto-delete-objects handler in the scope's stack, which
 * empties buckets from outside the VPC. Call it after a bucket with `autoDeleteObjects`
 * exists. Its function's checkov findings are justified once for the stack.
 */
export function autoDeleteRoleArn(scope: IConstruct): string {
  const provider = Stack.of(scope).node.findChild(AUTO_DELETE_PROVIDER_ID) as CustomResourceProviderBase;
  const handler = provider.node.findChild('Handler') as CfnResource;
  if (!handler.getMetadata('checkov')) {
    skipCheckovChecks(handler, 'aws-cdk-lib provider run by CloudFormation only, to empty a bucket that is being deleted: ' +
      'CloudFormation retries and reports failures (no DLQ needed), it needs no reserved concurrency, and it calls only ' +
      'the S3 API, on buckets whose policy exempts its role.', CHECKOV_PROVIDER_LAMBDA_CHECKS);
  }
  return provider.roleArn;
}
