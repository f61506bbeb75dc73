import { CfnResource, Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeFindings, CHECKOV_PROVIDER_LAMBDA_CHECKS, PROVIDER_LAMBDA_RULES, skipCheckovChecks } from './acknowledge';

/** Construct id of aws-cdk-lib's AwsCustomResource singleton provider function. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * The id of the AWS-managed S3 prefix list of the stack's region, looked up at deploy
 * time (CloudFormation cannot reference AWS-managed prefix lists; see
 * docs/decisions/002-s3-prefix-list-lookup.md).
 */
export function lookupS3PrefixListId(scope: Construct): string {
  const field = 'PrefixLists.0.PrefixListId';
  const lookup = new cr.AwsCustomResource(scope, 'S3PrefixListLookup', {
    onUpdate: {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: {
        Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${Stack.of(scope).region}.s3`] }],
      },
      physicalResourceId: cr.PhysicalResourceId.fromResponse(field),
      outputPaths: [field],
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  acknowledgeLookupFindings(lookup);
  return lookup.getResponseField(field);
}

/**
 * The deploy-time S3 prefix-list lookup runs in aws-cdk-lib's AwsCustomResource Lambda
 * (one per stack): acknowledge what that provider's design implies, on its constructs.
 */
function acknowledgeLookupFindings(lookup: cr.AwsCustomResource): void {
  acknowledgeFindings(lookup.node.findChild('CustomResourcePolicy'),
    'ec2:DescribeManagedPrefixLists supports no resource-level permissions, so the resource must be *; the ' +
    'policy allows that read-only action alone and is created and attached by aws-cdk-lib\'s AwsCustomResource.', [
      'AwsSolutions-IAM5[Resource::*]',
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  const provider = Stack.of(lookup).node.findChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  acknowledgeFindings(provider.node.findChild('ServiceRole'),
    'AWSLambdaBasicExecutionRole lets the aws-cdk-lib AwsCustomResource provider write only its own logs.', [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ]);
  const reason = 'Deploy-time lookup run by CloudFormation only (no event source, no data): its runtime is chosen by ' +
    'aws-cdk-lib, CloudFormation retries and reports failures (no DLQ needed), it needs no reserved concurrency, and ' +
    'it must run outside the VPC because it runs before the VPC endpoints it would need exist. Avoid it by passing s3PrefixList.';
  skipCheckovChecks(provider.node.defaultChild as CfnResource, reason, CHECKOV_PROVIDER_LAMBDA_CHECKS);
  acknowledgeFindings(provider, reason, ['AwsSolutions-L1', ...PROVIDER_LAMBDA_RULES]);
}
