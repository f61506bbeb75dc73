import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PersonaNetworkPerimeter } from '../src/identity/network-perimeter';
import { StudioEgress } from '../src/network/studio-egress';
import { SecureStudio, SecureStudioProps, StudioPersona } from '../src/secure-studio';
import { nagErrors } from './helpers/nag';
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

  test('each user gets a profile with the role of their persona, the team tag and an own security group', () => {
    const expected: [string, string][] = [['alice', 'DataScientistRole'], ['bob', 'MlopsRole'], ['carol', 'DefaultRole']];
    for (const [name, role] of expected) {
      template.hasResourceProperties('AWS::SageMaker::UserProfile', {
        UserProfileName: name,
        UserSettings: {
          ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^StudioPersonas${role}`), 'Arn'] },
          SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp(`^StudioDomainProfile${name}SecurityGroup`), 'GroupId'] }],
        },
        Tags: [{ Key: 'team', Value: 'fraud' }],
      });
    }
    expect(studio.userProfiles.map((profile) => profile.userProfileName)).toEqual(['alice', 'bob', 'carol']);
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

describe('the persona network perimeter', () => {
  const perimeterPolicies = (template: Template) => template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyOutsideEnvironmentNetwork' })]) } },
  });

  test('off by default', () => {
    const { template, studio } = build({ users: USERS });
    expect(studio.personas.networkPerimeterPolicy).toBeUndefined();
    expect(Object.keys(perimeterPolicies(template))).toEqual([]);
  });

  test('enforced: the data scientist and MLOps roles must use the network\'s VPC; every role stays within 10 policies', () => {
    const { template, studio } = build({ users: USERS, networkPerimeter: PersonaNetworkPerimeter.ENFORCE });
    const policies = Object.values(perimeterPolicies(template)) as any[];
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    expect(policy.Properties.Roles.map((role: any) => role.Ref)).toEqual([
      expect.stringMatching(/^StudioPersonasDataScientistRole/), expect.stringMatching(/^StudioPersonasMlopsRole/),
    ]);
    const vpcId = Stack.of(studio).resolve(studio.network.vpc.vpcId);
    expect(policy.Properties.PolicyDocument.Statement[0].Condition.StringNotEqualsIfExists['aws:SourceVpc']).toEqual(vpcId);
    const attachments = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((r: any) => r.Properties.Roles.map((role: any) => role.Ref));
    for (const role of Object.keys(template.findResources('AWS::IAM::Role'))) {
      expect(attachments.filter((ref) => ref === role).length).toBeLessThanOrEqual(10);
    }
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

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([
    ['internet-free', {}],
    ['firewall in 3 AZs', { egress: StudioEgress.FIREWALL_READY, maxAzs: 3, allowedDomains: ['.pypi.org', '.github.com'] }],
    ['internet-free with the persona network perimeter', { networkPerimeter: PersonaNetworkPerimeter.ENFORCE }],
  ])('%s: no unacknowledged error, and well under 500 resources', (_name, props) => {
    const { stack, template } = build({ ...props, users: USERS, dataBuckets: ['data', 'models'] }, concreteStack());
    expect(nagErrors(stack)).toEqual([]);
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(250);
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
