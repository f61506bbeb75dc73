import { CfnResource } from 'aws-cdk-lib';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource, StackResources } from '../stack-resources';

const AWS_MANAGED_ALIAS = /(^|:)alias\/aws\//;

/**
 * A domain is compliant when `KmsKeyId` names a customer-managed key: a key or alias
 * defined in the stack, or a literal key id, key ARN or alias that is not an AWS-managed
 * alias (`alias/aws/...`). Absent means the AWS-managed key. Any other intrinsic (a
 * parameter, an import) is not-applicable.
 */
export function domainCustomerManagedKey(resource: CfnResource, resources: StackResources): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const key = resolveResource(resource)?.properties.KmsKeyId;
  if (key === undefined || key === '') {
    return RuleCompliance.NON_COMPLIANT;
  }
  if (typeof key === 'string') {
    return AWS_MANAGED_ALIAS.test(key) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  }
  const inStack = resources.referenced(key, 'AWS::KMS::Key', 'Arn') ?? resources.referenced(key, 'AWS::KMS::Key')
    ?? resources.referenced(key, 'AWS::KMS::Alias');
  return inStack ? RuleCompliance.COMPLIANT : RuleCompliance.NOT_APPLICABLE;
}

export const DOMAIN_CUSTOMER_MANAGED_KEY: StudioRule = {
  id: 'SageMakerStudio-DomainCustomerManagedKey',
  level: RuleLevel.ERROR,
  info: 'The SageMaker domain does not encrypt its home EFS and app volumes with a customer-managed KMS key.',
  explanation: 'With the AWS-managed key, the key policy cannot be narrowed, access cannot be revoked by disabling the key, ' +
    'and key use cannot be separated from other SageMaker use in the account.',
  fix: 'Set KmsKeyId to a customer-managed key (with rotation) whose key policy admits SageMaker and EFS of this account.',
  locations: { 'AWS::SageMaker::Domain': 'Properties/KmsKeyId' },
  check: domainCustomerManagedKey,
};
