import { NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { rules } from 'cdk-nag';
import { PersonaNetworkPerimeter } from '../src/identity/network-perimeter';
import { StudioEgress } from '../src/network/studio-egress';
import { DataBucketAccess, SecureStudio, SecureStudioProps, StudioPersona } from '../src/secure-studio';
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
    const groupRules = SecurityGroupRules.of(studio.node.scope as Stack);
    const apps = (i: number) => [...studio.domain.userAppSecurityGroups, ...studio.userProfiles[i].securityGroups];
    for (let i = 0; i < USERS.length; i++) {
      expect(groupRules.canConnect(apps(i), [studio.network.endpointSecurityGroup], 443)).toBe(true);
      expect(groupRules.prefixListEgress(apps(i), 443)).toHaveLength(1);
      expect(apps(i).length).toBeLessThanOrEqual(4); // a slot for SageMaker's NFS group to the home EFS
      for (let j = 0; j < USERS.length; j++) {
        if (i !== j) {
          expect([22, 443, 2049, 8192, 8888, 65535].filter((port) => groupRules.canConnect(apps(i), apps(j), port))).toEqual([]);
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

  test('the data scientist, MLOps and job roles reach the buckets by tag, in statements that name no bucket; the default role does not', () => {
    const grants = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('[Gg]rant') } });
    const granted = Object.values(grants).map((policy: any) => policy.Properties);
    for (const role of ['DataScientistRole', 'MlopsRole', 'JobRole']) {
      const policy = granted.find((properties) => JSON.stringify(properties.Roles).includes(`StudioPersonas${role}`));
      expect(policy).toBeDefined();
      const sids = policy.PolicyDocument.Statement.map((statement: any) => statement.Sid);
      expect(sids).toEqual(expect.arrayContaining(['ReadEnvironmentBuckets', 'WriteEnvironmentBucketsTaggedReadWrite',
        'DenyTaggingBucketsIntoEnvironments', 'DenyBucketTaggingAndAbacChanges']));
      const text = JSON.stringify(policy.PolicyDocument);
      expect(text).toContain('StudioDataBucketKey');
      expect(text).not.toMatch(/Studio(Data|Models)BucketResource/);
    }
    expect(granted.some((properties) => JSON.stringify(properties.Roles).includes('StudioPersonasDefaultRole'))).toBe(false);
  });

  test('each bucket has ABAC enabled and the environment\'s tags', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { AbacStatus: 'Enabled' } }));
    expect(buckets).toHaveLength(2);
    const environments = new Set(buckets.map((bucket: any) => {
      const tags = Object.fromEntries(bucket.Properties.Tags.map((tag: any) => [tag.Key, tag.Value]));
      expect(tags['cdk-secure-studio:access']).toBe('read-write');
      return JSON.stringify(tags['cdk-secure-studio:environment']);
    }));
    expect([...environments]).toEqual([JSON.stringify({ 'Fn::Join': ['', [{ Ref: 'AWS::Region' }, '/TestStudioEC01FB56']] })]);
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

describe('data buckets with access levels', () => {
  const grantsOf = (template: Template, role: string) => Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .map((policy: any) => policy.Properties)
    .find((properties) => properties.Description?.includes('granted') && JSON.stringify(properties.Roles).includes(`StudioPersonas${role}`));

  test('dataBucketAccess adds buckets after dataBuckets; a read-only bucket carries the read-only tag', () => {
    const { studio, template } = build({ dataBuckets: ['data'], dataBucketAccess: [{ name: 'raw-data', access: DataBucketAccess.READ_ONLY }] });
    expect(studio.buckets.map((bucket) => bucket.node.id)).toEqual(['DataBucket', 'RawDataBucket']);
    template.hasResourceProperties('AWS::S3::Bucket', {
      AbacStatus: 'Enabled',
      Tags: Match.arrayWith([{ Key: 'cdk-secure-studio:access', Value: 'read-only' }]),
    });
  });

  test('dataBucketAccess alone replaces the default bucket', () => {
    const { studio } = build({ dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_WRITE }] });
    expect(studio.buckets.map((bucket) => bucket.node.id)).toEqual(['RawBucket']);
  });

  test('with read-only buckets only, the roles may read and decrypt, and neither write nor encrypt', () => {
    const { template } = build({ dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }] });
    for (const role of ['DataScientistRole', 'MlopsRole', 'JobRole']) {
      const statements = grantsOf(template, role).PolicyDocument.Statement;
      expect(statements.map((statement: any) => statement.Sid)).not.toContain('WriteEnvironmentBucketsTaggedReadWrite');
      expect(statements.flatMap((statement: any) => [statement.Action].flat())).not.toContain('kms:Encrypt');
      expect(statements.flatMap((statement: any) => [statement.Action].flat())).toContain('kms:Decrypt');
    }
  });

  test('100 data buckets synthesize with every IAM policy under its limit, and the grants do not grow with the buckets', () => {
    const sizes = (count: number) => {
      const { template } = build({
        dataBuckets: Array.from({ length: count / 2 }, (_, i) => `data-${i}`),
        dataBucketAccess: Array.from({ length: count / 2 }, (_, i) => ({ name: `raw-${i}`, access: DataBucketAccess.READ_ONLY })),
      });
      const policies = (type: string, property: string) => Object.values(template.findResources(type))
        .map((resource: any) => JSON.stringify(resource.Properties[property]).length);
      expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(500);
      return {
        managed: policies('AWS::IAM::ManagedPolicy', 'PolicyDocument'),
        buckets: policies('AWS::S3::BucketPolicy', 'PolicyDocument'),
        endpoint: Math.max(...Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))
          .map((resource: any) => JSON.stringify(resource.Properties.PolicyDocument).length)),
        grants: JSON.stringify(grantsOf(template, 'DataScientistRole').PolicyDocument).length,
      };
    };
    const hundred = sizes(100);
    expect(hundred.buckets).toHaveLength(100 + 1); // and the access-log bucket
    expect(Math.max(...hundred.managed)).toBeLessThanOrEqual(6_144);
    expect(Math.max(...hundred.buckets)).toBeLessThanOrEqual(20_480);
    expect(hundred.endpoint).toBeLessThanOrEqual(20_480);
    expect(hundred.grants).toBe(sizes(2).grants);
  });

  test('past the S3 endpoint policy\'s capacity, the error says which props to change', () => {
    expect(() => build({ dataBuckets: Array.from({ length: 116 }, (_, i) => `data-${i}`) })).toThrow(
      /^SecureStudio dataBuckets: 116 data buckets, but the S3 endpoint policy of the network holds 115: bucket 'data-115' would take it over its size limit \(S3EndpointPolicy allowBucket: .* over the limit of 20480\); at most 115 buckets in dataBuckets and dataBucketAccess together: keep datasets apart by prefix in fewer buckets, or split them over two SecureStudio environments \(each has its own network and S3 endpoint\)$/);
  });

  test.each([
    [{ dataBuckets: [] }, "SecureStudio dataBuckets: no data bucket; at least one bucket name, e.g. ['data'], in dataBuckets or dataBucketAccess"],
    [{ dataBucketAccess: [] }, "SecureStudio dataBuckets: no data bucket; at least one bucket name, e.g. ['data'], in dataBuckets or dataBucketAccess"],
    [{ dataBuckets: ['Data'] }, "SecureStudio dataBuckets: 'Data' is not a usable bucket name; lower-case letters, digits and hyphens, starting with a letter, at most 31 characters"],
    [{ dataBucketAccess: [{ name: 'raw_data', access: DataBucketAccess.READ_ONLY }] },
      "SecureStudio dataBucketAccess: 'raw_data' is not a usable bucket name; lower-case letters, digits and hyphens, starting with a letter, at most 31 characters"],
    [{ dataBuckets: ['data', 'data'] },
      "SecureStudio dataBuckets: 'data' is listed twice in dataBuckets; each name once: in dataBuckets for read/write, or in dataBucketAccess with its access level"],
    [{ dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }, { name: 'raw', access: DataBucketAccess.READ_WRITE }] },
      "SecureStudio dataBucketAccess: 'raw' is listed twice in dataBucketAccess; each name once: in dataBuckets for read/write, or in dataBucketAccess with its access level"],
    [{ dataBuckets: ['raw'], dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }] },
      "SecureStudio dataBucketAccess: 'raw' is listed in both dataBuckets and dataBucketAccess; each name once: in dataBuckets for read/write, or in dataBucketAccess with its access level"],
    [{ dataBuckets: ['raw-data', 'raw--data'] },
      "SecureStudio dataBuckets: 'raw--data' and 'raw-data' make the same construct id 'RawDataBucket'; names that differ in more than their hyphens"],
    [{ dataBucketAccess: [{ name: 'raw' } as any] },
      "SecureStudio dataBucketAccess: bucket 'raw' has no access level; access: DataBucketAccess.READ_WRITE or DataBucketAccess.READ_ONLY"],
  ])('refuses %j', (props, message) => {
    expect(() => new SecureStudio(agnosticStack(), 'Studio', { team: 'fraud', ...props } as SecureStudioProps)).toThrow(message);
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
    // Two /18 studio subnets (32,758 usable addresses) less 12 interface endpoints in each
    // (the core set and the package mirror's two).
    expect(studio.network.studioUserCapacity).toBe(Math.floor((2 * (2 ** 14 - 5) - 12 * 2) / 4));
  });
});

describe('traffic between one user\'s own apps', () => {
  test('only the user who asks for it gets the ingress rule from its own group, on the Studio app ports', () => {
    const { studio } = build({ users: [{ ...USERS[0], trafficBetweenOwnApps: true }, USERS[1]] });
    const [alice, bob] = studio.userProfiles;
    const ingressOf = (profile: typeof alice) => Template.fromStack(Stack.of(profile))
      .findResources('AWS::EC2::SecurityGroupIngress', {
        Properties: { GroupId: Match.anyValue(), SourceSecurityGroupId: Match.anyValue(), FromPort: 8192, ToPort: 65535 },
      });
    const aliceGroup = Stack.of(alice).resolve(alice.securityGroups[0].securityGroupId);
    const aliceRules = Object.values(ingressOf(alice)) as any[];
    expect(aliceRules.map((rule) => [rule.Properties.GroupId, rule.Properties.SourceSecurityGroupId])).toEqual([[aliceGroup, aliceGroup]]);
    const bobGroup = Stack.of(bob).resolve(bob.securityGroups[0].securityGroupId);
    expect((Object.values(ingressOf(bob)) as any[]).filter((rule) => JSON.stringify(rule).includes(JSON.stringify(bobGroup)))).toEqual([]);
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([
    ['internet-free', {}],
    ['firewall in 3 AZs', { egress: StudioEgress.FIREWALL_READY, maxAzs: 3, allowedDomains: ['.pypi.org', '.github.com'] }],
    ['internet-free with the persona network perimeter', { networkPerimeter: PersonaNetworkPerimeter.ENFORCE }],
  ])('%s: no unacknowledged error, and well under 500 resources', (_name, props) => {
    const { stack, template } = build({
      ...props, users: USERS, dataBuckets: ['data', 'models'], dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }],
    }, concreteStack());
    expect(nagErrors(stack)).toEqual([]);
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(250);
  });

  test('the GrantsPolicy acknowledges exactly its own AwsSolutions-IAM5 findings; the partition-wide bucket ARNs with the ABAC reason', () => {
    const { studio } = build({ dataBucketAccess: [{ name: 'raw', access: DataBucketAccess.READ_ONLY }], dataBuckets: ['data'] }, concreteStack());
    for (const role of [studio.personas.dataScientistRole, studio.personas.mlopsRole, studio.personas.jobRole]) {
      const policy = role.node.findChild('GrantsPolicy') as iam.ManagedPolicy;
      const findings = rules.iam.IAMNoWildcardPermissions(policy.node.defaultChild as iam.CfnManagedPolicy);
      const expected = Array.isArray(findings) ? findings.map((finding) => `AwsSolutions-IAM5[${finding}]`) : [];
      const acknowledged = Object.fromEntries(policy.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]));
      expect(Object.keys(acknowledged).sort()).toEqual([...new Set(expected)].sort());
      for (const resource of ['arn:<AWS::Partition>:s3:::*', 'arn:<AWS::Partition>:s3:::*/*']) {
        expect(acknowledged[`AwsSolutions-IAM5[Resource::${resource}]`]).toMatch(/S3 ABAC.*s3:ResourceAccount.*aws:ResourceTag.*DenyTaggingBucketsIntoEnvironments/);
      }
    }
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
