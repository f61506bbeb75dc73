import { CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { SecureStudioVpc } from '../../../src/network/secure-studio-vpc';
import { TOKEN_NAME_STACK, userStackIndex } from '../../../src/private/user-placement';
import { StudioDomain } from '../../../src/studio/studio-domain';
import { StudioUsers } from '../../../src/studio/studio-users';
import { agnosticStack } from '../../helpers/stacks';

function build() {
  const stack = agnosticStack();
  const network = new SecureStudioVpc(stack, 'Network');
  const defaultExecutionRole = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/studio');
  const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole });
  return { stack, domain, users: new StudioUsers(stack, 'Users', { domain }) };
}

describe('StudioUsers.addUser checks what StudioDomain.addUserProfile checks', () => {
  const { stack, users } = build();

  test.each([
    ['a name outside SageMaker\'s pattern', () => users.addUser('alice_smith'),
      "StudioUsers addUser: 'alice_smith' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters"],
    ['a team that is no tag value', () => users.addUser('bob', { team: 'fraud#1' }),
      "StudioDomain team: the value 'fraud#1' of tag 'team' has a character tags do not allow; a value of at most 256 letters, digits, spaces and _ . : / = + - @"],
    ['a team over 256 characters', () => users.addUser('carol', { team: 't'.repeat(257) }),
      "StudioDomain team: the value of tag 'team' has 257 characters; a value of at most 256"],
    ['too many security groups', () => users.addUser('dave', {
      ownSecurityGroup: true, securityGroups: ['sg-1', 'sg-2', 'sg-3'].map((id) => ec2.SecurityGroup.fromSecurityGroupId(stack, id, id)),
    }), "StudioDomain addUserProfile: the apps of profile 'dave' would carry 5 security groups"],
  ])('refuses %s', (_name, act, message) => {
    expect(act).toThrow(message);
  });

  test('a refused name leaves no nested stack behind', () => {
    const fresh = build();
    expect(() => fresh.users.addUser('bad name')).toThrow(
      "StudioUsers addUser: 'bad name' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters");
    expect(fresh.users.nestedStacks).toHaveLength(0);
  });

  test('names and teams at the limits are accepted (fast-check over names)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9](-?[a-z0-9]){0,15}$/), { minLength: 1, maxLength: 5 }), (names) => {
      const fresh = build();
      for (const name of names) {
        expect(() => fresh.users.addUser(name, { team: 't'.repeat(256) })).not.toThrow();
      }
    }), { numRuns: 10 });
    expect(() => users.addUser('a'.repeat(63), { team: 'fraud team/eu:1' })).not.toThrow();
  });
});

describe('users whose name is a token', () => {
  test('go to the first nested stack whatever their value, with ids that hold no token, and synthesize', () => {
    const { stack, users } = build();
    const fromParameter = users.addUser(new CfnParameter(stack, 'UserName').valueAsString, { ownSecurityGroup: true });
    const fromImport = users.addUser(Fn.importValue('OtherUser'), { team: Fn.importValue('Team') });
    const literal = users.addUser('alice');
    expect(Stack.of(fromParameter).node.id).toBe('Stack00');
    expect(Stack.of(fromImport)).toBe(Stack.of(fromParameter));
    expect(Stack.of(literal).node.id).toBe(`Stack${String(userStackIndex('alice')).padStart(2, '0')}`);
    expect([fromParameter.node.id, fromImport.node.id, literal.node.id]).toEqual(['Profile-token-1', 'Profile-token-2', 'Profilealice']);
    expect(users.stackOf(Fn.importValue('Anyone')).node.id).toBe('Stack00');
    const nested = Template.fromStack(Stack.of(fromParameter) as NestedStack);
    nested.resourceCountIs('AWS::SageMaker::UserProfile', 2);
    nested.hasResourceProperties('AWS::SageMaker::UserProfile', { Tags: [{ Key: 'team', Value: { 'Fn::ImportValue': 'Team' } }] });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('placement of literal names is unchanged: a pure function of the lower-cased name', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-zA-Z0-9]{1,20}$/), (name) => {
      expect(userStackIndex(name)).toBe(userStackIndex(name.toLowerCase()));
    }));
    expect(userStackIndex(Fn.importValue('X'))).toBe(TOKEN_NAME_STACK);
  });
});
