import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PersonaNetworkPerimeter, PersonaRoles, PersonaRolesProps } from '../../src';
import { IN_VPC_RESOURCE_ACTIONS } from '../../src/identity/network-perimeter';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * PersonaRoles with the network perimeter enforced: the synthesized policies of each role
 * evaluated offline (tokens replaced by sample ids), each denial paired with the request
 * that must still be allowed, and the template with the perimeter off unchanged.
 */

const TEAM = 'fraud';
const VPC = 'vpc-0example';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
const SECURITY_GROUP = 'sg-0studio';
const KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`;
const BUCKET = 'fraud-data';

function environment(stack: Stack): Partial<PersonaRolesProps> {
  const key = kms.Key.fromKeyArn(stack, 'Key', KEY);
  return {
    vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: VPC, availabilityZones: ['a', 'b'], isolatedSubnetIds: SUBNETS }),
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', SECURITY_GROUP)],
    volumeEncryptionKey: key,
    outputEncryptionKey: key,
  };
}

function build(props: Partial<PersonaRolesProps>, stack: Stack = agnosticStack()) {
  const personas = new PersonaRoles(stack, 'Personas', { team: TEAM, ...environment(stack), ...props });
  return { stack, personas };
}

const { stack, personas } = build({ networkPerimeter: PersonaNetworkPerimeter.ENFORCE });
const bucket = s3.Bucket.fromBucketAttributes(stack, 'Data', { bucketName: BUCKET, encryptionKey: kms.Key.fromKeyArn(stack, 'DataKey', KEY) });
for (const role of [personas.dataScientistRole, personas.mlopsRole, personas.jobRole]) {
  bucket.grantReadWrite(role);
}
const analyst = personas.addPersona('Analyst', {
  statements: [new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: ['*'] })],
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources;

const logicalId = (role: iam.IRole) => stack.getLogicalId(role.node.defaultChild as CfnElement);
const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;
const ROLES = [personas.defaultRole, personas.dataScientistRole, personas.mlopsRole, personas.jobRole, analyst];
const SAMPLE_IDS = Object.fromEntries(ROLES.map((role) => [`${logicalId(role)}.Arn`, arnOf(role)]));

/** The concrete documents of the managed policies attached to a role (from the policy's side or the role's). */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values<any>(resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concretize(r.Properties.PolicyDocument, SAMPLE_IDS));
}

function perimeterAttachedTo(role: iam.IRole): boolean {
  const policy = personas.networkPerimeterPolicy as iam.ManagedPolicy;
  const roles: any[] = resources[stack.getLogicalId(policy.node.defaultChild as CfnElement)].Properties.Roles;
  return roles.some((ref) => ref.Ref === logicalId(role));
}

/** A direct call from a laptop: a public source IP, no VPC endpoint, not made by a service. */
const FROM_INTERNET = { 'aws:SourceIp': '203.0.113.7', 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false' };
/** A call from a Studio app through an endpoint of the environment's VPC. */
const FROM_VPC = { 'aws:SourceVpc': VPC, 'aws:SourceVpce': 'vpce-0sagemakerapi', 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false' };
/** A call SageMaker makes with a role it assumed (Pipelines, a job): from an AWS network, no VPC endpoint, not forwarded. */
const FROM_SAGEMAKER = { 'aws:SourceIp': '52.94.0.10', 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false' };

const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SAMPLE_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

interface Request {
  readonly role: iam.IRole;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly resourcePolicy?: unknown;
}

function decide(request: Request): Promise<string> {
  return simulate({
    principal: arnOf(request.role),
    action: request.action,
    resource: request.resource,
    context: { 'aws:PrincipalTag/team': TEAM, 'aws:PrincipalArn': arnOf(request.role), 'aws:PrincipalAccount': SAMPLE_ACCOUNT, ...request.context },
    identityPolicies: policiesOf(request.role),
    resourcePolicy: request.resourcePolicy,
  });
}

const sagemaker = (resource: string) => `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;

/** A processing job with the environment's subnets, security group and keys, encrypted in transit, tagged for the team. */
const COMPLIANT_JOB: Record<string, string | string[]> = {
  'aws:RequestTag/team': TEAM,
  'aws:TagKeys': ['team'],
  'sagemaker:VpcSubnets': SUBNETS,
  'sagemaker:VpcSecurityGroupIds': [SECURITY_GROUP],
  'sagemaker:VolumeKmsKeyArn': KEY,
  'sagemaker:OutputKmsKeyArn': KEY,
  'sagemaker:InterContainerTrafficEncryption': 'true',
};
const processingJob = (role: iam.IRole, network: Record<string, string>): Request =>
  ({ role, action: 'sagemaker:CreateProcessingJob', resource: sagemaker('processing-job/p'), context: { ...COMPLIANT_JOB, ...network } });
const getObject = (role: iam.IRole, network: Record<string, string>): Request =>
  ({ role, action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/train.csv`, context: network });
const decryptViaS3 = (role: iam.IRole, viaService: boolean): Request => ({
  role,
  action: 'kms:Decrypt',
  resource: KEY,
  context: viaService
    ? { 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'true', 'aws:CalledVia': ['s3.amazonaws.com'], 'kms:ViaService': `s3.${SAMPLE_REGION}.amazonaws.com` }
    : FROM_INTERNET,
  resourcePolicy: KEY_POLICY,
});
const startPipeline = (network: Record<string, string>): Request => ({
  role: personas.mlopsRole,
  action: 'sagemaker:StartPipelineExecution',
  resource: sagemaker('pipeline/churn'),
  context: { 'aws:ResourceTag/team': TEAM, ...network },
});
const describeJob = (role: iam.IRole, network: Record<string, string>): Request => ({
  role, action: 'sagemaker:DescribeTrainingJob', resource: sagemaker('training-job/churn-1'), context: { 'aws:ResourceTag/team': TEAM, ...network },
});

/** [claim, the request that must be denied, the request that must be allowed]. */
const PAIRS: [string, Request, Request][] = [
  ['a data scientist\'s processing job from a laptop is denied; from the environment\'s VPC it is allowed',
    processingJob(personas.dataScientistRole, FROM_INTERNET), processingJob(personas.dataScientistRole, FROM_VPC)],
  ['a data scientist\'s read of an environment bucket from a laptop is denied; through the VPC\'s S3 endpoint it is allowed',
    getObject(personas.dataScientistRole, FROM_INTERNET), getObject(personas.dataScientistRole, { ...FROM_VPC, 'aws:SourceVpce': 'vpce-0s3gateway' })],
  ['decrypting the bucket key directly from a laptop is denied; S3 decrypting it with the caller\'s credentials is allowed',
    decryptViaS3(personas.dataScientistRole, false), decryptViaS3(personas.dataScientistRole, true)],
  ['MLOps starting a pipeline from a laptop is denied; from the VPC it is allowed',
    startPipeline(FROM_INTERNET), startPipeline(FROM_VPC)],
  ['MLOps reading the bucket from a laptop is denied; through the VPC it is allowed',
    getObject(personas.mlopsRole, FROM_INTERNET), getObject(personas.mlopsRole, FROM_VPC)],
  ['an added persona is held to the perimeter too',
    describeJob(analyst, FROM_INTERNET), describeJob(analyst, FROM_VPC)],
  ['the same processing job the data scientist may not start from outside, SageMaker Pipelines starts with the job role from AWS networks',
    processingJob(personas.dataScientistRole, FROM_SAGEMAKER), processingJob(personas.jobRole, FROM_SAGEMAKER)],
  ['a data scientist\'s read from an AWS network is denied; the job role, not held to the perimeter, reads from there',
    getObject(personas.dataScientistRole, FROM_SAGEMAKER), getObject(personas.jobRole, FROM_SAGEMAKER)],
  ['the default (read-only) role is not held to the perimeter, the data scientist is',
    describeJob(personas.dataScientistRole, FROM_INTERNET), describeJob(personas.defaultRole, FROM_INTERNET)],
];

describe('offline IAM evaluation with the perimeter enforced', () => {
  test.each(PAIRS)('%s', async (_, denied, allowed) => {
    await expect(decide(denied)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(allowed)).resolves.toBe('Allowed');
  });
});

describe('the perimeter in the template', () => {
  test('one policy, attached to the data scientist, MLOps and added personas, not to the default or job role', () => {
    expect(personas.networkPerimeterPolicy).toBeDefined();
    expect(ROLES.map((role) => [role.node.id, perimeterAttachedTo(role)])).toEqual([
      ['DefaultRole', false], ['DataScientistRole', true], ['MlopsRole', true], ['JobRole', false], ['AnalystRole', true],
    ]);
  });

  test('the exact statements: the environment\'s VPC id, SageMaker of the stack\'s Region', () => {
    const policy = personas.networkPerimeterPolicy as iam.ManagedPolicy;
    const document = resources[stack.getLogicalId(policy.node.defaultChild as CfnElement)].Properties.PolicyDocument;
    const sagemakerOfRegion = { 'Fn::Join': ['', ['sagemaker.', { Ref: 'AWS::Region' }, '.amazonaws.com']] };
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyOutsideEnvironmentNetwork',
          Effect: 'Deny',
          NotAction: [...IN_VPC_RESOURCE_ACTIONS, 'iam:PassRole'],
          Resource: '*',
          Condition: {
            StringNotEqualsIfExists: { 'aws:SourceVpc': VPC, 'kms:ViaService': sagemakerOfRegion },
            BoolIfExists: { 'aws:ViaAWSService': 'false' },
          },
        },
        {
          Sid: 'DenyEnvironmentVpcIdInOtherRegions',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceVpc': VPC }, StringNotEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
        },
      ],
    });
  });

  test('a VPC created in the stack is referenced by its id', () => {
    const own = agnosticStack();
    const vpc = new ec2.Vpc(own, 'Network', { natGateways: 0, subnetConfiguration: [{ name: 'Studio', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new PersonaRoles(own, 'Personas', { team: TEAM, vpc, networkPerimeter: PersonaNetworkPerimeter.ENFORCE });
    Template.fromStack(own).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyOutsideEnvironmentNetwork',
          Condition: Match.objectLike({ StringNotEqualsIfExists: Match.objectLike({ 'aws:SourceVpc': { Ref: own.getLogicalId(vpc.node.defaultChild as CfnElement) } }) }),
        })]),
      },
    });
  });

  test('off by default: the template is the same as with PersonaNetworkPerimeter.OFF, and has no perimeter', () => {
    const byDefault = build({});
    const off = build({ networkPerimeter: PersonaNetworkPerimeter.OFF });
    const defaultTemplate = Template.fromStack(byDefault.stack).toJSON();
    expect(Template.fromStack(off.stack).toJSON()).toEqual(defaultTemplate);
    expect(byDefault.personas.networkPerimeterPolicy).toBeUndefined();
    expect(JSON.stringify(defaultTemplate)).not.toMatch(/aws:SourceVpc|aws:ViaAWSService|NetworkPerimeter/);
  });

  test('enforcing needs the VPC', () => {
    expect(() => new PersonaRoles(agnosticStack(), 'Personas', { team: TEAM, networkPerimeter: PersonaNetworkPerimeter.ENFORCE })).toThrow(
      'PersonaRoles networkPerimeter: ENFORCE without vpc; give vpc, the VPC whose endpoints the personas use, or leave the perimeter OFF');
  });

  test('the MLOps role, the largest, still fits the default quota with its grants', () => {
    const attached = Object.values<any>(resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((ref: any) => ref.Ref === logicalId(personas.mlopsRole)));
    expect(attached).toHaveLength(10);
  });
});
