import { CfnResource } from 'aws-cdk-lib';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource, StackResources } from '../stack-resources';
import { isIntrinsic } from '../values';

/**
 * A domain is compliant when its VPC has a flow log of all traffic (`ResourceType`
 * `VPC`, `TrafficType` `ALL`) in the same stack: for a VPC defined in the stack, a flow
 * log whose `ResourceId` refers to it, else found non-compliant; for a VPC given as a
 * literal id, a flow log with that literal `ResourceId`, else not-applicable (its flow
 * logs may be managed elsewhere). A VPC id from a parameter or import is not-applicable.
 */
export function domainVpcFlowLogs(resource: CfnResource, resources: StackResources): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const vpc = resources.vpc(resolveResource(resource)?.properties.VpcId);
  if (!vpc) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const logsOfVpc = resources.ofType('AWS::EC2::FlowLog').map((log) => log.properties)
    .filter((log) => log.ResourceType === 'VPC' && vpc.names(log.ResourceId));
  if (logsOfVpc.some((log) => log.TrafficType === 'ALL')) {
    return RuleCompliance.COMPLIANT;
  }
  if (logsOfVpc.some((log) => isIntrinsic(log.TrafficType)) || !vpc.resource) {
    return RuleCompliance.NOT_APPLICABLE;
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
