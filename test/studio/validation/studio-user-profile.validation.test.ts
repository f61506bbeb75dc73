import { CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { StudioUserProfile, StudioUserProfileProps } from '../../../src/studio/studio-user-profile';
import { agnosticStack } from '../../helpers/stacks';

const NAME_FORM = 'letters and digits, single or repeated hyphens between them, at most 63 characters';
const TAG_FORM = 'letters, digits, spaces and _ . : / = + - @';

/** A profile created directly, as a user of the library may, without StudioDomain.addUserProfile. */
function profile(props: Partial<StudioUserProfileProps> = {}, stack: Stack = agnosticStack()): StudioUserProfile {
  return new StudioUserProfile(stack, 'Profile', {
    domainId: 'd-abc123',
    userProfileName: 'alice',
    executionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/alice'),
    securityGroups: [],
    ...props,
  });
}

function groups(stack: Stack, count: number): ec2.ISecurityGroup[] {
  return Array.from({ length: count }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(stack, `Sg${i}`, `sg-${i}`));
}

describe('StudioUserProfile checks its own props, however it is created', () => {
  test('userProfileName: SageMaker\'s pattern (fast-check)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-zA-Z0-9](-{0,2}[a-zA-Z0-9]){0,20}$/), fc.constantFrom('_', '.', ' ', '/', '*'), (name, bad) => {
      expect(() => profile({ userProfileName: name })).not.toThrow();
      expect(() => profile({ userProfileName: `${name}${bad}` }))
        .toThrow(`StudioUserProfile userProfileName: '${name}${bad}' is not a valid SageMaker name; ${NAME_FORM}`);
    }), { numRuns: 40 });
    expect(() => profile({ userProfileName: 'a'.repeat(63) })).not.toThrow();
    expect(() => profile({ userProfileName: 'a'.repeat(64) })).toThrow(`StudioUserProfile userProfileName: '${'a'.repeat(64)}' is not a valid SageMaker name; ${NAME_FORM}`);
  });

  test('securityGroups: at most 4, as SageMaker adds its NFS group to the 5 an app may have', () => {
    const stack = agnosticStack();
    expect(() => profile({ securityGroups: groups(stack, 4) }, stack)).not.toThrow();
    const other = agnosticStack();
    expect(() => profile({ securityGroups: groups(other, 5) }, other)).toThrow(
      "StudioUserProfile securityGroups: 5 security groups given; at most 4, fewer by the domain's default user groups, as SageMaker adds its NFS group to the 5 an app may have");
  });

  test('tags: keys and values of SageMaker\'s tag alphabet and lengths (fast-check)', () => {
    const text = (max: number) => fc.stringMatching(new RegExp(`^[a-zA-Z0-9 _.:/=+\\-@]{1,${max}}$`));
    fc.assert(fc.property(text(128).filter((k) => !k.toLowerCase().startsWith('aws:')), text(256), fc.constantFrom('#', '!', '*', '"'),
      (key, value, bad) => {
        expect(() => profile({ tags: { [key]: value } })).not.toThrow();
        expect(() => profile({ tags: { [key]: `${value}${bad}` } }))
          .toThrow(`StudioUserProfile tags: the value '${value}${bad}' of tag '${key}' has a character tags do not allow; a value of at most 256 ${TAG_FORM}`);
        expect(() => profile({ tags: { [`${key}${bad}`]: value } }))
          .toThrow(`StudioUserProfile tags: tag key '${key}${bad}' has a character tags do not allow; a key of 1 to 128 ${TAG_FORM}, not starting with 'aws:'`);
      }), { numRuns: 40 });
  });

  test('tags: lengths at the limits, the reserved prefix and the count of 50', () => {
    expect(() => profile({ tags: { ['k'.repeat(128)]: 'v'.repeat(256), team: '' } })).not.toThrow();
    expect(() => profile({ tags: { ['k'.repeat(129)]: 'v' } })).toThrow(`StudioUserProfile tags: tag key '${'k'.repeat(129)}' has 129 characters; a key of 1 to 128`);
    expect(() => profile({ tags: { team: 'v'.repeat(257) } })).toThrow("StudioUserProfile tags: the value of tag 'team' has 257 characters; a value of at most 256");
    expect(() => profile({ tags: { 'aws:team': 'fraud' } })).toThrow(
      `StudioUserProfile tags: tag key 'aws:team' uses the prefix 'aws:', which AWS reserves; a key of 1 to 128 ${TAG_FORM}, not starting with 'aws:'`);
    const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
    expect(() => profile({ tags: tags(50) })).not.toThrow();
    expect(() => profile({ tags: tags(51) })).toThrow('StudioUserProfile tags: 51 tags given; at most 50 tags');
  });

  test('ssoUserName: 1 to 256 characters; an empty one is refused rather than dropped', () => {
    expect(() => profile({ ssoUserName: '' })).toThrow(
      "StudioUserProfile ssoUserName: '' has 0 characters; the IAM Identity Center user name, 1 to 256 characters (leave it out on an IAM domain)");
    expect(() => profile({ ssoUserName: 'u'.repeat(257) })).toThrow(
      `StudioUserProfile ssoUserName: '${'u'.repeat(257)}' has 257 characters; the IAM Identity Center user name, 1 to 256 characters (leave it out on an IAM domain)`);
    const stack = agnosticStack();
    profile({ ssoUserName: 'u'.repeat(256) }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', { SingleSignOnUserIdentifier: 'UserName', SingleSignOnUserValue: 'u'.repeat(256) });
  });

  test('tokens for the domain id, the name, tag keys and values and the SSO user synthesize', () => {
    const stack = agnosticStack();
    const name = new CfnParameter(stack, 'UserName').valueAsString;
    profile({
      domainId: Fn.importValue('DomainId'),
      userProfileName: name,
      tags: { team: Lazy.string({ produce: () => 'fraud' }), [Fn.importValue('Key')]: Fn.importValue('Value') },
      ssoUserName: Fn.importValue('SsoUser'),
    }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', {
      DomainId: { 'Fn::ImportValue': 'DomainId' },
      UserProfileName: { Ref: 'UserName' },
      SingleSignOnUserValue: { 'Fn::ImportValue': 'SsoUser' },
      // CloudFormation tags are sorted by key, and the text of a token sorts first.
      Tags: [{ Key: { 'Fn::ImportValue': 'Key' }, Value: { 'Fn::ImportValue': 'Value' } }, { Key: 'team', Value: 'fraud' }],
    });
  });
});
