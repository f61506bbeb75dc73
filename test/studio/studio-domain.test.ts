import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StudioEndpointService } from '../../src/network/endpoints';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { StudioAppType, StudioAuthMode, StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import { concretize, SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';
import { nagErrors } from '../helpers/nag';
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
        SecurityGroups: [studioSg],
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
  test('a profile with a persona role, a team tag and its own security group', () => {
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
    template.hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserProfileName: 'bob',
      UserSettings: { ExecutionRole: defaultRoleArn, SecurityGroups: [studioSg] },
      Tags: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: aliceSg, SourceSecurityGroupId: aliceSg, FromPort: 8192, ToPort: 65535 });
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: aliceSg, SourceSecurityGroupId: studioSg } })).toEqual({});
    expect(alice.securityGroups).toHaveLength(1);
    expect(alice.userProfileName).toBe('alice');
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
      securityGroups: ['sg-1', 'sg-2', 'sg-3', 'sg-4'].map((id) => ec2.SecurityGroup.fromSecurityGroupId(Stack.of(d), id, id)),
    }), "StudioDomain addUserProfile: profile 'erin' has 5 security groups; at most 4, as SageMaker adds one of the 5 a profile may have"],
  ])('refuses %s', (_name, act, message) => {
    const { domain } = build();
    expect(() => act(domain)).toThrow(message);
  });

  test('refuses a profile without SSO user on an SSO domain', () => {
    const { domain } = build({ authMode: StudioAuthMode.SSO });
    expect(() => domain.addUserProfile('frank')).toThrow(
      "StudioDomain addUserProfile: profile 'frank' lacks ssoUserName on a SSO domain; ssoUserName for every profile of an SSO domain, and none on an IAM domain");
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
    ['an idle timeout below 60', { idleTimeoutMinutes: 30 }, 'StudioDomain idleTimeoutMinutes: got 30; whole minutes from 60 to 525600'],
    ['a maximum above a year', { maxIdleTimeoutMinutes: 525_601 }, 'StudioDomain maxIdleTimeoutMinutes: got 525601; whole minutes from 60 to 525600'],
    ['a minimum that is not whole', { minIdleTimeoutMinutes: 60.5 }, 'StudioDomain minIdleTimeoutMinutes: got 60.5; whole minutes from 60 to 525600'],
    ['a default outside the user range', { idleTimeoutMinutes: 600 },
      'StudioDomain idleTimeoutMinutes: 600 is not between minIdleTimeoutMinutes (60) and maxIdleTimeoutMinutes (480); minIdleTimeoutMinutes <= idleTimeoutMinutes <= maxIdleTimeoutMinutes'],
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
