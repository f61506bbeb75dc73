import { CfnResource } from 'aws-cdk-lib';
import { combine, RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource, StackResources } from '../stack-resources';
import { isIntrinsic, referencedLogicalId } from '../values';

/**
 * A route is non-compliant when its `VpcEndpointId` picks an entry, by `Fn::Select`, of
 * the `EndpointIds` of a firewall (in the same stack) that has more than one subnet
 * mapping. `EndpointIds` holds one "az:vpce-id" string per AZ in an order CloudFormation
 * does not promise, so any index, 0 included, may name another AZ's endpoint. Selecting
 * from a firewall with one subnet mapping is compliant; other routes are not-applicable.
 */
export function firewallRouteByAz(resource: CfnResource, resources: StackResources): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::EC2::Route') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const target = resolveResource(resource)?.properties.VpcEndpointId;
  return combine(endpointListSelections(target).map((firewallId) => {
    const firewall = resources.get(firewallId);
    const mappings = firewall?.properties.SubnetMappings;
    if (firewall?.type !== 'AWS::NetworkFirewall::Firewall' || !Array.isArray(mappings)) {
      return RuleCompliance.NOT_APPLICABLE;
    }
    return mappings.length > 1 ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  }));
}

/** Logical ids of the firewalls whose `EndpointIds` the value selects from, at any depth. */
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
