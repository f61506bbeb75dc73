import { CfnResource } from 'aws-cdk-lib';
import { conditionKeys, statementsOf } from '../policy';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource } from '../stack-resources';
import { isIntrinsic } from '../values';

const SOURCE_VPCE = 'aws:sourcevpce';

/**
 * A bucket policy is non-compliant when a statement that tests `aws:SourceVpce` (any
 * operator, key compared without case) is an `Allow`; compliant when every such
 * statement is a `Deny`; not-applicable when no statement tests it.
 */
export function bucketPolicySourceVpceDenies(resource: CfnResource): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::S3::BucketPolicy') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const statements = statementsOf(resolveResource(resource)?.properties.PolicyDocument);
  if (statements === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const mentioning = statements.filter((s) => conditionKeys(s).some(({ key }) => key === SOURCE_VPCE));
  if (mentioning.length === 0) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  if (mentioning.some((s) => s.Effect === 'Allow')) {
    return RuleCompliance.NON_COMPLIANT;
  }
  return mentioning.some((s) => isIntrinsic(s.Effect)) ? RuleCompliance.NOT_APPLICABLE : RuleCompliance.COMPLIANT;
}

export const BUCKET_POLICY_SOURCE_VPCE_DENIES: StudioRule = {
  id: 'SageMakerStudio-BucketPolicySourceVpceDenies',
  level: RuleLevel.ERROR,
  info: 'The bucket policy uses aws:SourceVpce in an Allow statement.',
  explanation: 'An Allow conditioned on the endpoint adds access through the endpoint but takes none away: identity ' +
    'policies still allow the same requests from anywhere. Only a Deny (with StringNotEquals) keeps data off other paths.',
  fix: 'Write the endpoint restriction as a Deny of the data actions with StringNotEquals aws:SourceVpce, exempting only ' +
    'the principals that must manage the bucket from outside.',
  locations: { 'AWS::S3::BucketPolicy': 'Properties/PolicyDocument' },
  check: bucketPolicySourceVpceDenies,
};
