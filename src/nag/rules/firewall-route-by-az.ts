import { AppResources, ResolvedResource } from '../app-resources';
import { combine, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { isIntrinsic, referencedLogicalId } from '../values';

/**
 * A route is non-compliant when its `VpcEndpointId` picks an entry, by `Fn::Select`, of
 * the `EndpointIds` of a firewall (anywhere in the app: imports, parameters and
 * nested-stack outputs are followed) that has more than one subnet mapping.
 * `EndpointIds` holds one "az:vpce-id" string per AZ in an order CloudFormation does not
 * promise, so any index, 0 included, may name another AZ's endpoint. Selecting from a
 * firewall with one subnet mapping is compliant; other routes are not-applicable, but a
 * `VpcEndpointId` only known at deploy time is not evaluated.
 * `SubnetMappings` chosen by a condition are checked for each choice.
 */
export function firewallRouteByAz(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::EC2::Route') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const target = resource.properties.VpcEndpointId;
  const selections = endpointListSelections(target);
  if (selections.length === 0) {
    // An endpoint id from a parameter or an import that no stack of the app exports may be a firewall's.
    const known = target === undefined || typeof target === 'string' || resources.get(referencedLogicalId(target) ?? '') !== undefined;
    return known ? RuleCompliance.NOT_APPLICABLE : resources.unknown('VpcEndpointId (it may select a firewall endpoint)', target);
  }
  return combine(selections.map((firewallId) => {
    const firewall = resources.get(firewallId);
    if (firewall?.type !== 'AWS::NetworkFirewall::Firewall') {
      return resources.unknown('the firewall whose EndpointIds VpcEndpointId selects from', { Ref: firewallId });
    }
    const mappings = firewall.properties.SubnetMappings;
    if (!Array.isArray(mappings)) {
      return resources.unknown(`the SubnetMappings of ${firewall.logicalId} (${firewall.stackPath})`, mappings);
    }
    return mappings.length > 1 ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  }));
}

/** Qualified ids of the firewalls whose `EndpointIds` the value selects from, at any depth. */
function endpointListSelections(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(endpointListSelections);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const select = (value as Record<string, unknown>)['Fn::Select'];
  if (isIntrinsic(value) && Array.isArray(select)) {
    const firewallId = referencedLogicalId(select[1], 'EndpointIds');
    if (firewallId !== undefined) {
      return [firewallId];
    }
  }
  return Object.values(value).flatMap(endpointListSelections);
}

export const FIREWALL_ROUTE_BY_AZ: StudioRule = {
  id: 'SageMakerStudio-FirewallRouteByAz',
  level: RuleLevel.ERROR,
  info: 'The route picks a firewall endpoint by its position in EndpointIds of a firewall that spans several subnets.',
  explanation: 'EndpointIds is an unordered list of "az:vpce-id" strings: the route may send an AZ\'s traffic to the ' +
    'endpoint of another AZ (cross-AZ charges, asymmetric routing that the firewall drops, loss of the AZ when the other fails).',
  fix: 'Use one firewall per AZ with a single subnet mapping and select entry 0 of its EndpointIds, or look the endpoint ' +
    'up by AZ (e.g. a custom resource reading the firewall\'s SyncStates).',
  locations: { 'AWS::EC2::Route': 'Properties/VpcEndpointId' },
  check: firewallRouteByAz,
};
