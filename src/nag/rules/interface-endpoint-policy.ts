import { AppResources, ResolvedResource } from '../app-resources';
import { isEndpointOf } from '../endpoints';
import { endpointPolicyCompliance, hasCondition, isAllow, isAnyPrincipal } from '../policy';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, isIntrinsic } from '../values';

/**
 * An interface endpoint of an AWS service is compliant when it has a `PolicyDocument`
 * (an object, a JSON string, or JSON written with `Fn::Sub`/`Fn::Join`) that is not the
 * default one. A document counts as the default (full access) when it has an
 * unconditioned `Allow` of action `*` on resource `*` to principal `*` and no `Deny`
 * statement that could narrow it. Endpoints to a PrivateLink endpoint service
 * (`com.amazonaws.vpce.*`, or any name that is not an AWS service's), which take no
 * policy, and other endpoint types are not-applicable; a service name only known at
 * deploy time is not evaluated.
 */
export function interfaceEndpointPolicy(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::EC2::VPCEndpoint') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const concerned = isEndpointOf('aws-interface', resource, resources);
  if (concerned !== true) {
    return concerned === false ? RuleCompliance.NOT_APPLICABLE : concerned;
  }
  return endpointPolicyCompliance(resource.properties.PolicyDocument, (statements) =>
    statements.some((s) => isAllow(s) && !hasCondition(s) && isAnyPrincipal(s.Principal)
      && includesWildcard(s.Action) && includesWildcard(s.Resource))
    && !statements.some((s) => s.Effect === 'Deny' || isIntrinsic(s)), resources);
}

function includesWildcard(value: unknown): boolean {
  return asList(value).includes('*');
}

export const INTERFACE_ENDPOINT_POLICY: StudioRule = {
  id: 'SageMakerStudio-InterfaceEndpointPolicy',
  level: RuleLevel.ERROR,
  info: 'The interface VPC endpoint has no policy, or one that is equivalent to the default full-access policy.',
  explanation: 'The default endpoint policy lets any principal, of any account, use the endpoint; credentials taken from ' +
    'another account can then be used from inside the VPC, e.g. to move data out through the service.',
  fix: 'Give the endpoint a policy that at least limits principals to this account or organization (aws:PrincipalAccount, aws:PrincipalOrgID).',
  locations: { 'AWS::EC2::VPCEndpoint': 'Properties/PolicyDocument' },
  check: interfaceEndpointPolicy,
};
