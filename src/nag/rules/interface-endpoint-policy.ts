import { CfnResource } from 'aws-cdk-lib';
import { endpointPolicyCompliance, hasCondition, isAllow, isAnyPrincipal } from '../policy';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource } from '../stack-resources';
import { asList, isIntrinsic } from '../values';

/**
 * An interface endpoint is compliant when it has a `PolicyDocument` that is not the
 * default one. A document counts as the default (full access) when it has an
 * unconditioned `Allow` of action `*` on resource `*` to principal `*` and no `Deny`
 * statement that could narrow it. Other endpoint types are not-applicable.
 */
export function interfaceEndpointPolicy(resource: CfnResource): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::EC2::VPCEndpoint') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const properties = resolveResource(resource)?.properties ?? {};
  if (properties.VpcEndpointType !== 'Interface') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return endpointPolicyCompliance(properties.PolicyDocument, (statements) =>
    statements.some((s) => isAllow(s) && !hasCondition(s) && isAnyPrincipal(s.Principal)
      && includesWildcard(s.Action) && includesWildcard(s.Resource))
    && !statements.some((s) => s.Effect === 'Deny' || isIntrinsic(s)));
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
