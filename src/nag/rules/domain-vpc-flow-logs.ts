import { AppResources, ResolvedResource } from '../app-resources';
import { notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { isIntrinsic } from '../values';

/**
 * A domain is compliant when its VPC has a flow log of all traffic (`ResourceType`
 * `VPC`, `TrafficType` `ALL`) anywhere in the app (the network stack of a domain stack
 * included: imports, parameters and nested-stack outputs are followed): for a VPC
 * defined in the app, a flow log whose `ResourceId` refers to it, else found
 * non-compliant; for a VPC given as a literal id, a flow log with that literal
 * `ResourceId`, else not evaluated (its flow logs may be managed elsewhere). A VPC id
 * only known at deploy time, or a VPC flow log whose `ResourceId` or `TrafficType` is,
 * leaves the rule not evaluated.
 */
export function domainVpcFlowLogs(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const vpcId = resource.properties.VpcId;
  const vpc = resources.vpc(vpcId);
  if (!vpc) {
    return resources.unknown('VpcId', vpcId);
  }
  const vpcLogs = resources.ofType('AWS::EC2::FlowLog').map((log) => log.properties).filter((log) => log.ResourceType === 'VPC');
  const logsOfVpc = vpcLogs.filter((log) => vpc.names(log.ResourceId));
  if (logsOfVpc.some((log) => log.TrafficType === 'ALL')) {
    return RuleCompliance.COMPLIANT;
  }
  const unknownTraffic = logsOfVpc.find((log) => isIntrinsic(log.TrafficType));
  if (unknownTraffic) {
    return resources.unknown("the TrafficType of a flow log of the domain's VPC", unknownTraffic.TrafficType);
  }
  const unknownVpc = vpcLogs.find((log) => !resources.vpc(log.ResourceId));
  if (unknownVpc) {
    return resources.unknown("the ResourceId of a VPC flow log (it may be the domain's VPC)", unknownVpc.ResourceId);
  }
  if (!vpc.resource) {
    return notEvaluated(`the domain's VPC ${vpcId} is not defined in the app; its flow logs may be managed elsewhere`);
  }
  return RuleCompliance.NON_COMPLIANT;
}

export const DOMAIN_VPC_FLOW_LOGS: StudioRule = {
  id: 'SageMakerStudio-DomainVpcFlowLogs',
  level: RuleLevel.ERROR,
  info: 'The VPC of the SageMaker domain has no flow log of all traffic.',
  explanation: 'Flow logs are the record of which addresses Studio apps talked to, accepted or rejected; without them an ' +
    'exfiltration attempt or a misrouted connection leaves no trace in the network.',
  fix: "Add an AWS::EC2::FlowLog with ResourceType 'VPC', the domain's VpcId as ResourceId and TrafficType 'ALL', to an encrypted destination with retention.",
  locations: { 'AWS::SageMaker::Domain': 'Properties/VpcId' },
  check: domainVpcFlowLogs,
};
