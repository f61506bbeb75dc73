import { App, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DnsBlockResponse, DnsFirewallMode, StudioDnsFirewall } from '../../src/network/dns-firewall';
import { EgressFirewall } from '../../src/network/egress-firewall';
import { SecureStudioVpc, SecureStudioVpcProps } from '../../src/network/secure-studio-vpc';
import { StudioEgress } from '../../src/network/studio-egress';
import { reverseLookupSpecifications } from '../../src/private/domain-names';
import { agnosticStack, concreteStack } from '../helpers/stacks';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function resources(stack: Stack): Resources {
  return Template.fromStack(stack).toJSON().Resources;
}

function ofType(all: Resources, type: string): [string, { Properties: Record<string, any> }][] {
  return Object.entries(all).filter(([, resource]) => resource.Type === type);
}

/** The rule group's rules in evaluation order, each with the domain list it names (logical id or lookup attribute). */
function rulesInOrder(all: Resources): { action: string; list: string; rule: Record<string, any> }[] {
  const [[, group]] = ofType(all, 'AWS::Route53Resolver::FirewallRuleGroup');
  return [...group.Properties.FirewallRules]
    .sort((a, b) => a.Priority - b.Priority)
    .map((rule) => {
      const [logicalId, attribute] = rule.FirewallDomainListId['Fn::GetAtt'];
      return { action: rule.Action, list: attribute === 'Id' ? logicalId : attribute, rule };
    });
}

function domainsOf(all: Resources, logicalId: string): unknown[] {
  return all[logicalId].Properties.Domains;
}

function isolated(props: SecureStudioVpcProps = {}) {
  const stack = concreteStack();
  const network = new SecureStudioVpc(stack, 'Network', props);
  return { stack, network, all: resources(stack) };
}

describe('SecureStudioVpc: DNS Firewall on by default (internet-free)', () => {
  const { all, network } = isolated();

  test('one rule group, associated with the VPC, mutation-protected, at priority 1000', () => {
    const associations = ofType(all, 'AWS::Route53Resolver::FirewallRuleGroupAssociation');
    expect(associations).toHaveLength(1);
    const [, association] = associations[0];
    expect(association.Properties).toMatchObject({
      VpcId: { Ref: expect.stringMatching(/^NetworkVpc/) },
      MutationProtection: 'ENABLED',
      Priority: 1000,
      FirewallRuleGroupId: { 'Fn::GetAtt': [expect.stringMatching(/RuleGroup/), 'Id'] },
    });
    expect(network.dnsFirewall).toBeDefined();
  });

  test('rule order: the three AWS-managed threat lists blocked, then the allow-list, then every other name blocked', () => {
    const rules = rulesInOrder(all);
    expect(rules.map((r) => [r.action, r.list])).toEqual([
      ['BLOCK', 'AWSManagedDomainsAggregateThreatList'],
      ['BLOCK', 'AWSManagedDomainsMalwareDomainList'],
      ['BLOCK', 'AWSManagedDomainsBotnetCommandandControl'],
      ['ALLOW', expect.stringMatching(/AllowList/)],
      ['BLOCK', expect.stringMatching(/AllNames/)],
    ]);
    expect(domainsOf(all, rules[4].list)).toEqual(['*']);
    for (const blocking of rules.filter((r) => r.action === 'BLOCK')) {
      expect(blocking.rule.BlockResponse).toBe('NXDOMAIN');
    }
    // CDNs answer allowed names with CNAMEs of their own: the allow rule trusts the chain.
    expect(rules[3].rule.FirewallDomainRedirectionAction).toBe('TRUST_REDIRECTION_DOMAIN');
  });

  test('the threat-list ids come from one deploy-time lookup of the managed lists by name', () => {
    const lookups = Object.entries(all).filter(([, r]) => r.Properties?.ListNames !== undefined);
    expect(lookups).toHaveLength(1);
    const [lookupId, lookup] = lookups[0];
    expect(lookup.Properties.ListNames).toEqual(['AWSManagedDomainsAggregateThreatList', 'AWSManagedDomainsMalwareDomainList', 'AWSManagedDomainsBotnetCommandandControl']);
    const [, group] = ofType(all, 'AWS::Route53Resolver::FirewallRuleGroup')[0];
    const threatRules = group.Properties.FirewallRules.filter((rule: any) => rule.Priority < 100);
    expect(threatRules.map((rule: any) => rule.FirewallDomainListId['Fn::GetAtt'][0])).toEqual([lookupId, lookupId, lookupId]);
  });

  test('the allow-list holds only the AWS names of the region, Studio, EC2 internal names and the reverse zone of the VPC CIDR', () => {
    const [allow] = rulesInOrder(all).filter((r) => r.action === 'ALLOW');
    expect(domainsOf(all, allow.list)).toEqual([
      { 'Fn::Join': ['', ['*.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
      '*.studio.eu-west-1.sagemaker.aws',
      '*.notebook.eu-west-1.sagemaker.aws',
      '*.eu-west-1.compute.internal',
      '*.0.10.in-addr.arpa',
    ]);
  });

  test('DNS query logging of the VPC to a KMS-encrypted log group with one year of retention, sharing the flow-log key', () => {
    const configs = ofType(all, 'AWS::Route53Resolver::ResolverQueryLoggingConfig');
    expect(configs).toHaveLength(1);
    const [configId, config] = configs[0];
    const [groupId] = config.Properties.DestinationArn['Fn::GetAtt'];
    expect(all[groupId].Type).toBe('AWS::Logs::LogGroup');
    expect(all[groupId].Properties.RetentionInDays).toBe(365);
    const flowLogGroupId = ofType(all, 'AWS::EC2::FlowLog')[0][1].Properties.LogGroupName.Ref;
    expect(all[groupId].Properties.KmsKeyId).toEqual(all[flowLogGroupId].Properties.KmsKeyId);
    expect(all[groupId].Properties.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^NetworkFlowLogKey/);
    const associations = ofType(all, 'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation');
    expect(associations.map(([, a]) => a.Properties)).toEqual([{
      ResolverQueryLogConfigId: { 'Fn::GetAtt': [configId, 'Id'] },
      ResourceId: { Ref: expect.stringMatching(/^NetworkVpc/) },
    }]);
  });

  test('query logs go to the flow-log bucket when one is given', () => {
    const stack = concreteStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    new SecureStudioVpc(stack, 'Network', { flowLogBucket: bucket });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53Resolver::ResolverQueryLoggingConfig', {
      DestinationArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] }, '/dns-query-logs/']] },
    });
    // Only the (absent) flow-log and query-log groups would be KMS log groups.
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
  });
});

describe('SecureStudioVpc: DNS Firewall with an egress firewall', () => {
  const stack = concreteStack();
  const network = new SecureStudioVpc(stack, 'Network', { maxAzs: 2, egress: StudioEgress.FIREWALL_READY });
  new EgressFirewall(stack, 'Firewall', { network, allowedDomains: ['.pypi.org', 'files.pythonhosted.org', '.github.com'] });
  const all = resources(stack);
  const rules = rulesInOrder(all);

  test('the firewall\'s allowed domains are allowed names: a leading dot becomes the name and its subdomains', () => {
    const allowed = domainsOf(all, rules.find((r) => r.action === 'ALLOW')!.list);
    expect(allowed).toEqual(expect.arrayContaining(['pypi.org', '*.pypi.org', 'files.pythonhosted.org', 'github.com', '*.github.com']));
    expect(allowed).not.toContain('*.pythonhosted.org');
  });

  test('upload hosts under allowed domains are blocked ahead of the allow-list', () => {
    expect(rules.map((r) => r.action)).toEqual(['BLOCK', 'BLOCK', 'BLOCK', 'BLOCK', 'ALLOW', 'BLOCK']);
    expect(domainsOf(all, rules[3].list)).toEqual(['upload.pypi.org', 'test.pypi.org', 'uploads.github.com', 'gist.github.com', 'api.github.com']);
  });
});

describe('SecureStudioVpc: DNS Firewall options', () => {
  test('ALERT mode lets other names resolve with an alert; threat lists stay blocked', () => {
    const { all } = isolated({ dnsFirewallMode: DnsFirewallMode.ALERT });
    expect(rulesInOrder(all).map((r) => r.action)).toEqual(['BLOCK', 'BLOCK', 'BLOCK', 'ALLOW', 'ALERT']);
    expect(rulesInOrder(all)[4].rule.BlockResponse).toBeUndefined();
  });

  test('NODATA block response, mutation protection off and additional names', () => {
    const { all } = isolated({
      dnsBlockResponse: DnsBlockResponse.NODATA,
      dnsFirewallMutationProtection: false,
      additionalAllowedDomains: ['.corp.example.com'],
    });
    const rules = rulesInOrder(all);
    expect(rules.filter((r) => r.action === 'BLOCK').map((r) => r.rule.BlockResponse)).toEqual(['NODATA', 'NODATA', 'NODATA', 'NODATA']);
    expect(domainsOf(all, rules[3].list)).toEqual(expect.arrayContaining(['corp.example.com', '*.corp.example.com']));
    expect(ofType(all, 'AWS::Route53Resolver::FirewallRuleGroupAssociation')[0][1].Properties.MutationProtection).toBe('DISABLED');
  });

  test('dnsFirewall: false and dnsQueryLogging: false create neither', () => {
    const { all, network } = isolated({ dnsFirewall: false, dnsQueryLogging: false });
    expect(ofType(all, 'AWS::Route53Resolver::FirewallRuleGroupAssociation')).toHaveLength(0);
    expect(ofType(all, 'AWS::Route53Resolver::ResolverQueryLoggingConfig')).toHaveLength(0);
    expect(network.dnsFirewall).toBeUndefined();
  });

  test('DNS Firewall options with dnsFirewall: false are refused', () => {
    expect(() => isolated({ dnsFirewall: false, dnsFirewallMode: DnsFirewallMode.ALERT }))
      .toThrow('SecureStudioVpc dnsFirewallMode: set together with dnsFirewall: false');
  });

  test('an environment-agnostic stack allows both EC2 internal name forms of the unknown region', () => {
    const stack = agnosticStack();
    new SecureStudioVpc(stack, 'Network');
    const all = resources(stack);
    const allowed = JSON.stringify(domainsOf(all, rulesInOrder(all)[3].list));
    expect(allowed).toContain('*.ec2.internal');
    expect(allowed).toContain('compute.internal');
  });
});

describe('SecureStudioVpc: adopted VPC', () => {
  test('the DNS Firewall is on by default and allows the reverse zone of the adopted VPC\'s CIDR', () => {
    const stack = concreteStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-12345678',
      vpcCidrBlock: '172.20.0.0/20',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
      privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
      privateSubnetIpv4CidrBlocks: ['172.20.0.0/21', '172.20.8.0/21'],
    });
    new SecureStudioVpc(stack, 'Network', { vpc });
    const all = resources(stack);
    expect(ofType(all, 'AWS::Route53Resolver::FirewallRuleGroupAssociation')[0][1].Properties.VpcId).toBe('vpc-12345678');
    const allowed = domainsOf(all, rulesInOrder(all)[3].list);
    expect(allowed).toEqual(expect.arrayContaining(Array.from({ length: 16 }, (_, i) => `*.${i}.20.172.in-addr.arpa`)));
    expect(ofType(all, 'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation')[0][1].Properties.ResourceId).toBe('vpc-12345678');
  });

  test('an adopted VPC whose CIDR is a token allows the reverse zones of the private ranges', () => {
    const stack = concreteStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: Fn.importValue('VpcId'),
      vpcCidrBlock: Fn.importValue('VpcCidr'),
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
      privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
    });
    const firewall = new StudioDnsFirewall(stack, 'Dns', { vpc });
    expect(firewall.allowedDomains).toEqual([]);
    const allowed = domainsOf(resources(stack), rulesInOrder(resources(stack))[3].list);
    expect(allowed).toEqual(expect.arrayContaining(['*.10.in-addr.arpa', '*.16.172.in-addr.arpa', '*.31.172.in-addr.arpa', '*.168.192.in-addr.arpa']));
  });
});

describe('StudioDnsFirewall: bad input and limits', () => {
  const vpc = () => {
    const stack = concreteStack();
    return { stack, vpc: new ec2.Vpc(stack, 'Vpc') };
  };

  test.each([
    ['10.0.0.1', 'is an IP address'],
    ['*', "has a '*'"],
    ['https://example.com', 'has a scheme'],
    ['example.com/path', 'has a path'],
    ['example.com:443', 'has a port'],
    ['Example.com', 'is not lower-case'],
    ['localhost', 'is not a valid DNS name'],
  ])('allowed domain %p is refused: %s', (domain, problem) => {
    const { stack, vpc: v } = vpc();
    expect(() => new StudioDnsFirewall(stack, 'Dns', { vpc: v, allowedDomains: [domain] }))
      .toThrow(`StudioDnsFirewall allowedDomains: '${domain}' ${problem}`);
  });

  test('a token domain is accepted unchecked', () => {
    const { stack, vpc: v } = vpc();
    expect(() => new StudioDnsFirewall(stack, 'Dns', { vpc: v, allowedDomains: [Fn.importValue('Domain')] })).not.toThrow();
  });

  test.each([100, 9900, 1.5])('association priority %p is refused', (priority) => {
    const { stack, vpc: v } = vpc();
    expect(() => new StudioDnsFirewall(stack, 'Dns', { vpc: v, associationPriority: priority }))
      .toThrow(`StudioDnsFirewall associationPriority: got ${priority}; a whole number from 101 to 9899`);
  });

  test('an allow-list beyond the 1,000 domains a list takes inline fails synthesis', () => {
    const { stack, vpc: v } = vpc();
    const firewall = new StudioDnsFirewall(stack, 'Dns', { vpc: v });
    firewall.addAllowedDomains(...Array.from({ length: 500 }, (_, i) => `.d${i}.example.com`));
    expect(() => App.of(stack)!.synth()).toThrow(/StudioDnsFirewall allowedDomains: the allow-list needs 10\d\d domain specifications, more than the 1000 a domain list takes inline/);
  });

  test('a reverse-lookup CIDR that is not a CIDR block is refused', () => {
    const { stack, vpc: v } = vpc();
    expect(() => new StudioDnsFirewall(stack, 'Dns', { vpc: v, reverseLookupCidrs: ['10.0.0.1/16'] }))
      .toThrow("StudioDnsFirewall reverseLookupCidrs: '10.0.0.1/16' has host bits set (its network address is 10.0.0.0/16)");
  });

});

describe('reverse zones of a CIDR block', () => {
  test.each([
    ['10.0.0.0/16', ['*.0.10.in-addr.arpa']],
    ['10.0.0.0/8', ['*.10.in-addr.arpa']],
    ['192.168.4.0/24', ['*.4.168.192.in-addr.arpa']],
    ['10.0.0.0/23', ['*.0.0.10.in-addr.arpa', '*.1.0.10.in-addr.arpa']],
    ['10.0.0.16/30', ['16.0.0.10.in-addr.arpa', '17.0.0.10.in-addr.arpa', '18.0.0.10.in-addr.arpa', '19.0.0.10.in-addr.arpa']],
  ])('%s', (cidr, zones) => {
    expect(reverseLookupSpecifications(cidr)).toEqual(zones);
  });

  test('a /17 needs one zone per value of its partial octet', () => {
    expect(reverseLookupSpecifications('10.0.0.0/17')).toHaveLength(128);
  });
});
