import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';

/**
 * A domain is compliant when `AppNetworkAccessType` is `VpcOnly`. Absent means
 * `PublicInternetOnly`, SageMaker's default: Studio then reaches the internet through a
 * SageMaker-managed network, around the VPC's routes, endpoints and firewall.
 */
export function domainVpcOnly(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const access = resource.properties.AppNetworkAccessType;
  if (access === undefined) {
    return RuleCompliance.NON_COMPLIANT;
  }
  if (typeof access !== 'string') {
    return resources.unknown('AppNetworkAccessType', access);
  }
  return access === 'VpcOnly' ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
}

export const DOMAIN_VPC_ONLY: StudioRule = {
  id: 'SageMakerStudio-DomainVpcOnly',
  level: RuleLevel.ERROR,
  info: 'The SageMaker domain does not use the VpcOnly network access type.',
  explanation: 'With PublicInternetOnly (the default) Studio apps reach the internet through a SageMaker-managed network, ' +
    "bypassing the VPC's routes, endpoints, security groups and firewall.",
  fix: "Set AppNetworkAccessType to 'VpcOnly' and give the domain private subnets with VPC endpoints (or a controlled egress path).",
  locations: { 'AWS::SageMaker::Domain': 'Properties/AppNetworkAccessType' },
  check: domainVpcOnly,
};
