import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PersonaRoles } from '../../src/identity/persona-roles';
import { StudioImageCatalog } from '../../src/workspace/approved-images';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

/**
 * The pull restriction of the image catalog, evaluated offline on the synthesized managed
 * policies of the persona roles (tokens replaced by sample ids): a persona pulls the
 * approved images and is denied every other repository of the account, even with an
 * allow of its own; repositories of other accounts (AWS's images) are left alone.
 */

const AWS_IMAGES_ACCOUNT = '763104351884';

const stack: Stack = agnosticStack();
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-0example',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
});
const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud', vpc });
const catalog = new StudioImageCatalog(stack, 'Images');
for (const role of [personas.defaultRole, personas.dataScientistRole, personas.mlopsRole]) {
  catalog.grantPull(role);
  catalog.restrictPulls(role);
}
// Approved after the grants: the policies follow.
catalog.addImage('base', { tag: 'v1', repository: ecr.Repository.fromRepositoryName(stack, 'Pipeline', 'pipeline/studio') });
const template = Template.fromStack(stack).toJSON();

const logicalId = (construct: iam.IRole | ecr.IRepository) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;
const ecrArn = (repository: string, account = SAMPLE_ACCOUNT) => `arn:aws:ecr:${SAMPLE_REGION}:${account}:repository/${repository}`;
const CATALOG_REPOSITORY = 'studio-images';
const SAMPLE_IDS = {
  ...Object.fromEntries([personas.defaultRole, personas.dataScientistRole, personas.mlopsRole, personas.jobRole]
    .map((role) => [`${logicalId(role)}.Arn`, arnOf(role)])),
  [`${logicalId(catalog.repository)}.Arn`]: ecrArn(CATALOG_REPOSITORY),
};

/** The concrete documents of the managed policies attached to a role. */
function policiesOf(role: iam.IRole): unknown[] {
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === logicalId(role)))
    .map((r) => concretize(r.Properties.PolicyDocument, SAMPLE_IDS));
}

/** A broad allow the persona might get elsewhere: pulls from any repository. */
const ANY_PULL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: '*' }] };

/** What the repository policy of AWS's public framework images allows: pulls by anyone. */
const PULL_BY_ANYONE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }] };

/**
 * A pull request with `aws:ResourceAccount` set, as AWS sets it, to the account that owns
 * the repository; a repository of another account allows the pull in its repository policy.
 */
function pull(role: iam.IRole, action: string, resource: string, extra: unknown[] = [], resourceAccount = SAMPLE_ACCOUNT): Promise<string> {
  return simulate({
    principal: arnOf(role),
    action,
    resource,
    resourceAccount,
    context: { 'aws:ResourceAccount': resourceAccount },
    identityPolicies: [...policiesOf(role), ...extra],
    resourcePolicy: resourceAccount === SAMPLE_ACCOUNT ? undefined : PULL_BY_ANYONE,
  });
}

describe.each([
  ['data scientist', personas.dataScientistRole],
  ['MLOps', personas.mlopsRole],
  ['default', personas.defaultRole],
])('the %s persona', (_name, role) => {
  test.each(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'])('may %s in the catalog\'s repository', async (action) => {
    expect(await pull(role, action, ecrArn(CATALOG_REPOSITORY))).toBe('Allowed');
  });

  test('may pull from a repository approved after the grant', async () => {
    expect(await pull(role, 'ecr:BatchGetImage', ecrArn('pipeline/studio'))).toBe('Allowed');
  });

  test('may get the registry token Docker needs', async () => {
    expect(await pull(role, 'ecr:GetAuthorizationToken', '*')).toBe('Allowed');
  });

  test.each(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'])('is denied %s in another repository of the account, even when allowed elsewhere', async (action) => {
    expect(await pull(role, action, ecrArn('unreviewed/tools'), [ANY_PULL])).toBe('ExplicitlyDenied');
    expect(await pull(role, action, ecrArn(CATALOG_REPOSITORY), [ANY_PULL])).toBe('Allowed');
  });

  test('is denied an unapproved repository of the account in another region too', async () => {
    const otherRegion = `arn:aws:ecr:us-east-1:${SAMPLE_ACCOUNT}:repository/${CATALOG_REPOSITORY}`;
    expect(await pull(role, 'ecr:BatchGetImage', otherRegion, [ANY_PULL])).toBe('ExplicitlyDenied');
  });

  test('is not held back from AWS\'s own images in another account', async () => {
    const awsImage = ecrArn('pytorch-training', AWS_IMAGES_ACCOUNT);
    expect(await pull(role, 'ecr:BatchGetImage', awsImage, [ANY_PULL], AWS_IMAGES_ACCOUNT)).toBe('Allowed');
  });

  test('fails closed: without aws:ResourceAccount in the request, every unapproved repository is denied', async () => {
    const awsImage = ecrArn('pytorch-training', AWS_IMAGES_ACCOUNT);
    const request = { principal: arnOf(role), action: 'ecr:BatchGetImage', resourceAccount: AWS_IMAGES_ACCOUNT };
    expect(await simulate({ ...request, resource: awsImage, identityPolicies: [...policiesOf(role), ANY_PULL], resourcePolicy: PULL_BY_ANYONE }))
      .toBe('ExplicitlyDenied');
    expect(await simulate({ ...request, resource: ecrArn(CATALOG_REPOSITORY), resourceAccount: SAMPLE_ACCOUNT, identityPolicies: policiesOf(role) }))
      .toBe('Allowed');
  });
});

test('the job role is not restricted: jobs keep pulling their images from the account', async () => {
  expect(await pull(personas.jobRole, 'ecr:BatchGetImage', ecrArn('unreviewed/tools'))).toBe('Allowed');
});

test('the image role pulls the approved repositories only', async () => {
  const imagePolicies = Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === logicalId(catalog.imageRole)))
    .map((r) => concretize(r.Properties.PolicyDocument, SAMPLE_IDS));
  const request = (resource: string) => simulate({
    principal: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/ImageRole`, action: 'ecr:BatchGetImage', resource, identityPolicies: imagePolicies,
  });
  expect(await request(ecrArn(CATALOG_REPOSITORY))).toBe('Allowed');
  expect(await request(ecrArn('pipeline/studio'))).toBe('Allowed');
  expect(await request(ecrArn('unreviewed/tools'))).toBe('ImplicitlyDenied');
});
