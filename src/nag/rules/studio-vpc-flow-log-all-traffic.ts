import { AppResources, ResolvedResource } from '../app-resources';
import { notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { studioVpcIds } from '../studio';

/**
 * A VPC flow log (`ResourceType` `VPC`) of a Studio VPC (the `VpcId` of a domain of the
 * app, followed across stacks, or the same literal id) is non-compliant when it records
 * only rejected or only accepted traffic (`TrafficType` `REJECT` or `ACCEPT`) and no
 * other flow log of the app records all traffic of that VPC. Flow logs of other VPCs,
 * subnets or interfaces are not-applicable; one whose VPC (or a domain's) is only known
 * at deploy time, and that does not record all traffic, is not evaluated.
 */
export function studioVpcFlowLogAllTraffic(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::EC2::FlowLog') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const { ResourceType: type, ResourceId: id, TrafficType: traffic } = resource.properties;
  if (typeof type !== 'string' || typeof traffic !== 'string') {
    return typeof type !== 'string' ? resources.unknown('ResourceType', type) : resources.unknown('TrafficType', traffic);
  }
  if (type !== 'VPC') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const studio = isStudioVpc(id, resources);
  if (studio === false) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  if (traffic === 'ALL') {
    return RuleCompliance.COMPLIANT;
  }
  if (studio !== true) {
    return studio;
  }
  const vpc = resources.vpc(id)!;
  const recordsAll = resources.ofType('AWS::EC2::FlowLog').some((log) =>
    log.properties.ResourceType === 'VPC' && log.properties.TrafficType === 'ALL' && vpc.names(log.properties.ResourceId));
  return recordsAll ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
}

/** Whether a flow log's `ResourceId` names the VPC of a domain of the app; not evaluated when it or a domain's VPC is only known at deploy time. */
function isStudioVpc(resourceId: unknown, resources: AppResources): boolean | Verdict {
  const domainVpcs = studioVpcIds(resources);
  if (domainVpcs.length === 0) {
    return false;
  }
  const vpc = resources.vpc(resourceId);
  if (!vpc) {
    return resources.unknown('ResourceId (it may be a Studio VPC)', resourceId);
  }
  if (domainVpcs.some((domainVpc) => vpc.names(domainVpc))) {
    return true;
  }
  const unknown = domainVpcs.find((domainVpc) => !resources.vpc(domainVpc));
  return unknown === undefined ? false : notEvaluated(`whether it is a Studio VPC depends on a domain's VpcId, ${resources.describe(unknown)}`);
}

export const STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC: StudioRule = {
  id: 'SageMakerStudio-StudioVpcFlowLogAllTraffic',
  level: RuleLevel.ERROR,
  info: 'The flow log of a Studio VPC records only rejected (or only accepted) traffic, and no other flow log records all of it.',
  explanation: 'Data leaves through connections that are accepted: a REJECT-only flow log shows blocked attempts but not the ' +
    'transfer that worked, so an investigation cannot tell where data went.',
  fix: "Set TrafficType to 'ALL' (or add a flow log of all traffic for the VPC), to an encrypted destination with retention.",
  locations: { 'AWS::EC2::FlowLog': 'Properties/TrafficType' },
  check: studioVpcFlowLogAllTraffic,
};
