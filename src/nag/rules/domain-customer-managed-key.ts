import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { flatten } from '../values';

const AWS_MANAGED_ALIAS = /(^|:)alias\/aws\//;

/**
 * A domain is compliant when `KmsKeyId` names a customer-managed key: a key or alias
 * defined in the app (in any stack, through imports and parameters), or a literal key
 * id, key ARN or alias that is not an AWS-managed alias (`alias/aws/...`). Absent means
 * the AWS-managed key. A value built around an AWS-managed alias is non-compliant; any
 * other value only known at deploy time is not evaluated.
 */
export function domainCustomerManagedKey(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const key = resource.properties.KmsKeyId;
  if (key === undefined || key === '') {
    return RuleCompliance.NON_COMPLIANT;
  }
  if (typeof key === 'string') {
    return AWS_MANAGED_ALIAS.test(key) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  }
  const inApp = resources.referenced(key, 'AWS::KMS::Key', 'Arn') ?? resources.referenced(key, 'AWS::KMS::Key', 'KeyId')
    ?? resources.referenced(key, 'AWS::KMS::Key') ?? resources.referenced(key, 'AWS::KMS::Alias');
  if (inApp) {
    return RuleCompliance.COMPLIANT;
  }
  return AWS_MANAGED_ALIAS.test(flatten(key) ?? '') ? RuleCompliance.NON_COMPLIANT : resources.unknown('KmsKeyId', key);
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
