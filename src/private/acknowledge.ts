import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings (by rule id, as cdk-nag v3 reads them from the
 * construct's metadata) on the one construct they concern, with the reason a security
 * reviewer reads. cdk-nag is not a runtime dependency: the ids are plain strings.
 *
 * Finding ids such as `AwsSolutions-IAM5[Resource::*]` contain '::', which
 * `Validations.acknowledge` rejects before aws-cdk-lib 2.270; for those the same
 * acknowledgement record is written to the metadata key that cdk-nag reads
 * (docs/decisions/001-aws-cdk-lib-floor.md).
 */
export function acknowledgeFindings(scope: IConstruct, reason: string, ruleIds: string[]): void {
  for (const id of ruleIds) {
    if (id.includes('::')) {
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`annotation::${id}`]: reason });
    } else {
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
}

/**
 * Records, in the resource's CloudFormation metadata, checkov checks that do not apply
 * to it and why (checkov reads `Metadata.checkov.skip` of CloudFormation resources).
 */
export function skipCheckovChecks(resource: CfnResource, reason: string, checkIds: string[]): void {
  const existing: { id: string; comment: string }[] = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, ...checkIds.map((id) => ({ id, comment: reason }))] });
}

/** checkov's Lambda checks that a deploy-time custom-resource provider cannot meet. */
export const CHECKOV_PROVIDER_LAMBDA_CHECKS = ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'];

/**
 * The HIPAA, NIST 800-53 R5 and PCI DSS Lambda rules (concurrency, DLQ, in-VPC) that a
 * deploy-time custom-resource handler, invoked only by CloudFormation, does not meet.
 */
export const PROVIDER_LAMBDA_RULES = [
  'HIPAA.Security-LambdaConcurrency',
  'HIPAA.Security-LambdaDLQ',
  'HIPAA.Security-LambdaInsideVPC',
  'NIST.800.53.R5-LambdaConcurrency',
  'NIST.800.53.R5-LambdaDLQ',
  'NIST.800.53.R5-LambdaInsideVPC',
  'PCI.DSS.321-LambdaInsideVPC',
];
