import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { EgressFirewall, EgressFirewallProps } from '../../src/network/egress-firewall';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { StudioEgress } from '../../src/network/studio-egress';
import { SecureStudio, StudioPersona } from '../../src/secure-studio';
import { concreteStack } from '../helpers/stacks';
import { TEST_CA_PEM } from '../helpers/test-ca';

const DOMAINS = ['.pypi.org', 'files.pythonhosted.org', '.github.com'];
const CA_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function build(props: Partial<EgressFirewallProps> = {}) {
  const stack = concreteStack();
  const network = new SecureStudioVpc(stack, 'Network', { maxAzs: 2, egress: StudioEgress.FIREWALL_READY });
  const firewall = new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS, ...props });
  return { stack, firewall, template: Template.fromStack(stack) };
}

function inspection(stack: Stack, readOnly?: boolean) {
  return { certificateAuthority: acm.Certificate.fromCertificateArn(stack, 'Ca', CA_ARN), caCertificatePem: TEST_CA_PEM, readOnly };
}

/** The firewall policy and its rule groups in evaluation order (strict order: by priority). */
function policyOf(template: Template) {
  const resources = template.toJSON().Resources;
  const [policy] = Object.values(template.findResources('AWS::NetworkFirewall::FirewallPolicy')) as any[];
  const groups = [...policy.Properties.FirewallPolicy.StatefulRuleGroupReferences]
    .sort((a: any, b: any) => a.Priority - b.Priority)
    .map((reference: any) => resources[reference.ResourceArn['Fn::GetAtt'][0]]);
  return { policy: policy.Properties, groups };
}

/** The hardening rules, one Suricata rule per entry, in order. */
function hardeningRules(template: Template): string[] {
  const { groups } = policyOf(template);
  return groups[0].Properties.RuleGroup.RulesSource.RulesString.split('\n');
}

/** Index of the one rule whose msg contains the text; fails unless exactly one matches. */
function ruleIndex(rules: string[], msg: string): number {
  const matches = rules.map((rule, index) => [rule, index] as const).filter(([rule]) => rule.includes(`msg:"${msg}`));
  expect(matches).toHaveLength(1);
  return matches[0][1];
}

describe('EgressFirewall hardening: the bypasses of an SNI/Host allow-list are dropped before it', () => {
  const { template } = build();
  const rules = hardeningRules(template);
  const { policy, groups } = policyOf(template);

  test('strict order with drop-established: hardening rules, then the domain allow-list, then drop everything established', () => {
    expect(policy.FirewallPolicy.StatefulEngineOptions).toEqual({ RuleOrder: 'STRICT_ORDER' });
    expect(policy.FirewallPolicy.StatefulDefaultActions).toEqual(['aws:drop_established', 'aws:alert_established']);
    expect(groups.map((g: any) => g.Properties.RuleGroup.RulesSource.RulesSourceList ? 'allow-list' : 'hardening')).toEqual(['hardening', 'allow-list']);
    expect(groups[0].Properties.RuleGroup.StatefulRuleOptions).toEqual({ RuleOrder: 'STRICT_ORDER' });
    expect(groups[0].Properties.Capacity).toBeGreaterThanOrEqual(rules.length);
  });

  test('the hardening group only drops: nothing in it can pass traffic', () => {
    expect(rules.every((rule) => rule.startsWith('drop '))).toBe(true);
    expect(new Set(rules.map((rule) => /sid:(\d+);/.exec(rule)![1])).size).toBe(rules.length);
  });

  test('QUIC and all other UDP to the internet is dropped, so is ICMP (their first packet is not "established")', () => {
    expect(rules[ruleIndex(rules, 'UDP to the internet')]).toMatch(/^drop udp \$HOME_NET any -> \$EXTERNAL_NET any /);
    expect(rules[ruleIndex(rules, 'ICMP to the internet')]).toMatch(/^drop icmp \$HOME_NET any -> \$EXTERNAL_NET any /);
  });

  test('TCP to any port but 80 and 443 is dropped from the first packet (no handshake)', () => {
    const rule = rules[ruleIndex(rules, 'TCP to a port other than 80 and 443')];
    expect(rule).toMatch(/^drop tcp \$HOME_NET any -> \$EXTERNAL_NET !\[80,443\] \(/);
    expect(rule).not.toContain('flow:');
  });

  test('TLS on port 80 is dropped', () => {
    expect(rules[ruleIndex(rules, 'TLS on port 80')]).toMatch(/^drop tls \$HOME_NET any -> \$EXTERNAL_NET 80 \(.*flow:to_server;/);
  });

  test('plain HTTP on port 443 (an allowed Host header without TLS) is dropped', () => {
    expect(rules[ruleIndex(rules, 'plain HTTP on port 443')]).toMatch(/^drop http \$HOME_NET any -> \$EXTERNAL_NET 443 \(/);
  });

  test('TLS whose SNI is an IP address is dropped', () => {
    const rule = rules[ruleIndex(rules, 'TLS whose SNI is an IP address')];
    expect(rule).toMatch(/tls\.sni; pcre:"(.+)";/);
    const pattern = /pcre:"\/(.+)\/";/.exec(rule)![1];
    for (const sni of ['203.0.113.7', '1.2.3.4', '2001:db8::1']) {
      expect(new RegExp(pattern).test(sni)).toBe(true);
    }
    for (const sni of ['pypi.org', 'files.pythonhosted.org', 'x1.github.com']) {
      expect(new RegExp(pattern).test(sni)).toBe(false);
    }
  });

  test('TLS without SNI passes no rule: the only passing group is the SNI/Host domain list, and drop-established ends the flow', () => {
    const allowList = groups[1].Properties.RuleGroup.RulesSource.RulesSourceList;
    expect(allowList).toEqual({ GeneratedRulesType: 'ALLOWLIST', TargetTypes: ['TLS_SNI', 'HTTP_HOST'], Targets: DOMAINS });
    expect(rules.some((rule) => rule.startsWith('pass '))).toBe(false);
  });

  test('known upload hosts under allowed domains are dropped, by SNI and by Host, before the allow-list', () => {
    for (const host of ['upload.pypi.org', 'test.pypi.org', 'uploads.github.com', 'gist.github.com', 'api.github.com']) {
      const matching = rules.filter((rule) => rule.includes(`content:"${host}"; nocase; startswith; endswith;`));
      expect(matching.map((rule) => rule.split(' ')[1])).toEqual(['tls', 'http']);
      expect(matching[0]).toContain('tls.sni;');
      expect(matching[1]).toContain('http.host;');
    }
    // Not covered by any allowed domain: no rule of its own.
    expect(rules.some((rule) => rule.includes('api.anaconda.org'))).toBe(false);
  });
});

describe('EgressFirewall hardening options', () => {
  test('a waived upload host is no longer denied; an unknown waiver is refused', () => {
    const { firewall } = build({ allowedUploadHosts: ['api.github.com'] });
    expect(firewall.deniedHostNames).not.toContain('api.github.com');
    expect(firewall.deniedHostNames).toContain('uploads.github.com');
    expect(() => build({ allowedUploadHosts: ['upload.example.com'] }))
      .toThrow("EgressFirewall allowedUploadHosts: 'upload.example.com' is not a known upload host; one of upload.pypi.org");
  });

  test('extra denied hosts with reasons, a whole domain with a leading dot', () => {
    const { template, firewall } = build({ deniedHosts: [{ host: '.paste.example.com', reason: 'paste site' }] });
    const rules = hardeningRules(template);
    expect(rules[0]).toBe('drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"denied host .paste.example.com: paste site"; ' +
      'flow:to_server; tls.sni; dotprefix; content:".paste.example.com"; nocase; endswith; sid:1000001; rev:1;)');
    expect(firewall.deniedHostNames[0]).toBe('.paste.example.com');
  });

  test.each([
    [{ host: 'paste.example.com', reason: 'has "quotes"; and a semicolon' }, 'the reason of \'paste.example.com\' has a character other than letters'],
    [{ host: 'paste.example.com', reason: '' }, 'is empty'],
    [{ host: '192.0.2.1', reason: 'an address' }, "denied host '192.0.2.1' is an IP address"],
  ])('denied host %p is refused', (denied, message) => {
    expect(() => build({ deniedHosts: [denied] })).toThrow(message);
  });

  test.each([
    ['10.1.2.3', 'is an IP address'],
    ['*.github.com', "has a '*'"],
    ['https://pypi.org', 'has a scheme'],
  ])('allowed domain %p is refused at synth time', (domain, problem) => {
    expect(() => build({ allowedDomains: [domain] })).toThrow(`EgressFirewall allowedDomains: '${domain}' ${problem}`);
  });

  test('the DNS Firewall of the network blocks the same denied hosts', () => {
    const { template } = build({ deniedHosts: [{ host: 'paste.example.com', reason: 'paste site' }] });
    const lists = Object.values(template.findResources('AWS::Route53Resolver::FirewallDomainList')) as any[];
    const denied = lists.find((list) => /denied$/.test(list.Properties.Name));
    expect(denied.Properties.Domains).toEqual(['paste.example.com', 'upload.pypi.org', 'test.pypi.org', 'uploads.github.com', 'gist.github.com', 'api.github.com']);
  });
});

describe('EgressFirewall TLS inspection (opt-in)', () => {
  test('absent by default: no TLS inspection configuration and no CA script', () => {
    const { template, firewall } = build();
    template.resourceCountIs('AWS::NetworkFirewall::TLSInspectionConfiguration', 0);
    expect(policyOf(template).policy.FirewallPolicy.TLSInspectionConfigurationArn).toBeUndefined();
    expect(firewall.caTrustScript).toBeUndefined();
  });

  test('with a CA: outbound TCP 443 from the VPC is decrypted, revoked certificates rejected, on a policy of its own name', () => {
    const stack = concreteStack();
    const network = new SecureStudioVpc(stack, 'Network', { maxAzs: 2, egress: StudioEgress.FIREWALL_READY });
    const firewall = new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS, tlsInspection: inspection(stack), firewallName: 'studio' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::NetworkFirewall::TLSInspectionConfiguration', {
      TLSInspectionConfiguration: {
        ServerCertificateConfigurations: [{
          CertificateAuthorityArn: CA_ARN,
          Scopes: [{
            Protocols: [6],
            Sources: [{ AddressDefinition: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkVpc'), 'CidrBlock'] } }],
            Destinations: [{ AddressDefinition: '0.0.0.0/0' }],
            DestinationPorts: [{ FromPort: 443, ToPort: 443 }],
          }],
          CheckCertificateRevocationStatus: { RevokedStatusAction: 'REJECT', UnknownStatusAction: 'PASS' },
        }],
      },
    });
    const { policy } = policyOf(template);
    expect(policy.FirewallPolicyName).toBe('studio-tls-policy');
    expect(policy.FirewallPolicy.TLSInspectionConfigurationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FirewallTlsInspection/), 'TLSInspectionConfigurationArn'] });
    // Decrypted HTTPS is HTTP on 443: that rule would drop it all, so it goes.
    expect(hardeningRules(template).some((rule) => rule.includes('plain HTTP on port 443'))).toBe(false);
    expect(firewall.caTrustScript).toContain('MIID');
  });

  test('read-only: HTTP methods other than GET and HEAD are dropped', () => {
    const stack = concreteStack();
    const network = new SecureStudioVpc(stack, 'Network', { maxAzs: 2, egress: StudioEgress.FIREWALL_READY });
    new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS, tlsInspection: inspection(stack, true) });
    const rules = hardeningRules(Template.fromStack(stack));
    expect(rules[ruleIndex(rules, 'read-only egress')]).toMatch(/^drop http \$HOME_NET any -> \$EXTERNAL_NET any \(.*http\.method; content:!"GET"; content:!"HEAD";/);
  });

  test('a CA of another region, an ARN that is not ACM\'s, and a PEM with a private key are refused', () => {
    const withCa = (arn: string, pem = TEST_CA_PEM) => () => {
      const stack = concreteStack();
      const network = new SecureStudioVpc(stack, 'Network', { maxAzs: 2, egress: StudioEgress.FIREWALL_READY });
      new EgressFirewall(stack, 'Firewall', {
        network,
        allowedDomains: DOMAINS,
        tlsInspection: { certificateAuthority: acm.Certificate.fromCertificateArn(stack, 'Ca', arn), caCertificatePem: pem },
      });
    };
    expect(withCa(CA_ARN.replace('eu-west-1', 'us-east-1')))
      .toThrow('EgressFirewall tlsInspection.certificateAuthority: \'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555\' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1');
    expect(withCa('arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x'))
      .toThrow("EgressFirewall tlsInspection.certificateAuthority: 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x' is an ARN of acm-pca; an ARN of the form arn:<partition>:acm:");
    expect(withCa(CA_ARN, `${TEST_CA_PEM}\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n`))
      .toThrow(/EgressFirewall tlsInspection.caCertificatePem: .*private key/);
  });

  test('SecureStudio installs the CA in JupyterLab and Code Editor apps through lifecycle configurations', () => {
    const stack = concreteStack();
    new SecureStudio(stack, 'Studio', {
      team: 'fraud',
      egress: StudioEgress.FIREWALL_READY,
      allowedDomains: DOMAINS,
      tlsInspection: inspection(stack),
      users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }],
    });
    const template = Template.fromStack(stack);
    const configs = Object.values(template.findResources('AWS::SageMaker::StudioLifecycleConfig')) as any[];
    expect(configs.map((c) => c.Properties.StudioLifecycleConfigAppType).sort()).toEqual(['CodeEditor', 'JupyterLab']);
    for (const config of configs) {
      const script = Buffer.from(config.Properties.StudioLifecycleConfigContent['Fn::Base64'], 'utf-8').toString();
      expect(script).toContain(TEST_CA_PEM.split('\n')[1]);
    }
    const [domain] = Object.values(template.findResources('AWS::SageMaker::Domain')) as any[];
    const settings = domain.Properties.DefaultUserSettings;
    expect(settings.JupyterLabAppSettings.LifecycleConfigArns).toHaveLength(1);
    expect(settings.CodeEditorAppSettings.LifecycleConfigArns).toHaveLength(1);
  });

  test('SecureStudio refuses TLS inspection without a firewall', () => {
    const stack = concreteStack();
    expect(() => new SecureStudio(stack, 'Studio', { team: 'fraud', tlsInspection: inspection(stack) }))
      .toThrow('SecureStudio tlsInspection: given with egress mode NONE, which has no firewall');
  });
});
