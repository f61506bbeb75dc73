import { CfnResource } from 'aws-cdk-lib';
import { RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource, StackResources } from '../stack-resources';

/**
 * A domain is compliant when a Route 53 Resolver DNS Firewall rule group is associated
 * with its VPC in the same stack: an `AWS::Route53Resolver::FirewallRuleGroupAssociation`
 * whose `VpcId` names the domain's VPC (a `Ref` to the same VPC of the stack, or the same
 * literal id). Without one it is non-compliant, unless an association's `VpcId` is only
 * known at deploy time (it may be the domain's VPC): then not-applicable. A domain whose
 * VPC id comes from a parameter or an import is not-applicable.
 */
export function domainVpcDnsFirewall(resource: CfnResource, resources: StackResources): RuleCompliance {
  if (resource.cfnResourceType !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const vpc = resources.vpc(resolveResource(resource)?.properties.VpcId);
  if (!vpc) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const associatedVpcs = resources.ofType('AWS::Route53Resolver::FirewallRuleGroupAssociation').map((association) => association.properties.VpcId);
  if (associatedVpcs.some((vpcId) => vpc.names(vpcId))) {
    return RuleCompliance.COMPLIANT;
  }
  return associatedVpcs.some((vpcId) => !resources.vpc(vpcId)) ? RuleCompliance.NOT_APPLICABLE : RuleCompliance.NON_COMPLIANT;
}

export const DOMAIN_VPC_DNS_FIREWALL: StudioRule = {
  id: 'SageMakerStudio-DomainVpcDnsFirewall',
  level: RuleLevel.ERROR,
  info: 'The VPC of the SageMaker domain has no Route 53 Resolver DNS Firewall rule group associated.',
  explanation: 'Without a DNS Firewall, code in Studio can exfiltrate data as DNS queries for a domain its owner controls, ' +
    'even in a VPC without an internet route: the VPC resolver forwards the queries, and security groups do not filter resolver traffic.',
  fix: 'Associate a DNS Firewall rule group with the VPC that allows only the names Studio needs and blocks the rest ' +
    '(SecureStudioVpc does this by default), or acknowledge the finding if the estate\'s DNS Firewall is associated outside this stack.',
  locations: { 'AWS::SageMaker::Domain': 'Properties/VpcId' },
  check: domainVpcDnsFirewall,
};
