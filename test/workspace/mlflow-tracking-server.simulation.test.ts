import { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { MlflowTrackingServer, PersonaRoles, SecureStudioVpc, StudioDomain, StudioEndpointService } from '../../src';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * The MLflow claims, evaluated offline on the synthesized policies: each team's data
 * scientists log and read runs on their team's server only (SageMaker authorizes MLflow
 * calls per tracking server, docs/decisions/080-mlflow-tracking.md), MLOps alone manages
 * the registry, the UI opens only from the network, and the artifact bucket refuses
 * requests from outside the S3 endpoint while the server's own role (in SageMaker's VPC)
 * still reaches it. Every denial is paired with the nearest request that must be allowed.
 */

const stack = agnosticStack();
const network = new SecureStudioVpc(stack, 'Network');
function team(name: string, id: string) {
  const personas = new PersonaRoles(stack, `${id}Personas`, { team: name, vpc: network.vpc });
  const server = new MlflowTrackingServer(stack, `${id}Mlflow`, { network, team: name });
  server.grantLogAndRead(personas.dataScientistRole);
  server.grantLogAndRead(personas.mlopsRole);
  server.grantManageModels(personas.mlopsRole);
  server.grantSignIn(personas.dataScientistRole, { sourceVpcs: [network.vpc] });
  return { personas, server };
}
const a = team('fraud', 'TeamA');
const b = team('pricing', 'TeamB');
// A person who opens Studio as alice with a sign-in policy, and team A's MLflow UI under the same restriction.
const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole: a.personas.defaultRole });
const alice = domain.addUserProfile('alice', { executionRole: a.personas.dataScientistRole });
const API_ENDPOINT = network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_API)!;
const human = new iam.Role(stack, 'AliceHuman', { assumedBy: new iam.AccountRootPrincipal() });
domain.createSignInPolicy('AliceSignIn', { profiles: [alice], sourceVpcEndpoints: [API_ENDPOINT], roles: [human], mlflowTrackingServers: [a.server] });
const resources: Record<string, any> = Template.fromStack(stack).toJSON().Resources;

const ENDPOINT = 'vpce-0studio0000000001';
const VPC = 'vpc-0studio00000000001';
const logicalId = (construct: IConstruct) => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const serverName = (server: MlflowTrackingServer) => `sample-${logicalId(server.resource).toLowerCase()}`;
const serverArn = (server: MlflowTrackingServer) =>
  `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:mlflow-tracking-server/${serverName(server)}`;
const bucketName = (server: MlflowTrackingServer) => `test-${logicalId(server.artifactBucket.bucket).toLowerCase()}`;

const SAMPLE_IDS: Record<string, string> = {};
for (const [id, resource] of Object.entries(resources)) {
  const name = resource.Type === 'AWS::S3::Bucket' ? `test-${id.toLowerCase()}` : `sample-${id.toLowerCase()}`;
  SAMPLE_IDS[id] = { 'AWS::EC2::VPCEndpoint': ENDPOINT, 'AWS::EC2::VPC': VPC }[resource.Type as string] ?? name;
  SAMPLE_IDS[`${id}.Arn`] = {
    'AWS::IAM::Role': `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${id}`,
    'AWS::KMS::Key': `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/${id}`,
    'AWS::S3::Bucket': `arn:aws:s3:::${name}`,
  }[resource.Type as string] ?? `arn:aws:sample:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${name}`;
  SAMPLE_IDS[`${id}.UserProfileArn`] = `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:user-profile/d-sample/${name}`;
  SAMPLE_IDS[`${id}.TrackingServerArn`] = `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:mlflow-tracking-server/${name}`;
  for (const attribute of ['GroupId', 'Id', 'VpcId']) {
    SAMPLE_IDS[`${id}.${attribute}`] = `${name}-${attribute.toLowerCase()}`;
  }
}
const concrete = (value: unknown) => concretize(value, SAMPLE_IDS);
const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;

/** The concrete documents of the managed policies attached to a role. */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concrete(r.Properties.PolicyDocument));
}

async function mlflowCall(role: iam.IRole, action: string, server: MlflowTrackingServer, context: Record<string, string> = {}): Promise<string> {
  return simulate({ principal: arnOf(role), action, resource: serverArn(server), identityPolicies: policiesOf(role), context });
}

const bucketPolicyOf = (server: MlflowTrackingServer) => concrete(Object.values(resources)
  .find((r) => r.Type === 'AWS::S3::BucketPolicy' && concrete(r.Properties.Bucket) === bucketName(server))!.Properties.PolicyDocument);
const S3_ENDPOINT_POLICY = concrete(resources[logicalId(network.s3Endpoint)].Properties.PolicyDocument);

/** An object request on a server's artifact bucket, through the S3 endpoint or from outside it. */
async function artifactRequest(role: iam.IRole, action: string, server: MlflowTrackingServer, throughEndpoint: boolean): Promise<string> {
  const context: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': SAMPLE_ACCOUNT, 'aws:PrincipalArn': arnOf(role) };
  if (throughEndpoint) {
    context['aws:SourceVpce'] = ENDPOINT;
  }
  return simulate({
    principal: arnOf(role),
    action,
    resource: `arn:aws:s3:::${bucketName(server)}/1/run-id/artifacts/model.pkl`,
    identityPolicies: policiesOf(role),
    resourcePolicy: bucketPolicyOf(server),
    endpointPolicies: throughEndpoint ? [S3_ENDPOINT_POLICY] : undefined,
    context,
  });
}

describe('MlflowTrackingServer simulation', () => {
  test('the sample ARN of a server is its ARN form (mlflow-tracking-server/<name>)', () => {
    expect(serverArn(a.server)).toBe(`arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:mlflow-tracking-server/${serverName(a.server)}`);
    expect(concrete(resources[logicalId(a.server.resource)].Properties.RoleArn)).toBe(arnOf(a.server.role));
  });

  test.each(['sagemaker-mlflow:GetRun', 'sagemaker-mlflow:SearchRuns', 'sagemaker-mlflow:LogMetric', 'sagemaker-mlflow:GetMetricHistory'])(
    "a data scientist may %s on the team's server, not on another team's", async (action) => {
      expect(await mlflowCall(a.personas.dataScientistRole, action, a.server)).toBe('Allowed');
      expect(await mlflowCall(a.personas.dataScientistRole, action, b.server)).toBe('ImplicitlyDenied');
      expect(await mlflowCall(b.personas.dataScientistRole, action, b.server)).toBe('Allowed');
      expect(await mlflowCall(b.personas.dataScientistRole, action, a.server)).toBe('ImplicitlyDenied');
    });

  test.each(['sagemaker-mlflow:CreateRegisteredModel', 'sagemaker-mlflow:CreateModelVersion', 'sagemaker-mlflow:TransitionModelVersionStage'])(
    "only MLOps may %s, on the team's server", async (action) => {
      expect(await mlflowCall(a.personas.dataScientistRole, action, a.server)).toBe('ImplicitlyDenied');
      expect(await mlflowCall(a.personas.mlopsRole, action, a.server)).toBe('Allowed');
      expect(await mlflowCall(a.personas.mlopsRole, action, b.server)).toBe('ImplicitlyDenied');
    });

  test("a data scientist reads the team's registry but not another team's", async () => {
    expect(await mlflowCall(a.personas.dataScientistRole, 'sagemaker-mlflow:GetModelVersion', a.server)).toBe('Allowed');
    expect(await mlflowCall(a.personas.dataScientistRole, 'sagemaker-mlflow:GetModelVersion', b.server)).toBe('ImplicitlyDenied');
  });

  test("the MLflow UI of the team's server opens only from the network", async () => {
    const action = 'sagemaker:CreatePresignedMlflowTrackingServerUrl';
    expect(await mlflowCall(a.personas.dataScientistRole, action, a.server, { 'aws:SourceVpc': VPC })).toBe('Allowed');
    expect(await mlflowCall(a.personas.dataScientistRole, action, a.server)).toBe('ImplicitlyDenied');
    expect(await mlflowCall(a.personas.dataScientistRole, action, a.server, { 'aws:SourceVpc': 'vpc-0elsewhere000000001' })).toBe('ImplicitlyDenied');
    expect(await mlflowCall(a.personas.dataScientistRole, action, b.server, { 'aws:SourceVpc': VPC })).toBe('ImplicitlyDenied');
  });

  test('the Studio sign-in policy opens the MLflow UI of the given server under the same restriction as Studio', async () => {
    const action = 'sagemaker:CreatePresignedMlflowTrackingServerUrl';
    expect(await mlflowCall(human, action, a.server, { 'aws:SourceVpce': ENDPOINT })).toBe('Allowed');
    expect(await mlflowCall(human, action, a.server, { 'aws:SourceVpce': 'vpce-0elsewhere00000001' })).toBe('ImplicitlyDenied');
    expect(await mlflowCall(human, action, a.server)).toBe('ImplicitlyDenied');
    expect(await mlflowCall(human, action, b.server, { 'aws:SourceVpce': ENDPOINT })).toBe('ImplicitlyDenied');
    // Studio itself, for comparison: the same source decides.
    const aliceArn = SAMPLE_IDS[`${logicalId(alice.node.defaultChild as IConstruct)}.UserProfileArn`];
    const studioSignIn = (context: Record<string, string>) => simulate({
      principal: arnOf(human), action: 'sagemaker:CreatePresignedDomainUrl', identityPolicies: policiesOf(human), resource: aliceArn, context,
    });
    expect(await studioSignIn({ 'aws:SourceVpce': ENDPOINT })).toBe('Allowed');
    expect(await studioSignIn({})).toBe('ImplicitlyDenied');
    expect(await mlflowCall(human, 'sagemaker-mlflow:GetRun', a.server)).toBe('ImplicitlyDenied');
  });

  test("a data scientist reads and writes the team's artifacts through the S3 endpoint, never from outside it", async () => {
    for (const action of ['s3:GetObject', 's3:PutObject']) {
      expect(await artifactRequest(a.personas.dataScientistRole, action, a.server, true)).toBe('Allowed');
      expect(await artifactRequest(a.personas.dataScientistRole, action, a.server, false)).toBe('ExplicitlyDenied');
    }
  });

  test("a data scientist cannot read another team's artifacts, even through the endpoint", async () => {
    expect(await artifactRequest(a.personas.dataScientistRole, 's3:GetObject', b.server, true)).toBe('ImplicitlyDenied');
    expect(await artifactRequest(b.personas.dataScientistRole, 's3:GetObject', b.server, true)).toBe('Allowed');
  });

  test("the server's role reaches its artifacts from SageMaker's VPC (no endpoint), and only its own server's", async () => {
    for (const action of ['s3:GetObject', 's3:PutObject']) {
      expect(await artifactRequest(a.server.role, action, a.server, false)).toBe('Allowed');
      expect(await artifactRequest(a.server.role, action, b.server, false)).toBe('ExplicitlyDenied');
    }
    expect(await artifactRequest(a.server.role, 's3:DeleteObjectVersion', a.server, false)).toBe('ImplicitlyDenied');
  });

  test("the server's role may do nothing in MLflow or SageMaker", async () => {
    expect(await mlflowCall(a.server.role, 'sagemaker-mlflow:GetRun', a.server)).toBe('ImplicitlyDenied');
    expect(await mlflowCall(a.server.role, 'sagemaker:CreatePresignedMlflowTrackingServerUrl', a.server, { 'aws:SourceVpc': VPC }))
      .toBe('ImplicitlyDenied');
  });
});
