import { CfnResource } from 'aws-cdk-lib';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource } from '../stack-resources';
import { asList, field, isIntrinsic, UNRESOLVED } from '../values';

/**
 * A Network Firewall policy is compliant when its stateful engine uses `STRICT_ORDER`
 * and its `StatefulDefaultActions` include a drop (`aws:drop_strict` or
 * `aws:drop_established`). Without `StatefulEngineOptions.RuleOrder` the engine uses
 * `DEFAULT_ACTION_ORDER`, where pass rules win over drops and there is no default action.
 */
export function firewallPolicyStrictDrop(resource: CfnResource): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::NetworkFirewall::FirewallPolicy') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const policy = resolveResource(resource)?.properties.FirewallPolicy;
  const order = field(policy, 'StatefulEngineOptions', 'RuleOrder');
  const defaults = field(policy, 'StatefulDefaultActions');
  if ([order, defaults].some((value) => value === UNRESOLVED || isIntrinsic(value))) {
    return RuleCompliance.NOT_APPLICABLE;
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
