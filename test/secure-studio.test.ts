import { NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { StudioEgress } from '../src/network/studio-egress';
import { SecureStudio, SecureStudioProps, StudioPersona } from '../src/secure-studio';
import { nagErrors } from './helpers/nag';
import { SecurityGroupRules } from './helpers/security-groups';
import { agnosticStack, concreteStack } from './helpers/stacks';

function build(props: Partial<SecureStudioProps> = {}, stack: Stack = agnosticStack()) {
  const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', ...props });
  return { stack, studio, template: Template.fromStack(stack) };
}

const USERS = [
  { name: 'alice', persona: StudioPersona.DATA_SCIENTIST },
  { name: 'bob', persona: StudioPersona.MLOPS },
  { name: 'carol', persona: StudioPersona.DEFAULT },
];

describe('the default environment', () => {
  const { template, studio } = build({ users: USERS, dataBuckets: ['data', 'models'] });

  test('an internet-free network, no firewall, a VpcOnly domain on the default persona role', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::NetworkFirewall::Firewall', 0);
    expect(studio.firewall).toBeUndefined();
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      AppNetworkAccessType: 'VpcOnly',
      DefaultUserSettings: Match.objectLike({ ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StudioPersonasDefaultRole'), 'Arn'] } }),
    });
  });

  test('each user gets a profile with the role of their persona, the team tag and an own security group, in a nested stack', () => {
    const expected: [string, string][] = [['alice', 'DataScientistRole'], ['bob', 'MlopsRole'], ['carol', 'DefaultRole']];
    template.resourceCountIs('AWS::SageMaker::UserProfile', 0);
    for (const [name, role] of expected) {
      const profile = studio.userProfiles.find((p) => p.userProfileName === name)!;
      const nested = Stack.of(profile) as NestedStack;
      expect(nested.nestedStackParent).toBe(Stack.of(studio));
      Template.fromStack(nested).hasResourceProperties('AWS::SageMaker::UserProfile', {
        UserProfileName: name,
        UserSettings: {
          ExecutionRole: { Ref: Match.stringLikeRegexp(`^referencetoTestStudioPersonas${role}`) },
          SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp(`^Profile${name}SecurityGroup`), 'GroupId'] }],
        },
        Tags: [{ Key: 'team', Value: 'fraud' }],
      });
    }
    expect(studio.userProfiles.map((profile) => profile.userProfileName)).toEqual(['alice', 'bob', 'carol']);
    expect(studio.studioUsers.profiles).toEqual(studio.userProfiles);
  });

  test('a user\'s apps reach the endpoints on 443 and S3 on 443, and no app of another user on any port', () => {
    const rules = SecurityGroupRules.of(studio.node.scope as Stack);
    const apps = (i: number) => [...studio.domain.userAppSecurityGroups, ...studio.userProfiles[i].securityGroups];
    for (let i = 0; i < USERS.length; i++) {
      expect(rules.canConnect(apps(i), [studio.network.endpointSecurityGroup], 443)).toBe(true);
      expect(rules.prefixListEgress(apps(i), 443)).toHaveLength(1);
      expect(apps(i).length).toBeLessThanOrEqual(4); // a slot for SageMaker's NFS group to the home EFS
      for (let j = 0; j < USERS.length; j++) {
        if (i !== j) {
          expect([22, 443, 2049, 8192, 8888, 65535].filter((port) => rules.canConnect(apps(i), apps(j), port))).toEqual([]);
        }
      }
    }
  });

  test('two buckets share one key and one log bucket', () => {
    expect(studio.buckets).toHaveLength(2);
    expect(studio.buckets[1].encryptionKey).toBe(studio.buckets[0].encryptionKey);
    expect(studio.buckets[1].serverAccessLogsBucket).toBe(studio.buckets[0].serverAccessLogsBucket);
    expect(studio.findBucket('models')).toBe(studio.buckets[1]);
    expect(studio.findBucket('nothing')).toBeUndefined();
  });

  test('the S3 endpoint admits exactly the environment buckets (and the ECR layer bucket)', () => {
    const endpoint = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))[0] as any;
    const registered = endpoint.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'AllowRegisteredBuckets');
    const bucketRefs = JSON.stringify(registered.Resource);
    for (const bucket of ['StudioDataBucket', 'StudioModelsBucket']) {
      expect(bucketRefs).toContain(bucket);
    }
    expect(bucketRefs).not.toContain('AccessLogs');
    const statements = endpoint.Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(statements).toEqual(expect.arrayContaining(['AllowRegisteredBuckets', 'AllowEcrImageLayersOfThisRegion']));
    expect(statements).not.toContain('AllowPrincipalsOfThisAccount');
  });

  test('the data scientist, MLOps and job roles may read and write the buckets; the default role may not', () => {
    const grants = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('[Gg]rant') } });
    const granted = Object.values(grants).map((policy: any) => JSON.stringify(policy.Properties));
    for (const role of ['DataScientistRole', 'MlopsRole', 'JobRole']) {
      const policy = granted.find((text) => text.includes(`StudioPersonas${role}`));
      expect(policy).toBeDefined();
      expect(policy).toContain('StudioDataBucket');
      expect(policy).toContain('StudioModelsBucket');
    }
    expect(granted.some((text) => text.includes('StudioPersonasDefaultRole'))).toBe(false);
  });

  test('jobs must use the environment key, subnets and security group', () => {
    const guardrails = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(guardrails).toContain('StudioJobKey');
    expect(guardrails).toContain('sagemaker:VpcSubnets');
  });
});

describe('with the firewall', () => {
  test('FIREWALL_READY egress gets an EgressFirewall with the allow-list', () => {
    const { template, studio } = build({ egress: StudioEgress.FIREWALL_READY, allowedDomains: ['.pypi.org'] });
    expect(studio.firewall?.allowedDomains).toEqual(['.pypi.org']);
    template.resourceCountIs('AWS::NetworkFirewall::Firewall', 2);
  });

  test.each([
    [{ egress: StudioEgress.FIREWALL_READY }, "SecureStudio allowedDomains: empty with egress: StudioEgress.FIREWALL_READY; the domains Studio may reach, e.g. ['.pypi.org', '.pythonhosted.org']"],
    [{ allowedDomains: ['.pypi.org'] }, 'SecureStudio allowedDomains: given with egress mode NONE, which has no firewall; allowedDomains only with egress: StudioEgress.FIREWALL_READY'],
    [{ dataBuckets: [] }, "SecureStudio dataBuckets: empty; at least one bucket name, e.g. ['data']"],
    [{ dataBuckets: ['Data'] }, "SecureStudio dataBuckets: 'Data' is not a usable bucket name or is listed twice; distinct names of lower-case letters, digits and hyphens, starting with a letter, at most 31 characters"],
    [{ dataBuckets: ['data', 'data'] }, "SecureStudio dataBuckets: 'data' is not a usable bucket name or is listed twice; distinct names of lower-case letters, digits and hyphens, starting with a letter, at most 31 characters"],
  ])('refuses %j', (props, message) => {
    expect(() => new SecureStudio(agnosticStack(), 'Studio', { team: 'fraud', ...props } as SecureStudioProps)).toThrow(message);
  });
});

describe('500 users', () => {
  const names = Array.from({ length: 500 }, (_, i) => `user${i}`);
  const personas = [StudioPersona.DATA_SCIENTIST, StudioPersona.MLOPS, StudioPersona.DEFAULT];
  const users = names.map((name, i) => ({ name, persona: personas[i % 3] }));
  const { studio, template } = build({ users });
  const nestedTemplates = studio.studioUsers.nestedStacks.map((nested) => Template.fromStack(nested).toJSON());
  const resourceCount = (t: any) => Object.keys(t.Resources ?? {}).length;

  test('every stack, the parent and each nested stack, holds fewer than 500 resources; one domain for all', () => {
    expect(resourceCount(template.toJSON())).toBeLessThan(500);
    expect(nestedTemplates.length).toBeGreaterThan(1);
    for (const nested of nestedTemplates) {
      expect(resourceCount(nested)).toBeLessThan(500);
    }
    template.resourceCountIs('AWS::SageMaker::Domain', 1);
    expect(nestedTemplates.reduce((sum, nested) => sum + Object.values(nested.Resources).filter((r: any) => r.Type === 'AWS::SageMaker::UserProfile').length, 0)).toBe(500);
  });

  test('each user costs 2 resources where it is held, and the parent 1 per nested stack', () => {
    const held = nestedTemplates.reduce((sum, nested) => sum + resourceCount(nested), 0);
    expect(held).toBe(2 * users.length);
    const noUsers = build({});
    expect(resourceCount(template.toJSON()) - resourceCount(noUsers.template.toJSON())).toBe(nestedTemplates.length);
  });

  test('appending a user changes no other user\'s logical ids', () => {
    const ids = (s: SecureStudio) => Object.fromEntries(s.userProfiles.map((profile) => {
      const nested = Stack.of(profile) as NestedStack;
      return [profile.userProfileName, [
        Stack.of(s).getLogicalId(nested.nestedStackResource!),
        nested.getLogicalId(profile.resource),
        nested.getLogicalId(profile.securityGroups[0].node.defaultChild as any),
      ]];
    }));
    const more = build({ users: [...users, { name: 'newcomer', persona: StudioPersona.MLOPS }] });
    const after = ids(more.studio);
    delete after.newcomer;
    expect(after).toEqual(ids(studio));
  });

  test('the default network holds 8,184 users at 4 addresses each (the domain refuses more at synth time)', () => {
    // Two /18 studio subnets (32,758 usable addresses) less 10 interface endpoints in each.
    expect(studio.network.studioUserCapacity).toBe(Math.floor((2 * (2 ** 14 - 5) - 10 * 2) / 4));
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([
    ['internet-free', {}],
    ['firewall in 3 AZs', { egress: StudioEgress.FIREWALL_READY, maxAzs: 3, allowedDomains: ['.pypi.org', '.github.com'] }],
  ])('%s: no unacknowledged error, and well under 500 resources', (_name, props) => {
    const { stack, template } = build({ ...props, users: USERS, dataBuckets: ['data', 'models'] }, concreteStack());
    expect(nagErrors(stack)).toEqual([]);
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(250);
  });

  test('40 users in nested stacks: no unacknowledged error', () => {
    const users = Array.from({ length: 40 }, (_, i) => ({ name: `user${i}`, persona: StudioPersona.DATA_SCIENTIST }));
    const { stack, studio } = build({ users }, concreteStack());
    expect(studio.studioUsers.nestedStacks.length).toBeGreaterThan(10);
    expect(nagErrors(stack)).toEqual([]);
  });

  test('a grant with an open wildcard on a persona role is not acknowledged', () => {
    const stack = concreteStack();
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud' });
    iam.Grant.addToPrincipal({ grantee: studio.personas.dataScientistRole, actions: ['s3:*'], resourceArns: ['*'] });
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual([
      'AwsSolutions-IAM5[Action::s3:*] @ Test/Studio/Personas/DataScientistRole/GrantsPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] @ Test/Studio/Personas/DataScientistRole/GrantsPolicy/Resource',
      'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess @ Test/Studio/Personas/DataScientistRole/GrantsPolicy/Resource',
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess @ Test/Studio/Personas/DataScientistRole/GrantsPolicy/Resource',
      'PCI.DSS.321-IAMPolicyNoStatementsWithFullAccess @ Test/Studio/Personas/DataScientistRole/GrantsPolicy/Resource',
    ]);
  });
});
