import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StudioEndpointService } from '../../src/network/endpoints';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { StudioAppType, StudioAuthMode, StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import { StudioUserProfileOptions } from '../../src/studio/studio-user-profile';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { nagErrors } from '../helpers/nag';
import { SecurityGroupRules } from '../helpers/security-groups';
import { agnosticStack, concreteStack } from '../helpers/stacks';

function studioRole(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

function build(props: Partial<StudioDomainProps> = {}, stack: Stack = agnosticStack()) {
  const network = new SecureStudioVpc(stack, 'Network');
  const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole: studioRole(stack, 'DefaultRole'), ...props });
  return { stack, network, domain };
}

const studioSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkStudioSecurityGroup'), 'GroupId'] };
const userSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkUserAppSecurityGroup'), 'GroupId'] };
const defaultRoleArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DefaultRole'), 'Arn'] };
const idleSettings = { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 480 };

describe('defaults', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);

  test('a VpcOnly domain with IAM sign-in in the studio subnets, encrypted with its own key', () => {
    template.resourceCountIs('AWS::SageMaker::Domain', 1);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      AppNetworkAccessType: 'VpcOnly',
      AuthMode: 'IAM',
      VpcId: { Ref: Match.stringLikeRegexp('^NetworkVpc') },
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^NetworkVpcStudioSubnet1') }, { Ref: Match.stringLikeRegexp('^NetworkVpcStudioSubnet2') }],
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainEncryptionKey'), 'Arn'] },
      TagPropagation: 'ENABLED',
      DomainName: Match.stringLikeRegexp('^Test-Domain-[0-9A-F]{8}$'),
    });
  });

  test('current Studio with idle shutdown for JupyterLab and Code Editor, no Docker, no sharing, actions attributed to the profile', () => {
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DomainSettings: {
        DockerSettings: { EnableDockerAccess: 'DISABLED' },
        ExecutionRoleIdentityConfig: 'USER_PROFILE_NAME',
        SecurityGroupIds: [studioSg],
      },
      DefaultUserSettings: {
        ExecutionRole: defaultRoleArn,
        SecurityGroups: [userSg],
        StudioWebPortal: 'ENABLED',
        DefaultLandingUri: 'studio::',
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: idleSettings }, LifecycleConfigArns: Match.absent() },
        CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: idleSettings } },
        SharingSettings: { NotebookOutputOption: 'Disabled' },
      },
      DefaultSpaceSettings: {
        ExecutionRole: defaultRoleArn,
        SecurityGroups: [studioSg],
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: idleSettings } },
      },
    });
  });

  test('the key rotates, is retained, and serves SageMaker and EFS of this account only', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        Description: Match.stringLikeRegexp('Studio home file system'),
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
            Condition: {
              StringEquals: {
                'kms:CallerAccount': { Ref: 'AWS::AccountId' },
                'kms:ViaService': [
                  { 'Fn::Join': ['', ['sagemaker.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
                  { 'Fn::Join': ['', ['elasticfilesystem.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
                ],
              },
            },
          })]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('user profiles', () => {
  test('a profile with a persona role, a team tag and its own security group: two resources; one without', () => {
    const resourcesWith = (...profiles: [string, StudioUserProfileOptions][]) => {
      const { stack, domain } = build();
      profiles.forEach(([name, options]) => domain.addUserProfile(name, options));
      return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    };
    expect(resourcesWith(['alice', { ownSecurityGroup: true }]) - resourcesWith()).toBe(2);
    expect(resourcesWith(['bob', {}]) - resourcesWith()).toBe(1);
    expect(resourcesWith(['dave', { ownSecurityGroup: true, trafficBetweenOwnApps: true }]) - resourcesWith()).toBe(3);

    const { stack, domain } = build();
    const scientist = studioRole(stack, 'ScientistRole');
    const alice = domain.addUserProfile('alice', { executionRole: scientist, team: 'fraud', ownSecurityGroup: true });
    domain.addUserProfile('bob');
    const template = Template.fromStack(stack);
    const aliceSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainProfilealiceSecurityGroup'), 'GroupId'] };
    template.hasResourceProperties('AWS::SageMaker::UserProfile', {
      DomainId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Domain'), 'DomainId'] },
      UserProfileName: 'alice',
      UserSettings: { ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScientistRole'), 'Arn'] }, SecurityGroups: [aliceSg] },
      Tags: [{ Key: 'team', Value: 'fraud' }],
    });
    // SageMaker adds the domain's default user groups (the user-app group) to both profiles.
    template.hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserProfileName: 'bob',
      UserSettings: { ExecutionRole: defaultRoleArn, SecurityGroups: Match.absent() },
      Tags: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'SageMaker Studio apps of user profile alice',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })],
    });
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: aliceSg } })).toEqual({});
    expect(alice.securityGroups).toHaveLength(1);
    expect(alice.userProfileName).toBe('alice');
  });

  describe('what the apps of a user reach (template rules; an app carries the domain\'s user groups and its profile\'s)', () => {
    const { stack, domain, network } = build();
    const alice = domain.addUserProfile('alice', { ownSecurityGroup: true });
    const bob = domain.addUserProfile('bob', { ownSecurityGroup: true });
    const carol = domain.addUserProfile('carol');
    const dave = domain.addUserProfile('dave', { ownSecurityGroup: true, trafficBetweenOwnApps: true });
    const erin = domain.addUserProfile('erin', { ownSecurityGroup: true, trafficBetweenOwnApps: true });
    const rules = SecurityGroupRules.of(stack);
    const apps = (profile: typeof alice) => [...domain.userAppSecurityGroups, ...profile.securityGroups];
    const users = { alice, bob, carol, dave, erin };
    const PORTS = [22, 80, 443, 2049, 8192, 8888, 65535];

    test('the interface endpoints on 443 (and no other port), S3 through the prefix list on 443', () => {
      for (const profile of Object.values(users)) {
        expect(rules.canConnect(apps(profile), [network.endpointSecurityGroup], 443)).toBe(true);
        const otherPorts = PORTS.filter((port) => port !== 443);
        expect(otherPorts.filter((port) => rules.canConnect(apps(profile), [network.endpointSecurityGroup], port))).toEqual([]);
        expect(rules.prefixListEgress(apps(profile), 443)).toHaveLength(1);
      }
    });

    test('no app of one user reaches an app of another, on any port', () => {
      for (const [fromName, from] of Object.entries(users)) {
        for (const [toName, to] of Object.entries(users)) {
          if (fromName !== toName) {
            expect([fromName, toName, PORTS.filter((port) => rules.canConnect(apps(from), apps(to), port))]).toEqual([fromName, toName, []]);
          }
        }
      }
    });

    test('by default a user\'s apps accept no connection at all; with trafficBetweenOwnApps, from the same user\'s apps on 8192-65535 only', () => {
      for (const profile of [alice, bob, carol]) {
        expect(apps(profile).flatMap((group) => rules.rulesOf(group, 'ingress'))).toEqual([]);
      }
      for (const profile of [dave, erin]) {
        expect(rules.canConnect(apps(profile), apps(profile), 8192)).toBe(true);
        expect(rules.canConnect(apps(profile), apps(profile), 65535)).toBe(true);
        expect(rules.canConnect(apps(profile), apps(profile), 2049)).toBe(false);
        expect(rules.canConnect(apps(profile), apps(profile), 443)).toBe(false);
      }
    });

    test('the home EFS: every app keeps a slot for the NFS group SageMaker adds (at most 4 groups of ours)', () => {
      for (const profile of Object.values(users)) {
        expect(apps(profile).length).toBeLessThanOrEqual(4);
      }
      // None of our groups is needed for NFS: SageMaker's outbound NFS group, on every app, reaches its inbound NFS group on the mount targets.
      expect(PORTS.some((port) => rules.canConnect(apps(alice), [network.studioSecurityGroup], port))).toBe(false);
    });

    test('nothing on the internet: no rule to 0.0.0.0/0 without egress', () => {
      for (const profile of Object.values(users)) {
        expect(apps(profile).flatMap((group) => rules.rulesOf(group, 'egress')).filter((rule) => rule.peer.kind === 'cidr' && rule.peer.cidr === '0.0.0.0/0')).toEqual([]);
      }
    });
  });

  test('profiles of an SSO domain name their IAM Identity Center user', () => {
    const { stack, domain } = build({ authMode: StudioAuthMode.SSO });
    domain.addUserProfile('carol', { ssoUserName: 'carol@example.com' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Domain', { AuthMode: 'SSO' });
    template.hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserProfileName: 'carol', SingleSignOnUserIdentifier: 'UserName', SingleSignOnUserValue: 'carol@example.com',
    });
  });

  test.each([
    ['an invalid name', (d: StudioDomain) => d.addUserProfile('alice_smith'),
      "StudioDomain addUserProfile: 'alice_smith' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters"],
    ['a name over 63 characters', (d: StudioDomain) => d.addUserProfile('a'.repeat(64)),
      `StudioDomain addUserProfile: '${'a'.repeat(64)}' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters`],
    ['a duplicate name in another case', (d: StudioDomain) => { d.addUserProfile('Alice'); d.addUserProfile('alice'); },
      "StudioDomain addUserProfile: a profile named 'alice' exists already (names are compared without case); a unique name"],
    ['an SSO user on an IAM domain', (d: StudioDomain) => d.addUserProfile('dave', { ssoUserName: 'dave' }),
      "StudioDomain addUserProfile: profile 'dave' has ssoUserName on a IAM domain; ssoUserName for every profile of an SSO domain, and none on an IAM domain"],
    ['too many security groups', (d: StudioDomain) => d.addUserProfile('erin', {
      ownSecurityGroup: true,
      securityGroups: ['sg-1', 'sg-2', 'sg-3'].map((id) => ec2.SecurityGroup.fromSecurityGroupId(Stack.of(d), id, id)),
    }), "StudioDomain addUserProfile: the apps of profile 'erin' would carry 5 security groups (4 of the profile and 1 the domain gives every user's apps); " +
      'at most 4 in all, as SageMaker adds its NFS group to the 5 an app may have'],
    ['traffic between own apps without a group of their own', (d: StudioDomain) => d.addUserProfile('fred', { trafficBetweenOwnApps: true }),
      "StudioDomain addUserProfile: profile 'fred' asks for trafficBetweenOwnApps without ownSecurityGroup; ownSecurityGroup: true, whose group admits the traffic from itself only"],
  ])('refuses %s', (_name, act, message) => {
    const { domain } = build();
    expect(() => act(domain)).toThrow(message);
  });

  test('refuses a profile without SSO user on an SSO domain', () => {
    const { domain } = build({ authMode: StudioAuthMode.SSO });
    expect(() => domain.addUserProfile('frank')).toThrow(
      "StudioDomain addUserProfile: profile 'frank' lacks ssoUserName on a SSO domain; ssoUserName for every profile of an SSO domain, and none on an IAM domain");
  });

  test('a profile with a group of its own and two more: four groups with the domain\'s user-app group, the most allowed', () => {
    const { domain } = build();
    const extra = ['sg-11111111', 'sg-22222222'].map((id) => ec2.SecurityGroup.fromSecurityGroupId(Stack.of(domain), id, id));
    expect(domain.addUserProfile('gail', { ownSecurityGroup: true, securityGroups: extra }).securityGroups).toHaveLength(3);
  });

  test('refuses at synth time more users than the studio subnets hold at 4 addresses each (after the endpoints)', () => {
    const withUsers = (count: number) => {
      const stack = agnosticStack();
      // Two /24 studio subnets: 2 x 251 usable addresses, less one per core endpoint (9) and subnet.
      const network = new SecureStudioVpc(stack, 'Network', { cidr: '10.0.0.0/22', expectedUsers: 10 });
      const domain = new StudioDomain(stack, 'Domain', { network, defaultExecutionRole: studioRole(stack, 'Role') });
      for (let i = 0; i < count; i++) {
        domain.addUserProfile(`user${i}`);
      }
      return { stack, network };
    };
    const fits = withUsers(121);
    expect(fits.network.studioUserCapacity).toBe(Math.floor((2 * 251 - 9 * 2) / 4));
    expect(() => Template.fromStack(fits.stack)).not.toThrow();
    expect(() => Template.fromStack(withUsers(122).stack)).toThrow('StudioDomain addUserProfile: 122 user profiles need up to 488 addresses (4 per user) ' +
      'but the studio subnets hold 121 users after the interface endpoints; a larger cidr or studioSubnetCidrMask on the network, ' +
      'or a second domain for some of the users');
  });
});

describe('domain options', () => {
  test('idle timeouts, notebook sharing to a bucket with the key, lifecycle configurations', () => {
    const stack = agnosticStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Shared', 'studio-shared');
    const { domain } = build({ idleTimeoutMinutes: 120, minIdleTimeoutMinutes: 90, maxIdleTimeoutMinutes: 600, notebookSharing: { bucket } }, stack);
    domain.addLifecycleConfiguration('pip-mirror', StudioAppType.JUPYTER_LAB, '#!/bin/bash\npip config set global.index-url https://mirror.example.com/simple\n');
    const template = Template.fromStack(stack);
    const idle = { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 120, MinIdleTimeoutInMinutes: 90, MaxIdleTimeoutInMinutes: 600 };
    const config = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainLifecycleConfigpipmirror'), 'StudioLifecycleConfigArn'] };
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: idle }, LifecycleConfigArns: [config] },
        CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: idle }, LifecycleConfigArns: Match.absent() },
        SharingSettings: {
          NotebookOutputOption: 'Allowed',
          S3OutputPath: 's3://studio-shared/sharing',
          S3KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainEncryptionKey'), 'Arn'] },
        },
      },
    });
    template.hasResourceProperties('AWS::SageMaker::StudioLifecycleConfig', {
      StudioLifecycleConfigName: 'pip-mirror',
      StudioLifecycleConfigAppType: 'JupyterLab',
      StudioLifecycleConfigContent: { 'Fn::Base64': Match.stringLikeRegexp('^#!/bin/bash') },
    });
  });

  test('a lifecycle script over SageMaker\'s 16,384 base64 characters is refused; one at the limit is accepted', () => {
    const { domain } = build();
    // 12,288 bytes encode to exactly 16,384 base64 characters.
    expect(() => domain.addLifecycleConfiguration('at-limit', StudioAppType.JUPYTER_LAB, `#!/bin/bash\n${'#'.repeat(12_288 - 12)}`)).not.toThrow();
    expect(() => domain.addLifecycleConfiguration('over-limit', StudioAppType.JUPYTER_LAB, `#!/bin/bash\n${'#'.repeat(12_288 - 11)}`))
      .toThrow("StudioDomain addLifecycleConfiguration: the script of 'over-limit' is 16388 characters in base64; at most 16384");
  });

  test('private sign-in adds the Studio UI endpoint to the network', () => {
    const { stack, network } = build({ privateSignIn: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['aws.sagemaker.', { Ref: 'AWS::Region' }, '.studio']] },
      PrivateDnsEnabled: true,
    });
    expect(network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_STUDIO)).toBeDefined();
  });

  test('a domain in a VPC of your own, with your security groups and a given key and name', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['subnet-a', 'subnet-b'],
    });
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1');
    new StudioDomain(stack, 'Domain', {
      vpc, securityGroups: [group], defaultExecutionRole: studioRole(stack, 'Role'), domainName: 'research', removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DomainName: 'research', VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'], DefaultUserSettings: Match.objectLike({ SecurityGroups: ['sg-1'] }),
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  let roles = 0;
  const role = (s: Stack) => studioRole(s, `Role${roles++}`);
  test.each([
    ['an invalid domain name', { domainName: 'my_domain' },
      "StudioDomain domainName: 'my_domain' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters"],
    ['an idle timeout below 60', { idleTimeoutMinutes: 30 }, 'StudioDomain idleTimeoutMinutes: 30 is out of range; a whole number from 60 to 525600 minutes'],
    ['a maximum above a year', { maxIdleTimeoutMinutes: 525_601 }, 'StudioDomain maxIdleTimeoutMinutes: 525601 is out of range; a whole number from 60 to 525600 minutes'],
    ['a minimum that is not whole', { minIdleTimeoutMinutes: 60.5 }, 'StudioDomain minIdleTimeoutMinutes: 60.5 is not a whole number; a whole number from 60 to 525600 minutes'],
    ['a default outside the user range', { idleTimeoutMinutes: 600, maxIdleTimeoutMinutes: 480 },
      'StudioDomain idleTimeoutMinutes: 600 is above maxIdleTimeoutMinutes (480); a whole number from 60 to 480 minutes'],
  ])('refuses %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('refuses conflicting or missing placement', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    expect(() => new StudioDomain(stack, 'A', { network, vpc: network.vpc, defaultExecutionRole: role(stack) })).toThrow(
      'StudioDomain network: set together with vpc, subnets or securityGroups; either network, or vpc with subnets and securityGroups');
    expect(() => new StudioDomain(stack, 'B', { defaultExecutionRole: role(stack) })).toThrow(
      'StudioDomain vpc: neither network nor vpc given; a network (SecureStudioVpc), or a vpc with securityGroups');
    expect(() => new StudioDomain(stack, 'C', { vpc: network.vpc, defaultExecutionRole: role(stack) })).toThrow(
      'StudioDomain securityGroups: 0 security groups given with vpc; 1 to 4 security groups (SageMaker adds one of the 5 allowed)');
    const vpcDomain = new StudioDomain(stack, 'D', { vpc: network.vpc, securityGroups: [network.studioSecurityGroup], defaultExecutionRole: role(stack) });
    expect(() => vpcDomain.addUserProfile('gina', { ownSecurityGroup: true })).toThrow(
      "StudioDomain addUserProfile: profile 'gina' asks for ownSecurityGroup on a domain without network; a domain built on a SecureStudioVpc, or security groups of your own in securityGroups");
    expect(() => new StudioDomain(stack, 'E', { vpc: network.vpc, securityGroups: [network.studioSecurityGroup], defaultExecutionRole: role(stack), privateSignIn: true }))
      .toThrow('StudioDomain privateSignIn: set without network; a network (SecureStudioVpc) to create the sign-in endpoints in');
  });
});

describe('sign-in policy', () => {
  const stack = agnosticStack();
  const { domain, network } = build({}, stack);
  const alice = domain.addUserProfile('alice');
  const bob = domain.addUserProfile('bob');
  const apiEndpoint = network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_API)!;
  const operator = new iam.Role(stack, 'AliceHuman', { assumedBy: new iam.AccountRootPrincipal() });
  const policy = domain.createSignInPolicy('AliceSignIn', { profiles: [alice], sourceVpcEndpoints: [apiEndpoint], roles: [operator] });
  const template = Template.fromStack(stack);

  test('allows CreatePresignedDomainUrl on the given profiles through the given endpoint, attached to the role', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Sid: 'SignInAsOwnProfilesFromTheNetwork',
          Effect: 'Allow',
          Action: 'sagemaker:CreatePresignedDomainUrl',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainProfilealice'), 'UserProfileArn'] },
          Condition: { StringEquals: { 'aws:SourceVpce': [{ Ref: Match.stringLikeRegexp('^NetworkSageMakerApiEndpoint') }] } },
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^AliceHuman') }],
    });
  });

  const profileArn = (name: string) => `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:user-profile/d-sample/${name}`;
  const document = () => {
    const logicalId = Stack.of(policy).getLogicalId(policy.node.defaultChild as iam.CfnManagedPolicy);
    const apiLogicalId = Stack.of(policy).getLogicalId(apiEndpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    const aliceLogicalId = Stack.of(alice).getLogicalId(alice.resource);
    return concretize(template.toJSON().Resources[logicalId].Properties.PolicyDocument, {
      [`${aliceLogicalId}.UserProfileArn`]: profileArn('alice'),
      [apiLogicalId]: 'vpce-api',
    });
  };
  const signIn = (profile: string, context: Record<string, string>) => simulate({
    principal: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/AliceHuman`,
    action: 'sagemaker:CreatePresignedDomainUrl',
    resource: profileArn(profile),
    context,
    identityPolicies: [document()],
  });

  test('simulated: her own profile through the allowed endpoint is allowed', async () => {
    expect(await signIn('alice', { 'aws:SourceVpce': 'vpce-api' })).toBe('Allowed');
  });

  test("simulated: another user's profile is denied", async () => {
    expect(await signIn(bob.userProfileName, { 'aws:SourceVpce': 'vpce-api' })).toBe('ImplicitlyDenied');
  });

  test('simulated: from outside the endpoint (another endpoint, or the internet) is denied', async () => {
    expect(await signIn('alice', { 'aws:SourceVpce': 'vpce-other' })).toBe('ImplicitlyDenied');
    expect(await signIn('alice', {})).toBe('ImplicitlyDenied');
  });

  test('needs exactly one kind of source and at least one profile', () => {
    expect(() => domain.createSignInPolicy('Both', { profiles: [alice], sourceVpcs: [network.vpc], sourceIpRanges: ['203.0.113.0/24'] })).toThrow(
      'StudioDomain createSignInPolicy: 2 kinds of source given; exactly one of sourceVpcEndpoints, sourceVpcs or sourceIpRanges');
    expect(() => domain.createSignInPolicy('None', { profiles: [alice] })).toThrow(
      'StudioDomain createSignInPolicy: 0 kinds of source given; exactly one of sourceVpcEndpoints, sourceVpcs or sourceIpRanges');
    expect(() => domain.createSignInPolicy('Nobody', { profiles: [], sourceIpRanges: ['203.0.113.0/24'] })).toThrow(
      'StudioDomain createSignInPolicy: no profiles given; at least one profile of this domain');
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test('a network, a domain and two profiles have no unacknowledged error', () => {
    const stack = concreteStack();
    const { domain } = build({}, stack);
    domain.addUserProfile('alice', { ownSecurityGroup: true, team: 'fraud' });
    domain.addUserProfile('bob', { team: 'risk' });
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual([]);
  });
});

describe('built-in lifecycle configurations', () => {
  test('a built-in configuration runs in every space of its app type: BuiltInLifecycleConfigArn, attached as well', () => {
    const stack = agnosticStack();
    const { domain } = build({}, stack);
    domain.addLifecycleConfiguration('login', StudioAppType.CODE_EDITOR, '#!/bin/bash\necho login\n', { builtIn: true });
    const config = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainLifecycleConfiglogin'), 'StudioLifecycleConfigArn'] };
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: Match.objectLike({
        CodeEditorAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: config, LifecycleConfigArns: [config] }),
        JupyterLabAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: Match.absent() }),
      }),
    });
  });

  test('refuses a second built-in configuration for the same app type', () => {
    const { domain } = build();
    domain.addLifecycleConfiguration('first', StudioAppType.JUPYTER_LAB, '#!/bin/bash\n', { builtIn: true });
    domain.addLifecycleConfiguration('attached', StudioAppType.JUPYTER_LAB, '#!/bin/bash\n');
    expect(() => domain.addLifecycleConfiguration('second', StudioAppType.JUPYTER_LAB, '#!/bin/bash\n', { builtIn: true })).toThrow(
      "StudioDomain addLifecycleConfiguration: 'second' is a second built-in lifecycle configuration for JupyterLab (the first is 'first'); " +
      'one built-in lifecycle configuration per app type: merge the scripts into one');
  });
});
