import { CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { SecureStudioVpc } from '../../../src/network/secure-studio-vpc';
import { StudioAppType, StudioAuthMode, StudioDomain, StudioDomainProps } from '../../../src/studio/studio-domain';
import { StudioUserProfile } from '../../../src/studio/studio-user-profile';
import { agnosticStack, concreteStack } from '../../helpers/stacks';

const NAME_FORM = 'letters and digits, single or repeated hyphens between them, at most 63 characters';
const CIDR_FORM = "IPv4 or IPv6 CIDR blocks such as '203.0.113.0/24' or '2001:db8::/32' (one address as /32 or /128), each once";

/** A domain in an imported VPC: cheap enough to build once per fast-check run. */
function domainIn(stack: Stack, props: Partial<StudioDomainProps> = {}): StudioDomain {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['subnet-a', 'subnet-b'] });
  return new StudioDomain(stack, 'Domain', {
    vpc,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')],
    defaultExecutionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/studio'),
    ...props,
  });
}

function idleSettings(stack: Stack): Record<string, unknown> {
  const domain = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Domain'))[0];
  return domain.Properties.DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings;
}

describe('idle timeouts: SageMaker IdleSettings allow whole minutes from 60 to 525600', () => {
  test('each prop accepts exactly the whole numbers of the range, naming itself and the range when refused', () => {
    fc.assert(fc.property(fc.constantFrom('idleTimeoutMinutes', 'minIdleTimeoutMinutes', 'maxIdleTimeoutMinutes'),
      fc.oneof(fc.integer({ min: -100, max: 600_000 }), fc.constantFrom(59, 60, 525_600, 525_601)), (prop, value) => {
        // The defaults of the other two follow this one, so that only its range can fail.
        const build = () => domainIn(agnosticStack(), { [prop]: value });
        if (value >= 60 && value <= 525_600) {
          expect(build).not.toThrow();
        } else {
          expect(build).toThrow(`StudioDomain ${prop}: ${value} is out of range; a whole number from 60 to 525600 minutes`);
        }
      }), { numRuns: 60 });
  });

  test('fractions are refused as not whole', () => {
    fc.assert(fc.property(fc.double({ min: 60, max: 525_600, noInteger: true, noNaN: true }), (value) => {
      expect(() => domainIn(agnosticStack(), { idleTimeoutMinutes: value, maxIdleTimeoutMinutes: 525_600 }))
        .toThrow(`StudioDomain idleTimeoutMinutes: ${value} is not a whole number; a whole number from 60 to 525600 minutes`);
    }), { numRuns: 20 });
  });

  test('the defaults follow what is set, so a lone timeout or minimum is never refused for a prop left out', () => {
    fc.assert(fc.property(fc.integer({ min: 60, max: 525_600 }), (value) => {
      const idleOnly = agnosticStack();
      domainIn(idleOnly, { idleTimeoutMinutes: value });
      expect(idleSettings(idleOnly)).toEqual({
        LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: value, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: Math.max(480, value),
      });
      const minOnly = agnosticStack();
      domainIn(minOnly, { minIdleTimeoutMinutes: value });
      expect(idleSettings(minOnly)).toEqual({
        LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: value, MinIdleTimeoutInMinutes: value, MaxIdleTimeoutInMinutes: Math.max(480, value),
      });
    }), { numRuns: 15 });
  });

  test('an order that contradicts props the user set names those props', () => {
    expect(() => domainIn(agnosticStack(), { idleTimeoutMinutes: 600, maxIdleTimeoutMinutes: 480 }))
      .toThrow('StudioDomain idleTimeoutMinutes: 600 is above maxIdleTimeoutMinutes (480); a whole number from 60 to 480 minutes');
    expect(() => domainIn(agnosticStack(), { idleTimeoutMinutes: 90, minIdleTimeoutMinutes: 120 }))
      .toThrow('StudioDomain idleTimeoutMinutes: 90 is below minIdleTimeoutMinutes (120); a whole number from 120 to 480 minutes');
    expect(() => domainIn(agnosticStack(), { minIdleTimeoutMinutes: 600, maxIdleTimeoutMinutes: 120 }))
      .toThrow('StudioDomain maxIdleTimeoutMinutes: 120 is below minIdleTimeoutMinutes (600); a whole number from 600 to 525600 minutes');
    // at the limits: all three equal, at either end
    expect(() => domainIn(agnosticStack(), { idleTimeoutMinutes: 60, minIdleTimeoutMinutes: 60, maxIdleTimeoutMinutes: 60 })).not.toThrow();
    const year = 525_600;
    expect(() => domainIn(agnosticStack(), { idleTimeoutMinutes: year, minIdleTimeoutMinutes: year, maxIdleTimeoutMinutes: year })).not.toThrow();
  });

  test('tokens (a parameter, an import, a Lazy) are not compared and synthesize', () => {
    const stack = agnosticStack();
    const idle = new CfnParameter(stack, 'Idle', { type: 'Number' }).valueAsNumber;
    domainIn(stack, {
      idleTimeoutMinutes: idle,
      minIdleTimeoutMinutes: Lazy.number({ produce: () => 90 }),
      maxIdleTimeoutMinutes: Fn.importValue('MaxIdle') as unknown as number,
    });
    expect(idleSettings(stack)).toEqual({
      LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: { Ref: 'Idle' }, MinIdleTimeoutInMinutes: 90, MaxIdleTimeoutInMinutes: { 'Fn::ImportValue': 'MaxIdle' },
    });
    const minToken = agnosticStack();
    domainIn(minToken, { minIdleTimeoutMinutes: new CfnParameter(minToken, 'Min', { type: 'Number' }).valueAsNumber });
    expect(idleSettings(minToken)).toMatchObject({ IdleTimeoutInMinutes: { Ref: 'Min' }, MinIdleTimeoutInMinutes: { Ref: 'Min' }, MaxIdleTimeoutInMinutes: 480 });
  });
});

describe('names', () => {
  const validName = fc.stringMatching(/^[a-zA-Z0-9](-?[a-zA-Z0-9]){0,30}$/);
  const badName = fc.tuple(validName, fc.constantFrom('_', '.', ' ', '@')).map(([name, bad]) => `${name}${bad}x`);

  test('domainName, profile names and lifecycle configuration names follow SageMaker\'s pattern', () => {
    fc.assert(fc.property(validName, badName, (good, bad) => {
      expect(() => domainIn(agnosticStack(), { domainName: good })).not.toThrow();
      expect(() => domainIn(agnosticStack(), { domainName: bad })).toThrow(`StudioDomain domainName: '${bad}' is not a valid SageMaker name; ${NAME_FORM}`);
      const domain = domainIn(agnosticStack());
      expect(() => domain.addUserProfile(good)).not.toThrow();
      expect(() => domain.addUserProfile(bad)).toThrow(`StudioDomain addUserProfile: '${bad}' is not a valid SageMaker name; ${NAME_FORM}`);
      expect(() => domain.addLifecycleConfiguration(good, StudioAppType.JUPYTER_LAB, '#!/bin/bash\n')).not.toThrow();
      expect(() => domain.addLifecycleConfiguration(bad, StudioAppType.JUPYTER_LAB, '#!/bin/bash\n'))
        .toThrow(`StudioDomain addLifecycleConfiguration: '${bad}' is not a valid SageMaker name; ${NAME_FORM}`);
    }), { numRuns: 25 });
  });

  test('63 characters pass, 64 fail, repeated hyphens included', () => {
    const domain = domainIn(agnosticStack());
    expect(() => domain.addUserProfile(`a${'-b'.repeat(31)}`)).not.toThrow();
    const long = `a${'--b'.repeat(21)}`;
    expect(() => domain.addUserProfile(long)).toThrow(`StudioDomain addUserProfile: '${long}' is not a valid SageMaker name; ${NAME_FORM}`);
  });

  test('a lifecycle configuration named twice is refused as a duplicate (not as a construct id clash)', () => {
    const domain = domainIn(agnosticStack());
    domain.addLifecycleConfiguration('pip', StudioAppType.JUPYTER_LAB, '#!/bin/bash\n');
    expect(() => domain.addLifecycleConfiguration('pip', StudioAppType.CODE_EDITOR, '#!/bin/bash\n'))
      .toThrow("StudioDomain addLifecycleConfiguration: a lifecycle configuration named 'pip' exists already; a unique name");
  });

  test('token names: profiles and lifecycle configurations get ids of their own, the literal ids stay as they were', () => {
    const stack = agnosticStack();
    const domain = domainIn(stack, { domainName: Fn.importValue('DomainName') });
    const param = new CfnParameter(stack, 'UserName').valueAsString;
    domain.addUserProfile('alice');
    const fromParameter = domain.addUserProfile(param);
    const fromImport = domain.addUserProfile(Fn.importValue('OtherUser'));
    const config = domain.addLifecycleConfiguration(Lazy.string({ produce: () => 'from-lazy' }), StudioAppType.JUPYTER_LAB, Fn.importValue('Script'));
    expect([fromParameter.node.id, fromImport.node.id, config.node.id]).toEqual(['Profile-token-1', 'Profile-token-2', 'LifecycleConfig-token-1']);
    expect(domain.node.tryFindChild('Profilealice')).toBeDefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Domain', { DomainName: { 'Fn::ImportValue': 'DomainName' } });
    template.hasResourceProperties('AWS::SageMaker::UserProfile', { UserProfileName: { Ref: 'UserName' } });
    template.hasResourceProperties('AWS::SageMaker::StudioLifecycleConfig', {
      StudioLifecycleConfigName: 'from-lazy', StudioLifecycleConfigContent: { 'Fn::Base64': { 'Fn::ImportValue': 'Script' } },
    });
  });

  test('token names are not compared with each other or with literals', () => {
    const domain = domainIn(agnosticStack());
    domain.addUserProfile(Fn.importValue('User'));
    expect(() => domain.addUserProfile(Fn.importValue('User'))).not.toThrow();
  });
});

describe('addUserProfile options', () => {
  test('team: a tag value of at most 256 allowed characters, checked on the domain (fast-check)', () => {
    const domain = domainIn(agnosticStack());
    let count = 0;
    fc.assert(fc.property(fc.stringMatching(/^[a-zA-Z0-9 _.:/=+\-@]{0,256}$/), fc.constantFrom('#', '!', '*', '\n'), (team, bad) => {
      expect(() => domain.addUserProfile(`u${count++}`, { team })).not.toThrow();
      expect(() => domain.addUserProfile(`u${count++}`, { team: `${team}${bad}` }))
        .toThrow(`StudioDomain team: the value '${team}${bad}' of tag 'team' has a character tags do not allow; a value of at most 256`);
    }), { numRuns: 30 });
    expect(() => domain.addUserProfile('long', { team: 't'.repeat(257) }))
      .toThrow("StudioDomain team: the value of tag 'team' has 257 characters; a value of at most 256 letters, digits, spaces and _ . : / = + - @");
  });

  test('teamTagKey: a tag key, not reserved', () => {
    expect(() => domainIn(agnosticStack(), { teamTagKey: 'aws:team' }))
      .toThrow("StudioDomain teamTagKey: tag key 'aws:team' uses the prefix 'aws:', which AWS reserves; a key of 1 to 128");
    expect(() => domainIn(agnosticStack(), { teamTagKey: '' })).toThrow("StudioDomain teamTagKey: tag key '' has 0 characters; a key of 1 to 128");
    expect(() => domainIn(agnosticStack(), { teamTagKey: 'k'.repeat(128) })).not.toThrow();
  });

  test('an empty ssoUserName on an SSO domain is refused by the profile, not taken for no SSO user', () => {
    const domain = domainIn(agnosticStack(), { authMode: StudioAuthMode.SSO });
    expect(() => domain.addUserProfile('carol', { ssoUserName: '' })).toThrow(
      "StudioUserProfile ssoUserName: '' has 0 characters; the IAM Identity Center user name, 1 to 256 characters (leave it out on an IAM domain)");
    expect(() => domainIn(agnosticStack()).addUserProfile('dave', { ssoUserName: '' })).toThrow(
      "StudioDomain addUserProfile: profile 'dave' has ssoUserName on a IAM domain");
  });

  test('tokens for team, teamTagKey and ssoUserName synthesize', () => {
    const stack = agnosticStack();
    const domain = domainIn(stack, { authMode: StudioAuthMode.SSO, teamTagKey: Fn.importValue('TeamKey') });
    domain.addUserProfile('erin', { team: new CfnParameter(stack, 'Team').valueAsString, ssoUserName: Fn.importValue('SsoUser') });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', {
      SingleSignOnUserValue: { 'Fn::ImportValue': 'SsoUser' },
      Tags: [{ Key: { 'Fn::ImportValue': 'TeamKey' }, Value: { Ref: 'Team' } }],
    });
  });
});

describe('keys of another region or partition', () => {
  const key = (stack: Stack, arn: string) => kms.Key.fromKeyArn(stack, 'Key', arn);

  test('encryptionKey and notebookSharing.encryptionKey must be in the stack\'s region and partition', () => {
    const other = concreteStack();
    expect(() => domainIn(other, { encryptionKey: key(other, 'arn:aws:kms:us-east-1:111111111111:key/k') })).toThrow(
      "StudioDomain encryptionKey: 'arn:aws:kms:us-east-1:111111111111:key/k' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1");
    const china = concreteStack();
    expect(() => domainIn(china, { encryptionKey: key(china, 'arn:aws-cn:kms:eu-west-1:111111111111:key/k') })).toThrow(
      "StudioDomain encryptionKey: 'arn:aws-cn:kms:eu-west-1:111111111111:key/k' is in partition aws-cn but the stack deploys to aws; an ARN of partition aws");
    const sharing = concreteStack();
    const bucket = s3.Bucket.fromBucketName(sharing, 'Bucket', 'shared');
    expect(() => domainIn(sharing, { notebookSharing: { bucket, encryptionKey: key(sharing, 'arn:aws:kms:eu-central-1:111111111111:key/k') } })).toThrow(
      "StudioDomain notebookSharing.encryptionKey: 'arn:aws:kms:eu-central-1:111111111111:key/k' is in eu-central-1 but the stack deploys to eu-west-1");
  });

  test('a key of the stack\'s region, any literal key in a region-agnostic stack, and a token ARN are accepted', () => {
    const same = concreteStack();
    expect(() => domainIn(same, { encryptionKey: key(same, 'arn:aws:kms:eu-west-1:111111111111:key/k') })).not.toThrow();
    const agnostic = agnosticStack();
    expect(() => domainIn(agnostic, { encryptionKey: key(agnostic, 'arn:aws:kms:us-east-1:111111111111:key/k') })).not.toThrow();
    const imported = concreteStack();
    domainIn(imported, { encryptionKey: key(imported, Fn.importValue('KeyArn')) });
    Template.fromStack(imported).hasResourceProperties('AWS::SageMaker::Domain', { KmsKeyId: { 'Fn::ImportValue': 'KeyArn' } });
  });
});

describe('placement', () => {
  test('a subnet selection that holds no subnet is refused', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a'], privateSubnetIds: ['subnet-a'] });
    expect(() => new StudioDomain(stack, 'Domain', {
      vpc,
      subnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-z'])] },
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')],
      defaultExecutionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/studio'),
    })).toThrow('StudioDomain subnets: the selection holds 0 subnets of vpc; 1 to 16 subnets');
  });
});

describe('lifecycle configurations', () => {
  test('an empty script is refused; a token script synthesizes', () => {
    const domain = domainIn(agnosticStack());
    expect(() => domain.addLifecycleConfiguration('empty', StudioAppType.JUPYTER_LAB, ''))
      .toThrow("StudioDomain addLifecycleConfiguration: the script of 'empty' is empty; a shell script (SageMaker needs at least one character)");
    expect(() => domain.addLifecycleConfiguration('param', StudioAppType.CODE_EDITOR, new CfnParameter(Stack.of(domain), 'Script').valueAsString)).not.toThrow();
  });
});

describe('createSignInPolicy', () => {
  function signInSetup() {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    const domain = new StudioDomain(stack, 'Domain', {
      network, defaultExecutionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/studio'),
    });
    return { stack, network, domain, alice: domain.addUserProfile('alice') };
  }
  const { stack, network, domain, alice } = signInSetup();
  let policies = 0;
  const policy = (options: object) => domain.createSignInPolicy(`P${policies++}`, { profiles: [alice], ...options });

  test('sourceIpRanges must be CIDR blocks, IPv4 or IPv6, each once', () => {
    expect(() => policy({ sourceIpRanges: ['203.0.113.5'] })).toThrow(
      "StudioDomain sourceIpRanges: '203.0.113.5' is not a CIDR block (an address, '/' and a prefix length, with the bits after the prefix clear); " +
      CIDR_FORM);
    expect(() => policy({ sourceIpRanges: ['2001:db8::/32', '2001:db8::/32'] })).toThrow(`StudioDomain sourceIpRanges: '2001:db8::/32' is listed twice; ${CIDR_FORM}`);
    expect(() => policy({ sourceIpRanges: [] })).toThrow(`StudioDomain sourceIpRanges: an empty list; ${CIDR_FORM}`);
  });

  test('CIDR blocks at the limits and tokens are accepted and written to aws:SourceIp', () => {
    const param = new CfnParameter(stack, 'Office').valueAsString;
    policy({ sourceIpRanges: ['203.0.113.7/32', '0.0.0.0/0', '2001:db8::/32', '::/0', param] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.7/32', '0.0.0.0/0', '2001:db8::/32', '::/0', { Ref: 'Office' }] } } }] },
    });
  });

  test('an empty list of endpoints or VPCs is refused instead of counted as a source', () => {
    expect(() => policy({ sourceVpcEndpoints: [] })).toThrow(
      'StudioDomain sourceVpcEndpoints: an empty list (a condition on no value matches no request); at least one of the interface endpoints to allow sign-in from, or leave sourceVpcEndpoints out');
    expect(() => policy({ sourceVpcs: [] })).toThrow('StudioDomain sourceVpcs: an empty list (a condition on no value matches no request); at least one of the VPCs to allow sign-in from, or leave sourceVpcs out');
    expect(() => policy({ sourceVpcs: [network.vpc] })).not.toThrow();
  });

  test('a profile of another domain is refused', () => {
    const other = signInSetup();
    expect(() => policy({ profiles: [other.alice], sourceVpcs: [network.vpc] })).toThrow(
      "StudioDomain profiles: profile 'alice' belongs to another domain; profiles added to this domain");
    const direct = new StudioUserProfile(stack, 'Direct', {
      domainId: domain.domainId, userProfileName: 'bob', executionRole: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111111111111:role/bob'), securityGroups: [],
    });
    expect(() => policy({ profiles: [direct], sourceVpcs: [network.vpc] })).not.toThrow();
    // A literal or imported domain id may be this domain's: AWS decides.
    const imported = new StudioUserProfile(stack, 'Imported', {
      domainId: Fn.importValue('DomainId'), userProfileName: 'carol', executionRole: iam.Role.fromRoleArn(stack, 'R2', 'arn:aws:iam::111111111111:role/carol'), securityGroups: [],
    });
    expect(() => policy({ profiles: [imported], sourceVpcs: [network.vpc] })).not.toThrow();
  });
});
