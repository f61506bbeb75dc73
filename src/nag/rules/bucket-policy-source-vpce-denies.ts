import { AppResources, ResolvedResource } from '../app-resources';
import { conditionKeys, statementsOf } from '../policy';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { isIntrinsic } from '../values';

const SOURCE_VPCE = 'aws:sourcevpce';

/**
 * A bucket policy is non-compliant when a statement that tests `aws:SourceVpce` (any
 * operator, key compared without case) is an `Allow`; compliant when every such
 * statement is a `Deny`; not-applicable when no statement tests it. The document may be
 * an object, a JSON string, or JSON written with `Fn::Sub`/`Fn::Join`.
 */
export function bucketPolicySourceVpceDenies(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::S3::BucketPolicy') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const document = resource.properties.PolicyDocument;
  const statements = statementsOf(document);
  if (statements === undefined) {
    return resources.unknown('PolicyDocument', document);
  }
  const mentioning = statements.filter((s) => conditionKeys(s).some(({ key }) => key === SOURCE_VPCE));
  if (mentioning.length === 0) {
    return statements.some((s) => isIntrinsic(s) || isIntrinsic(s.Condition))
      ? resources.unknown('a statement of PolicyDocument', statements.map((s) => isIntrinsic(s) ? s : s.Condition).find(isIntrinsic))
      : RuleCompliance.NOT_APPLICABLE;
  }
  if (mentioning.some((s) => s.Effect === 'Allow')) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const unknownEffect = mentioning.find((s) => isIntrinsic(s.Effect));
  return unknownEffect ? resources.unknown('the Effect of a statement that tests aws:SourceVpce', unknownEffect.Effect) : RuleCompliance.COMPLIANT;
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
