import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { rules } from 'cdk-nag';
import { PersonaNetworkPerimeter, PersonaRoles, PersonaRolesProps } from '../../src';
import { policyDocumentLength } from '../../src/private/policy-size';
import { wildcardFindingIds } from '../../src/private/wildcard-findings';
import { nagErrors } from '../helpers/nag';
import { agnosticStack } from '../helpers/stacks';

/** The environment as imported resources, so that only PersonaRoles is checked. */
function withEnvironment(stack: Stack): Partial<PersonaRolesProps> {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0example',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb', 'subnet-0cccccccccccccccc'],
  });
  const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777');
  return {
    vpc,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0example')],
    volumeEncryptionKey: key,
    outputEncryptionKey: key,
    requireNetworkIsolation: true,
  };
}

const CONFIGURATIONS: [string, (stack: Stack) => Partial<PersonaRolesProps>][] = [
  ['defaults', () => ({})],
  ['an environment of three subnets, a security group, keys and network isolation', withEnvironment],
  ['that environment with the network perimeter enforced', (stack) => ({ ...withEnvironment(stack), networkPerimeter: PersonaNetworkPerimeter.ENFORCE })],
];

function build(props: (stack: Stack) => Partial<PersonaRolesProps>) {
  const stack = agnosticStack();
  const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud', ...props(stack) });
  return { stack, personas, template: Template.fromStack(stack) };
}

/** Metric data has no resource type; PutMetricData's optional `dataset` type is another CloudWatch feature. */
const NO_RESOURCE_FOR_THIS_USE = ['cloudwatch:PutMetricData'];

function managedPolicies(personas: PersonaRoles): iam.ManagedPolicy[] {
  return personas.node.findAll().filter((c): c is iam.ManagedPolicy => c instanceof iam.ManagedPolicy);
}

describe.each(CONFIGURATIONS)('with %s', (_, props) => {
  test('the four cdk-nag packs report no unacknowledged error', () => {
    const { stack } = build(props);
    expect(nagErrors(stack)).toEqual([]);
  });

  test('every acknowledged AwsSolutions-IAM5 finding is a real finding of its policy and says why it cannot be narrower', () => {
    const { personas } = build(props);
    let acknowledgedCount = 0;
    for (const policy of managedPolicies(personas)) {
      const findings = rules.iam.IAMNoWildcardPermissions(policy.node.defaultChild as iam.CfnManagedPolicy);
      const expected = Array.isArray(findings) ? findings.map((f) => `AwsSolutions-IAM5[${f}]`) : [];
      const acknowledged = Object.fromEntries(policy.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]));
      expect(Object.keys(acknowledged).sort()).toEqual([...new Set(expected)].sort());
      acknowledgedCount += expected.length;
      for (const reason of Object.values(acknowledged)) {
        expect(reason).toMatch(/(support no resource-level permissions|has no resource type|at run time|after deployment)/);
      }
    }
    expect(acknowledgedCount).toBeGreaterThan(20);
  });

  test('every action is a real IAM action; only actions without resource-level permissions are granted on *', async () => {
    const { template } = build(props);
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((r: any) => r.Properties.PolicyDocument.Statement);
    for (const statement of statements) {
      const actions: string[] = [statement.Action ?? [], statement.NotAction ?? []].flat().filter((action: string) => !action.includes('*'));
      const onStar = statement.Effect === 'Allow' && statement.Resource === '*';
      for (const action of actions) {
        const [service, name] = action.split(':');
        const wildcardOnly = await isWildcardOnlyAction(service, name);
        if (onStar && !NO_RESOURCE_FOR_THIS_USE.includes(action)) {
          expect({ action, wildcardOnly }).toEqual({ action, wildcardOnly: true });
        }
      }
    }
  });

  test('each policy fits in 6,144 characters and each role holds at most 10 policies', () => {
    const { personas, template } = build(props);
    for (const policy of managedPolicies(personas)) {
      expect(policyDocumentLength(policy, policy.document)).toBeLessThanOrEqual(6_144);
    }
    const attachments = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((r: any) => r.Properties.Roles.map((role: any) => role.Ref));
    for (const role of Object.keys(template.findResources('AWS::IAM::Role'))) {
      expect(attachments.filter((ref) => ref === role).length).toBeLessThanOrEqual(10);
    }
  });
});

test('wildcard finding ids are written the way cdk-nag reports them, for every form of reference', () => {
  const stack = agnosticStack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  const statement = new iam.PolicyStatement({
    actions: ['s3:Get*', 's3:PutObject'],
    resources: ['*', `${role.roleArn}/*`, `arn:${stack.partition}:s3:::\${aws:PrincipalTag/team}-*`, `${stack.account}*`, 'arn:aws:s3:::exact'],
  });
  for (const intrinsic of [{ 'Fn::ImportValue': 'Shared-*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x-*' }, { 'Fn::Select': [0, ['a*']] }]) {
    statement.addResources(intrinsic as unknown as string);
  }
  const policy = new iam.ManagedPolicy(stack, 'Policy', { statements: [statement] });
  const reported = rules.iam.IAMNoWildcardPermissions(policy.node.defaultChild as iam.CfnManagedPolicy);
  expect(wildcardFindingIds(policy, statement)).toEqual((reported as string[]).map((finding) => `AwsSolutions-IAM5[${finding}]`));
});
