import { AppResources, ResolvedResource } from '../app-resources';
import { isEndpointOf } from '../endpoints';
import { endpointPolicyCompliance, hasCondition, isAllow } from '../policy';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, flatten } from '../values';

const FULL_ACTIONS = ['*', 's3:*'];
/** `*` or every S3 resource, `arn:<partition>:s3:::*`. */
const ALL_S3_RESOURCES = /^(\*|arn:(\$\{AWS::Partition\}|[^:]+):s3:::\*)$/;

/**
 * An S3 gateway endpoint (type `Gateway`, the default, with a service name ending in
 * `.s3`) is non-compliant when it has no `PolicyDocument` (S3's default is full
 * access), or a statement that allows `*` or `s3:*` on `*` (or `arn:<partition>:s3:::*`)
 * without a condition, or an `Allow` with `NotAction` or `NotResource` without a
 * condition. Principals do not matter: the endpoint decides which buckets the VPC can
 * reach. The document may be an object, a JSON string, or JSON written with `Fn::Sub`/`Fn::Join`.
 */
export function s3GatewayEndpointPolicy(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::EC2::VPCEndpoint') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const concerned = isEndpointOf('s3-gateway', resource, resources);
  if (concerned !== true) {
    return concerned === false ? RuleCompliance.NOT_APPLICABLE : concerned;
  }
  return endpointPolicyCompliance(resource.properties.PolicyDocument, (statements) => statements.some((s) => isAllow(s) && !hasCondition(s) && (
    s.NotAction !== undefined || s.NotResource !== undefined
    || (asList(s.Action).some((a) => typeof a === 'string' && FULL_ACTIONS.includes(a.toLowerCase()))
      && asList(s.Resource).some((r) => ALL_S3_RESOURCES.test(flatten(r) ?? ''))))), resources);
}

export const S3_GATEWAY_ENDPOINT_POLICY: StudioRule = {
  id: 'SageMakerStudio-S3GatewayEndpointPolicy',
  level: RuleLevel.ERROR,
  info: 'The S3 gateway endpoint policy allows full access (s3:* or * on every bucket, without a condition).',
  explanation: 'Through a full-access S3 endpoint, code in the VPC can write to any bucket in the world, including an ' +
    "attacker's, which makes it the easiest path to move data out of an internet-free network.",
  fix: "List the buckets the environment may use (and the AWS-owned ones Studio needs, e.g. the region's ECR layer bucket) in the endpoint policy.",
  locations: { 'AWS::EC2::VPCEndpoint': 'Properties/PolicyDocument' },
  check: s3GatewayEndpointPolicy,
};
