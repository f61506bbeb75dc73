import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';

/**
 * A domain is compliant when a Route 53 Resolver DNS Firewall rule group is associated
 * with its VPC anywhere in the app: an `AWS::Route53Resolver::FirewallRuleGroupAssociation`
 * whose `VpcId` names the domain's VPC (a reference to the same VPC of the app, through
 * imports, parameters and nested-stack outputs, or the same literal id). Without one it
 * is non-compliant, unless an association's `VpcId` is only known at deploy time (it may
 * be the domain's VPC): then not evaluated. A domain whose VPC id is only known at
 * deploy time is not evaluated.
 */
export function domainVpcDnsFirewall(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const vpcId = resource.properties.VpcId;
  const vpc = resources.vpc(vpcId);
  if (!vpc) {
    return resources.unknown('VpcId', vpcId);
  }
  const associatedVpcs = resources.ofType('AWS::Route53Resolver::FirewallRuleGroupAssociation').map((association) => association.properties.VpcId);
  if (associatedVpcs.some((associated) => vpc.names(associated))) {
    return RuleCompliance.COMPLIANT;
  }
  const unknown = associatedVpcs.find((associated) => !resources.vpc(associated));
  return unknown === undefined
    ? RuleCompliance.NON_COMPLIANT
    : resources.unknown("the VpcId of a DNS Firewall association (it may be the domain's VPC)", unknown);
}

export const DOMAIN_VPC_DNS_FIREWALL: StudioRule = {
  id: 'SageMakerStudio-DomainVpcDnsFirewall',
  level: RuleLevel.ERROR,
  info: 'The VPC of the SageMaker domain has no Route 53 Resolver DNS Firewall rule group associated.',
  explanation: 'Without a DNS Firewall, code in Studio can exfiltrate data as DNS queries for a domain its owner controls, ' +
    'even in a VPC without an internet route: the VPC resolver forwards the queries, and security groups do not filter resolver traffic.',
  fix: 'Associate a DNS Firewall rule group with the VPC that allows only the names Studio needs and blocks the rest ' +
    '(SecureStudioVpc does this by default), or acknowledge the finding if the estate\'s DNS Firewall is associated outside this app.',
  locations: { 'AWS::SageMaker::Domain': 'Properties/VpcId' },
  check: domainVpcDnsFirewall,
};
