import { App, CfnResource, Lazy, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SageMakerStudioChecks, SecureStudio, StudioEgress, StudioPersona } from '../../src';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { USER_STACKS, userStackIndex } from '../../src/private/user-placement';
import { StudioAppType, StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import { StudioUsers } from '../../src/studio/studio-users';
import { StudioPrivateSpace } from '../../src/workspace/private-space';
import { nagErrors } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';
import { TEST_CA_PEM } from '../helpers/test-ca';

function domainIn(stack: Stack, props: Partial<StudioDomainProps> = {}): StudioDomain {
  const network = new SecureStudioVpc(stack, 'Network');
  const defaultExecutionRole = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return new StudioDomain(stack, 'Domain', { network, defaultExecutionRole, ...props });
}

function build(props: Partial<StudioDomainProps> = {}) {
  const stack = agnosticStack();
  return { stack, domain: domainIn(stack, props) };
}

const spacesOf = (template: Template) => Object.entries(template.findResources('AWS::SageMaker::Space')) as [string, any][];

describe('StudioPrivateSpace', () => {
  test('a JupyterLab space owned by its user: private, the EBS size asked for, idle shutdown and no remote access', () => {
    const { stack, domain } = build();
    domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true, ebsVolumeSizeGb: 20 } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Space', 1);
    template.hasResourceProperties('AWS::SageMaker::Space', {
      DomainId: { 'Fn::GetAtt': [stack.getLogicalId(domain.resource), 'DomainId'] },
      SpaceName: 'alice-jupyterlab',
      OwnershipSettings: { OwnerUserProfileName: 'alice' },
      SpaceSharingSettings: { SharingType: 'Private' },
      SpaceSettings: {
        AppType: 'JupyterLab',
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 60 } }, DefaultResourceSpec: Match.absent() },
        CodeEditorAppSettings: Match.absent(),
        SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: 20 } },
        RemoteAccess: 'DISABLED',
      },
    });
  });

  test('the space depends on its owner profile, so CloudFormation creates it after and deletes it before; it is retained by default', () => {
    const { stack, domain } = build();
    const alice = domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true, codeEditor: true } });
    const spaces = spacesOf(Template.fromStack(stack));
    expect(spaces).toHaveLength(2);
    for (const [, space] of spaces) {
      expect(space.DependsOn).toContain(stack.getLogicalId(alice.resource));
      expect(space.DeletionPolicy).toBe('Retain');
      expect(space.Properties.OwnershipSettings.OwnerUserProfileName).toBe(alice.userProfileName);
    }
    expect(spaces.map(([, space]) => space.Properties.SpaceName).sort()).toEqual(['alice-code-editor', 'alice-jupyterlab']);
  });

  test('a Code Editor space carries Code Editor settings only, with an idle timeout of its own within the domain\'s range', () => {
    const { stack, domain } = build({ idleTimeoutMinutes: 120, maxIdleTimeoutMinutes: 240 });
    const bob = domain.addUserProfile('bob');
    new StudioPrivateSpace(stack, 'BobCode', {
      domain, owner: bob, appType: StudioAppType.CODE_EDITOR, spaceName: 'bob-vscode', idleTimeoutMinutes: 240, removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::Space', {
      DeletionPolicy: 'Delete',
      Properties: {
        SpaceName: 'bob-vscode',
        SpaceSettings: {
          AppType: 'CodeEditor',
          CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 240 } } },
          JupyterLabAppSettings: Match.absent(),
          SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: 5 } },
        },
      },
    });
  });

  test('the space pre-selects the domain\'s space default lifecycle configuration of its app type, even one added after it; the built-in one runs from the domain', () => {
    const { stack, domain } = build();
    const builtIn = domain.addLifecycleConfiguration('policy', StudioAppType.JUPYTER_LAB, 'echo policy', { builtIn: true });
    const jupyterDefault = domain.addLifecycleConfiguration('jl-setup', StudioAppType.JUPYTER_LAB, 'echo jl', { spaceDefault: true });
    domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true, codeEditor: true } });
    const codeDefault = domain.addLifecycleConfiguration('ce-setup', StudioAppType.CODE_EDITOR, 'echo ce', { spaceDefault: true });
    const template = Template.fromStack(stack);
    const arnOf = (config: CfnResource) => ({ 'Fn::GetAtt': [stack.getLogicalId(config), 'StudioLifecycleConfigArn'] });
    template.hasResourceProperties('AWS::SageMaker::Space', {
      SpaceSettings: { JupyterLabAppSettings: { DefaultResourceSpec: { LifecycleConfigArn: arnOf(jupyterDefault) } } },
    });
    template.hasResourceProperties('AWS::SageMaker::Space', {
      SpaceSettings: { CodeEditorAppSettings: { DefaultResourceSpec: { LifecycleConfigArn: arnOf(codeDefault) } } },
    });
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { JupyterLabAppSettings: { BuiltInLifecycleConfigArn: arnOf(builtIn) } },
    });
    expect(JSON.stringify(spacesOf(template))).not.toContain(stack.getLogicalId(builtIn));
  });

  test('with a private space the domain gets its space storage limits (default 5 GB, at most 100 GB) for users and shared spaces', () => {
    const { stack, domain } = build();
    domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true } });
    const storage = { DefaultEbsStorageSettings: { DefaultEbsVolumeSizeInGb: 5, MaximumEbsVolumeSizeInGb: 100 } };
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { SpaceStorageSettings: storage },
      DefaultSpaceSettings: { SpaceStorageSettings: storage },
    });
  });

  test('without private spaces or storage props the domain has no space storage settings; with the props it has them', () => {
    const { stack, domain } = build();
    domain.addUserProfile('alice');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Space', 0);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { SpaceStorageSettings: Match.absent() },
      DefaultSpaceSettings: { SpaceStorageSettings: Match.absent() },
    });
    const sized = build({ spaceEbsVolumeSizeGb: 10, maxSpaceEbsVolumeSizeGb: 50 });
    Template.fromStack(sized.stack).hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { SpaceStorageSettings: { DefaultEbsStorageSettings: { DefaultEbsVolumeSizeInGb: 10, MaximumEbsVolumeSizeInGb: 50 } } },
    });
  });

  test('a space without its own size gets the domain\'s default size', () => {
    const { stack, domain } = build({ spaceEbsVolumeSizeGb: 30 });
    domain.addUserProfile('alice', { privateSpaces: { codeEditor: true } });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Space', {
      SpaceSettings: { SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: 30 } } },
    });
  });

  test('with the domain teardown, the teardown waits for the spaces (their apps go before CloudFormation deletes them)', () => {
    const { stack, domain } = build({ removalPolicy: RemovalPolicy.DESTROY });
    domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true } });
    const template = Template.fromStack(stack).toJSON();
    const teardown = Object.values(template.Resources).find((r: any) => r.Type === 'Custom::StudioDomainTeardown') as any;
    const [[spaceId]] = spacesOf(Template.fromStack(stack));
    expect(teardown.DependsOn).toContain(spaceId);
  });
});

describe('private spaces in nested stacks (StudioUsers)', () => {
  test('each space is in its owner\'s nested stack, names the parent\'s domain, and the parent holds none', () => {
    const stack = agnosticStack();
    const domain = domainIn(stack);
    const users = new StudioUsers(stack, 'Users', { domain });
    const names = ['alice', 'bob', 'carol'];
    const profiles = names.map((name) => users.addUser(name, { ownSecurityGroup: true, privateSpaces: { jupyterLab: true, codeEditor: true } }));
    Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Space', 0);
    const parent = Template.fromStack(stack).toJSON();
    const domainId = { 'Fn::GetAtt': [stack.getLogicalId(domain.resource), 'DomainId'] };
    for (const profile of profiles) {
      const nested = Stack.of(profile) as NestedStack;
      const template = Template.fromStack(nested);
      const own = spacesOf(template).filter(([, space]) => space.Properties.OwnershipSettings.OwnerUserProfileName === profile.userProfileName);
      expect(own).toHaveLength(2);
      const parameters = parent.Resources[stack.getLogicalId(nested.nestedStackResource!)].Properties.Parameters;
      for (const [, space] of own) {
        expect(parameters[space.Properties.DomainId.Ref]).toEqual(domainId);
        expect(space.DependsOn).toContain(nested.getLogicalId(profile.resource));
      }
    }
  });

  test('a user with two spaces and a security group costs 4 resources in its nested stack', () => {
    const stack = agnosticStack();
    const users = new StudioUsers(stack, 'Users', { domain: domainIn(stack) });
    const names = Array.from({ length: 40 }, (_, i) => `user${i}`);
    names.forEach((name) => users.addUser(name, { ownSecurityGroup: true, privateSpaces: { jupyterLab: true, codeEditor: true } }));
    const total = users.nestedStacks.reduce((sum, nested) => sum + Object.keys(Template.fromStack(nested).toJSON().Resources).length, 0);
    expect(total / names.length).toBe(4);
  });

  test('500 users with two private spaces each and a security group of their own fit in the 32 nested stacks', () => {
    const stack = agnosticStack();
    const users = new StudioUsers(stack, 'Users', { domain: domainIn(stack) });
    for (let i = 0; i < 500; i++) {
      users.addUser(`user${i}`, { ownSecurityGroup: true, privateSpaces: { jupyterLab: true, codeEditor: true } });
    }
    expect(() => stack.node.validate()).not.toThrow();
    expect(users.node.validate()).toEqual([]);
    const largest = Math.max(...users.nestedStacks.map((nested) =>
      nested.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === nested).length));
    expect(largest).toBeLessThanOrEqual(500);
    expect(users.nestedStacks).toHaveLength(USER_STACKS);
  });

  test('a nested stack over 500 resources because of the spaces is refused at synth time, with the figure per user', () => {
    const stack = agnosticStack();
    const users = new StudioUsers(stack, 'Users', { domain: domainIn(stack) });
    let added = 0;
    for (let i = 0; added < 126; i++) {
      if (userStackIndex(`u${i}`) === 3) {
        users.addUser(`u${i}`, { ownSecurityGroup: true, privateSpaces: { jupyterLab: true, codeEditor: true } });
        added++;
      }
    }
    expect(() => Template.fromStack(stack)).toThrow(
      "StudioUsers addUser: nested stack Stack03 would hold 504 resources for 126 users, over CloudFormation's 500; " +
      'the users of one domain are spread over 32 nested stacks by name, about 125 users each at 4 resources per user ' +
      '(2 with ownSecurityGroup, 1 more per private space): give some of the users a second domain');
  });
});

describe('bad input', () => {
  test('a default space name over 63 characters is refused, naming the prop and the allowed form', () => {
    const { domain } = build();
    const owner = 'a'.repeat(52);
    expect(() => domain.addUserProfile(owner, { privateSpaces: { codeEditor: true } })).toThrow(
      `StudioPrivateSpace spaceName: '${owner}-code-editor' is not allowed; letters and digits, single or repeated hyphens between them, ` +
      'at most 63 characters (the default, <owner>-jupyterlab or <owner>-code-editor, needs a profile name of at most 52 or 51 characters)');
    expect(() => domain.addUserProfile('b'.repeat(51), { privateSpaces: { jupyterLab: true, codeEditor: true } })).not.toThrow();
  });

  test.each(['-alice', 'alice_lab', 'alice lab', 'a'.repeat(64), ''])('space name %j is refused', (spaceName) => {
    const { stack, domain } = build();
    const owner = domain.addUserProfile('alice');
    expect(() => new StudioPrivateSpace(stack, 'Space', { domain, owner, appType: StudioAppType.JUPYTER_LAB, spaceName }))
      .toThrow(/^StudioPrivateSpace spaceName: '.*' is not allowed; letters and digits/);
  });

  test('a second space of the same name in the domain is refused', () => {
    const { stack, domain } = build();
    const alice = domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true } });
    expect(() => new StudioPrivateSpace(stack, 'Again', { domain, owner: alice, appType: StudioAppType.CODE_EDITOR, spaceName: 'alice-jupyterlab' }))
      .toThrow("StudioPrivateSpace spaceName: a space named 'alice-jupyterlab' exists already in the domain; a name unique in the domain");
  });

  test.each([
    [4, '4 is out of range'],
    [101, '101 is out of range'],
    [20.5, '20.5 is out of range'],
  ])('an EBS size of %d GB is refused against the domain\'s maximum', (ebsVolumeSizeGb, problem) => {
    const { domain } = build();
    expect(() => domain.addUserProfile('alice', { privateSpaces: { jupyterLab: true, ebsVolumeSizeGb } })).toThrow(
      `StudioPrivateSpace ebsVolumeSizeGb: ${problem}; a whole number from 5 to 100 GB (the domain's maxSpaceEbsVolumeSizeGb)`);
  });

  test('the domain\'s space storage props are checked: SageMaker\'s range, and the default within the maximum', () => {
    expect(() => build({ maxSpaceEbsVolumeSizeGb: 20_000 }))
      .toThrow('StudioDomain maxSpaceEbsVolumeSizeGb: 20000 is out of range; a whole number from 5 to 16384 GB');
    expect(() => build({ spaceEbsVolumeSizeGb: 2 })).toThrow('StudioDomain spaceEbsVolumeSizeGb: 2 is out of range; a whole number from 5 to 16384 GB');
    expect(() => build({ spaceEbsVolumeSizeGb: 200 }))
      .toThrow('StudioDomain spaceEbsVolumeSizeGb: 200 GB is over maxSpaceEbsVolumeSizeGb (100 GB); spaceEbsVolumeSizeGb <= maxSpaceEbsVolumeSizeGb');
    expect(() => build({ spaceEbsVolumeSizeGb: 200, maxSpaceEbsVolumeSizeGb: 500 })).not.toThrow();
  });

  test('an idle timeout outside the domain\'s range is refused', () => {
    const { stack, domain } = build();
    const owner = domain.addUserProfile('alice');
    expect(() => new StudioPrivateSpace(stack, 'Space', { domain, owner, appType: StudioAppType.JUPYTER_LAB, idleTimeoutMinutes: 600 })).toThrow(
      "StudioPrivateSpace idleTimeoutMinutes: 600 is out of range; a whole number from 60 to 480 minutes (the domain's minIdleTimeoutMinutes to maxIdleTimeoutMinutes)");
  });

  test('privateSpaces that asks for no space is refused', () => {
    const { domain } = build();
    expect(() => domain.addUserProfile('alice', { privateSpaces: { ebsVolumeSizeGb: 10 } })).toThrow(
      "StudioDomain addUserProfile: privateSpaces of profile 'alice' asks for no space; jupyterLab: true, codeEditor: true or both, or no privateSpaces");
  });

  test('a second space default lifecycle configuration of an app type is refused', () => {
    const { domain } = build();
    domain.addLifecycleConfiguration('one', StudioAppType.JUPYTER_LAB, 'echo 1', { spaceDefault: true });
    expect(() => domain.addLifecycleConfiguration('two', StudioAppType.JUPYTER_LAB, 'echo 2', { spaceDefault: true })).toThrow(
      "StudioDomain addLifecycleConfiguration: 'two' is a second space default lifecycle configuration for JupyterLab (the first is 'one'); one space default per app type");
    expect(() => domain.addLifecycleConfiguration('three', StudioAppType.CODE_EDITOR, 'echo 3', { spaceDefault: true })).not.toThrow();
  });

  test('tokens are not checked: a space name or EBS size known only at deploy time', () => {
    const { stack, domain } = build();
    const owner = domain.addUserProfile('alice');
    const spaceName = Lazy.string({ produce: () => 'x'.repeat(80) });
    const ebsVolumeSizeGb = Lazy.number({ produce: () => 9999 });
    expect(() => new StudioPrivateSpace(stack, 'Space', { domain, owner, appType: StudioAppType.JUPYTER_LAB, spaceName, ebsVolumeSizeGb })).not.toThrow();
  });
});

describe('SecureStudio privateSpaces', () => {
  test('off by default: no space and no space storage settings', () => {
    const stack = agnosticStack();
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }] });
    for (const nested of studio.studioUsers.nestedStacks) {
      Template.fromStack(nested).resourceCountIs('AWS::SageMaker::Space', 0);
    }
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Domain', { DefaultUserSettings: { SpaceStorageSettings: Match.absent() } });
  });

  test('the default space settings use the default role and the Studio security group that the persona job guardrails name', () => {
    const stack = agnosticStack();
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', privateSpaces: { jupyterLab: true }, users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }] });
    const template = Template.fromStack(stack);
    const studioGroup = stack.resolve(studio.network.studioSecurityGroup.securityGroupId);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultSpaceSettings: {
        ExecutionRole: stack.resolve(studio.personas.defaultRole.roleArn),
        SecurityGroups: [studioGroup],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyJobsWithOtherSecurityGroups',
          Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': [studioGroup] } },
        })]),
      },
    });
  });

  test('the environment-wide option gives every user their spaces; a user\'s own option wins', () => {
    const stack = agnosticStack();
    const studio = new SecureStudio(stack, 'Studio', {
      team: 'fraud',
      privateSpaces: { jupyterLab: true, codeEditor: true },
      users: [
        { name: 'alice', persona: StudioPersona.DATA_SCIENTIST },
        { name: 'bob', persona: StudioPersona.MLOPS, privateSpaces: { codeEditor: true, ebsVolumeSizeGb: 50 } },
      ],
    });
    const spaces = studio.studioUsers.nestedStacks.flatMap((nested) => spacesOf(Template.fromStack(nested)).map(([, space]) => space.Properties));
    expect(spaces.map((space) => [space.SpaceName, space.SpaceSettings.SpaceStorageSettings.EbsStorageSettings.EbsVolumeSizeInGb]).sort())
      .toEqual([['alice-code-editor', 5], ['alice-jupyterlab', 5], ['bob-code-editor', 50]]);
  });

  test('with TLS inspection, the spaces pre-select the CA trust lifecycle configuration of their app type', () => {
    const stack = concreteStack();
    const studio = new SecureStudio(stack, 'Studio', {
      team: 'fraud',
      egress: StudioEgress.FIREWALL_READY,
      allowedDomains: ['pypi.org'],
      tlsInspection: {
        certificateAuthority: acm.Certificate.fromCertificateArn(stack, 'Ca',
          'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555'),
        caCertificatePem: TEST_CA_PEM,
      },
      privateSpaces: { jupyterLab: true, codeEditor: true },
      users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }],
    });
    const parent = Template.fromStack(stack).toJSON();
    const configs = Object.fromEntries(Object.entries<any>(parent.Resources).filter(([, r]) => r.Type === 'AWS::SageMaker::StudioLifecycleConfig')
      .map(([id, r]) => [r.Properties.StudioLifecycleConfigAppType, id]));
    const [nested] = studio.studioUsers.nestedStacks;
    const parameters = parent.Resources[stack.getLogicalId(nested.nestedStackResource!)].Properties.Parameters;
    for (const [, space] of spacesOf(Template.fromStack(nested))) {
      const appType = space.Properties.SpaceSettings.AppType;
      const settings = space.Properties.SpaceSettings[appType === 'JupyterLab' ? 'JupyterLabAppSettings' : 'CodeEditorAppSettings'];
      expect(parameters[settings.DefaultResourceSpec.LifecycleConfigArn.Ref]).toEqual({ 'Fn::GetAtt': [configs[appType], 'StudioLifecycleConfigArn'] });
    }
  });
});

describe('compliance with the options on', () => {
  test('a SecureStudio with private spaces and private spaces only has no unacknowledged finding of the four packs or the SageMakerStudio pack', () => {
    const stack = agnosticStack();
    new SecureStudio(stack, 'Studio', {
      team: 'fraud',
      privateSpaces: { jupyterLab: true, codeEditor: true },
      allowSharedSpaces: false,
      users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }, { name: 'bob', persona: StudioPersona.MLOPS }],
    });
    const app = stack.node.root as App;
    app.synth();
    expect(nagErrors(app)).toEqual([]);
    expect(new SageMakerStudioChecks().validateScope(app)).toEqual({ success: true, violations: [] });
  });
});
