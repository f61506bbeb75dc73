import { CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { domainEntry, invalidDomainEntry } from './domain-arbitraries';
import { StudioDnsFirewall, StudioDnsFirewallProps } from '../../../src';
import { DOMAIN_FORM, ipv4CidrProblem } from '../../../src/private/network-validation';
import { agnosticStack } from '../../helpers/stacks';

function vpcOf(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], vpcCidrBlock: '10.1.0.0/16' });
}

function dnsFirewall(props: Partial<StudioDnsFirewallProps> = {}, stack: Stack = agnosticStack()): { stack: Stack; firewall: StudioDnsFirewall } {
  return { stack, firewall: new StudioDnsFirewall(stack, 'Dns', { vpc: vpcOf(stack), ...props }) };
}

function allowListOf(stack: Stack): unknown[] {
  const lists = Template.fromStack(stack).findResources('AWS::Route53Resolver::FirewallDomainList', {
    Properties: { Name: Match.stringLikeRegexp('-allowed$') },
  });
  return (Object.values(lists)[0] as any).Properties.Domains;
}

describe('allowedDomains and addDeniedDomains', () => {
  test('property: valid entries are accepted on both paths and become DNS Firewall specifications', () => {
    const { stack, firewall } = dnsFirewall();
    fc.assert(fc.property(domainEntry, domainEntry, (allowed, denied) => {
      firewall.addAllowedDomains(allowed);
      firewall.addDeniedDomains(denied);
    }), { numRuns: 50 });
    const allowList = allowListOf(stack);
    for (const entry of firewall.allowedDomains) {
      expect(allowList).toContain(entry.startsWith('.') ? `*${entry}` : entry);
    }
  });

  test('property: broken entries are refused, naming the prop (allowedDomains) or the method (addDeniedDomains) and the allowed form', () => {
    const { firewall } = dnsFirewall();
    fc.assert(fc.property(invalidDomainEntry, ([entry, problem]) => {
      expect(() => firewall.addAllowedDomains(entry)).toThrow(`StudioDnsFirewall allowedDomains: '${entry}' ${problem}`);
      expect(() => firewall.addDeniedDomains(entry)).toThrow(`StudioDnsFirewall addDeniedDomains: '${entry}' ${problem}`);
      expect(() => firewall.addAllowedDomains(entry)).toThrow(`; ${DOMAIN_FORM}`);
    }));
    fc.assert(fc.property(invalidDomainEntry, ([entry, problem]) => {
      expect(() => dnsFirewall({ allowedDomains: [entry] })).toThrow(`StudioDnsFirewall allowedDomains: '${entry}' ${problem}`);
    }), { numRuns: 10 });
  });

  test('the DNS limits: a 63-character label and a 253-character name are accepted, one more character is refused', () => {
    const { firewall } = dnsFirewall();
    const label63 = 'a'.repeat(63);
    const name253 = [...Array(4).fill('b'.repeat(62)), 'c'].join('.');
    expect(name253).toHaveLength(253);
    firewall.addAllowedDomains(`${label63}.example.com`, name253);
    expect(firewall.allowedDomains).toEqual([`${label63}.example.com`, name253]);
    expect(() => firewall.addAllowedDomains(`a${label63}.example.com`)).toThrow(
      `StudioDnsFirewall allowedDomains: 'a${label63}.example.com' is not a valid DNS name; ${DOMAIN_FORM}`);
    expect(() => firewall.addAllowedDomains(`x${name253}`)).toThrow(`StudioDnsFirewall allowedDomains: 'x${name253}' is not a valid DNS name`);
  });

  test('tokens synthesize in both lists', () => {
    const { stack, firewall } = dnsFirewall({ allowedDomains: [Fn.importValue('Allowed')] });
    firewall.addDeniedDomains(new CfnParameter(stack, 'Denied').valueAsString);
    expect(allowListOf(stack)).toContainEqual({ 'Fn::ImportValue': 'Allowed' });
    Template.fromStack(stack).hasResourceProperties('AWS::Route53Resolver::FirewallDomainList', { Domains: [{ Ref: 'Denied' }] });
  });
});

describe('associationPriority', () => {
  const FORM = 'a whole number from 101 to 9899 (the others belong to Firewall Manager)';
  test.each([100, 9_900, 0, 500.5])('%p is refused', (associationPriority) => {
    expect(() => dnsFirewall({ associationPriority })).toThrow(`StudioDnsFirewall associationPriority: got ${associationPriority}; ${FORM}`);
  });

  test.each([101, 9_899])('the limit %p is accepted', (associationPriority) => {
    const { stack } = dnsFirewall({ associationPriority });
    Template.fromStack(stack).hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroupAssociation', { Priority: associationPriority });
  });

  test('a parameter synthesizes', () => {
    const stack = agnosticStack();
    dnsFirewall({ associationPriority: new CfnParameter(stack, 'Priority', { type: 'Number' }).valueAsNumber }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroupAssociation', { Priority: { Ref: 'Priority' } });
  });
});

describe('reverseLookupCidrs', () => {
  const FORM = 'IPv4 network addresses with a prefix length, such as 10.0.0.0/16';

  test('property: every network address is accepted and yields its reverse zone; a host address is refused naming its network', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 8, max: 32 }),
      (octets, prefix) => {
        const cidr = `${octets.join('.')}/${prefix}`;
        const problem = ipv4CidrProblem(cidr);
        const build = () => dnsFirewall({ reverseLookupCidrs: [cidr] });
        if (problem === undefined) {
          expect(build).not.toThrow();
        } else {
          expect(build).toThrow(`StudioDnsFirewall reverseLookupCidrs: '${cidr}' has host bits set (its network address is `);
          expect(build).toThrow(`; ${FORM}`);
        }
      }), { numRuns: 40 });
  });

  test.each([
    ['10.0.0.0', 'is not of the form a.b.c.d/n'],
    ['300.0.0.0/8', 'has an octet above 255'],
    ['10.0.0.0/40', 'has a prefix length above /32'],
  ])('%s is refused: %s', (cidr, problem) => {
    expect(() => dnsFirewall({ reverseLookupCidrs: [cidr] })).toThrow(`StudioDnsFirewall reverseLookupCidrs: '${cidr}' ${problem}; ${FORM}`);
  });

  test('a token synthesizes, allowing the reverse zones of the private ranges', () => {
    const { stack } = dnsFirewall({ reverseLookupCidrs: [Lazy.string({ produce: () => '10.9.0.0/16' })] });
    expect(allowListOf(stack)).toEqual(expect.arrayContaining(['*.10.in-addr.arpa', '*.168.192.in-addr.arpa']));
  });
});
