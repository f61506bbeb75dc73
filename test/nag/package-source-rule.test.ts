import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { check, COMPLIANT, dnsFirewallAssociation, NON_COMPLIANT, NOT_APPLICABLE, packageSourceEndpoint, studioFixture } from './fixtures';
import { SageMakerStudioChecks, SecureStudio, StudioEgress } from '../../src';
import { RuleLevel } from '../../src/nag/rule';
import { DOMAIN_PACKAGE_SOURCE } from '../../src/nag/rules/domain-package-source';

describe('SageMakerStudio-DomainPackageSource', () => {
  test('is a warning', () => {
    expect(DOMAIN_PACKAGE_SOURCE.level).toBe(RuleLevel.WARNING);
  });

  test('an internet-free VPC with a CodeArtifact repositories endpoint is compliant', () => {
    const fixture = studioFixture();
    packageSourceEndpoint(fixture);
    expect(check(DOMAIN_PACKAGE_SOURCE, fixture.domain)).toBe(COMPLIANT);
  });

  test('so is one whose service name is a token of the region, as aws-cdk-lib writes it', () => {
    const fixture = studioFixture();
    packageSourceEndpoint(fixture, fixture.vpc.ref, 'Endpoint', ec2.InterfaceVpcEndpointAwsService.CODEARTIFACT_REPOSITORIES.name);
    expect(check(DOMAIN_PACKAGE_SOURCE, fixture.domain)).toBe(COMPLIANT);
  });

  test('so is one with an endpoint to a PrivateLink endpoint service (a package proxy of the estate)', () => {
    const fixture = studioFixture();
    packageSourceEndpoint(fixture, fixture.vpc.ref, 'Proxy', 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0');
    expect(check(DOMAIN_PACKAGE_SOURCE, fixture.domain)).toBe(COMPLIANT);
  });

  test('an internet-free VPC without a package source is not; nor with only the CodeArtifact API endpoint, or the endpoint in another VPC', () => {
    const bare = studioFixture();
    expect(check(DOMAIN_PACKAGE_SOURCE, bare.domain)).toBe(NON_COMPLIANT);
    const apiOnly = studioFixture();
    packageSourceEndpoint(apiOnly, apiOnly.vpc.ref, 'Api', 'com.amazonaws.eu-west-1.codeartifact.api');
    expect(check(DOMAIN_PACKAGE_SOURCE, apiOnly.domain)).toBe(NON_COMPLIANT);
    const elsewhere = studioFixture();
    const other = new ec2.CfnVPC(elsewhere.stack, 'OtherVpc', { cidrBlock: '10.1.0.0/16' });
    packageSourceEndpoint(elsewhere, other.ref);
    expect(check(DOMAIN_PACKAGE_SOURCE, elsewhere.domain)).toBe(NON_COMPLIANT);
  });

  test('a VPC with an internet gateway, a VPN gateway or a transit gateway attachment is not its concern', () => {
    const withIgw = studioFixture();
    new ec2.CfnVPCGatewayAttachment(withIgw.stack, 'Igw', { vpcId: withIgw.vpc.ref, internetGatewayId: 'igw-0123' });
    expect(check(DOMAIN_PACKAGE_SOURCE, withIgw.domain)).toBe(NOT_APPLICABLE);
    const withTgw = studioFixture();
    new ec2.CfnTransitGatewayAttachment(withTgw.stack, 'Tgw', { vpcId: withTgw.vpc.ref, transitGatewayId: 'tgw-0123', subnetIds: ['subnet-1'] });
    expect(check(DOMAIN_PACKAGE_SOURCE, withTgw.domain)).toBe(NOT_APPLICABLE);
  });

  test('a VPC outside the stack, or an endpoint service name from a parameter, is not guessed', () => {
    const imported = studioFixture();
    imported.domain.vpcId = 'vpc-0123456789abcdef0';
    expect(check(DOMAIN_PACKAGE_SOURCE, imported.domain)).toBe(NOT_APPLICABLE);
    const parameter = studioFixture();
    packageSourceEndpoint(parameter, parameter.vpc.ref, 'Endpoint', new CfnParameter(parameter.stack, 'Service').valueAsString);
    expect(check(DOMAIN_PACKAGE_SOURCE, parameter.domain)).toBe(NOT_APPLICABLE);
  });

  test('reported as a warning that does not fail synthesis, with how to add a source', () => {
    const fixture = studioFixture();
    dnsFirewallAssociation(fixture);
    const report = new SageMakerStudioChecks().validateScope(fixture.stack);
    expect(report.success).toBe(true);
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'SageMakerStudio-DomainPackageSource',
      severity: 'warning',
      fix: expect.stringContaining('StudioPackageMirror'),
    })]);
  });

  test('SecureStudio: compliant by default when internet-free; a warning when the mirror is turned off, until acknowledged', () => {
    const withMirror = new Stack(new App(), 'WithMirror');
    new SecureStudio(withMirror, 'Studio', { team: 'fraud' });
    expect(new SageMakerStudioChecks().validateScope(withMirror).violations).toEqual([]);

    const without = new Stack(new App(), 'Without');
    const studio = new SecureStudio(without, 'Studio', { team: 'fraud', packageMirror: false });
    const rules = () => new SageMakerStudioChecks().validateScope(without).violations.map((v) => v.ruleName);
    expect(rules()).toEqual(['SageMakerStudio-DomainPackageSource']);
    Validations.of(studio.domain).acknowledge({ id: 'SageMakerStudio-DomainPackageSource', reason: 'The team image brings every package.' });
    expect(rules()).toEqual([]);
  });

  test('SecureStudio with firewall egress: no mirror by default, and not this rule\'s concern', () => {
    const stack = new Stack(new App(), 'Firewall', { env: { region: 'eu-west-1' } });
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', egress: StudioEgress.FIREWALL_READY, allowedDomains: ['pypi.org'] });
    expect(studio.packageMirror).toBeUndefined();
    expect(new SageMakerStudioChecks().validateScope(stack).violations.map((v) => v.ruleName)).not.toContain('SageMakerStudio-DomainPackageSource');
  });
});
