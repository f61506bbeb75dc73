import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PersonaRoles, SecureStudio } from '../../src';
import { denySharedSpaces } from '../../src/identity/guardrails';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

const sagemaker = (resource: string) => `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;
const SPACE = sagemaker('space/d-1/alice-shared');
const APP = sagemaker('app/d-1/alice-shared/jupyterlab/default');
const PROFILE_APP = sagemaker('app/d-1/alice/jupyterlab/default');
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('denySharedSpaces, alone next to an allow-all policy', () => {
  const guardrail = { Version: '2012-10-17', Statement: denySharedSpaces().map((s) => new Stack().resolve(s.toStatementJson())) };
  const decide = (action: string, resource: string, context: Record<string, string>) => simulate({
    principal: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DataScientist`, action, resource, context, identityPolicies: [ALLOW_ALL, guardrail],
  });

  test('a shared space is denied, and a space whose request names no sharing type; a private space is allowed', async () => {
    await expect(decide('sagemaker:CreateSpace', SPACE, { 'sagemaker:SpaceSharingType': 'Shared' })).resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateSpace', SPACE, {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateSpace', SPACE, { 'sagemaker:SpaceSharingType': 'Private' })).resolves.toBe('Allowed');
  });

  test('an app in a shared space is denied; in a private space, or of the profile outside any space, it is allowed', async () => {
    await expect(decide('sagemaker:CreateApp', APP, { 'sagemaker:SpaceSharingType': 'Shared' })).resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateApp', APP, { 'sagemaker:SpaceSharingType': 'Private' })).resolves.toBe('Allowed');
    await expect(decide('sagemaker:CreateApp', PROFILE_APP, {})).resolves.toBe('Allowed');
  });
});

describe('PersonaRoles allowSharedSpaces', () => {
  function personasIn(allowSharedSpaces?: boolean) {
    const stack = agnosticStack();
    const personas = new PersonaRoles(stack, 'Personas', {
      team: 'fraud',
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0example', availabilityZones: ['a', 'b'], isolatedSubnetIds: ['subnet-0a', 'subnet-0b'] }),
      allowSharedSpaces,
    });
    // A persona allowed every space and app, so that only the guardrail can deny (the built-in personas name their own
    // space through Studio's policy variables, which the offline simulator does not resolve for CreateSpace).
    const spaceUser = personas.addPersona('SpaceUser', {
      statements: [new iam.PolicyStatement({
        actions: ['sagemaker:CreateSpace', 'sagemaker:CreateApp'],
        resources: [`arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:*`],
      })],
    });
    return { stack, personas, spaceUser };
  }

  function decide(allowSharedSpaces: boolean | undefined, action: string, resource: string, context: Record<string, string>) {
    const { stack, personas, spaceUser } = personasIn(allowSharedSpaces);
    const template = Template.fromStack(stack).toJSON();
    const logicalId = (role: iam.IRole) => stack.getLogicalId(role.node.defaultChild as CfnElement);
    const arnOf = (role: iam.IRole) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${logicalId(role)}`;
    const sampleIds = Object.fromEntries([personas.jobRole, spaceUser].map((role) => [`${logicalId(role)}.Arn`, arnOf(role)]));
    const policies = Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((ref: any) => ref.Ref === logicalId(spaceUser)))
      .map((r) => concretize(r.Properties.PolicyDocument, sampleIds));
    return simulate({ principal: arnOf(spaceUser), action, resource, context, identityPolicies: policies });
  }

  test('by default the admin guardrails have no shared-space statement, and a persona allowed spaces creates a shared one', async () => {
    const { stack } = personasIn();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenySpaceRemoteAccess' })]) },
    });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('DenySpacesButPrivate');
    await expect(decide(undefined, 'sagemaker:CreateSpace', SPACE, { 'sagemaker:SpaceSharingType': 'Shared' })).resolves.toBe('Allowed');
  });

  test('with allowSharedSpaces false, the persona cannot create a shared space or an app in one; private ones still work', async () => {
    await expect(decide(false, 'sagemaker:CreateSpace', SPACE, { 'sagemaker:SpaceSharingType': 'Shared' })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(false, 'sagemaker:CreateSpace', SPACE, { 'sagemaker:SpaceSharingType': 'Private' })).resolves.toBe('Allowed');
    await expect(decide(false, 'sagemaker:CreateApp', APP, { 'sagemaker:SpaceSharingType': 'Shared' })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(false, 'sagemaker:CreateApp', APP, { 'sagemaker:SpaceSharingType': 'Private' })).resolves.toBe('Allowed');
  });

  test('SecureStudio passes allowSharedSpaces: false to the guardrails of its personas', () => {
    const stack = agnosticStack();
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', allowSharedSpaces: false });
    const template = Template.fromStack(stack);
    const [guardrail] = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenySpacesButPrivate' })]) } },
    }));
    expect(guardrail.Properties.Roles).toContainEqual({ Ref: stack.getLogicalId(studio.personas.dataScientistRole.node.defaultChild as CfnElement) });
    expect(guardrail.Properties.Description).toContain('shared spaces');
  });
});
