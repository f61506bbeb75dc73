import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EgressFirewall, EgressFirewallProps } from '../../src/network/egress-firewall';
import { SecureStudioVpc } from '../../src/network/secure-studio-vpc';
import { StudioEgress } from '../../src/network/studio-egress';
import { nagErrors } from '../helpers/nag';
import { natGatewayAz, routesOf, routeTableOf, subnetsOfGroup } from '../helpers/routing';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const DOMAINS = ['.pypi.org', '.pythonhosted.org', 'github.com'];

function build(stack: Stack, props: Partial<EgressFirewallProps> = {}, maxAzs = 2) {
  const network = new SecureStudioVpc(stack, 'Network', { maxAzs, egress: StudioEgress.FIREWALL_READY });
  const firewall = new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS, ...props });
  return { network, firewall, template: Template.fromStack(stack) };
}

/** The firewall a route's VpcEndpointId comes from, after checking it takes entry 0 of a one-subnet firewall. */
function firewallOfRoute(template: Template, route: Record<string, any>): string {
  const target = route.VpcEndpointId;
  expect(target['Fn::Select'][0]).toBe(1);
  const [separator, entry] = target['Fn::Select'][1]['Fn::Split'];
  expect(separator).toBe(':');
  expect(entry['Fn::Select'][0]).toBe(0);
  const [firewallId, attribute] = entry['Fn::Select'][1]['Fn::GetAtt'];
  expect(attribute).toBe('EndpointIds');
  const firewall = template.toJSON().Resources[firewallId];
  expect(firewall.Type).toBe('AWS::NetworkFirewall::Firewall');
  expect(firewall.Properties.SubnetMappings).toHaveLength(1);
  return firewallId;
}

/** The AZ (comparable form) of the one subnet a firewall is mapped to. */
function firewallAz(template: Template, firewallId: string): string {
  const resources = template.toJSON().Resources;
  const subnetId = resources[firewallId].Properties.SubnetMappings[0].SubnetId.Ref;
  return JSON.stringify(resources[subnetId].Properties.AvailabilityZone);
}

function edgeRoutes(template: Template): Record<string, any>[] {
  const associations = Object.values(template.findResources('AWS::EC2::GatewayRouteTableAssociation'));
  expect(associations).toHaveLength(1);
  expect(associations[0].Properties.GatewayId).toEqual({ Ref: expect.stringMatching(/IGW/) });
  return routesOf(template, associations[0].Properties.RouteTableId.Ref);
}

describe.each([
  ['an environment-agnostic stack (AZs are tokens)', agnosticStack, 2],
  ['a concrete environment with 3 AZs', concreteStack, 3],
])('per-AZ routing in %s', (_name, makeStack, azCount) => {
  const { template, firewall } = build(makeStack(), {}, azCount);
  const natSubnets = subnetsOfGroup(template, 'Nat');

  test('one firewall per AZ, each in the firewall subnet of its AZ, all sharing one policy', () => {
    const firewalls = Object.entries(template.findResources('AWS::NetworkFirewall::Firewall'));
    expect(firewalls).toHaveLength(azCount);
    const firewallSubnets = subnetsOfGroup(template, 'Firewall');
    expect(new Set(firewalls.map(([id]) => firewallAz(template, id)))).toEqual(new Set(firewallSubnets.map((s) => s.az)));
    template.resourceCountIs('AWS::NetworkFirewall::FirewallPolicy', 1);
    for (const [, fw] of firewalls) {
      expect(fw.Properties.FirewallPolicyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FirewallPolicy/), 'FirewallPolicyArn'] });
      expect(firewallSubnets.map((s) => s.logicalId)).toContain(fw.Properties.SubnetMappings[0].SubnetId.Ref);
    }
    expect(firewall.endpointIds).toHaveLength(azCount);
  });

  test('routes to firewall endpoints: two per AZ', () => {
    const toEndpoints = Object.values(template.findResources('AWS::EC2::Route')).filter((r: any) => r.Properties.VpcEndpointId);
    expect(toEndpoints).toHaveLength(2 * azCount);
  });

  test("each NAT subnet's default route goes to the firewall endpoint of its own AZ, never to the internet gateway", () => {
    const used = new Set<string>();
    for (const subnet of natSubnets) {
      const routes = routesOf(template, routeTableOf(template, subnet.logicalId));
      expect(routes).toHaveLength(1);
      expect(routes[0].DestinationCidrBlock).toBe('0.0.0.0/0');
      expect(routes[0].GatewayId).toBeUndefined();
      const firewallId = firewallOfRoute(template, routes[0]);
      expect(firewallAz(template, firewallId)).toBe(subnet.az);
      used.add(firewallId);
    }
    expect(used.size).toBe(azCount);
  });

  test("the internet gateway's edge route table returns each NAT subnet's traffic through its own AZ's endpoint", () => {
    const routes = edgeRoutes(template);
    expect(routes).toHaveLength(azCount);
    expect(routes.map((r) => r.DestinationCidrBlock).sort()).toEqual(natSubnets.map((s) => s.cidr).sort());
    for (const route of routes) {
      const natSubnet = natSubnets.find((s) => s.cidr === route.DestinationCidrBlock)!;
      expect(firewallAz(template, firewallOfRoute(template, route))).toBe(natSubnet.az);
    }
  });

  test("each studio subnet's default route goes to the NAT gateway of its own AZ", () => {
    for (const subnet of subnetsOfGroup(template, 'Studio')) {
      const [route] = routesOf(template, routeTableOf(template, subnet.logicalId));
      expect(natGatewayAz(template, route.NatGatewayId.Ref)).toBe(subnet.az);
    }
  });

  test("each firewall subnet's default route goes to the internet gateway", () => {
    for (const subnet of subnetsOfGroup(template, 'Firewall')) {
      expect(routesOf(template, routeTableOf(template, subnet.logicalId))).toEqual([
        expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: expect.stringMatching(/IGW/) } }),
      ]);
    }
  });
});

describe('policy and rule groups', () => {
  const { template } = build(agnosticStack(), {
    extraStatefulRules: 'pass tcp $HOME_NET any -> 140.82.112.0/20 22 (msg:"ssh to git host"; flow:to_server; sid:1000001; rev:1;)',
  });

  test('strict order; anything not allowed, of any protocol, is dropped and alerted; stateless traffic goes to the stateful engine', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::FirewallPolicy', {
      FirewallPolicy: {
        StatelessDefaultActions: ['aws:forward_to_sfe'],
        StatelessFragmentDefaultActions: ['aws:forward_to_sfe'],
        StatefulEngineOptions: { RuleOrder: 'STRICT_ORDER' },
        StatefulDefaultActions: ['aws:drop_established', 'aws:alert_established'],
        StatefulRuleGroupReferences: [
          { ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallExtraRules'), 'RuleGroupArn'] }, Priority: 100 },
          { ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallHardening'), 'RuleGroupArn'] }, Priority: 150 },
          { ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallAllowList'), 'RuleGroupArn'] }, Priority: 200 },
        ],
      },
    });
  });

  test('the allow-list inspects TLS SNI and HTTP Host, in strict order, with headroom', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Type: 'STATEFUL',
      Capacity: 100,
      RuleGroupName: Match.stringLikeRegexp('-allow-list-100$'),
      RuleGroup: {
        RulesSource: { RulesSourceList: { GeneratedRulesType: 'ALLOWLIST', TargetTypes: ['TLS_SNI', 'HTTP_HOST'], Targets: DOMAINS } },
        StatefulRuleOptions: { RuleOrder: 'STRICT_ORDER' },
      },
    });
  });

  test('extra Suricata rules get their own strict-order rule group', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Type: 'STATEFUL',
      Capacity: 100,
      RuleGroup: { RulesSource: { RulesString: Match.stringLikeRegexp('^pass tcp') }, StatefulRuleOptions: { RuleOrder: 'STRICT_ORDER' } },
    });
  });

  test('names are valid for Network Firewall and derived from the construct path', () => {
    const names = [
      ...Object.values(template.findResources('AWS::NetworkFirewall::Firewall')).map((r: any) => r.Properties.FirewallName),
      ...Object.values(template.findResources('AWS::NetworkFirewall::RuleGroup')).map((r: any) => r.Properties.RuleGroupName),
      ...Object.values(template.findResources('AWS::NetworkFirewall::FirewallPolicy')).map((r: any) => r.Properties.FirewallPolicyName),
    ];
    expect(names).toHaveLength(6);
    for (const name of names) {
      expect(name).toMatch(/^Test-Firewall-[0-9A-F]{8}-[a-z0-9-]+$/);
      expect(name.length).toBeLessThanOrEqual(128);
    }
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('domains', () => {
  test('addAllowedDomains extends the list before synthesis, and the capacity grows in steps with the name', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress: StudioEgress.FIREWALL_READY });
    const firewall = new EgressFirewall(stack, 'Firewall', { network });
    const many = Array.from({ length: 60 }, (_, i) => `host${i}.example.com`);
    firewall.addAllowedDomains(...many);
    expect(firewall.allowedDomains).toHaveLength(60);
    Template.fromStack(stack).hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Capacity: 250,
      RuleGroupName: Match.stringLikeRegexp('-allow-list-250$'),
      RuleGroup: { RulesSource: { RulesSourceList: { Targets: many } } },
    });
  });

  const allowedForms = "'host.example.com' for one name or '.example.com' for a domain and its subdomains, lower-case, without scheme, port or path";
  test.each([
    ['https://pypi.org', 'has a scheme'],
    ['pypi.org/simple', 'has a path'],
    ['pypi.org:443', 'has a port'],
    ['*.pypi.org', "has a '*'; a leading dot ('.example.com') already covers the subdomains"],
    ['PyPI.org', 'is not lower-case'],
    ['pypi', 'is not a valid DNS name'],
    ['-bad.example.com', 'is not a valid DNS name'],
    ['bad_label.example.com', 'is not a valid DNS name'],
    ['..example.com', 'is not a valid DNS name'],
    [`${'a'.repeat(64)}.example.com`, 'is not a valid DNS name'],
  ])("refuses '%s': %s", (domain, problem) => {
    expect(() => build(agnosticStack(), { allowedDomains: [domain] })).toThrow(`EgressFirewall allowedDomains: '${domain}' ${problem}; ${allowedForms}`);
  });

  test('accepts exact names and leading-dot domains', () => {
    const { firewall } = build(agnosticStack(), { allowedDomains: ['github.com', '.github.com', 'files.pythonhosted.org', 'xn--bcher-kva.example'] });
    expect(firewall.allowedDomains).toEqual(['github.com', '.github.com', 'files.pythonhosted.org', 'xn--bcher-kva.example']);
  });

  test('refuses a duplicate', () => {
    expect(() => build(agnosticStack(), { allowedDomains: ['github.com', 'github.com'] })).toThrow(
      "EgressFirewall allowedDomains: 'github.com' is listed twice; each value once");
  });

  test('refuses an empty allow-list at synthesis', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress: StudioEgress.FIREWALL_READY });
    new EgressFirewall(stack, 'Firewall', { network });
    expect(() => Template.fromStack(stack)).toThrow(/EgressFirewall allowedDomains: empty, so the firewall would drop all egress/);
  });
});

describe('capacity and names', () => {
  test('an explicit capacity too small for the list fails synthesis', () => {
    expect(() => build(agnosticStack(), { allowListCapacity: 5 })).toThrow(
      /EgressFirewall allowListCapacity: 3 domains need 6 but the capacity is 5; a capacity of at least 6, at most 30000/);
  });

  test('a list larger than the biggest rule group fails synthesis', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress: StudioEgress.FIREWALL_READY });
    const firewall = new EgressFirewall(stack, 'Firewall', { network });
    firewall.addAllowedDomains(...Array.from({ length: 15_001 }, (_, i) => `h${i}.example.com`));
    expect(() => Template.fromStack(stack)).toThrow(
      'EgressFirewall allowedDomains: 15001 domains need a capacity of 30002, more than a stateful rule group holds (30000); ' +
      "allow fewer names, e.g. one '.example.com' instead of its hosts");
  });

  test.each([
    [{ allowListCapacity: 0 }, 'EgressFirewall allowListCapacity: got 0; a whole number from 1 to 30000'],
    [{ allowListCapacity: 30_001 }, 'EgressFirewall allowListCapacity: got 30001; a whole number from 1 to 30000'],
    [{ extraRulesCapacity: 10 }, 'EgressFirewall extraRulesCapacity: set without extraStatefulRules; give extraStatefulRules, or leave extraRulesCapacity unset'],
    [{ extraStatefulRules: '# only a comment\n' }, 'EgressFirewall extraStatefulRules: holds no rule; Suricata rules, one per line'],
    [{ firewallName: 'studio_egress' }, "EgressFirewall firewallName: 'studio_egress' is empty or has a character other than a letter, a digit or a hyphen; letters, digits and hyphens, 1 to 111 characters"],
    [{ firewallName: 'a'.repeat(112) }, `EgressFirewall firewallName: '${'a'.repeat(112)}' is 112 characters long; letters, digits and hyphens, 1 to 111 characters`],
    [{ logBucket: s3.Bucket.fromBucketName(new Stack(), 'B', 'logs'), logRetention: logs.RetentionDays.ONE_MONTH },
      'EgressFirewall logBucket: set together with logRetention or logEncryptionKey; either logBucket (the bucket governs retention and encryption) or the log-group options'],
  ])('refuses %j', (props, message) => {
    expect(() => build(agnosticStack(), props as Partial<EgressFirewallProps>)).toThrow(message);
  });

  test('a given name is used for the firewalls, the policy and the rule groups', () => {
    const { template } = build(agnosticStack(), { firewallName: 'studio-egress' });
    template.hasResourceProperties('AWS::NetworkFirewall::Firewall', { FirewallName: 'studio-egress-1' });
    template.hasResourceProperties('AWS::NetworkFirewall::Firewall', { FirewallName: 'studio-egress-2' });
    template.hasResourceProperties('AWS::NetworkFirewall::FirewallPolicy', { FirewallPolicyName: 'studio-egress-policy' });
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', { RuleGroupName: 'studio-egress-allow-list-100' });
  });
});

describe('network preconditions', () => {
  test.each([
    ['internet-free', StudioEgress.NONE, 'NONE'],
    ['NAT without firewall subnets', StudioEgress.NAT_PER_AZ, 'NAT'],
  ])('refuses a %s network', (_name, egress, mode) => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress });
    expect(() => new EgressFirewall(stack, 'Firewall', { network, allowedDomains: DOMAINS })).toThrow(
      `EgressFirewall network: the network was created with egress mode ${mode}; a SecureStudioVpc created with egress: StudioEgress.FIREWALL_READY`);
  });
});

describe('logging', () => {
  test('alert and flow logs of every firewall go to KMS-encrypted log groups with retention, retained', () => {
    const { template, firewall } = build(agnosticStack());
    template.resourceCountIs('AWS::NetworkFirewall::LoggingConfiguration', 2);
    template.hasResourceProperties('AWS::NetworkFirewall::LoggingConfiguration', {
      LoggingConfiguration: {
        LogDestinationConfigs: [
          { LogType: 'ALERT', LogDestinationType: 'CloudWatchLogs', LogDestination: { logGroup: { Ref: Match.stringLikeRegexp('^FirewallAlertLogGroup') } } },
          { LogType: 'FLOW', LogDestinationType: 'CloudWatchLogs', LogDestination: { logGroup: { Ref: Match.stringLikeRegexp('^FirewallFlowLogGroup') } } },
        ],
      },
    });
    const firewallKey = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallLogKey'), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: firewallKey, RetentionInDays: 365 }, 2);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('Network Firewall logs') },
      DeletionPolicy: 'Retain',
    });
    expect(firewall.alertLogGroup).toBeDefined();
    expect(firewall.flowLogGroup).toBeDefined();
  });

  test('or to an S3 bucket', () => {
    const stack = agnosticStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Logs', 'central-network-logs');
    const { template, firewall } = build(stack, { logBucket: bucket, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResourceProperties('AWS::NetworkFirewall::LoggingConfiguration', {
      LoggingConfiguration: {
        LogDestinationConfigs: [
          { LogType: 'ALERT', LogDestinationType: 'S3', LogDestination: { bucketName: 'central-network-logs', prefix: 'network-firewall/alert' } },
          { LogType: 'FLOW', LogDestinationType: 'S3', LogDestination: { bucketName: 'central-network-logs', prefix: 'network-firewall/flow' } },
        ],
      },
    });
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallLogKey'), 'Arn'] } }, 0);
    expect(firewall.alertLogGroup).toBeUndefined();
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test('a firewall-ready network with its EgressFirewall has no unacknowledged error', () => {
    const { stack } = { stack: concreteStack() };
    build(stack, {}, 3);
    expect(nagErrors(stack)).toEqual([]);
  });
});
