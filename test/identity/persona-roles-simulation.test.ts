import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PersonaRoles } from '../../src';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * The access claims of PersonaRoles, evaluated offline on the synthesized managed
 * policies of each role (tokens replaced by sample ids). Every claim is a pair: the
 * request that must be denied, and the nearest request that must still be allowed, so
 * that a policy that denies everything cannot pass.
 */

const TEAM = 'fraud';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
const SECURITY_GROUP = 'sg-0studio';
const VOLUME_KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`;
const OUTPUT_KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/2222bbbb-2222-3333-4444-555566667777`;

const stack: Stack = agnosticStack();
const personas = new PersonaRoles(stack, 'Personas', {
  team: TEAM,
  vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0example', availabilityZones: ['a', 'b'], isolatedSubnetIds: SUBNETS }),
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', SECURITY_GROUP)],
  volumeEncryptionKey: kms.Key.fromKeyArn(stack, 'VolumeKey', VOLUME_KEY),
  outputEncryptionKey: kms.Key.fromKeyArn(stack, 'OutputKey', OUTPUT_KEY),
});
/** A persona of one's own that is granted every network, firewall, resolver and log action: the guardrails still hold it. */
const networkAdmin = personas.addPersona('NetworkAdmin', {
  statements: [new iam.PolicyStatement({ actions: ['ec2:*', 'network-firewall:*', 'route53resolver:*', 'logs:*'], resources: ['*'] })],
});
/**
 * A persona of one's own that may create and update any space. The built-in personas' own-space statements name the
 * space through Studio's policy variables (sagemaker:DomainId, sagemaker:UserProfileName), which the offline simulator
 * does not resolve for CreateSpace, so the space guardrail is simulated on this persona.
 */
const spaceAdmin = personas.addPersona('SpaceAdmin', {
  statements: [new iam.PolicyStatement({
    actions: ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace'],
    resources: [`arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:space/*`],
  })],
});
const template = Template.fromStack(stack).toJSON();

const logicalId = (role: iam.IRole) => stack.getLogicalId(role.node.defaultChild as CfnElement);
const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;
const SAMPLE_IDS = Object.fromEntries([personas.defaultRole, personas.dataScientistRole, personas.mlopsRole, personas.jobRole]
  .map((role) => [`${logicalId(role)}.Arn`, arnOf(role)]));

/** The concrete documents of the managed policies attached to a role. */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concretize(r.Properties.PolicyDocument, SAMPLE_IDS));
}

interface Request {
  readonly role: iam.IRole;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly endpointPolicies?: unknown[];
}

function decide(request: Request): Promise<string> {
  return simulate({
    principal: arnOf(request.role),
    action: request.action,
    resource: request.resource,
    context: { 'aws:PrincipalTag/team': TEAM, 'aws:PrincipalArn': arnOf(request.role), 'aws:PrincipalAccount': SAMPLE_ACCOUNT, ...request.context },
    identityPolicies: policiesOf(request.role),
    endpointPolicies: request.endpointPolicies,
  });
}

const sagemaker = (resource: string) => `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;
const TRAINING_JOB = sagemaker('training-job/churn-1');

/** A create call with the environment's subnets, security group and keys, encrypted in transit, tagged for the team. */
const COMPLIANT_JOB: Record<string, string | string[]> = {
  'aws:RequestTag/team': TEAM,
  'aws:TagKeys': ['team'],
  'sagemaker:VpcSubnets': SUBNETS,
  'sagemaker:VpcSecurityGroupIds': [SECURITY_GROUP],
  'sagemaker:VolumeKmsKeyArn': VOLUME_KEY,
  'sagemaker:OutputKmsKeyArn': OUTPUT_KEY,
  'sagemaker:InterContainerTrafficEncryption': 'true',
};

function without(key: string): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(COMPLIANT_JOB).filter(([k]) => k !== key));
}

const createTrainingJob = (context: Record<string, string | string[]>, role: iam.IRole = personas.dataScientistRole): Request =>
  ({ role, action: 'sagemaker:CreateTrainingJob', resource: TRAINING_JOB, context });
const passRole = (passed: iam.IRole, service: string): Request => ({
  role: personas.dataScientistRole, action: 'iam:PassRole', resource: arnOf(passed), context: { 'iam:PassedToService': service },
});
const approve = (role: iam.IRole): Request => ({
  role,
  action: 'sagemaker:UpdateModelPackage',
  resource: sagemaker('model-package/churn/3'),
  context: { 'aws:ResourceTag/team': TEAM, 'sagemaker:ModelApprovalStatus': 'Approved' },
});
const stopJobOfTeam = (team: string): Request => ({
  role: personas.dataScientistRole, action: 'sagemaker:StopTrainingJob', resource: TRAINING_JOB, context: { 'aws:ResourceTag/team': team },
});
const onlyMlopsUsesSsm = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': SAMPLE_ACCOUNT } } },
    concretize(stack.resolve(PersonaRoles.endpointPolicyStatement([personas.mlopsRole]).toStatementJson()), SAMPLE_IDS),
  ],
};
const readParameter = (role: iam.IRole): Request => ({
  role,
  action: 'ssm:GetParameter',
  resource: `arn:aws:ssm:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:parameter/sagemaker/subnet-ids`,
  endpointPolicies: [onlyMlopsUsesSsm],
});

const FOREIGN_KEY = `arn:aws:kms:${SAMPLE_REGION}:444455556666:key/1111aaaa-2222-3333-4444-555566667777`;
const ENDPOINT_CONFIG = sagemaker('endpoint-config/churn');
const createEndpointConfig = (context: Record<string, string | string[]>): Request =>
  ({ role: personas.mlopsRole, action: 'sagemaker:CreateEndpointConfig', resource: ENDPOINT_CONFIG, context: { 'aws:RequestTag/team': TEAM, ...context } });
const search = (role: iam.IRole): Request => ({ role, action: 'sagemaker:Search', resource: '*' });
const listTrainingJobs = (role: iam.IRole): Request => ({ role, action: 'sagemaker:ListTrainingJobs', resource: '*' });
const updateTrainingJob = (context: Record<string, string>): Request => ({
  role: personas.dataScientistRole, action: 'sagemaker:UpdateTrainingJob', resource: TRAINING_JOB, context: { 'aws:ResourceTag/team': TEAM, ...context },
});
const space = (action: string, context: Record<string, string>): Request =>
  ({ role: spaceAdmin, action, resource: sagemaker('space/d-1/alice-space'), context });
const ec2Arn = (resource: string) => `arn:aws:ec2:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;
const byJobRole = (action: string, resource: string): Request => ({ role: personas.jobRole, action, resource });
const byNetworkAdmin = (action: string, resource: string): Request => ({ role: networkAdmin, action, resource });
const FLOW_LOG_GROUP = `arn:aws:logs:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:log-group:/aws/vpc/flow-logs`;
const JOB_LOG_STREAM = `arn:aws:logs:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-1/algo-1`;

/** [claim, the request that must be denied (and how), the request that must be allowed]. */
const PAIRS: [string, Request, 'ExplicitlyDenied' | 'ImplicitlyDenied', Request][] = [
  ['CreateTrainingJob without VpcSubnets is denied; with the environment\'s subnets, security groups and keys it is allowed',
    createTrainingJob(without('sagemaker:VpcSubnets')), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob in a subnet outside the environment is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:VpcSubnets': [SUBNETS[0], 'subnet-0public'] }), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob without security groups is denied',
    createTrainingJob(without('sagemaker:VpcSecurityGroupIds')), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob with another security group is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:VpcSecurityGroupIds': ['sg-0open'] }), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob without VolumeKmsKey is denied',
    createTrainingJob(without('sagemaker:VolumeKmsKeyArn')), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob with a volume key other than the environment\'s is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:VolumeKmsKeyArn': OUTPUT_KEY }), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob without an output key is denied',
    createTrainingJob(without('sagemaker:OutputKmsKeyArn')), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob with inter-container encryption off is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:InterContainerTrafficEncryption': 'false' }), 'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['CreateTrainingJob tagged for another team is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'aws:RequestTag/team': 'payments' }), 'ImplicitlyDenied', createTrainingJob(COMPLIANT_JOB)],
  ['PassRole of the job role to SageMaker is allowed; to another service it is denied',
    passRole(personas.jobRole, 'ec2.amazonaws.com'), 'ExplicitlyDenied', passRole(personas.jobRole, 'sagemaker.amazonaws.com')],
  ['PassRole of the persona\'s own role is denied, even to SageMaker',
    passRole(personas.dataScientistRole, 'sagemaker.amazonaws.com'), 'ExplicitlyDenied', passRole(personas.jobRole, 'sagemaker.amazonaws.com')],
  ['DeleteDomain is denied; DescribeDomain is allowed',
    { role: personas.mlopsRole, action: 'sagemaker:DeleteDomain', resource: sagemaker('domain/d-1') }, 'ExplicitlyDenied',
    { role: personas.mlopsRole, action: 'sagemaker:DescribeDomain', resource: sagemaker('domain/d-1') }],
  ['UpdateUserProfile is denied; DescribeUserProfile is allowed',
    { role: personas.dataScientistRole, action: 'sagemaker:UpdateUserProfile', resource: sagemaker('user-profile/d-1/alice') }, 'ExplicitlyDenied',
    { role: personas.dataScientistRole, action: 'sagemaker:DescribeUserProfile', resource: sagemaker('user-profile/d-1/alice') }],
  ['A data scientist approving a model package is denied; MLOps is allowed',
    approve(personas.dataScientistRole), 'ImplicitlyDenied', approve(personas.mlopsRole)],
  ['Acting on another team\'s resource is denied; on the team\'s own it is allowed',
    stopJobOfTeam('payments'), 'ImplicitlyDenied', stopJobOfTeam(TEAM)],
  ['CreateNotebookInstance is denied, even with the settings that allow a training job',
    { role: personas.mlopsRole, action: 'sagemaker:CreateNotebookInstance', resource: sagemaker('notebook-instance/nb'), context: COMPLIANT_JOB },
    'ExplicitlyDenied', createTrainingJob(COMPLIANT_JOB, personas.mlopsRole)],
  ['The job role running a pipeline cannot create a processing job outside the VPC; inside it can',
    { role: personas.jobRole, action: 'sagemaker:CreateProcessingJob', resource: sagemaker('processing-job/p'), context: without('sagemaker:VpcSubnets') },
    'ExplicitlyDenied',
    { role: personas.jobRole, action: 'sagemaker:CreateProcessingJob', resource: sagemaker('processing-job/p'), context: COMPLIANT_JOB }],
  ['The default role cannot create a training job; it can describe the team\'s',
    createTrainingJob(COMPLIANT_JOB, personas.defaultRole), 'ImplicitlyDenied',
    { role: personas.defaultRole, action: 'sagemaker:DescribeTrainingJob', resource: TRAINING_JOB, context: { 'aws:ResourceTag/team': TEAM } }],
  ['A data scientist cannot create an endpoint; MLOps can',
    { role: personas.dataScientistRole, action: 'sagemaker:CreateEndpoint', resource: sagemaker('endpoint/churn'), context: { 'aws:RequestTag/team': TEAM } },
    'ImplicitlyDenied',
    { role: personas.mlopsRole, action: 'sagemaker:CreateEndpoint', resource: sagemaker('endpoint/churn'), context: { 'aws:RequestTag/team': TEAM } }],
  ['Through the SSM endpoint, a data scientist is denied; MLOps is allowed',
    readParameter(personas.dataScientistRole), 'ExplicitlyDenied', readParameter(personas.mlopsRole)],
  ['CreateEndpointConfig without a volume key is denied; with the environment\'s key it is allowed',
    createEndpointConfig({}), 'ExplicitlyDenied', createEndpointConfig({ 'sagemaker:VolumeKmsKeyArn': VOLUME_KEY })],
  ['CreateEndpointConfig with another account\'s volume key is denied',
    createEndpointConfig({ 'sagemaker:VolumeKmsKeyArn': FOREIGN_KEY }), 'ExplicitlyDenied', createEndpointConfig({ 'sagemaker:VolumeKmsKeyArn': VOLUME_KEY })],
  ['CreateEndpointConfig with a VPC outside the environment is denied; with the environment\'s subnets and security group it is allowed',
    createEndpointConfig({ 'sagemaker:VolumeKmsKeyArn': VOLUME_KEY, 'sagemaker:VpcSubnets': ['subnet-0public'], 'sagemaker:VpcSecurityGroupIds': [SECURITY_GROUP] }),
    'ExplicitlyDenied',
    createEndpointConfig({ 'sagemaker:VolumeKmsKeyArn': VOLUME_KEY, 'sagemaker:VpcSubnets': SUBNETS, 'sagemaker:VpcSecurityGroupIds': [SECURITY_GROUP] })],
  ['A data scientist cannot search (other teams\' records); listing is allowed',
    search(personas.dataScientistRole), 'ImplicitlyDenied', listTrainingJobs(personas.dataScientistRole)],
  ['MLOps cannot search either; listing is allowed',
    search(personas.mlopsRole), 'ImplicitlyDenied', listTrainingJobs(personas.mlopsRole)],
  ['CreateTrainingJob with remote debugging is denied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:EnableRemoteDebug': 'true' }), 'ExplicitlyDenied',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:EnableRemoteDebug': 'false' })],
  ['UpdateTrainingJob turning remote debugging on is denied; another update of the team\'s job is allowed',
    updateTrainingJob({ 'sagemaker:EnableRemoteDebug': 'true' }), 'ExplicitlyDenied', updateTrainingJob({})],
  ['The job role running a pipeline cannot start a training job with remote debugging; without it can',
    createTrainingJob({ ...COMPLIANT_JOB, 'sagemaker:EnableRemoteDebug': 'true' }, personas.jobRole), 'ExplicitlyDenied',
    createTrainingJob(COMPLIANT_JOB, personas.jobRole)],
  ['A space with remote IDE access is denied, even to a persona allowed every space; with it disabled it is allowed',
    space('sagemaker:CreateSpace', { 'sagemaker:RemoteAccess': 'ENABLED' }), 'ExplicitlyDenied',
    space('sagemaker:CreateSpace', { 'sagemaker:RemoteAccess': 'DISABLED' })],
  ['Turning remote IDE access on for a space is denied; another update of the space is allowed',
    space('sagemaker:UpdateSpace', { 'sagemaker:RemoteAccess': 'ENABLED' }), 'ExplicitlyDenied', space('sagemaker:UpdateSpace', {})],
  ['The job role cannot open a security group; it can still create its network interfaces',
    byJobRole('ec2:AuthorizeSecurityGroupEgress', ec2Arn(`security-group/${SECURITY_GROUP}`)), 'ExplicitlyDenied',
    byJobRole('ec2:CreateNetworkInterface', ec2Arn(`subnet/${SUBNETS[0]}`))],
  ['The job role cannot change a network interface\'s security groups; it can describe security groups',
    byJobRole('ec2:ModifyNetworkInterfaceAttribute', ec2Arn('network-interface/eni-1')), 'ExplicitlyDenied', byJobRole('ec2:DescribeSecurityGroups', '*')],
  ['The job role cannot delete a log group; it can write its job logs',
    byJobRole('logs:DeleteLogGroup', FLOW_LOG_GROUP), 'ExplicitlyDenied', byJobRole('logs:PutLogEvents', JOB_LOG_STREAM)],
  ['A persona granted ec2:* still cannot add a route; it can describe route tables',
    byNetworkAdmin('ec2:CreateRoute', ec2Arn('route-table/rtb-1')), 'ExplicitlyDenied', byNetworkAdmin('ec2:DescribeRouteTables', '*')],
  ['A persona granted ec2:* still cannot change a VPC endpoint policy or delete flow logs; it can describe security groups',
    byNetworkAdmin('ec2:ModifyVpcEndpoint', ec2Arn('vpc-endpoint/vpce-1')), 'ExplicitlyDenied', byNetworkAdmin('ec2:DescribeSecurityGroups', '*')],
  ['A persona granted ec2:* still cannot delete flow logs; it can describe them',
    byNetworkAdmin('ec2:DeleteFlowLogs', ec2Arn('vpc-flow-log/fl-1')), 'ExplicitlyDenied', byNetworkAdmin('ec2:DescribeFlowLogs', '*')],
  ['A persona granted network-firewall:* still cannot change a firewall policy; it can describe the firewall',
    byNetworkAdmin('network-firewall:UpdateFirewallPolicy', `arn:aws:network-firewall:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:firewall-policy/egress`),
    'ExplicitlyDenied',
    byNetworkAdmin('network-firewall:DescribeFirewall', `arn:aws:network-firewall:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:firewall/egress`)],
  ['A persona granted route53resolver:* still cannot turn the DNS Firewall to fail open; it can list rule groups',
    byNetworkAdmin('route53resolver:UpdateFirewallConfig', `arn:aws:route53resolver:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:firewall-config/rslvr-fc-1`),
    'ExplicitlyDenied', byNetworkAdmin('route53resolver:ListFirewallRuleGroups', '*')],
  ['A persona granted route53resolver:* still cannot stop query logging; it can list query log configurations',
    byNetworkAdmin('route53resolver:DisassociateResolverQueryLogConfig',
      `arn:aws:route53resolver:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:resolver-query-log-config/rqlc-1`),
    'ExplicitlyDenied', byNetworkAdmin('route53resolver:ListResolverQueryLogConfigs', '*')],
  ['A persona granted logs:* still cannot shorten a log group\'s retention; it can describe log groups',
    byNetworkAdmin('logs:PutRetentionPolicy', FLOW_LOG_GROUP), 'ExplicitlyDenied', byNetworkAdmin('logs:DescribeLogGroups', '*')],
];

describe('offline IAM evaluation of the synthesized policies', () => {
  test('at least 35 claims', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(35);
  });

  test.each(PAIRS)('%s', async (_, denied, how, allowed) => {
    await expect(decide(denied)).resolves.toBe(how);
    await expect(decide(allowed)).resolves.toBe('Allowed');
  });
});
