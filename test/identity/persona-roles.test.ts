import { CfnElement, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { PersonaRoles, PersonaRolesProps } from '../../src';
import { nagErrors } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';

function build(props: Partial<PersonaRolesProps> = {}, stack: Stack = agnosticStack()) {
  const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud', ...props });
  return { stack, personas, template: Template.fromStack(stack) };
}

/** A VPC with two studio subnets, a security group and a key, created in the stack. */
function environment(stack: Stack) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Studio', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const securityGroup = new ec2.SecurityGroup(stack, 'StudioSg', { vpc });
  const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
  return { vpc, securityGroup, key };
}

/** PersonaRoles held to a whole environment created in the stack. */
function buildWithEnvironment() {
  const stack = agnosticStack();
  const env = environment(stack);
  return { env, ...build({ vpc: env.vpc, securityGroups: [env.securityGroup], volumeEncryptionKey: env.key, outputEncryptionKey: env.key }, stack) };
}

function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

function policy(personas: PersonaRoles, id: string): IConstruct {
  return personas.node.findChild(id);
}

/** Construct ids of the managed policies attached to a role (from the policies' side). */
function policiesOf(template: Template, personas: PersonaRoles, role: iam.IRole): string[] {
  const attached = template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalId(role) }]) },
  });
  return personas.node.children.filter((child) => logicalId(child) in attached).map((child) => child.node.id).sort();
}

const GUARDRAILS = ['AdminGuardrailsPolicy', 'JobGuardrailsPolicy'];
const JOB_ROLE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PersonasJobRole'), 'Arn'] };
const SAGEMAKER_ANY = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] };

function expectStatement(template: Template, personas: PersonaRoles, policyId: string, statement: Record<string, unknown>) {
  template.hasResource('AWS::IAM::ManagedPolicy', Match.objectLike({
    Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) } },
  }));
  const document = template.toJSON().Resources[logicalId(policy(personas, policyId))].Properties.PolicyDocument;
  expect(document.Statement.map((s: any) => s.Sid)).toContain(statement.Sid);
}

describe('roles', () => {
  const { template, personas } = build();
  const roles = [personas.defaultRole, personas.dataScientistRole, personas.mlopsRole, personas.jobRole];

  test('four roles, each assumable only by SageMaker acting for this account, which may set the source identity', () => {
    template.resourceCountIs('AWS::IAM::Role', 4);
    const trust = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    template.allResourcesProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: trust },
          { Action: 'sts:SetSourceIdentity', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: trust },
        ],
        Version: '2012-10-17',
      },
      Tags: [{ Key: 'team', Value: 'fraud' }],
    });
  });

  test('permissions live only in customer-managed policies: no inline policy, no AWS managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.allResourcesProperties('AWS::IAM::Role', { Policies: Match.absent(), ManagedPolicyArns: Match.absent() });
  });

  test('default: read-only and the guardrails', () => {
    expect(policiesOf(template, personas, personas.defaultRole)).toEqual([...GUARDRAILS, 'ReadOnlyPolicy'].sort());
  });

  test('data scientist: adds own Studio apps and the team\'s jobs', () => {
    expect(policiesOf(template, personas, personas.dataScientistRole)).toEqual(
      [...GUARDRAILS, 'ReadOnlyPolicy', 'StudioAppsPolicy', 'TeamJobsPolicy'].sort());
  });

  test('MLOps: adds the model registry, deployments and Projects', () => {
    expect(policiesOf(template, personas, personas.mlopsRole)).toEqual(
      [...GUARDRAILS, 'DeploymentPolicy', 'ModelRegistryPolicy', 'ProjectsPolicy', 'ReadOnlyPolicy', 'StudioAppsPolicy', 'TeamJobsPolicy'].sort());
  });

  test('job role: run time needs, the team\'s jobs and pipeline steps, and the guardrails', () => {
    expect(policiesOf(template, personas, personas.jobRole)).toEqual(
      [...GUARDRAILS, 'JobRuntimePolicy', 'PipelineStepsPolicy', 'ReadOnlyPolicy', 'TeamJobsPolicy'].sort());
  });

  test('the guardrail policies are exposed and attached to every role', () => {
    expect(personas.guardrailPolicies.map((p) => (p as unknown as IConstruct).node.id)).toEqual(['JobGuardrailsPolicy', 'AdminGuardrailsPolicy']);
    for (const role of roles) {
      expect(policiesOf(template, personas, role)).toEqual(expect.arrayContaining(GUARDRAILS));
    }
  });

  test('a custom team tag key', () => {
    const custom = build({ teamTagKey: 'cost-center', team: 'cc-42' });
    custom.template.allResourcesProperties('AWS::IAM::Role', { Tags: [{ Key: 'cost-center', Value: 'cc-42' }] });
    expectStatement(custom.template, custom.personas, 'TeamJobsPolicy', {
      Sid: 'CreateTeamJobs', Condition: { StringEquals: { 'aws:RequestTag/cost-center': '${aws:PrincipalTag/cost-center}' } },
    });
  });
});

describe('permission sets', () => {
  const { template, personas, env } = buildWithEnvironment();
  const keyArn = { 'Fn::GetAtt': [logicalId(env.key), 'Arn'] };

  test('read-only: list anything, describe the Studio domain, describe only the team\'s resources', () => {
    expectStatement(template, personas, 'ReadOnlyPolicy', { Sid: 'List', Action: 'sagemaker:List*', Resource: '*' });
    expectStatement(template, personas, 'ReadOnlyPolicy', {
      Sid: 'DescribeStudio',
      Action: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:DescribeApp'],
    });
    expectStatement(template, personas, 'ReadOnlyPolicy', {
      Sid: 'DescribeTeamResources',
      Action: 'sagemaker:Describe*',
      Resource: SAGEMAKER_ANY,
      Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
    });
  });

  test('no role may search: sagemaker:Search returns other teams\' records and cannot be scoped to the team', () => {
    const allowed = Object.values<any>(template.toJSON().Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((st: any) => st.Effect === 'Allow')
      .flatMap((st: any) => [st.Action].flat());
    const matchesSearch = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.:-]/g, '\\$&')).join('.*')}$`, 'i')
      .test('sagemaker:Search');
    expect(allowed.filter(matchesSearch)).toEqual([]);
    expect(allowed).toContain('sagemaker:List*');
  });

  test('Studio apps: spaces and apps of the caller\'s own user profile in the caller\'s own domain', () => {
    const ownProfile = { 'Fn::Join': ['', Match.arrayWith([':user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}'])] };
    expectStatement(template, personas, 'StudioAppsPolicy', {
      Sid: 'OwnSpaces',
      Action: ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace', 'sagemaker:DeleteSpace'],
      Resource: { 'Fn::Join': ['', Match.arrayWith([':space/${sagemaker:DomainId}/*'])] },
      Condition: { ArnLike: { 'sagemaker:OwnerUserProfileArn': ownProfile } },
    });
    expectStatement(template, personas, 'StudioAppsPolicy', {
      Sid: 'AppsOfOwnProfile',
      Resource: { 'Fn::Join': ['', Match.arrayWith([':app/${sagemaker:DomainId}/${sagemaker:UserProfileName}/*'])] },
      Condition: { Null: { 'sagemaker:OwnerUserProfileArn': 'true' } },
    });
    expectStatement(template, personas, 'StudioAppsPolicy', {
      Sid: 'TagOnCreate', Action: 'sagemaker:AddTags', Condition: { Null: { 'sagemaker:TaggingAction': 'false' } },
    });
  });

  test('team jobs: create only with the team tag, act only on the team\'s, pass only the job role and only to SageMaker', () => {
    expectStatement(template, personas, 'TeamJobsPolicy', {
      Sid: 'CreateTeamJobs',
      Action: Match.arrayWith(['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateTransformJob']),
      Resource: SAGEMAKER_ANY,
      Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } },
    });
    expectStatement(template, personas, 'TeamJobsPolicy', {
      Sid: 'ManageTeamJobs',
      Action: Match.arrayWith(['sagemaker:StopTrainingJob', 'sagemaker:DeleteExperiment']),
      Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
    });
    expectStatement(template, personas, 'TeamJobsPolicy', {
      Sid: 'PassJobRoleToSageMaker',
      Action: 'iam:PassRole',
      Resource: JOB_ROLE_ARN,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expectStatement(template, personas, 'TeamJobsPolicy', {
      Sid: 'UseEnvironmentKeysThroughSageMaker',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sagemaker.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  test('model registry: approval only of the team\'s models; versions registered only pending approval', () => {
    expectStatement(template, personas, 'ModelRegistryPolicy', {
      Sid: 'ApproveAndRetireTeamModels',
      Action: Match.arrayWith(['sagemaker:UpdateModelPackage']),
      Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
    });
    expectStatement(template, personas, 'ModelRegistryPolicy', {
      Sid: 'RegisterModelVersionsPendingApproval',
      Action: 'sagemaker:CreateModelPackage',
      Condition: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
    });
  });

  test('deployments: the team\'s models, endpoints and pipelines', () => {
    expectStatement(template, personas, 'DeploymentPolicy', {
      Sid: 'CreateTeamDeployments',
      Action: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:CreatePipeline'],
      Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } },
    });
    expectStatement(template, personas, 'DeploymentPolicy', {
      Sid: 'ManageTeamDeployments', Action: Match.arrayWith(['sagemaker:InvokeEndpoint', 'sagemaker:StartPipelineExecution']),
    });
  });

  test('Projects: Service Catalog products of this account, own provisioned products, SSM parameters below /sagemaker/', () => {
    expectStatement(template, personas, 'ProjectsPolicy', {
      Sid: 'ProvisionProjectTemplates',
      Action: Match.arrayWith(['servicecatalog:ProvisionProduct']),
      Resource: { 'Fn::Join': ['', Match.arrayWith([':catalog:', ':product/*'])] },
    });
    expectStatement(template, personas, 'ProjectsPolicy', {
      Sid: 'OwnProvisionedProjects', Resource: '*', Condition: { StringEquals: { 'servicecatalog:roleLevel': 'self' } },
    });
    expectStatement(template, personas, 'ProjectsPolicy', {
      Sid: 'ReadEnvironmentParameters',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: [
        { 'Fn::Join': ['', Match.arrayWith([':parameter/sagemaker'])] },
        { 'Fn::Join': ['', Match.arrayWith([':parameter/sagemaker/*'])] },
      ],
    });
  });

  test('job run time: SageMaker logs and metrics, image pulls, network interfaces in the environment\'s VPC, the environment\'s key', () => {
    expectStatement(template, personas, 'JobRuntimePolicy', {
      Sid: 'PutJobMetrics', Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    });
    const subnetArns = env.vpc.isolatedSubnets.map((subnet) => ({ 'Fn::Join': ['', Match.arrayWith([':subnet/', { Ref: logicalId(subnet) }])] }));
    expectStatement(template, personas, 'JobRuntimePolicy', {
      Sid: 'CreateJobNetworkInterfaces',
      Resource: Match.arrayWith([...subnetArns, { 'Fn::Join': ['', Match.arrayWith([':security-group/', { 'Fn::GetAtt': [logicalId(env.securityGroup), 'GroupId'] }])] }]),
    });
    expectStatement(template, personas, 'JobRuntimePolicy', {
      Sid: 'ManageJobNetworkInterfaces', Condition: { ArnEquals: { 'ec2:Vpc': Match.anyValue() } },
    });
    expectStatement(template, personas, 'JobRuntimePolicy', { Sid: 'UseEnvironmentKeys', Resource: keyArn });
    expectStatement(template, personas, 'JobRuntimePolicy', {
      Sid: 'GrantEnvironmentKeysToVolumes', Action: 'kms:CreateGrant', Resource: keyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  test('pipeline steps: models with the team tag, model versions pending approval', () => {
    expectStatement(template, personas, 'PipelineStepsPolicy', { Sid: 'CreateTeamModels', Action: 'sagemaker:CreateModel' });
    expectStatement(template, personas, 'PipelineStepsPolicy', { Sid: 'RegisterModelVersionsPendingApproval' });
  });

  test('without an environment: no key statements, network interfaces in any subnet of the account', () => {
    const bare = build();
    const teamJobs = bare.template.toJSON().Resources[logicalId(policy(bare.personas, 'TeamJobsPolicy'))].Properties.PolicyDocument;
    expect(teamJobs.Statement.map((s: any) => s.Sid)).toEqual(['CreateTeamJobs', 'ManageTeamJobs', 'TagOnCreate', 'PassJobRoleToSageMaker']);
    expectStatement(bare.template, bare.personas, 'JobRuntimePolicy', {
      Sid: 'CreateJobNetworkInterfaces', Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([':subnet/*'])] }]),
    });
    expectStatement(bare.template, bare.personas, 'JobRuntimePolicy', { Sid: 'ManageJobNetworkInterfaces', Condition: Match.absent() });
  });
});

describe('guardrails in the template', () => {
  test('with an environment: its subnets, security groups and keys, nothing else', () => {
    const { template, personas, env } = buildWithEnvironment();
    const subnets = env.vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(subnet) }));
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyJobsOutsideEnvironmentSubnets',
      Effect: 'Deny',
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': subnets } },
    });
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyJobsWithOtherSecurityGroups',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': [{ 'Fn::GetAtt': [logicalId(env.securityGroup), 'GroupId'] }] } },
    });
    for (const key of ['Volume', 'Output']) {
      expectStatement(template, personas, 'JobGuardrailsPolicy', {
        Sid: `DenyJobsWithOther${key}Key`, Condition: { ArnNotEquals: { [`sagemaker:${key}KmsKeyArn`]: { 'Fn::GetAtt': [logicalId(env.key), 'Arn'] } } },
      });
    }
  });

  test('endpoint configurations: a volume key, the environment\'s; its subnets and security groups when they name a VPC', () => {
    const { template, personas, env } = buildWithEnvironment();
    const keyArn = { 'Fn::GetAtt': [logicalId(env.key), 'Arn'] };
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyEndpointConfigsWithoutVolumeKey',
      Effect: 'Deny',
      Action: 'sagemaker:CreateEndpointConfig',
      Resource: '*',
      Condition: { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } },
    });
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyEndpointConfigsWithOtherVolumeKey',
      Effect: 'Deny',
      Action: 'sagemaker:CreateEndpointConfig',
      Condition: { ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': keyArn } },
    });
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyEndpointConfigsOutsideEnvironmentSubnets',
      Action: 'sagemaker:CreateEndpointConfig',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': env.vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(subnet) })) } },
    });
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyEndpointConfigsWithOtherSecurityGroups',
      Action: 'sagemaker:CreateEndpointConfig',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': [{ 'Fn::GetAtt': [logicalId(env.securityGroup), 'GroupId'] }] } },
    });
  });

  test('remote debugging of training jobs is denied', () => {
    const { template, personas } = build();
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyRemoteDebugging',
      Effect: 'Deny',
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:UpdateTrainingJob'],
      Resource: '*',
      Condition: { Bool: { 'sagemaker:EnableRemoteDebug': 'true' } },
    });
  });

  test('by default: only the presence of a VPC, security groups and keys, and encryption in transit', () => {
    const { template, personas } = build();
    const document = template.toJSON().Resources[logicalId(policy(personas, 'JobGuardrailsPolicy'))].Properties.PolicyDocument;
    expect(document.Statement.map((s: any) => [s.Sid, s.Effect])).toEqual([
      ['DenyJobsWithoutVpcSubnets', 'Deny'], ['DenyJobsWithoutSecurityGroups', 'Deny'], ['DenyJobsWithoutVolumeKey', 'Deny'],
      ['DenyJobsWithoutOutputKey', 'Deny'], ['DenyUnencryptedInterContainerTraffic', 'Deny'], ['DenyRemoteDebugging', 'Deny'],
      ['DenyEndpointConfigsWithoutVolumeKey', 'Deny'],
    ]);
  });

  test('network isolation when required', () => {
    const { template, personas } = build({ requireNetworkIsolation: true });
    expectStatement(template, personas, 'JobGuardrailsPolicy', {
      Sid: 'DenyJobsWithoutNetworkIsolation', Effect: 'Deny', Condition: { BoolIfExists: { 'sagemaker:NetworkIsolation': 'false' } },
    });
  });

  test('only the job role may be passed, and only to SageMaker', () => {
    const { template, personas } = build();
    expectStatement(template, personas, 'AdminGuardrailsPolicy', { Sid: 'DenyPassingOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: JOB_ROLE_ARN });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyPassingJobRolesOutsideSageMaker',
      Effect: 'Deny',
      Resource: JOB_ROLE_ARN,
      Condition: { StringNotEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', { Sid: 'DenyNotebookInstances', Effect: 'Deny', Resource: '*' });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyDomainAndProfileChanges', Effect: 'Deny', Action: Match.arrayWith(['sagemaker:DeleteDomain', 'sagemaker:UpdateUserProfile']),
    });
  });

  test('remote IDE access to spaces is denied', () => {
    const { template, personas } = build();
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenySpaceRemoteAccess',
      Effect: 'Deny',
      Action: ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace'],
      Condition: { Null: { 'sagemaker:RemoteAccess': 'false' }, StringNotEquals: { 'sagemaker:RemoteAccess': 'DISABLED' } },
    });
  });

  test('changes to the network perimeter and its logs are denied, on any resource', () => {
    const { template, personas } = build();
    const document = template.toJSON().Resources[logicalId(policy(personas, 'AdminGuardrailsPolicy'))].Properties.PolicyDocument;
    expect(document.Statement.map((s: any) => s.Sid)).toEqual([
      'DenyNotebookInstances', 'DenyDomainAndProfileChanges', 'DenyPassingOtherRoles', 'DenyPassingJobRolesOutsideSageMaker',
      'DenySpaceRemoteAccess', 'DenyVpcNetworkChanges', 'DenyNetworkFirewallChanges', 'DenyResolverChanges', 'DenyLogDeletion',
    ]);
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyVpcNetworkChanges',
      Effect: 'Deny',
      Action: Match.arrayWith(['ec2:CreateRoute*', 'ec2:AuthorizeSecurityGroup*', 'ec2:ModifyVpcEndpoint*', 'ec2:DeleteFlowLogs', 'ec2:*InternetGateway']),
      Resource: '*',
      Condition: Match.absent(),
    });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyNetworkFirewallChanges', Effect: 'Deny', Action: Match.arrayWith(['network-firewall:Delete*', 'network-firewall:Update*']), Resource: '*',
    });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyResolverChanges', Effect: 'Deny', Action: Match.arrayWith(['route53resolver:Disassociate*', 'route53resolver:Update*']), Resource: '*',
    });
    expectStatement(template, personas, 'AdminGuardrailsPolicy', {
      Sid: 'DenyLogDeletion', Effect: 'Deny', Action: Match.arrayWith(['logs:DeleteLogGroup', 'logs:PutRetentionPolicy']), Resource: '*',
    });
    for (const statement of document.Statement) {
      expect([statement.Action].flat().filter((action: string) => /:(\*$|Describe|List|Get)/.test(action))).toEqual([]);
    }
  });
});

describe('extending', () => {
  test('addPersona: read-only, the guardrails and its own policy', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    const analyst = personas.addPersona('Analyst', {
      statements: [new iam.PolicyStatement({ actions: ['athena:StartQueryExecution'], resources: ['arn:aws:athena:eu-west-1:111122223333:workgroup/fraud'] })],
    });
    const template = Template.fromStack(stack);
    expect(policiesOf(template, personas, analyst)).toEqual(['AdminGuardrailsPolicy', 'AnalystPolicy', 'JobGuardrailsPolicy', 'ReadOnlyPolicy']);
    template.hasResourceProperties('AWS::IAM::Role', { Description: 'Studio persona Analyst of team fraud', Tags: [{ Key: 'team', Value: 'fraud' }] });
    expectStatement(template, personas, 'AnalystPolicy', { Action: 'athena:StartQueryExecution', Effect: 'Allow' });
  });

  test('grants to a persona role go to its customer-managed GrantsPolicy, never inline', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    const bucket = new s3.Bucket(stack, 'Data');
    const grant = bucket.grantRead(personas.dataScientistRole);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(grant.success).toBe(true);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(personas.dataScientistRole) }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })] },
    });
  });

  test('a grant\'s wildcards that complete one resource are acknowledged; a grant on every bucket of the partition is not', () => {
    const stack = concreteStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    new s3.Bucket(stack, 'Data').grantRead(personas.dataScientistRole);
    iam.Grant.addToPrincipal({ grantee: personas.dataScientistRole, actions: ['s3:GetObject'], resourceArns: [`arn:${stack.partition}:s3:::*/*`] });
    Template.fromStack(stack);
    expect(nagErrors(stack).filter((error) => error.includes('GrantsPolicy'))).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*/*] @ Test/Personas/DataScientistRole/GrantsPolicy/Resource',
    ]);
  });

  test('grantPassJobRole lets another principal pass the job role to SageMaker only', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    const ci = new iam.Role(stack, 'Ci', { assumedBy: new iam.AccountRootPrincipal() });
    personas.grantPassJobRole(ci);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(ci) }],
      PolicyDocument: { Statement: [{ Action: 'iam:PassRole', Effect: 'Allow', Resource: JOB_ROLE_ARN, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }] },
    });
  });

  test('endpointPolicyStatement denies every principal but the given roles', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    expect(stack.resolve(PersonaRoles.endpointPolicyStatement([personas.mlopsRole]).toStatementJson())).toEqual({
      Sid: 'OnlyGivenRolesUseThisEndpoint',
      Effect: 'Deny',
      Principal: '*',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [logicalId(personas.mlopsRole), 'Arn'] }] } },
    });
  });
});

describe('limits and validation', () => {
  const statement = (i: number) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-with-a-long-name-${i}/*`] });

  test('a persona policy over 6,144 characters is refused when it is added', () => {
    const personas = build().personas;
    expect(() => personas.addPersona('Big', { statements: Array.from({ length: 120 }, (_, i) => statement(i)) })).toThrow(
      /^PersonaRoles addPersona: policy 'BigPolicy' has \d+ characters; at most 6144 per managed policy \(IAM quota\): /);
  });

  test('grants that make a GrantsPolicy too large fail at synth', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    Array.from({ length: 120 }, (_, i) => statement(i)).forEach((s) => personas.jobRole.addToPrincipalPolicy(s));
    expect(() => Template.fromStack(stack)).toThrow(/PersonaRoles grants to role 'JobRole': policy 'GrantsPolicy' has \d+ characters; at most 6144/);
  });

  test('an eleventh managed policy on a role is refused', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    const extra = (i: number) => new iam.ManagedPolicy(stack, `Extra${i}`, { statements: [statement(i)] });
    [1, 2].forEach((i) => personas.mlopsRole.addManagedPolicy(extra(i)));
    expect(() => personas.mlopsRole.addManagedPolicy(extra(3))).toThrow(
      "PersonaRoles addManagedPolicy: role 'MlopsRole' already has 10 managed policies; at most 10 per role (IAM default quota): " +
      'merge policies, or raise the quota and attach fewer here');
  });

  test('inline policies are refused', () => {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    expect(() => personas.dataScientistRole.attachInlinePolicy(new iam.Policy(stack, 'Inline', { statements: [statement(0)] }))).toThrow(
      "PersonaRoles attachInlinePolicy: role 'DataScientistRole' takes no inline policies; " +
      'grant permissions (they go to its customer-managed GrantsPolicy) or attach a customer-managed policy');
  });

  test.each<[string, (stack: Stack) => Partial<PersonaRolesProps>, string]>([
    ['empty team', () => ({ team: '' }), "PersonaRoles team: '' is not a valid tag value; 1 to 256 letters, digits, spaces and _ . : / = + - @"],
    ['team with braces', () => ({ team: '${x}' }), "PersonaRoles team: '${x}' is not a valid tag value; 1 to 256 letters, digits, spaces and _ . : / = + - @"],
    ['aws: tag key', () => ({ teamTagKey: 'aws:team' }),
      "PersonaRoles teamTagKey: 'aws:team' is not a valid tag key; 1 to 128 letters, digits and _ . : / = + - @, not starting with 'aws:'"],
    ['parameter path without trailing slash', () => ({ ssmParameterPath: '/sagemaker' }),
      "PersonaRoles ssmParameterPath: '/sagemaker' is not a parameter path; a path starting and ending with '/', e.g. '/sagemaker/'"],
    ['subnets without vpc', () => ({ subnets: { subnetGroupName: 'Studio' } }), 'PersonaRoles subnets: given without vpc; select subnets of the vpc given as vpc'],
    ['no security group', () => ({ securityGroups: [] }),
      'PersonaRoles securityGroups: empty list; at least one security group, or leave it unset to allow any'],
    ['a selection without subnets', (stack) => ({ vpc: environment(stack).vpc, subnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-elsewhere'])] } }),
      "PersonaRoles subnets: the selection matches no subnet of vpc; a selection of at least one subnet, e.g. { subnetGroupName: 'Studio' }"],
  ])('%s', (_, props, message) => {
    const stack = agnosticStack();
    expect(() => new PersonaRoles(stack, 'Personas', { team: 'fraud', ...props(stack) })).toThrow(message);
  });

  test('addPersona refuses a bad or taken id and an empty statement list', () => {
    const personas = build().personas;
    const statements = [statement(0)];
    for (const id of ['analyst', 'Mlops']) {
      expect(() => personas.addPersona(id, { statements })).toThrow(
        `PersonaRoles addPersona: '${id}' is not a new persona id; a PascalCase name not used yet, e.g. 'Analyst'`);
    }
    expect(() => personas.addPersona('Analyst', { statements: [] })).toThrow(
      "PersonaRoles addPersona: persona 'Analyst' has no statements; at least one statement (the read-only persona is defaultRole)");
  });

  test('endpointPolicyStatement needs a role', () => {
    expect(() => PersonaRoles.endpointPolicyStatement([])).toThrow(
      'PersonaRoles endpointPolicyStatement: no roles given; at least one role that may use the endpoint');
  });

  test('tokens are not validated', () => {
    const stack = agnosticStack();
    const team = new CfnParameter(stack, 'Team').valueAsString;
    expect(() => new PersonaRoles(stack, 'Personas', { team })).not.toThrow();
  });
});
