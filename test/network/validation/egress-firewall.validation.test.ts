import { CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { domainEntry, hostName, invalidDomainEntry } from './domain-arbitraries';
import { EgressFirewall, EgressFirewallProps, SecureStudioVpc, StudioEgress } from '../../../src';
import { DOMAIN_FORM } from '../../../src/private/network-validation';
import { concreteStack } from '../../helpers/stacks';
import { TEST_CA_PEM } from '../../helpers/test-ca';

const DOMAINS = ['.pypi.org', 'github.com'];
const CA_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const KNOWN_UPLOAD_HOSTS = EgressFirewall.KNOWN_UPLOAD_HOSTS.map((known) => known.host);

function networkIn(stack: Stack): SecureStudioVpc {
  return new SecureStudioVpc(stack, 'Network', {
    egress: StudioEgress.FIREWALL_READY,
    s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004'),
  });
}

function firewall(props: Partial<EgressFirewallProps> = {}, stack: Stack = concreteStack()): { stack: Stack; firewall: EgressFirewall } {
  return { stack, firewall: new EgressFirewall(stack, 'Firewall', { network: networkIn(stack), allowedDomains: DOMAINS, ...props }) };
}

/** Builds with props made from the stack (parameters, imported resources), then synthesizes. */
function synthesized(props: (stack: Stack) => Partial<EgressFirewallProps>): { template: Template; firewall: EgressFirewall } {
  const stack = concreteStack();
  const built = firewall(props(stack), stack);
  return { template: Template.fromStack(stack), firewall: built.firewall };
}

describe('allowedDomains and addAllowedDomains', () => {
  test('property: every valid entry is accepted on the addAllowedDomains path, and the allow-list synthesizes', () => {
    const { stack, firewall: fw } = firewall();
    fc.assert(fc.property(domainEntry, (domain) => {
      fc.pre(!fw.allowedDomains.includes(domain));
      fw.addAllowedDomains(domain);
      expect(fw.allowedDomains).toContain(domain);
    }), { numRuns: 60 });
    const targets = Template.fromStack(stack).findResources('AWS::NetworkFirewall::RuleGroup', {
      Properties: { RuleGroup: { RulesSource: { RulesSourceList: Match.anyValue() } } },
    });
    expect(Object.values(targets)[0].Properties.RuleGroup.RulesSource.RulesSourceList.Targets).toEqual(fw.allowedDomains);
  });

  test('property: an entry broken in one known way is refused, naming the construct, the prop, the problem and the allowed form', () => {
    const { firewall: fw } = firewall();
    fc.assert(fc.property(invalidDomainEntry, ([entry, problem]) => {
      expect(() => fw.addAllowedDomains(entry)).toThrow(`EgressFirewall allowedDomains: '${entry}' ${problem}`);
      expect(() => fw.addAllowedDomains(entry)).toThrow(`; ${DOMAIN_FORM}`);
    }));
    fc.assert(fc.property(invalidDomainEntry, ([entry, problem]) => {
      expect(() => firewall({ allowedDomains: [entry] })).toThrow(`EgressFirewall allowedDomains: '${entry}' ${problem}`);
    }), { numRuns: 10 });
  });

  test('a domain listed twice is refused, also across the constructor and addAllowedDomains', () => {
    const { firewall: fw } = firewall();
    expect(() => fw.addAllowedDomains('github.com')).toThrow("EgressFirewall allowedDomains: 'github.com' is listed twice; each value once");
    expect(() => fw.addAllowedDomains('example.com', 'example.com')).toThrow("EgressFirewall allowedDomains: 'example.com' is listed twice");
  });

  test('a domain token synthesizes, and denies every known upload host it might cover', () => {
    const { template, firewall: fw } = synthesized(() => ({ allowedDomains: [Fn.importValue('PackageDomain')] }));
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      RuleGroup: { RulesSource: { RulesSourceList: { Targets: [{ 'Fn::ImportValue': 'PackageDomain' }] } } },
    });
    expect(fw.deniedHostNames.sort()).toEqual([...KNOWN_UPLOAD_HOSTS].sort());
  });

  test('with a domain token, a waived upload host stays allowed', () => {
    const { firewall: fw } = synthesized(() => ({ allowedDomains: [Fn.importValue('PackageDomain')], allowedUploadHosts: ['api.github.com'] }));
    expect(fw.deniedHostNames).not.toContain('api.github.com');
    expect(fw.deniedHostNames).toContain('upload.pypi.org');
  });
});

describe('deniedHosts', () => {
  test('property: a valid host with a plain reason is denied; a broken host is refused naming deniedHosts', () => {
    fc.assert(fc.property(hostName, (host) => {
      fc.pre(!KNOWN_UPLOAD_HOSTS.includes(host));
      const { firewall: fw } = firewall({ deniedHosts: [{ host, reason: 'accepts uploads' }] });
      expect(fw.deniedHostNames).toContain(host);
    }), { numRuns: 5 });
    fc.assert(fc.property(invalidDomainEntry, ([host, problem]) => {
      const build = () => firewall({ deniedHosts: [{ host, reason: 'accepts uploads' }] });
      expect(build).toThrow(`EgressFirewall deniedHosts: denied host '${host}' ${problem}`);
      expect(build).toThrow(`; ${DOMAIN_FORM}`);
    }), { numRuns: 10 });
  });

  const REASON_FORM = "a plain reason of 1 to 200 letters, digits, spaces and .,:()/'-, e.g. 'accepts package uploads'";
  test.each([
    ['', "the reason of 'paste.example.com' is empty"],
    ['x'.repeat(201), "the reason of 'paste.example.com' is 201 characters long"],
    ['uploads"; sid:1', "the reason of 'paste.example.com' has a character other than letters, digits, spaces and .,:()/'-"],
  ])('reason %p is refused with its own problem', (reason, problem) => {
    expect(() => firewall({ deniedHosts: [{ host: 'paste.example.com', reason }] })).toThrow(`EgressFirewall deniedHosts: ${problem}; ${REASON_FORM}`);
  });

  test('a reason of 200 characters is accepted', () => {
    const { firewall: fw } = firewall({ deniedHosts: [{ host: 'paste.example.com', reason: 'x'.repeat(200) }] });
    expect(fw.deniedHostNames).toContain('paste.example.com');
  });

  test('a host listed twice is refused', () => {
    const denied = { host: 'paste.example.com', reason: 'paste site' };
    expect(() => firewall({ deniedHosts: [denied, { ...denied, reason: 'other' }] })).toThrow(
      "EgressFirewall deniedHosts: 'paste.example.com' is listed twice; each value once");
  });

  test('a reason given as a parameter synthesizes into the hardening rules; a host token is refused (its rule form depends on a leading dot)', () => {
    const { template } = synthesized((stack) => ({ deniedHosts: [{ host: 'paste.example.com', reason: new CfnParameter(stack, 'Reason').valueAsString }] }));
    const hardening = JSON.stringify(template.findResources('AWS::NetworkFirewall::RuleGroup', {
      Properties: { Description: Match.stringLikeRegexp('^Drops denied hosts') },
    }));
    expect(hardening).toContain('{"Ref":"Reason"}');
    expect(() => firewall({ deniedHosts: [{ host: Fn.importValue('Host'), reason: 'paste site' }] })).toThrow(
      /^EgressFirewall deniedHosts: is an unresolved token .*; a literal value, because the Suricata rule differs for 'host.example.com' \(that name\) and '.example.com'/);
  });
});

describe('allowedUploadHosts', () => {
  test('an unknown host, a host listed twice and a token are refused', () => {
    expect(() => firewall({ allowedUploadHosts: ['upload.example.com'] })).toThrow(
      "EgressFirewall allowedUploadHosts: 'upload.example.com' is not a known upload host; one of upload.pypi.org,");
    expect(() => firewall({ allowedUploadHosts: ['api.github.com', 'api.github.com'] })).toThrow(
      "EgressFirewall allowedUploadHosts: 'api.github.com' is listed twice; each value once");
    expect(() => firewall({ allowedUploadHosts: [Fn.importValue('Waiver')] })).toThrow(
      /^EgressFirewall allowedUploadHosts: is an unresolved token .*; a literal value, because the construct decides at synth time which known upload hosts to deny$/);
  });
});

describe('capacities', () => {
  test.each([0, 30_001, 2.5])('allowListCapacity %p is refused', (allowListCapacity) => {
    expect(() => firewall({ allowListCapacity })).toThrow(`EgressFirewall allowListCapacity: got ${allowListCapacity}; a whole number from 1 to 30000`);
  });

  test('allowListCapacity at its upper limit, and as a parameter, synthesizes (the rule group name carries the parameter)', () => {
    synthesized(() => ({ allowListCapacity: 30_000 })).template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', { Capacity: 30_000 });
    const { template } = synthesized((stack) => ({ allowListCapacity: new CfnParameter(stack, 'Capacity', { type: 'Number' }).valueAsNumber }));
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Capacity: { Ref: 'Capacity' },
      RuleGroupName: { 'Fn::Join': ['', Match.arrayWith([{ Ref: 'Capacity' }])] },
    });
  });

  test('extraStatefulRules as a token needs an explicit capacity; with one (a token too) it synthesizes', () => {
    expect(() => firewall({ extraStatefulRules: Fn.importValue('Rules') })).toThrow(
      'EgressFirewall extraRulesCapacity: unset while extraStatefulRules is a token, whose rules cannot be counted at synth time; ' +
      'a capacity of at least the number of rules (it is fixed when the rule group is created)');
    const { template } = synthesized((stack) => ({
      extraStatefulRules: Fn.importValue('Rules'),
      extraRulesCapacity: new CfnParameter(stack, 'ExtraCapacity', { type: 'Number' }).valueAsNumber,
    }));
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Capacity: { Ref: 'ExtraCapacity' },
      RuleGroup: { RulesSource: { RulesString: { 'Fn::ImportValue': 'Rules' } } },
    });
  });

  test('extraRulesCapacity below the rule count, out of range, or without rules is refused', () => {
    const rules = 'drop tcp any any -> any 22 (msg:"ssh"; sid:1;)\ndrop tcp any any -> any 23 (msg:"telnet"; sid:2;)';
    expect(() => firewall({ extraStatefulRules: rules, extraRulesCapacity: 1 })).toThrow(
      'EgressFirewall extraRulesCapacity: 2 rules need 2 but the capacity is 1; a capacity of at least 2');
    expect(() => firewall({ extraStatefulRules: rules, extraRulesCapacity: 30_001 })).toThrow(
      'EgressFirewall extraRulesCapacity: got 30001; a whole number from 1 to 30000');
    expect(() => firewall({ extraRulesCapacity: 10 })).toThrow(
      'EgressFirewall extraRulesCapacity: set without extraStatefulRules; give extraStatefulRules, or leave extraRulesCapacity unset');
    expect(() => firewall({ extraStatefulRules: '# only a comment' })).toThrow('EgressFirewall extraStatefulRules: holds no rule; Suricata rules, one per line');
  });
});

describe('firewallName', () => {
  const FORM = 'letters, digits and hyphens, 1 to 111 characters';
  test.each([
    ['', "'' is empty or has a character other than a letter, a digit or a hyphen"],
    ['studio egress', "'studio egress' is empty or has a character other than a letter, a digit or a hyphen"],
    ['a'.repeat(112), `'${'a'.repeat(112)}' is 112 characters long`],
  ])('%p is refused with its own problem', (firewallName, problem) => {
    expect(() => firewall({ firewallName })).toThrow(`EgressFirewall firewallName: ${problem}; ${FORM}`);
  });

  test('111 characters, and a Lazy name, synthesize', () => {
    synthesized(() => ({ firewallName: 'a'.repeat(111) })).template.hasResourceProperties('AWS::NetworkFirewall::Firewall', { FirewallName: `${'a'.repeat(111)}-1` });
    synthesized(() => ({ firewallName: Lazy.string({ produce: () => 'studio-egress' }) }))
      .template.hasResourceProperties('AWS::NetworkFirewall::Firewall', { FirewallName: 'studio-egress-1' });
  });
});

describe('tlsInspection', () => {
  function withCa(arn: string, pem = TEST_CA_PEM) {
    return (stack: Stack) => ({ tlsInspection: { certificateAuthority: acm.Certificate.fromCertificateArn(stack, 'Ca', arn), caCertificatePem: pem } });
  }
  const PROP = 'EgressFirewall tlsInspection.certificateAuthority';

  test.each([
    [CA_ARN.replace('eu-west-1', 'us-east-1'), 'is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1'],
    [CA_ARN.replace('arn:aws:', 'arn:aws-us-gov:'), 'is in partition aws-us-gov but the stack deploys to aws; an ARN of partition aws'],
    ['arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/1', 'is an ARN of acm-pca; an ARN of the form arn:<partition>:acm:<region>:<account>:<resource>'],
    ['arn:aws:acm:eu-west-1:111111111111:private-ca/1', 'is not an ACM certificate ARN; a CA certificate imported into ACM, arn:<partition>:acm:<region>:<account>:certificate/<id>'],
    ['certificate/1', 'is not a regional ARN; an ARN of the form arn:<partition>:acm:<region>:<account>:<resource>'],
  ])('%s is refused', (arn, problem) => {
    const stack = concreteStack();
    expect(() => firewall(withCa(arn)(stack), stack)).toThrow(`${PROP}: '${arn}' ${problem}`);
  });

  test('a certificate ARN and a PEM given as tokens synthesize', () => {
    const { template, firewall: fw } = synthesized((stack) => ({
      tlsInspection: {
        certificateAuthority: acm.Certificate.fromCertificateArn(stack, 'Ca', Fn.importValue('CaArn')),
        caCertificatePem: new CfnParameter(stack, 'CaPem').valueAsString,
      },
    }));
    template.hasResourceProperties('AWS::NetworkFirewall::TLSInspectionConfiguration', {
      TLSInspectionConfiguration: { ServerCertificateConfigurations: [Match.objectLike({ CertificateAuthorityArn: { 'Fn::ImportValue': 'CaArn' } })] },
    });
    expect(JSON.stringify(Stack.of(fw).resolve(fw.caTrustScript))).toContain('{"Ref":"CaPem"}');
  });

  test('the certificate of the stack region is accepted', () => {
    synthesized(withCa(CA_ARN)).template.resourceCountIs('AWS::NetworkFirewall::TLSInspectionConfiguration', 1);
  });
});

describe('log destinations', () => {
  test('a logEncryptionKey of another region is refused; one given as an import synthesizes', () => {
    const other = 'arn:aws:kms:us-west-2:111111111111:key/1';
    const stack = concreteStack();
    expect(() => firewall({ logEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', other) }, stack)).toThrow(
      `EgressFirewall logEncryptionKey: '${other}' is in us-west-2 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    synthesized((s) => ({ logEncryptionKey: kms.Key.fromKeyArn(s, 'Key', Fn.importValue('LogKey')) }))
      .template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::ImportValue': 'LogKey' } });
  });

  test('a logBucket of another partition is refused', () => {
    const stack = concreteStack();
    expect(() => firewall({ logBucket: s3.Bucket.fromBucketArn(stack, 'Logs', 'arn:aws-cn:s3:::firewall-logs') }, stack)).toThrow(
      "EgressFirewall logBucket: bucket 'arn:aws-cn:s3:::firewall-logs' is in partition aws-cn but the stack deploys to aws; a bucket of partition aws");
  });
});

describe('network', () => {
  test('a network that is not firewall-ready is refused', () => {
    const stack = concreteStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress: StudioEgress.NAT_PER_AZ });
    expect(() => new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS })).toThrow(
      'EgressFirewall network: the network was created with egress mode NAT; a SecureStudioVpc created with egress: StudioEgress.FIREWALL_READY');
  });
});
