import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PersonaRoles, StudioPackageMirror } from '../../src';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * The access claims of the package mirror, evaluated offline on the synthesized policies:
 * the persona roles' managed policies (tokens replaced by sample ids) and the policy of the
 * CodeArtifact repositories endpoint. Each denial comes with the nearest request that must
 * still be allowed.
 */

const TEAM = 'fraud';
const FOREIGN_ACCOUNT = '999988887777';
const DOMAIN = 'mirror';

const stack: Stack = agnosticStack();
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-0example',
  vpcCidrBlock: '10.0.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
});
const personas = new PersonaRoles(stack, 'Personas', { team: TEAM, vpc });
const mirror = new StudioPackageMirror(stack, 'Mirror', { vpc, domainName: DOMAIN });
for (const role of [personas.dataScientistRole, personas.mlopsRole, personas.jobRole]) {
  mirror.grantRead(role);
  mirror.denyAdministration(role);
}
mirror.grantPublish(personas.mlopsRole);
const template = Template.fromStack(stack).toJSON();

const logicalId = (role: iam.IRole) => stack.getLogicalId(role.node.defaultChild as CfnElement);
const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;
const SAMPLE_IDS = Object.fromEntries([personas.defaultRole, personas.dataScientistRole, personas.mlopsRole, personas.jobRole]
  .map((role) => [`${logicalId(role)}.Arn`, arnOf(role)]));

/** The concrete documents of the managed policies attached to a role. */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concretize(r.Properties.PolicyDocument, SAMPLE_IDS));
}

/**
 * The concrete policy of the CodeArtifact repositories endpoint. Its principal `{ "AWS": "*" }`
 * is written `"*"`, the same meaning in the form the simulator accepts for endpoint policies.
 */
const repositoriesEndpointPolicy = JSON.parse(JSON.stringify(concretize(Object.values<any>(template.Resources).find((r) =>
  r.Type === 'AWS::EC2::VPCEndpoint' && JSON.stringify(r.Properties.ServiceName).includes('codeartifact.repositories')).Properties.PolicyDocument))
  .replace(/"Principal":\{"AWS":"\*"\}/g, '"Principal":"*"'));

const codeartifact = (resource: string) => `arn:aws:codeartifact:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;
const DOMAIN_ARN = codeartifact(`domain/${DOMAIN}`);
const REPOSITORY = codeartifact(`repository/${DOMAIN}/studio`);
const STORE = codeartifact(`repository/${DOMAIN}/pypi-store`);
/**
 * A package of the repository. A Maven one, with a namespace: the simulator does not match the
 * empty namespace of Python package ARNs (`.../pypi//pandas`) to the package resource type.
 */
const PACKAGE = codeartifact(`package/${DOMAIN}/studio/maven/com.example/feature-utils`);
const PYPI_GROUP = codeartifact(`package-group/${DOMAIN}/pypi/*`);

interface Request {
  readonly role: iam.IRole;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

function decide(request: Request): Promise<string> {
  return simulate({
    principal: arnOf(request.role),
    action: request.action,
    resource: request.resource,
    context: { 'aws:PrincipalTag/team': TEAM, 'aws:PrincipalArn': arnOf(request.role), 'aws:PrincipalAccount': SAMPLE_ACCOUNT, ...request.context },
    identityPolicies: policiesOf(request.role),
  });
}

describe('a data scientist', () => {
  const role = personas.dataScientistRole;

  test.each([
    ['gets a token for the domain', 'codeartifact:GetAuthorizationToken', DOMAIN_ARN],
    ['gets the repository endpoint', 'codeartifact:GetRepositoryEndpoint', REPOSITORY],
    ['reads from the repository (pip install)', 'codeartifact:ReadFromRepository', REPOSITORY],
  ])('%s', async (_, action, resource) => {
    expect(await decide({ role, action, resource })).toBe('Allowed');
  });

  test('gets the bearer token for CodeArtifact, and for no other service', async () => {
    expect(await decide({ role, action: 'sts:GetServiceBearerToken', resource: '*', context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })).toBe('Allowed');
    expect(await decide({ role, action: 'sts:GetServiceBearerToken', resource: '*', context: { 'sts:AWSServiceName': 'codecatalyst.amazonaws.com' } })).toBe('ImplicitlyDenied');
  });

  test('cannot publish a package (the MLOps role can)', async () => {
    expect(await decide({ role, action: 'codeartifact:PublishPackageVersion', resource: PACKAGE })).toBe('ImplicitlyDenied');
    expect(await decide({ role: personas.mlopsRole, action: 'codeartifact:PublishPackageVersion', resource: PACKAGE })).toBe('Allowed');
  });

  test.each([
    ['change the upstreams of the repository', 'codeartifact:UpdateRepository', REPOSITORY],
    ['connect the repository to a public registry', 'codeartifact:AssociateExternalConnection', REPOSITORY],
    ['disconnect the upstream from its public registry', 'codeartifact:DisassociateExternalConnection', STORE],
    ["change a package group's origin controls", 'codeartifact:UpdatePackageGroupOriginConfiguration', PYPI_GROUP],
    ["change a package's origin controls", 'codeartifact:PutPackageOriginConfiguration', PACKAGE],
    ['copy packages into the repository past the package groups', 'codeartifact:CopyPackageVersions', REPOSITORY],
    ['open the repository to other principals', 'codeartifact:PutRepositoryPermissionsPolicy', REPOSITORY],
    ['delete the domain', 'codeartifact:DeleteDomain', DOMAIN_ARN],
    ['create a package group', 'codeartifact:CreatePackageGroup', '*'],
  ])('cannot %s: explicitly denied', async (_, action, resource) => {
    expect(await decide({ role, action, resource })).toBe('ExplicitlyDenied');
  });
});

describe('MLOps and the job role', () => {
  test('MLOps publishes internal packages but cannot change the upstream either', async () => {
    const role = personas.mlopsRole;
    expect(await decide({ role, action: 'codeartifact:PutPackageMetadata', resource: PACKAGE })).toBe('Allowed');
    expect(await decide({ role, action: 'codeartifact:PublishPackageVersion', resource: codeartifact(`package/${DOMAIN}/pypi-store/maven/com.example/feature-utils`) })).toBe('ImplicitlyDenied');
    expect(await decide({ role, action: 'codeartifact:UpdateRepository', resource: REPOSITORY })).toBe('ExplicitlyDenied');
    expect(await decide({ role, action: 'codeartifact:AssociateExternalConnection', resource: REPOSITORY })).toBe('ExplicitlyDenied');
  });

  test('the job role reads the repository (a job\'s requirements.txt), and nothing more', async () => {
    const role = personas.jobRole;
    expect(await decide({ role, action: 'codeartifact:ReadFromRepository', resource: REPOSITORY })).toBe('Allowed');
    expect(await decide({ role, action: 'codeartifact:GetAuthorizationToken', resource: DOMAIN_ARN })).toBe('Allowed');
    expect(await decide({ role, action: 'codeartifact:PublishPackageVersion', resource: PACKAGE })).toBe('ImplicitlyDenied');
    expect(await decide({ role, action: 'codeartifact:UpdateRepository', resource: REPOSITORY })).toBe('ExplicitlyDenied');
  });

  test('the default role is not granted the mirror', async () => {
    expect(await decide({ role: personas.defaultRole, action: 'codeartifact:ReadFromRepository', resource: REPOSITORY })).toBe('ImplicitlyDenied');
  });
});

describe('the repositories endpoint', () => {
  test('a principal of another account cannot use it, even with its own full access to CodeArtifact', async () => {
    const foreign = `arn:aws:iam::${FOREIGN_ACCOUNT}:role/attacker`;
    const fullAccess = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codeartifact:*', Resource: '*' }] };
    const through = (principal: string, account: string, resource: string) => simulate({
      principal,
      action: 'codeartifact:ReadFromRepository',
      resource,
      resourceAccount: account,
      context: { 'aws:PrincipalAccount': account, 'aws:PrincipalArn': principal },
      identityPolicies: [fullAccess],
      endpointPolicies: [repositoriesEndpointPolicy],
    });
    const foreignRepository = `arn:aws:codeartifact:${SAMPLE_REGION}:${FOREIGN_ACCOUNT}:repository/exfil/drop`;
    expect(await through(foreign, FOREIGN_ACCOUNT, foreignRepository)).toBe('ImplicitlyDenied');
    expect(await through(arnOf(personas.dataScientistRole), SAMPLE_ACCOUNT, REPOSITORY)).toBe('Allowed');
  });
});
