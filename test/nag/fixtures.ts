import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { AppView } from '../../src/nag/app-resources';
import { AppTemplates } from '../../src/nag/app-templates';
import { Evaluation, evaluateRule } from '../../src/nag/evaluation';
import { complianceOf, reasonsOf, RuleCompliance, StudioRule } from '../../src/nag/rule';

/** A rule's evaluation of a resource, with the resource's whole app as the view (every choice of its conditions). */
export function evaluation(rule: StudioRule, resource: CfnResource): Evaluation {
  return evaluateRule(rule, resource, new AppView(AppTemplates.of(resource)));
}

/** What a rule concludes about a resource, with the resource's whole app as the view. */
export function check(rule: StudioRule, resource: CfnResource): RuleCompliance {
  return complianceOf(evaluation(rule, resource).verdict);
}

/** Why a rule could not evaluate a resource (none when it could). */
export function reasons(rule: StudioRule, resource: CfnResource): readonly string[] {
  return reasonsOf(evaluation(rule, resource).verdict);
}

export const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED } = RuleCompliance;

const SAGEMAKER_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const IDLE_SHUTDOWN = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: 60 } } };

/** The raw L1 resources of a Studio environment that meets every rule of the pack except DomainVpcDnsFirewall (add `dnsFirewallAssociation`). */
export interface StudioFixture {
  readonly stack: Stack;
  readonly vpc: ec2.CfnVPC;
  readonly flowLog: ec2.CfnFlowLog;
  readonly key: kms.CfnKey;
  readonly role: iam.CfnRole;
  readonly appGroup: ec2.CfnSecurityGroup;
  readonly domain: sagemaker.CfnDomain;
}

/**
 * A compliant environment built from L1 resources only: a VPC with a flow log of all
 * traffic, a customer-managed key, a role without managed policies, an app security group
 * with HTTPS egress inside the VPC, and a VpcOnly domain with idle shutdown, no Docker
 * and no notebook sharing. Tests change one property to make it non-compliant.
 */
export function studioFixture(stack: Stack = new Stack(new App(), 'Test')): StudioFixture {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const subnet = new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' });
  const flowLog = new ec2.CfnFlowLog(stack, 'FlowLog', {
    resourceId: vpc.ref,
    resourceType: 'VPC',
    trafficType: 'ALL',
    logDestinationType: 's3',
    logDestination: 'arn:aws:s3:::flow-logs',
  });
  const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
  const role = new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: SAGEMAKER_TRUST });
  const appGroup = securityGroup(stack, 'AppGroup', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }]);
  const domain = new sagemaker.CfnDomain(stack, 'Domain', {
    domainName: 'studio',
    authMode: 'IAM',
    vpcId: vpc.ref,
    subnetIds: [subnet.ref],
    appNetworkAccessType: 'VpcOnly',
    kmsKeyId: key.attrArn,
    domainSettings: { dockerSettings: { enableDockerAccess: 'DISABLED' }, securityGroupIds: [appGroup.attrGroupId] },
    defaultUserSettings: {
      executionRole: role.attrArn,
      securityGroups: [appGroup.attrGroupId],
      jupyterLabAppSettings: IDLE_SHUTDOWN,
      codeEditorAppSettings: IDLE_SHUTDOWN,
      sharingSettings: { notebookOutputOption: 'Disabled' },
    },
  });
  return { stack, vpc, flowLog, key, role, appGroup, domain };
}

/** A security group of the fixture's VPC with the given inline egress rules (none: no SecurityGroupEgress). */
export function securityGroup(stack: Stack, id: string, egress?: ec2.CfnSecurityGroup.EgressProperty[],
  ingress?: ec2.CfnSecurityGroup.IngressProperty[]): ec2.CfnSecurityGroup {
  return new ec2.CfnSecurityGroup(stack, id, {
    groupDescription: id,
    vpcId: 'vpc-12345678',
    securityGroupEgress: egress,
    securityGroupIngress: ingress,
  });
}

/** A user profile of the fixture's domain with the given user settings. */
export function userProfile(fixture: StudioFixture, id: string,
  userSettings: sagemaker.CfnUserProfile.UserSettingsProperty = {}): sagemaker.CfnUserProfile {
  return new sagemaker.CfnUserProfile(fixture.stack, id, {
    domainId: fixture.domain.attrDomainId,
    userProfileName: id.toLowerCase(),
    userSettings,
  });
}

/** A SageMaker execution role with the given managed policy ARNs. */
export function executionRole(stack: Stack, id: string, managedPolicyArns: string[]): iam.CfnRole {
  return new iam.CfnRole(stack, id, { assumeRolePolicyDocument: SAGEMAKER_TRUST, managedPolicyArns });
}

/**
 * A Route 53 Resolver DNS Firewall rule group association on a VPC (by default the
 * fixture's), as SageMakerStudio-DomainVpcDnsFirewall requires; studioFixture leaves it
 * out, so tests of the whole pack add it.
 */
export function dnsFirewallAssociation(fixture: StudioFixture, vpcId: string = fixture.vpc.ref, id = 'DnsFirewall'): CfnResource {
  return new CfnResource(fixture.stack, id, {
    type: 'AWS::Route53Resolver::FirewallRuleGroupAssociation',
    properties: { FirewallRuleGroupId: 'rslvr-frg-0123456789abcdef', Priority: 101, VpcId: vpcId },
  });
}

/**
 * A CodeArtifact repositories interface endpoint in a VPC (by default the fixture's), the
 * package source SageMakerStudio-DomainPackageSource looks for in an internet-free VPC;
 * studioFixture leaves it out, so tests of the whole pack add it.
 */
export function packageSourceEndpoint(fixture: StudioFixture, vpcId: string = fixture.vpc.ref, id = 'CodeArtifactEndpoint',
  serviceName = 'com.amazonaws.eu-west-1.codeartifact.repositories'): ec2.CfnVPCEndpoint {
  return new ec2.CfnVPCEndpoint(fixture.stack, id, {
    vpcId,
    serviceName,
    vpcEndpointType: 'Interface',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }],
    },
  });
}
