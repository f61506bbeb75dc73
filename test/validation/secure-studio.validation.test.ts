import { App, CfnParameter, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { PersonaNetworkPerimeter } from '../../src/identity/network-perimeter';
import { DnsFirewallMode } from '../../src/network/dns-firewall';
import { StudioEgress } from '../../src/network/studio-egress';
import { DataBucketAccess, SecureStudio, SecureStudioProps, StudioPersona } from '../../src/secure-studio';
import { TEST_CA_PEM } from '../helpers/test-ca';

const ACCOUNT = '111122223333';
const DOMAIN_FORM = "'host.example.com' for one name or '.example.com' for a domain and its subdomains, lower-case, without scheme, port or path";

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Test', region ? { env: { account: ACCOUNT, region } } : {});
}

let studios = 0;
/** A SecureStudio (a new id each time: a construct that threw is still in the tree). */
function studio(props: Partial<SecureStudioProps>, stack: Stack = stackIn()): SecureStudio {
  return new SecureStudio(stack, `Studio${++studios}`, { team: 'fraud', ...props } as SecureStudioProps);
}

let keys = 0;
const keyIn = (stack: Stack, region: string, partition = 'aws') =>
  kms.Key.fromKeyArn(stack, `Key${++keys}`, `arn:${partition}:kms:${region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);

describe('SecureStudio refuses bad input, naming SecureStudio, the prop and the allowed form', () => {
  test.each<[string, Partial<SecureStudioProps>, string]>([
    ['a team that is no tag value', { team: 'fraud#1' },
      "SecureStudio team: 'fraud#1' is not a valid tag value; 1 to 256 letters, digits, spaces and _ . : / = + - @"],
    ['one AZ', { maxAzs: 1 }, 'SecureStudio maxAzs: 1 Availability Zone(s) requested; a whole number of at least 2, so that Studio survives the loss of one AZ'],
    ['a fraction of AZs', { maxAzs: 2.5 }, 'SecureStudio maxAzs: 2.5 Availability Zone(s) requested'],
    ['maxAzs with availabilityZones', { maxAzs: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] },
      'SecureStudio maxAzs: set together with availabilityZones; either maxAzs or availabilityZones'],
    ['one explicit AZ', { availabilityZones: ['us-east-1a'] },
      'SecureStudio availabilityZones: 1 Availability Zone(s) given; at least 2 AZs, so that Studio survives the loss of one AZ'],
    ['the same AZ twice', { availabilityZones: ['us-east-1a', 'us-east-1a'] }, "SecureStudio availabilityZones: 'us-east-1a' is listed twice; each value once"],
    ['an AZ id', { availabilityZones: ['use1-az1', 'use1-az2'] },
      "SecureStudio availabilityZones: 'use1-az1' is an Availability Zone id; Availability Zone names such as 'us-east-1a'"],
    ['a region as an AZ', { availabilityZones: ['us-east-1', 'us-east-1b'] }, "SecureStudio availabilityZones: 'us-east-1' is a region, not an Availability Zone"],
    ['an egress that is no StudioEgress', { egress: 'FIREWALL' as unknown as StudioEgress },
      "SecureStudio egress: 'FIREWALL' is not one of the choices; StudioEgress.NONE, NAT_PER_AZ, SHARED_NAT or FIREWALL_READY"],
    ['allowed domains without a firewall', { allowedDomains: ['.pypi.org'] },
      'SecureStudio allowedDomains: given with egress mode NONE, which has no firewall; allowedDomains only with egress: StudioEgress.FIREWALL_READY'],
    ['an allowed domain with a scheme', { egress: StudioEgress.FIREWALL_READY, allowedDomains: ['https://pypi.org'] },
      `SecureStudio allowedDomains: 'https://pypi.org' has a scheme; ${DOMAIN_FORM}`],
    ['an allowed domain twice', { egress: StudioEgress.FIREWALL_READY, allowedDomains: ['.pypi.org', '.pypi.org'] },
      "SecureStudio allowedDomains: '.pypi.org' is listed twice; each value once"],
    ['an additional domain with a wildcard', { additionalAllowedDomains: ['*.corp.example.com'] },
      `SecureStudio additionalAllowedDomains: '*.corp.example.com' has a '*'; a leading dot ('.example.com') already covers the subdomains; ${DOMAIN_FORM}`],
    ['an additional domain in upper case', { additionalAllowedDomains: ['Corp.Example.com'] },
      `SecureStudio additionalAllowedDomains: 'Corp.Example.com' is not lower-case; ${DOMAIN_FORM}`],
    ['an unknown DNS Firewall mode', { dnsFirewallMode: 'BLOCK' as DnsFirewallMode },
      "SecureStudio dnsFirewallMode: 'BLOCK' is not one of the choices; DnsFirewallMode.ENFORCE or DnsFirewallMode.ALERT"],
    ['a user with an unknown persona', { users: [{ name: 'alice', persona: 'admin' as StudioPersona }] },
      "SecureStudio users: user 'alice' has persona 'admin', which is none of the built-in personas; " +
      'persona: StudioPersona.DEFAULT, StudioPersona.DATA_SCIENTIST or StudioPersona.MLOPS for every user'],
    ['a user without a persona', { users: [{ name: 'alice' } as any] }, "SecureStudio users: user 'alice' has persona undefined"],
    ['a user whose persona is an object', { users: [{ name: 'alice', persona: { role: 'admin' } as any }] },
      'SecureStudio users: user \'alice\' has persona {"role":"admin"}'],
    ['a user name SageMaker refuses', { users: [{ name: 'alice_b', persona: StudioPersona.MLOPS }] },
      "SecureStudio users: 'alice_b' is not a valid SageMaker name; letters and digits, single or repeated hyphens between them, at most 63 characters"],
    ['two users that differ in case only', { users: [{ name: 'Alice', persona: StudioPersona.MLOPS }, { name: 'alice', persona: StudioPersona.DEFAULT }] },
      "SecureStudio users: 'alice' and 'Alice' are the same user profile name (SageMaker compares them without case); each user once"],
    ['an idle timeout under an hour', { idleTimeoutMinutes: 59 },
      'SecureStudio idleTimeoutMinutes: 59 is out of range; a whole number from 60 to 525600 minutes'],
    ['an idle timeout over a year', { idleTimeoutMinutes: 525_601 }, 'SecureStudio idleTimeoutMinutes: 525601 is out of range'],
    ['a snapshot removal policy', { removalPolicy: RemovalPolicy.SNAPSHOT },
      "SecureStudio removalPolicy: S3 buckets, KMS keys and the domain's home file system cannot be snapshotted; RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY"],
    ['an unknown removal policy', { removalPolicy: 'keep' as RemovalPolicy }, "SecureStudio removalPolicy: 'keep' is not one of the choices"],
    ['an unknown network perimeter', { networkPerimeter: 'ENFORCE' as unknown as PersonaNetworkPerimeter },
      "SecureStudio networkPerimeter: 'ENFORCE' is not one of the choices; PersonaNetworkPerimeter.OFF or PersonaNetworkPerimeter.ENFORCE"],
    ['a data bucket name with an underscore', { dataBuckets: ['raw_data'] },
      "SecureStudio dataBuckets: 'raw_data' is not a usable bucket name; lower-case letters, digits and hyphens, starting with a letter, at most 31 characters"],
    ['a data bucket with an unknown access level', { dataBucketAccess: [{ name: 'raw', access: 'read' as DataBucketAccess }] },
      "SecureStudio dataBucketAccess: bucket 'raw' has access 'read', which is no access level; access: DataBucketAccess.READ_WRITE or DataBucketAccess.READ_ONLY"],
  ])('%s', (_name, props, message) => {
    expect(() => studio(props)).toThrow(message);
  });

  test('a TLS inspection CA that is no certificate, or one of another region', () => {
    const stack = stackIn('eu-west-1');
    const certificateAuthority = acm.Certificate.fromCertificateArn(stack, 'Ca', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`);
    const egress = StudioEgress.FIREWALL_READY;
    expect(() => studio({ egress, allowedDomains: ['.pypi.org'], tlsInspection: { certificateAuthority, caCertificatePem: 'nope' } }, stack)).toThrow(
      /^SecureStudio tlsInspection\.caCertificatePem: .*; the PEM text of the CA certificate/);
    expect(() => studio({ egress, allowedDomains: ['.pypi.org'], tlsInspection: { certificateAuthority, caCertificatePem: TEST_CA_PEM } }, stack)).toThrow(
      `SecureStudio tlsInspection.certificateAuthority: 'arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
  });

  test.each(['dataEncryptionKey', 'jobEncryptionKey'] as const)('a %s of another region or partition', (prop) => {
    const stack = stackIn('eu-west-1');
    expect(() => studio({ [prop]: keyIn(stack, 'us-east-1') }, stack)).toThrow(
      `SecureStudio ${prop}: 'arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    expect(() => studio({ [prop]: keyIn(stack, 'eu-west-1', 'aws-cn') }, stack)).toThrow(
      `SecureStudio ${prop}: 'arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab' is in partition aws-cn but the stack deploys to aws; an ARN of partition aws`);
  });

  test('a package mirror (the internet-free default) in a region whose CodeArtifact assets bucket is not known', () => {
    expect(() => studio({}, stackIn('ca-central-1'))).toThrow(
      'SecureStudio packageMirror: the stack deploys to ca-central-1, whose CodeArtifact assets bucket (for the S3 endpoint policy) is not known; ' +
      'packageMirror: false, or a stack in a region whose CodeArtifact assets bucket is known (us-east-1, ');
  });

  test('an AZ of another region than the stack', () => {
    expect(() => studio({ availabilityZones: ['us-east-1a', 'us-east-1b'] }, stackIn('eu-west-1'))).toThrow(
      "SecureStudio availabilityZones: 'us-east-1a' is in us-east-1 but the stack deploys to eu-west-1; Availability Zones of eu-west-1");
  });

  test('a number of AZs or a list of AZs known only at deploy time (they decide how many subnets the template holds)', () => {
    const stack = stackIn();
    expect(() => studio({ maxAzs: Token.asNumber(Fn.importValue('Azs')) }, stack)).toThrow(
      'SecureStudio maxAzs: is known only at deploy time; a literal number of at least 2, since it decides how many subnets the template holds');
    expect(() => studio({ availabilityZones: Fn.getAzs() }, stack)).toThrow('SecureStudio availabilityZones: the list is known only at deploy time');
  });
});

/** A later check that fails proves that every check before it passed, without building the environment. */
const LATER_FAILURE = { idleTimeoutMinutes: 1 };
const LATER_MESSAGE = 'SecureStudio idleTimeoutMinutes: 1 is out of range';

describe('SecureStudio name and range rules, property-based', () => {
  const bucketName = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);
  const userName = fc.stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/).filter((name) => name.length <= 63);

  test('data bucket names: lower-case letters, digits and hyphens, starting with a letter, 1 to 31 characters', () => {
    fc.assert(fc.property(bucketName, (name) => {
      expect(() => studio({ dataBuckets: [name], ...LATER_FAILURE })).toThrow(LATER_MESSAGE);
    }));
    fc.assert(fc.property(fc.string({ minLength: 0, maxLength: 40 }).filter((name) => !/^[a-z][a-z0-9-]{0,30}$/.test(name)), (name) => {
      expect(() => studio({ dataBuckets: [name] })).toThrow(`SecureStudio dataBuckets: '${name}' is not a usable bucket name`);
    }));
  });

  test('team names: tag values of 1 to 256 characters', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9 _.:/=+\-@]{1,256}$/), (team) => {
      expect(() => studio({ team, ...LATER_FAILURE })).toThrow(LATER_MESSAGE);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 300 }).filter((team) => !/^[A-Za-z0-9 _.:/=+\-@]{1,256}$/.test(team)), (team) => {
      expect(() => studio({ team })).toThrow(`SecureStudio team: '${team}' is not a valid tag value`);
    }));
  });

  test('user names: SageMaker user profile names', () => {
    fc.assert(fc.property(userName, (name) => {
      expect(() => studio({ users: [{ name, persona: StudioPersona.DATA_SCIENTIST }], ...LATER_FAILURE })).toThrow(LATER_MESSAGE);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 70 }).filter((name) => !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name) || name.length > 63), (name) => {
      expect(() => studio({ users: [{ name, persona: StudioPersona.DATA_SCIENTIST }] })).toThrow(
        `SecureStudio users: '${name}' is not a valid SageMaker name`);
    }));
  });

  test('idle timeout: whole minutes from 60 to 525,600 (SageMaker IdleSettings)', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 600_000 }), (minutes) => {
      const call = () => studio({ idleTimeoutMinutes: minutes, removalPolicy: RemovalPolicy.SNAPSHOT });
      expect(call).toThrow(minutes >= 60 && minutes <= 525_600
        ? 'SecureStudio removalPolicy'
        : `SecureStudio idleTimeoutMinutes: ${minutes} is out of range; a whole number from 60 to 525600 minutes`);
    }));
  });
});

describe('SecureStudio names itself when the stack cannot give the AZs asked for', () => {
  test('maxAzs beyond the AZs of the stack, and a zone the stack does not have', () => {
    expect(() => studio({ maxAzs: 3 })).toThrow(
      'SecureStudio maxAzs: 3 AZs were asked for but the stack resolves only 2 (an environment-agnostic stack sees 2); ' +
      'at most 2, or give the stack an env (account and region) or list availabilityZones');
    const looked = () => new Stack(new App({ context: { [`availability-zones:account=${ACCOUNT}:region=eu-west-1`]: ['eu-west-1a', 'eu-west-1b'] } }),
      'Test', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => studio({ availabilityZones: ['eu-west-1a', 'eu-west-1c'] }, looked())).toThrow(
      "SecureStudio availabilityZones: 'eu-west-1c' is not one of the stack's Availability Zones (eu-west-1a, eu-west-1b)");
    expect(() => studio({ maxAzs: 2 }, looked())).not.toThrow();
  });
});

describe('SecureStudio valid edge cases synthesize', () => {
  test('tokens for every prop that can take one: team, AZ names, DNS domains, bucket names, keys', () => {
    const stack = stackIn();
    const team = new CfnParameter(stack, 'Team').valueAsString;
    const s = studio({
      team,
      availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())],
      additionalAllowedDomains: [Lazy.string({ produce: () => 'corp.example.com' })],
      dataBuckets: ['data', Fn.importValue('BucketName')],
      users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }],
      dataEncryptionKey: kms.Key.fromKeyArn(stack, 'DataKey', Fn.importValue('DataKeyArn')),
      jobEncryptionKey: kms.Key.fromKeyArn(stack, 'JobKey', Fn.importValue('JobKeyArn')),
    }, stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Domain', 1);
    template.hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'team', Value: { Ref: 'Team' } }] });
    // A name known only at deploy time is no construct id: the bucket is named by its position; literal names keep their ids.
    expect(s.findBucket('data')?.node.id).toBe('DataBucket');
    expect(s.findBucket(Fn.importValue('BucketName'))).toBeUndefined();
    expect(s.buckets.map((bucket) => bucket.node.id)).toEqual(['DataBucket', 'DataBucket2']);
  });

  test('an allowed domain, a user name and an idle timeout known only at deploy time synthesize through every inner construct', () => {
    const stack = stackIn();
    const idleTimeoutMinutes = new CfnParameter(stack, 'Idle', { type: 'Number' }).valueAsNumber;
    const userName = Fn.importValue('UserName');
    const s = studio({
      egress: StudioEgress.FIREWALL_READY,
      allowedDomains: ['.pypi.org', Fn.importValue('ExtraDomain')],
      users: [{ name: userName, persona: StudioPersona.MLOPS }],
      idleTimeoutMinutes,
    }, stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: { Ref: 'Idle' } } } } },
    });
    Template.fromStack(s.studioUsers.stackOf(userName)).hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserProfileName: { 'Fn::ImportValue': 'UserName' },
    });
    expect(JSON.stringify(template.findResources('AWS::NetworkFirewall::RuleGroup'))).toContain('ExtraDomain');
  });

  test('the limits: 2 AZs, idle 60 and 525,600 minutes; a timeout over 8 hours raises the bound users may set', () => {
    const idleSettings = (idle: number, max: number) => ({
      DefaultUserSettings: {
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: idle, MaxIdleTimeoutInMinutes: max } } },
      },
    });
    const low = Template.fromStack(studio({ maxAzs: 2, idleTimeoutMinutes: 60 }).node.scope as Stack);
    low.hasResourceProperties('AWS::SageMaker::Domain', idleSettings(60, 480));
    const longest = studio({ idleTimeoutMinutes: 525_600, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    Template.fromStack(longest.node.scope as Stack).hasResourceProperties('AWS::SageMaker::Domain', idleSettings(525_600, 525_600));
  });

  test('a key and AZs of the stack\'s own region, and a bucket name of 31 characters', () => {
    const stack = stackIn('eu-west-1');
    studio({
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      dataEncryptionKey: keyIn(stack, 'eu-west-1'),
      jobEncryptionKey: keyIn(stack, 'eu-west-1'),
      dataBucketAccess: [{ name: `r${'a'.repeat(30)}`, access: DataBucketAccess.READ_ONLY }],
    }, stack);
    Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Domain', 1);
  });
});
