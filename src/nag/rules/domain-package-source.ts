import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { flatten } from '../values';

/** Interface endpoint services that are a package source: CodeArtifact repositories, or any PrivateLink endpoint service (a proxy such as Artifactory). */
const PACKAGE_SOURCE = /(\.codeartifact\.repositories$|^com\.amazonaws\.vpce\.)/;
/** References whose value does not change what a service name is (aws-cdk-lib writes the region as one). */
const PSEUDO_PARAMETERS = /\$\{AWS::(Region|URLSuffix|Partition)\}/g;

/**
 * A domain is not-applicable unless its VPC is defined in the app, and
 * the VPC is internet-free there: no internet or virtual private gateway is attached to it
 * and no transit gateway attachment names it (any of them may route to the internet). An
 * internet-free domain is compliant when an interface endpoint of its VPC serves packages:
 * `*.codeartifact.repositories`, or an endpoint service of a PrivateLink provider
 * (`com.amazonaws.vpce.*`, e.g. a package proxy of the estate); else non-compliant. An
 * endpoint whose service name is only known at deploy time (beyond the region) makes it not-applicable.
 */
export function domainPackageSource(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const vpc = resources.vpc(resource.properties.VpcId);
  if (!vpc?.resource) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const mayReachInternet = [
    ...resources.ofType('AWS::EC2::VPCGatewayAttachment'),
    ...resources.ofType('AWS::EC2::TransitGatewayAttachment'),
    ...resources.ofType('AWS::EC2::TransitGatewayVpcAttachment'),
  ].some((attachment) => vpc.names(attachment.properties.VpcId));
  if (mayReachInternet) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const services = resources.ofType('AWS::EC2::VPCEndpoint')
    .filter((endpoint) => vpc.names(endpoint.properties.VpcId) && endpoint.properties.VpcEndpointType === 'Interface')
    .map((endpoint) => flatten(endpoint.properties.ServiceName));
  if (services.some((service) => service !== undefined && PACKAGE_SOURCE.test(service))) {
    return RuleCompliance.COMPLIANT;
  }
  const unknown = (service: string | undefined) => service === undefined || service.replace(PSEUDO_PARAMETERS, '').includes('${');
  return services.some(unknown) ? RuleCompliance.NOT_APPLICABLE : RuleCompliance.NON_COMPLIANT;
}

export const DOMAIN_PACKAGE_SOURCE: StudioRule = {
  id: 'SageMakerStudio-DomainPackageSource',
  level: RuleLevel.WARNING,
  info: 'The SageMaker domain runs in a VPC without internet access and without a package source: pip install fails in its apps and jobs.',
  explanation: 'Without a package source, data scientists cannot install packages, and the usual workaround is to open ' +
    'egress to the internet, which undoes the isolation; a private mirror keeps the VPC closed and puts package intake under control.',
  fix: 'Give the VPC a package mirror: a StudioPackageMirror (AWS CodeArtifact with an upstream to PyPI, its codeartifact.api and ' +
    'codeartifact.repositories endpoints, and the pip login on the domain; SecureStudio creates one by default when internet-free), ' +
    'or an interface endpoint to the estate\'s package proxy. Acknowledge the finding if images bring every package the users need.',
  locations: { 'AWS::SageMaker::Domain': 'Properties/VpcId' },
  check: domainPackageSource,
};
