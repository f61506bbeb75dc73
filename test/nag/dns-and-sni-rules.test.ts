import { App, CfnCondition, CfnParameter, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import { IConstruct } from 'constructs';
import { check, COMPLIANT, dnsFirewallAssociation, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED, packageSourceEndpoint, reasons, studioFixture } from './fixtures';
import { SageMakerStudioChecks } from '../../src';
import { DOMAIN_VPC_DNS_FIREWALL } from '../../src/nag/rules/domain-vpc-dns-firewall';
import {
  FIREWALL_TLS_SNI_CHECKED,
  parseSuricataRule,
  passesTlsUnchecked,
  portMatch,
  suricataRuleLines,
} from '../../src/nag/rules/firewall-tls-sni-checked';

const DNS_FIREWALL = 'SageMakerStudio-DomainVpcDnsFirewall';
const TLS_SNI = 'SageMakerStudio-FirewallTlsSniChecked';
const REASON = "The estate's DNS Firewall is associated with this VPC by the network account's stack.";

/** The pack's findings under a scope, as `rule @ construct path (location)`. */
function findings(scope: IConstruct): string[] {
  return new SageMakerStudioChecks().validateScope(scope).violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath} (${r.locations.join(', ')})`));
}

describe('SageMakerStudio-DomainVpcDnsFirewall', () => {
  test("a DNS Firewall rule group associated with the domain's VPC is compliant, by Ref or by the same literal id", () => {
    const fixture = studioFixture();
    dnsFirewallAssociation(fixture);
    expect(check(DOMAIN_VPC_DNS_FIREWALL, fixture.domain)).toBe(COMPLIANT);
    const literal = studioFixture();
    literal.domain.vpcId = 'vpc-0123456789abcdef0';
    dnsFirewallAssociation(literal, 'vpc-0123456789abcdef0');
    expect(check(DOMAIN_VPC_DNS_FIREWALL, literal.domain)).toBe(COMPLIANT);
  });

  test('no association, or one on another VPC of the stack, is not', () => {
    expect(check(DOMAIN_VPC_DNS_FIREWALL, studioFixture().domain)).toBe(NON_COMPLIANT);
    const otherVpc = studioFixture();
    dnsFirewallAssociation(otherVpc, new ec2.CfnVPC(otherVpc.stack, 'OtherVpc', { cidrBlock: '10.1.0.0/16' }).ref);
    expect(check(DOMAIN_VPC_DNS_FIREWALL, otherVpc.domain)).toBe(NON_COMPLIANT);
  });

  test('a VPC given by a literal id is not compliant without an association on that id', () => {
    const none = studioFixture();
    none.domain.vpcId = 'vpc-0123456789abcdef0';
    expect(check(DOMAIN_VPC_DNS_FIREWALL, none.domain)).toBe(NON_COMPLIANT);
    const otherId = studioFixture();
    otherId.domain.vpcId = 'vpc-0123456789abcdef0';
    dnsFirewallAssociation(otherId, 'vpc-0fedcba9876543210');
    dnsFirewallAssociation(otherId, otherId.vpc.ref, 'StackVpcDnsFirewall');
    expect(check(DOMAIN_VPC_DNS_FIREWALL, otherId.domain)).toBe(NON_COMPLIANT);
  });

  test('a VPC id from a parameter without a default, or an import that no stack of the app exports, is not guessed', () => {
    const { stack, domain } = studioFixture();
    domain.vpcId = new CfnParameter(stack, 'VpcId').valueAsString;
    expect(check(DOMAIN_VPC_DNS_FIREWALL, domain)).toBe(NOT_EVALUATED);
    domain.vpcId = Fn.importValue('StudioVpcId');
    expect(check(DOMAIN_VPC_DNS_FIREWALL, domain)).toBe(NOT_EVALUATED);
  });

  test('an association whose VPC is only known at deploy time may be on the domain\'s VPC, and is not guessed', () => {
    const fixture = studioFixture();
    dnsFirewallAssociation(fixture, new CfnParameter(fixture.stack, 'AssociatedVpcId').valueAsString);
    expect(check(DOMAIN_VPC_DNS_FIREWALL, fixture.domain)).toBe(NOT_EVALUATED);
    expect(reasons(DOMAIN_VPC_DNS_FIREWALL, fixture.domain)).toEqual([
      "the VpcId of a DNS Firewall association (it may be the domain's VPC) is parameter AssociatedVpcId of Test, which has no default",
    ]);
  });

  test('other resources are not concerned', () => {
    expect(check(DOMAIN_VPC_DNS_FIREWALL, studioFixture().vpc)).toBe(NOT_APPLICABLE);
  });

  test('through the pack: a finding on the domain\'s VpcId, none with the association or once acknowledged', () => {
    const missing = studioFixture();
    packageSourceEndpoint(missing);
    expect(findings(missing.stack)).toEqual([`${DNS_FIREWALL} @ Test/Domain (Properties/VpcId)`]);
    const associated = studioFixture();
    dnsFirewallAssociation(associated);
    packageSourceEndpoint(associated);
    expect(findings(associated.stack)).toEqual([]);
    const acknowledged = studioFixture();
    packageSourceEndpoint(acknowledged);
    Validations.of(acknowledged.domain).acknowledge({ id: DNS_FIREWALL, reason: REASON });
    expect(findings(acknowledged.stack)).toEqual([]);
  });
});

describe('SageMakerStudio-FirewallTlsSniChecked', () => {
  function ruleGroup(rulesSource: unknown, stack: Stack = new Stack(new App(), 'Test'), type = 'STATEFUL'): nfw.CfnRuleGroup {
    return new nfw.CfnRuleGroup(stack, 'Rules', {
      ruleGroupName: 'egress',
      type,
      capacity: 100,
      ruleGroup: { rulesSource: rulesSource as nfw.CfnRuleGroup.RulesSourceProperty },
    });
  }
  const rulesString = (...rules: string[]) => ruleGroup({ rulesString: rules.join('\n') });
  const fiveTuple = (action: string, protocol: string, destinationPort: string, direction = 'FORWARD', sourcePort = 'ANY') => ({
    action,
    header: { protocol, source: '10.0.0.0/16', sourcePort, direction, destination: 'ANY', destinationPort },
    ruleOptions: [{ keyword: 'sid', settings: ['1'] }],
  });
  const statefulRules = (...rules: unknown[]) => ruleGroup({ statefulRules: rules });

  describe('a Suricata rules string', () => {
    test('TLS passed only with an SNI match, TCP to 443 only for the handshake, and no pass to 443 otherwise, is compliant', () => {
      const group = rulesString(
        '# Studio egress',
        '',
        'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"pypi.org"; startswith; nocase; endswith; flow:to_server; sid:1;)',
        'pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server, not_established; sid:2;)',
        'pass http $HOME_NET any -> $EXTERNAL_NET 80 (http.host; content:"pypi.org"; endswith; sid:3;)',
        'pass tcp $HOME_NET any -> $EXTERNAL_NET [80,8080] (flow:to_server; sid:4;)',
        'pass tcp $HOME_NET any -> $EXTERNAL_NET [1:1024,!443] (sid:5;)',
        'pass tcp $HOME_NET 443 -> $EXTERNAL_NET 80 (sid:6;)',
        'pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"files.pythonhosted.org"; endswith; sid:7;)',
        'pass udp $HOME_NET any -> $EXTERNAL_NET 123 (sid:8;)',
        'drop tcp $HOME_NET any -> $EXTERNAL_NET any (sid:9;)',
        'alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"TLS not allowed"; sid:10;)',
        '# pass tcp $HOME_NET any -> $EXTERNAL_NET any (sid:11;)',
      );
      expect(check(FIREWALL_TLS_SNI_CHECKED, group)).toBe(COMPLIANT);
    });

    const nonCompliant: [string, string][] = [
      ['a TLS pass without an SNI match', 'pass tls $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:1;)'],
      ['a TLS pass that names tls.sni only in its message', 'pass tls any any -> any 443 (msg:"tls.sni\\; checked elsewhere"; sid:1;)'],
      ['a TCP pass to 443', 'pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server, established; sid:1;)'],
      ['an IP pass to any port', 'pass ip $HOME_NET any -> $EXTERNAL_NET any (sid:1;)'],
      ['a TCP pass to a list holding 443', 'pass tcp $HOME_NET any -> $EXTERNAL_NET [80, 443] (sid:1;)'],
      ['a TCP pass to a range holding 443', 'pass tcp $HOME_NET any -> $EXTERNAL_NET 1:65535 (sid:1;)'],
      ['a TCP pass to a port variable', 'pass tcp $HOME_NET any -> $EXTERNAL_NET $HTTPS_PORTS (sid:1;)'],
      ['a TCP pass both ways with 443 on the source side', 'pass tcp $EXTERNAL_NET 443 <> $HOME_NET any (sid:1;)'],
      ['an indented TCP pass to 443', '\t  pass  tcp\t$HOME_NET any ->  $EXTERNAL_NET   443 (sid:1;)'],
      ['a TCP pass to 443 continued over two lines', 'pass tcp $HOME_NET any -> \\\n  $EXTERNAL_NET 443 (sid:1;)'],
    ];
    test.each(nonCompliant)('%s is not', (_, rule) => {
      const group = rulesString('pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"pypi.org"; sid:100;)', rule);
      expect(check(FIREWALL_TLS_SNI_CHECKED, group)).toBe(NON_COMPLIANT);
    });
  });

  describe('5-tuple stateful rules', () => {
    test('passes of other protocols or ports, and drops, are compliant', () => {
      expect(check(FIREWALL_TLS_SNI_CHECKED, statefulRules(
        fiveTuple('PASS', 'TCP', '80'),
        fiveTuple('PASS', 'UDP', '123'),
        fiveTuple('DROP', 'TCP', 'ANY'),
        fiveTuple('ALERT', 'TLS', '443'),
      ))).toBe(COMPLIANT);
    });

    test('a pass of TLS, or of TCP or IP to 443 or ANY (a 5-tuple rule has no SNI match), is not', () => {
      for (const rule of [
        fiveTuple('PASS', 'TLS', '443'),
        fiveTuple('PASS', 'TCP', '443'),
        fiveTuple('PASS', 'TCP', 'ANY'),
        fiveTuple('PASS', 'IP', 'ANY'),
        fiveTuple('PASS', 'TCP', '1:1024'),
        fiveTuple('PASS', 'TCP', '80', 'ANY', '443'),
      ]) {
        expect([rule, check(FIREWALL_TLS_SNI_CHECKED, statefulRules(fiveTuple('PASS', 'TCP', '80'), rule))]).toEqual([rule, NON_COMPLIANT]);
      }
    });
  });

  test('a domain list is compliant, allow-list (with or without TLS_SNI) or deny-list', () => {
    for (const [generatedRulesType, targetTypes] of [['ALLOWLIST', ['TLS_SNI', 'HTTP_HOST']], ['ALLOWLIST', ['HTTP_HOST']], ['DENYLIST', ['TLS_SNI']]]) {
      const group = ruleGroup({ rulesSourceList: { generatedRulesType, targetTypes, targets: ['.pypi.org'] } });
      expect([generatedRulesType, targetTypes, check(FIREWALL_TLS_SNI_CHECKED, group)]).toEqual([generatedRulesType, targetTypes, COMPLIANT]);
    }
  });

  describe('values only known at deploy time', () => {
    test('a reference inside a quoted content does not hide the verdict', () => {
      const stack = new Stack(new App(), 'Test');
      const bucket = new CfnParameter(stack, 'BucketName').valueAsString;
      const group = ruleGroup({ rulesString: `pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"${bucket}.s3.amazonaws.com"; sid:1;)` }, stack);
      expect(check(FIREWALL_TLS_SNI_CHECKED, group)).toBe(COMPLIANT);
    });

    test('the literal parts decide when they prove a pass without an SNI match', () => {
      const stack = new Stack(new App(), 'Test');
      const sid = new CfnParameter(stack, 'Sid').valueAsString;
      const port = new CfnParameter(stack, 'Port').valueAsString;
      const group = ruleGroup({ rulesString: [`pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:${sid};)`, `pass tls any ${port} -> any ${port} (sid:2;)`].join('\n') }, stack);
      expect(check(FIREWALL_TLS_SNI_CHECKED, group)).toBe(NON_COMPLIANT);
      const tls = statefulRules(fiveTuple('PASS', 'TLS', Fn.importValue('TlsPort')));
      expect(check(FIREWALL_TLS_SNI_CHECKED, tls)).toBe(NON_COMPLIANT);
    });

    test('a port, a protocol, a flow or a whole rule only known at deploy time is not guessed', () => {
      const cases: [string, (p: string) => string][] = [
        ['port', (p) => `pass tcp $HOME_NET any -> $EXTERNAL_NET ${p} (sid:1;)`],
        ['protocol', (p) => `pass ${p} $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;)`],
        ['flow', (p) => `pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:${p}; sid:1;)`],
        ['options', (p) => `pass tls $HOME_NET any -> $EXTERNAL_NET 443 (${p} sid:1;)`],
        ['rule', (p) => p],
      ];
      for (const [what, rule] of cases) {
        const stack = new Stack(new App(), 'Test');
        const group = ruleGroup({ rulesString: rule(new CfnParameter(stack, 'Value').valueAsString) }, stack);
        expect([what, check(FIREWALL_TLS_SNI_CHECKED, group)]).toEqual([what, NOT_EVALUATED]);
      }
      const port = statefulRules(fiveTuple('PASS', 'TCP', Fn.importValue('EgressPort')));
      expect(check(FIREWALL_TLS_SNI_CHECKED, port)).toBe(NOT_EVALUATED);
    });

    test('rules chosen by a condition that the templates do not decide are checked in each branch: one open branch is enough', () => {
      const stack = new Stack(new App(), 'Test');
      const condition = new CfnCondition(stack, 'Strict', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
      const rules = Fn.conditionIf(condition.logicalId, 'pass tcp any any -> any 443 (sid:1;)', 'drop tcp any any -> any any (sid:1;)');
      expect(check(FIREWALL_TLS_SNI_CHECKED, ruleGroup({ rulesString: rules }, stack))).toBe(NON_COMPLIANT);
      // Values inside Fn.conditionIf are written as CloudFormation writes them (PascalCase).
      const header = (port: string) => ({ Protocol: 'TCP', Source: 'ANY', SourcePort: 'ANY', Direction: 'FORWARD', Destination: 'ANY', DestinationPort: port });
      const open = { Action: 'PASS', Header: header('443'), RuleOptions: [{ Keyword: 'sid', Settings: ['1'] }] };
      const chosenList = new Stack(new App(), 'Test');
      const listCondition = new CfnCondition(chosenList, 'Strict', { expression: Fn.conditionEquals(chosenList.region, 'eu-west-1') });
      expect(check(FIREWALL_TLS_SNI_CHECKED, ruleGroup({ statefulRules: Fn.conditionIf(listCondition.logicalId, [open], []) }, chosenList)))
        .toBe(NON_COMPLIANT);
      const chosenHeader = new Stack(new App(), 'Test');
      const headerCondition = new CfnCondition(chosenHeader, 'Strict', { expression: Fn.conditionEquals(chosenHeader.region, 'eu-west-1') });
      const closed = { ...fiveTuple('PASS', 'TCP', '80'), header: Fn.conditionIf(headerCondition.logicalId, header('80'), header('8080')) };
      expect(check(FIREWALL_TLS_SNI_CHECKED, ruleGroup({ statefulRules: [closed] }, chosenHeader))).toBe(COMPLIANT);
    });

    test('a condition decided by the stack\'s region, or by a parameter\'s default, selects its branch', () => {
      for (const [region, verdict] of [['eu-west-1', NON_COMPLIANT], ['us-east-1', COMPLIANT]] as const) {
        const stack = new Stack(new App(), 'Test', { env: { region } });
        const condition = new CfnCondition(stack, 'Open', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
        const rules = Fn.conditionIf(condition.logicalId, 'pass tcp any any -> any 443 (sid:1;)', 'drop tcp any any -> any any (sid:1;)');
        expect([region, check(FIREWALL_TLS_SNI_CHECKED, ruleGroup({ rulesString: rules }, stack))]).toEqual([region, verdict]);
      }
      const stack = new Stack(new App(), 'Test');
      const mode = new CfnParameter(stack, 'Mode', { default: 'strict' });
      const condition = new CfnCondition(stack, 'Open', { expression: Fn.conditionEquals(mode.valueAsString, 'open') });
      const rules = Fn.conditionIf(condition.logicalId, 'pass tcp any any -> any 443 (sid:1;)', 'drop tcp any any -> any any (sid:1;)');
      expect(check(FIREWALL_TLS_SNI_CHECKED, ruleGroup({ rulesString: rules }, stack))).toBe(COMPLIANT);
    });
  });

  test('stateless rule groups and other resources are not concerned', () => {
    const stateless = ruleGroup({ statelessRulesAndCustomActions: { statelessRules: [] } }, undefined, 'STATELESS');
    expect(check(FIREWALL_TLS_SNI_CHECKED, stateless)).toBe(NOT_APPLICABLE);
    expect(check(FIREWALL_TLS_SNI_CHECKED, studioFixture().vpc)).toBe(NOT_APPLICABLE);
  });

  test('a rule that does not parse is not evaluated, and says which', () => {
    const group = rulesString('pass tcp any any <- any 443 (sid:1;)');
    expect(check(FIREWALL_TLS_SNI_CHECKED, group)).toBe(NOT_EVALUATED);
    expect(reasons(FIREWALL_TLS_SNI_CHECKED, group)).toEqual(["the rule 'pass tcp any any <- any 443 (sid:1;)' does not parse"]);
  });

  test('through the pack: a finding on the rule group\'s RulesSource, none for an SNI allow-list or once acknowledged', () => {
    const open = rulesString('pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;)');
    expect(findings(open.stack)).toEqual([`${TLS_SNI} @ Test/Rules (Properties/RuleGroup/RulesSource)`]);
    const sni = rulesString('pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"pypi.org"; sid:1;)');
    expect(findings(sni.stack)).toEqual([]);
    const acknowledged = rulesString('pass tcp $HOME_NET any -> 10.1.0.10 443 (sid:1;)');
    Validations.of(acknowledged).acknowledge({ id: TLS_SNI, reason: 'Passes TLS to one on-premises proxy, which checks the SNI.' });
    expect(findings(acknowledged.stack)).toEqual([]);
  });
});

describe('the Suricata rule parser', () => {
  test('reads the header fields, whatever the whitespace, with lists that hold spaces', () => {
    expect(parseSuricataRule('pass\ttcp  [10.0.0.0/8, 192.168.0.0/16] any  <>\t$EXTERNAL_NET [80, 443] (sid:1; rev:2;)')).toEqual({
      action: 'pass',
      protocol: 'tcp',
      source: '[10.0.0.0/8,192.168.0.0/16]',
      sourcePort: 'any',
      direction: '<>',
      destination: '$EXTERNAL_NET',
      destinationPort: '[80,443]',
      options: [{ keyword: 'sid', value: '1' }, { keyword: 'rev', value: '2' }],
    });
  });

  test('splits options on ; outside quotes, keeps escaped ; and quotes and parentheses in contents', () => {
    const rule = parseSuricataRule('pass tls any any -> any 443 (msg:"a; b) \\"c\\""; tls.sni; content:"x\\;y"; nocase; flow: to_server, established ;sid:3)');
    expect(rule?.options).toEqual([
      { keyword: 'msg', value: '"a; b) \\"c\\""' },
      { keyword: 'tls.sni', value: '' },
      { keyword: 'content', value: '"x\\;y"' },
      { keyword: 'nocase', value: '' },
      { keyword: 'flow', value: 'to_server, established' },
      { keyword: 'sid', value: '3' },
    ]);
  });

  test('reads a rule without options', () => {
    expect(parseSuricataRule('pass tcp any any -> any 443')?.options).toEqual([]);
  });

  test.each([
    ['an unknown direction', 'pass tcp any any <- any 443 (sid:1;)'],
    ['a missing field', 'pass tcp any -> any 443 (sid:1;)'],
    ['an extra field', 'pass tcp any any any -> any 443 (sid:1;)'],
    ['unbalanced brackets', 'pass tcp [10.0.0.0/8 any -> any 443 (sid:1;)'],
    ['an unclosed quote', 'pass tls any any -> any 443 (msg:"open; sid:1;)'],
    ['text after the options', 'pass tcp any any -> any 443 (sid:1;) extra'],
    ['an unclosed option list', 'pass tcp any any -> any 443 (sid:1;'],
  ])('rejects %s', (_, text) => {
    expect(parseSuricataRule(text)).toBeUndefined();
  });

  test('splits a rules string into rules: comments, blank lines and CRLF left out, continued lines joined', () => {
    const text = '# header\r\n\r\npass tcp any any -> \\\r\n  any 443 (sid:1;)\n   # indented comment \\\nalert ip any any -> any any (sid:2;)\n  drop tcp any any -> any any (sid:3;)  \npass tcp any any -> any 443 \\';
    expect(suricataRuleLines(text)).toEqual([
      'pass tcp any any ->   any 443 (sid:1;)',
      'alert ip any any -> any any (sid:2;)',
      'drop tcp any any -> any any (sid:3;)',
      'pass tcp any any -> any 443',
    ]);
  });

  test.each([
    ['443', true, true],
    ['80', false, false],
    ['any', true, true],
    ['ANY', true, true],
    ['$HTTPS_PORTS', true, false],
    ['!$HTTP_PORTS', true, false],
    ['1:65535', true, true],
    ['1024:', false, false],
    [':1023', true, true],
    ['444:', false, false],
    ['[80,443]', true, true],
    ['[80, 8080]', false, false],
    ['[1:1024,!443]', false, false],
    ['[1:1024,!80]', true, true],
    ['[!80,!8080]', true, true],
    ['![443,8443]', false, false],
    ['!80', true, true],
    ['[80,[8000:9000,443]]', true, true],
    ['[1:1024,!$HTTP_PORTS]', true, false],
    ['[$HTTPS_PORTS,!443]', false, false],
    ['${Port}', undefined, undefined],
    ['[80,${Port}]', undefined, undefined],
    ['[443,${Port}]', true, true],
    ['https', undefined, undefined],
    ['[80,', undefined, undefined],
    ['[80],[443]', undefined, undefined],
  ])('port %s may hold 443: %s, must: %s', (expression, may, must) => {
    expect(portMatch(expression, 443)).toEqual({ may, must });
  });

  test('a rule passes TLS unchecked only when its action is pass', () => {
    const rule = parseSuricataRule('pass tcp any any -> any 443 (sid:1;)')!;
    expect(passesTlsUnchecked(rule)).toBe(true);
    expect(passesTlsUnchecked({ ...rule, action: 'drop' })).toBe(false);
    expect(passesTlsUnchecked({ ...rule, action: 'reject' })).toBe(false);
    expect(passesTlsUnchecked({ ...rule, action: '${Action}' })).toBeUndefined();
  });
});
