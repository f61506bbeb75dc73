import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { SecureStudio, StudioPersona } from '../../src/secure-studio';
import { StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import {
  FRAMEWORK_TIMEOUT_SECONDS, PASS_FUNCTION_TIMEOUT_SECONDS, PASS_INTERVAL_SECONDS, SERVICE_TIMEOUT_SECONDS, STUCK_GRACE_SECONDS, WAIT_LIMIT_SECONDS,
} from '../../src/studio/teardown/timing';
import { nagErrors } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const TEARDOWN = 'Custom::StudioDomainTeardown';

function build(props: Partial<StudioDomainProps> = {}, stack: Stack = agnosticStack()) {
  const network = new SecureStudioVpc(stack, 'Network');
  const defaultExecutionRole = new iam.Role(stack, 'DefaultRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole, ...props });
  return { stack, network, domain };
}

function logicalIds(template: Template, type: string, prefix: string): string[] {
  return Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
}

/** Every resource the given one depends on, directly or through references and DependsOn. */
function dependencies(template: Template, id: string, seen = new Set<string>()): Set<string> {
  const resource = template.toJSON().Resources[id];
  const refs = new Set<string>(resource.DependsOn ?? []);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Ref' && typeof value === 'string') refs.add(value);
        else if (key === 'Fn::GetAtt') refs.add((value as string[])[0]);
        else visit(value);
      }
    }
  };
  visit(resource.Properties);
  for (const ref of refs) {
    if (template.toJSON().Resources[ref] && !seen.has(ref)) {
      seen.add(ref);
      dependencies(template, ref, seen);
    }
  }
  return seen;
}

describe('opt-in', () => {
  test('no teardown by default: the domain\'s data is kept', () => {
    const template = Template.fromStack(build().stack);
    template.resourceCountIs(TEARDOWN, 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test.each([RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('no teardown with %s', (removalPolicy) => {
    Template.fromStack(build({ removalPolicy }).stack).resourceCountIs(TEARDOWN, 0);
  });

  test('RemovalPolicy.DESTROY adds one teardown custom resource for this domain, its VPC and home file system', () => {
    const template = Template.fromStack(build({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    template.resourceCountIs(TEARDOWN, 1);
    template.hasResource(TEARDOWN, {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainTeardownProviderframeworkonEvent'), 'Arn'] },
        DomainId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Domain66AC69E0$'), 'DomainId'] },
        VpcId: { Ref: Match.stringLikeRegexp('^NetworkVpc[0-9A-F]{8}$') },
        HomeEfsFileSystemId: { 'Fn::GetAtt': ['Domain66AC69E0', 'HomeEfsFileSystemId'] },
      },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('deletion order', () => {
  const { stack, domain } = build({ removalPolicy: RemovalPolicy.DESTROY });
  domain.addUserProfile('alice', { ownSecurityGroup: true });
  domain.addUserProfile('bob');
  const template = Template.fromStack(stack);
  const [teardown] = logicalIds(template, TEARDOWN, 'DomainTeardown');
  const dependsOn: string[] = template.toJSON().Resources[teardown].DependsOn;

  test('DependsOn names the domain, the VPC, its studio subnets and the Studio security group', () => {
    expect(dependsOn).toEqual(expect.arrayContaining([
      'Domain66AC69E0',
      ...logicalIds(template, 'AWS::EC2::VPC', 'NetworkVpc'),
      ...logicalIds(template, 'AWS::EC2::Subnet', 'NetworkVpcStudioSubnet'),
      ...logicalIds(template, 'AWS::EC2::SecurityGroup', 'NetworkStudioSecurityGroup'),
    ]));
    expect(logicalIds(template, 'AWS::EC2::Subnet', 'NetworkVpcStudioSubnet')).toHaveLength(2);
  });

  test('DependsOn names the stack\'s user profiles, whose apps must go before CloudFormation deletes them', () => {
    expect(dependsOn).toEqual(expect.arrayContaining(logicalIds(template, 'AWS::SageMaker::UserProfile', 'DomainProfile')));
    expect(logicalIds(template, 'AWS::SageMaker::UserProfile', 'DomainProfile')).toHaveLength(2);
  });

  test('every subnet, the VPC, every security group and the domain are deleted after the teardown (reverse dependencies)', () => {
    const before = dependencies(template, teardown);
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::SageMaker::Domain', 'AWS::SageMaker::UserProfile']) {
      for (const id of Object.keys(template.findResources(type))) {
        expect({ id, deletedAfterTeardown: before.has(id) }).toEqual({ id, deletedAfterTeardown: true });
      }
    }
  });

  test('the handlers, their roles and policies are deleted after the teardown, so they exist while it runs', () => {
    const before = dependencies(template, teardown);
    for (const id of [
      ...logicalIds(template, 'AWS::Lambda::Function', 'DomainTeardown'),
      ...logicalIds(template, 'AWS::IAM::Role', 'DomainTeardown'),
      ...logicalIds(template, 'AWS::IAM::Policy', 'DomainTeardown'),
      ...logicalIds(template, 'AWS::StepFunctions::StateMachine', 'DomainTeardown'),
    ]) {
      expect({ id, deletedAfterTeardown: before.has(id) }).toEqual({ id, deletedAfterTeardown: true });
    }
  });

  test('nothing the teardown depends on depends on it (no cycle)', () => {
    expect(dependencies(template, 'Domain66AC69E0').has(teardown)).toBe(false);
  });
});

describe('a domain in a VPC of the user', () => {
  test('the teardown depends on that VPC\'s private subnets and the given security group', () => {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = new ec2.SecurityGroup(stack, 'Apps', { vpc });
    new StudioDomain(stack, 'Domain', {
      vpc,
      securityGroups: [group],
      removalPolicy: RemovalPolicy.DESTROY,
      defaultExecutionRole: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    });
    const template = Template.fromStack(stack);
    const [teardown] = logicalIds(template, TEARDOWN, 'DomainTeardown');
    expect(template.toJSON().Resources[teardown].DependsOn).toEqual(expect.arrayContaining([
      'Domain66AC69E0', ...logicalIds(template, 'AWS::EC2::Subnet', 'OwnappSubnet'), ...logicalIds(template, 'AWS::EC2::VPC', 'Own'),
      ...logicalIds(template, 'AWS::EC2::SecurityGroup', 'Apps'),
    ]));
  });
});

describe('handlers', () => {
  const template = Template.fromStack(build({ removalPolicy: RemovalPolicy.DESTROY }).stack);
  const arn = (...parts: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });
  const region = [{ Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];
  const vpcArn = arn(':ec2:', ...region, ':vpc/', { Ref: Match.stringLikeRegexp('^NetworkVpc[0-9A-F]{8}$') });

  test('both run on Node.js 24 from the bundled assets', () => {
    for (const prefix of ['DomainTeardownOnEvent', 'DomainTeardownIsComplete']) {
      const ids = logicalIds(template, 'AWS::Lambda::Function', prefix);
      expect(ids).toHaveLength(1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}ServiceRole`), 'Arn'] },
      });
    }
  });

  test('the waiter polls every 30 seconds, 100 times (50 minutes)', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"IntervalSeconds":30,"MaxAttempts":100,"BackoffRate":1')])] },
    });
  });

  test('CloudFormation\'s service timeout is set explicitly, to its maximum of 3,600 seconds', () => {
    template.hasResourceProperties(TEARDOWN, { ServiceTimeout: '3600' });
  });

  test('the handler fails with its reason before the framework times out, and both before CloudFormation does', () => {
    // The handler throws on the first pass after WAIT_LIMIT: by then at most WAIT_LIMIT / interval + 1
    // attempts have run, fewer than the framework's; that pass ends within one function timeout.
    expect(WAIT_LIMIT_SECONDS / PASS_INTERVAL_SECONDS + 1).toBeLessThan(FRAMEWORK_TIMEOUT_SECONDS / PASS_INTERVAL_SECONDS);
    expect(WAIT_LIMIT_SECONDS + PASS_INTERVAL_SECONDS + PASS_FUNCTION_TIMEOUT_SECONDS).toBeLessThan(SERVICE_TIMEOUT_SECONDS);
    expect(FRAMEWORK_TIMEOUT_SECONDS + PASS_FUNCTION_TIMEOUT_SECONDS).toBeLessThanOrEqual(SERVICE_TIMEOUT_SECONDS);
    expect(STUCK_GRACE_SECONDS).toBeLessThan(WAIT_LIMIT_SECONDS);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainTeardownIsCompleteServiceRole'), 'Arn'] },
      Timeout: PASS_FUNCTION_TIMEOUT_SECONDS,
    });
  });

  test('the on-event handler may read this stack\'s status, template and resources only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DomainTeardownOnEventServiceRole') }],
      PolicyDocument: {
        Statement: [{
          Sid: 'ReadThisStackStatusAndTemplate',
          Effect: 'Allow',
          Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:DescribeStackResource'],
          Resource: { Ref: 'AWS::StackId' },
        }],
      },
    });
  });

  test('the is-complete handler may delete Studio domains of this account and region (a replaced one too), SageMaker\'s file systems and NFS groups', () => {
    const managed = { StringLike: { 'aws:ResourceTag/ManagedByAmazonSageMakerResource': arn(':sagemaker:', ...region, ':domain/*') } };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DomainTeardownIsCompleteServiceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadThisStackStatusTemplateAndEvents',
            Effect: 'Allow',
            Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:DescribeStackResource', 'cloudformation:DescribeStackEvents'],
            Resource: { Ref: 'AWS::StackId' },
          },
          {
            Sid: 'DeleteStudioDomainsAndTheirAppsSpacesProfiles',
            Effect: 'Allow',
            Action: ['sagemaker:DescribeDomain', 'sagemaker:DeleteDomain', 'sagemaker:DeleteApp', 'sagemaker:DeleteSpace', 'sagemaker:DeleteUserProfile'],
            Resource: [
              arn(':sagemaker:', ...region, ':domain/*'),
              arn(':sagemaker:', ...region, ':app/*'),
              arn(':sagemaker:', ...region, ':space/*'),
              arn(':sagemaker:', ...region, ':user-profile/*'),
            ],
          },
          {
            Sid: 'ListAppsSpacesProfiles',
            Effect: 'Allow',
            Action: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'ec2:DescribeSecurityGroups'],
            Resource: '*',
          },
          {
            Sid: 'DeleteNfsSecurityGroupsInTheDomainVpc',
            Effect: 'Allow',
            Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'],
            Resource: arn(':ec2:', ...region, ':security-group/*'),
            Condition: { ArnEquals: { 'ec2:Vpc': vpcArn } },
          },
          {
            Sid: 'DeleteSageMakerNfsSecurityGroups',
            Effect: 'Allow',
            Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'],
            Resource: arn(':ec2:', ...region, ':security-group/*'),
            Condition: managed,
          },
          {
            Sid: 'DeleteTheHomeFileSystem',
            Effect: 'Allow',
            Action: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets', 'elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'],
            Resource: arn(':elasticfilesystem:', ...region, ':file-system/', { 'Fn::GetAtt': ['Domain66AC69E0', 'HomeEfsFileSystemId'] }),
          },
          {
            Sid: 'DescribeFileSystems',
            Effect: 'Allow',
            Action: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'],
            Resource: arn(':elasticfilesystem:', ...region, ':file-system/*'),
          },
          {
            Sid: 'DeleteSageMakerHomeFileSystems',
            Effect: 'Allow',
            Action: ['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'],
            Resource: arn(':elasticfilesystem:', ...region, ':file-system/*'),
            Condition: managed,
          },
          {
            Sid: 'DeleteMountTargetInterfacesInTheDomainVpc',
            Effect: 'Allow',
            Action: 'ec2:DeleteNetworkInterface',
            Resource: arn(':ec2:', ...region, ':network-interface/*'),
            Condition: { ArnEquals: { 'ec2:Vpc': vpcArn } },
          },
        ],
      },
    });
  });

  test('checkov\'s Lambda checks are skipped with a reason on every function of the teardown', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const teardownFunctions = Object.keys(functions).filter((id) => id.startsWith('DomainTeardown'));
    expect(teardownFunctions).toHaveLength(5);
    for (const id of teardownFunctions) {
      expect(functions[id].Metadata.checkov.skip.map((s: { id: string }) => s.id)).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173']);
      expect(functions[id].Metadata.checkov.skip[0].comment).toMatch(/CloudFormation only/);
    }
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([['a concrete', concreteStack], ['an environment-agnostic', agnosticStack]])('a domain with teardown and two profiles in %s stack has no unacknowledged error', (_, makeStack) => {
    const { stack, domain } = build({ removalPolicy: RemovalPolicy.DESTROY }, makeStack());
    domain.addUserProfile('alice', { ownSecurityGroup: true });
    domain.addUserProfile('bob');
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual([]);
  });
});

describe('SecureStudio', () => {
  test('its removalPolicy DESTROY reaches the domain: a teardown that runs before its profiles, with no unacknowledged nag error', () => {
    const stack = concreteStack();
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', removalPolicy: RemovalPolicy.DESTROY, users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs(TEARDOWN, 1);
    const [teardown] = logicalIds(template, TEARDOWN, 'StudioDomainTeardown');
    // The profile is in a nested stack: the teardown waits for that stack, and so runs before CloudFormation deletes it.
    const [nested] = studio.studioUsers.nestedStacks;
    Template.fromStack(nested).resourceCountIs('AWS::SageMaker::UserProfile', 1);
    expect(template.toJSON().Resources[teardown].DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(nested.nestedStackResource!)]));
    expect(nagErrors(stack)).toEqual([]);
  });

  test('no teardown by default', () => {
    const stack = agnosticStack();
    new SecureStudio(stack, 'Studio', { team: 'fraud' });
    Template.fromStack(stack).resourceCountIs(TEARDOWN, 0);
  });
});
