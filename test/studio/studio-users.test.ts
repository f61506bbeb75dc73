import { CfnResource, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { fnv1a32, USER_STACKS, userStackIndex } from '../../src/private/user-placement';
import { StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import { StudioUsers } from '../../src/studio/studio-users';
import { agnosticStack } from '../helpers/stacks';

function build(names: string[], props: Partial<StudioDomainProps> = {}) {
  const stack = agnosticStack();
  const network = new SecureStudioVpc(stack, 'Network');
  const defaultExecutionRole = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole, ...props });
  const users = new StudioUsers(stack, 'Users', { domain });
  const profiles = names.map((name) => users.addUser(name, { ownSecurityGroup: true, team: 'fraud' }));
  return { stack, domain, users, profiles };
}

function resourceCount(stack: Stack): number {
  return Object.keys(Template.fromStack(stack).toJSON().Resources ?? {}).length;
}

/** Where each user's resources are: the logical id of its nested stack in the parent, and its own logical ids. */
function placement(names: string[], extra: string, at: number) {
  const list = [...names];
  list.splice(at, 0, extra);
  const { stack, users } = build(list);
  Template.fromStack(stack);
  return Object.fromEntries(users.profiles.map((profile) => {
    const nested = Stack.of(profile) as NestedStack;
    const group = profile.securityGroups[0].node.defaultChild as CfnResource;
    return [profile.userProfileName, {
      nestedStack: stack.getLogicalId(nested.nestedStackResource!),
      profile: nested.getLogicalId(profile.resource),
      securityGroup: nested.getLogicalId(group),
    }];
  }));
}

describe('placement by name', () => {
  test('the hash is FNV-1a (32 bits), pinned: changing it would move every deployed user', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(USER_STACKS).toBe(32);
    expect(StudioUsers.NESTED_STACKS).toBe(32);
    expect(['alice', 'bob', 'carol', 'data-scientist', 'mlops-engineer'].map((name) => userStackIndex(name))).toEqual([7, 20, 18, 22, 10]);
  });

  test('names are hashed without case, as SageMaker compares them', () => {
    expect(userStackIndex('Alice')).toBe(userStackIndex('alice'));
  });
});

describe('StudioUsers', () => {
  const names = Array.from({ length: 60 }, (_, i) => `user${i}`);

  test('profiles and their groups go to nested stacks; the domain\'s stack holds one resource per nested stack', () => {
    const { stack, users, profiles } = build(names);
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::SageMaker::UserProfile', 0);
    parent.resourceCountIs('AWS::SageMaker::Domain', 1);
    parent.resourceCountIs('AWS::CloudFormation::Stack', users.nestedStacks.length);
    expect(users.nestedStacks.length).toBe(new Set(names.map((name) => userStackIndex(name))).size);
    for (const profile of profiles) {
      expect(Stack.of(profile)).toBe(users.stackOf(profile.userProfileName));
      expect(Stack.of(profile.securityGroups[0])).toBe(Stack.of(profile));
    }
    expect(users.profiles).toEqual(profiles);
  });

  test('a user costs exactly 2 resources in its nested stack (profile and security group), and nothing else is there', () => {
    const { users } = build(names);
    let total = 0;
    for (const nested of users.nestedStacks) {
      const template = Template.fromStack(nested);
      const profiles = Object.keys(template.findResources('AWS::SageMaker::UserProfile')).length;
      expect(resourceCount(nested)).toBe(2 * profiles);
      total += resourceCount(nested);
    }
    expect(total / names.length).toBe(2);
  });

  test('every profile names the one domain of the parent', () => {
    const { stack, domain, users } = build(names.slice(0, 10));
    const domainId = { 'Fn::GetAtt': [stack.getLogicalId(domain.resource), 'DomainId'] };
    const parent = Template.fromStack(stack).toJSON();
    for (const nested of users.nestedStacks) {
      const parameters = parent.Resources[stack.getLogicalId(nested.nestedStackResource!)].Properties.Parameters;
      const template = Template.fromStack(nested).toJSON();
      for (const profile of Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::SageMaker::UserProfile') as any[]) {
        expect(parameters[profile.Properties.DomainId.Ref]).toEqual(domainId);
      }
    }
  });

  test.each([
    ['at the end', 60],
    ['at the start', 0],
    ['in the middle', 30],
  ])('adding a user %s changes no other user\'s nested stack or logical ids', (_where, at) => {
    const before = placement(names, 'zed', names.length);
    delete before.zed;
    const after = placement(names, 'newcomer', at);
    delete after.newcomer;
    expect(after).toEqual(before);
  });

  test('removing a user moves no one else either', () => {
    const all = placement(names, 'zed', 0);
    const withoutOne = placement(names.filter((name) => name !== 'user7'), 'zed', 0);
    delete all.user7;
    expect(withoutOne).toEqual(all);
  });

  test('a nested stack over 500 resources is refused at synth time, naming the stack', () => {
    const crowded: string[] = [];
    for (let i = 0; crowded.length < 251; i++) {
      if (userStackIndex(`u${i}`) === 3) {
        crowded.push(`u${i}`);
      }
    }
    const { stack } = build(crowded);
    expect(() => Template.fromStack(stack)).toThrow(
      "StudioUsers addUser: nested stack Stack03 would hold 502 resources for 251 users, over CloudFormation's 500; " +
      'the users of one domain are spread over 32 nested stacks by name, about 250 users each at 2 resources per user ' +
      '(2 with ownSecurityGroup, 1 more per private space): give some of the users a second domain');
  });

  test('with the domain teardown, the teardown waits for the nested stacks of the profiles', () => {
    const { stack, users } = build(['alice', 'bob'], { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack).toJSON();
    const teardown = Object.values(template.Resources).find((r: any) => r.Type === 'Custom::StudioDomainTeardown') as any;
    for (const nested of users.nestedStacks) {
      expect(teardown.DependsOn).toContain(stack.getLogicalId(nested.nestedStackResource!));
    }
    expect(users.nestedStacks).toHaveLength(2);
  });

  test('refuses the second profile of a name, in any case, across nested stacks', () => {
    const { users } = build(['alice']);
    expect(() => users.addUser('ALICE')).toThrow("StudioDomain addUserProfile: a profile named 'ALICE' exists already (names are compared without case); a unique name");
  });
});
