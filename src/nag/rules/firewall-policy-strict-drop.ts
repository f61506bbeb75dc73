import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, field, intrinsicOnPath, isIntrinsic, UNRESOLVED } from '../values';

/**
 * A Network Firewall policy is compliant when its stateful engine uses `STRICT_ORDER`
 * and its `StatefulDefaultActions` include a drop (`aws:drop_strict` or
 * `aws:drop_established`). Without `StatefulEngineOptions.RuleOrder` the engine uses
 * `DEFAULT_ACTION_ORDER`, where pass rules win over drops and there is no default action.
 */
export function firewallPolicyStrictDrop(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::NetworkFirewall::FirewallPolicy') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const policy = resource.properties.FirewallPolicy;
  const paths = [['StatefulEngineOptions', 'RuleOrder'], ['StatefulDefaultActions']];
  const [order, defaults] = paths.map((path) => field(policy, ...path));
  const unknown = paths.find((path) => {
    const value = field(policy, ...path);
    return value === UNRESOLVED || isIntrinsic(value);
  });
  if (unknown) {
    return resources.unknown(['FirewallPolicy', ...unknown].join('.'), intrinsicOnPath(resource.properties, 'FirewallPolicy', ...unknown));
  }
  const drops = asList(defaults).some((action) => action === 'aws:drop_strict' || action === 'aws:drop_established');
  return order === 'STRICT_ORDER' && drops ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
}

export const FIREWALL_POLICY_STRICT_DROP: StudioRule = {
  id: 'SageMakerStudio-FirewallPolicyStrictDrop',
  level: RuleLevel.ERROR,
  info: 'The Network Firewall policy does not use strict rule order with a drop default action.',
  explanation: 'An allow-list only restricts egress if traffic that matches no rule is dropped; in the default action ' +
    'order there is no stateful default action, so unmatched traffic passes.',
  fix: "Set StatefulEngineOptions.RuleOrder to 'STRICT_ORDER' and StatefulDefaultActions to include 'aws:drop_established' " +
    "(or 'aws:drop_strict'), with an alert action to log what is dropped.",
  locations: { 'AWS::NetworkFirewall::FirewallPolicy': 'Properties/FirewallPolicy' },
  check: firewallPolicyStrictDrop,
};
