import { App, CfnParameter, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { domainEntry, invalidDomainEntry } from './domain-arbitraries';
import { SecureStudioVpc, SecureStudioVpcProps } from '../../../src';
import { DOMAIN_FORM, ipv4CidrProblem } from '../../../src/private/network-validation';
import { parseIpv4Cidr } from '../../../src/private/validation';
import { agnosticStack, concreteStack } from '../../helpers/stacks';

const PREFIX_LIST = 'pl-6da54004';
const AZ_FORM = "Availability Zone names such as 'eu-west-1a'";

/** A network whose S3 prefix list is given, so that no lookup custom resource is added. */
function network(stack: Stack, props: SecureStudioVpcProps = {}): SecureStudioVpc {
  return new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', PREFIX_LIST), ...props });
}

function synthesizes(stack: Stack): Template {
  const template = Template.fromStack(stack);
  expect(template.toJSON().Resources).toBeDefined();
  return template;
}

describe('cidr', () => {
  const FORM = 'an IPv4 network address with a prefix length from /16 to /28, e.g. 10.0.0.0/16';

  test.each([
    ['10.0.0/16', 'is not of the form a.b.c.d/n'],
    ['10.0.0.0', 'is not of the form a.b.c.d/n'],
    ['10.0.256.0/16', 'has an octet above 255'],
    ['10.0.0.0/33', 'has a prefix length above /32'],
    ['10.0.0.1/16', 'has host bits set (its network address is 10.0.0.0/16)'],
    ['10.0.0.0/15', 'has a prefix length of /15'],
    ['10.0.0.0/29', 'has a prefix length of /29'],
  ])('%s is refused: %s', (cidr, problem) => {
    expect(() => network(agnosticStack(), { cidr })).toThrow(`SecureStudioVpc cidr: '${cidr}' ${problem}; ${FORM}`);
  });

  test('a token is refused with the reason a literal is needed (ec2.Vpc splits it at synth time)', () => {
    expect(() => network(agnosticStack(), { cidr: Fn.importValue('VpcCidr') })).toThrow(
      'SecureStudioVpc cidr: is an unresolved token (a parameter, an import or a lazy value); a literal value, because the construct splits it into subnets at synth time');
  });

  test('the limits /16 and /24 are accepted (a /28 cannot hold two studio subnets, see the subnet-mask test)', () => {
    for (const cidr of ['172.16.0.0/16', '192.168.4.0/24']) {
      const stack = agnosticStack();
      network(stack, { cidr, expectedUsers: 1 });
      synthesizes(stack).hasResourceProperties('AWS::EC2::VPC', { CidrBlock: cidr });
    }
  });

  test('property: a well-formed network address from /16 to /28 passes the cidr check; a host address fails naming its network', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 16, max: 28 }),
      (octets, prefix) => {
        const cidr = `${octets.join('.')}/${prefix}`;
        const parsed = parseIpv4Cidr(cidr);
        const problem = ipv4CidrProblem(cidr);
        expect(problem === undefined).toBe(parsed !== undefined);
        if (problem !== undefined) {
          expect(problem).toMatch(/^has host bits set \(its network address is \d+\.\d+\.\d+\.\d+\/\d+\)$/);
          const networkCidr = /is (\S+)\)$/.exec(problem)![1];
          expect(ipv4CidrProblem(networkCidr)).toBeUndefined();
          expect(() => network(agnosticStack(), { cidr })).toThrow(`SecureStudioVpc cidr: '${cidr}' ${problem}`);
        }
      }));
  });

  test('property: octets above 255 and prefixes above /32 are refused with their own reason', () => {
    fc.assert(fc.property(fc.integer({ min: 256, max: 999 }), fc.integer({ min: 0, max: 3 }), (octet, position) => {
      const octets = ['10', '0', '0', '0'];
      octets[position] = String(octet);
      expect(ipv4CidrProblem(`${octets.join('.')}/16`)).toBe('has an octet above 255');
    }));
    fc.assert(fc.property(fc.integer({ min: 33, max: 99 }), (prefix) => {
      expect(ipv4CidrProblem(`10.0.0.0/${prefix}`)).toBe('has a prefix length above /32');
    }));
    fc.assert(fc.property(fc.string(), (text) => {
      fc.pre(!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/.test(text));
      expect(ipv4CidrProblem(text)).toBe('is not of the form a.b.c.d/n');
    }));
  });
});

describe('maxAzs and availabilityZones', () => {
  test('maxAzs beyond what the stack resolves is refused, with the advice to give an env or availabilityZones', () => {
    expect(() => network(agnosticStack(), { maxAzs: 3 })).toThrow(
      'SecureStudioVpc maxAzs: 3 AZs were asked for but the stack resolves only 2 (an environment-agnostic stack sees 2); ' +
      'at most 2, or give the stack an env (account and region) or list availabilityZones');
    expect(() => network(concreteStack(), { maxAzs: 4 })).toThrow(
      'SecureStudioVpc maxAzs: 4 AZs were asked for but the stack resolves only 3; at most 3, or give the stack an env (account and region) or list availabilityZones');
  });

  test('before the CLI has looked the AZs up, nothing is refused: the lookup and the check follow on the next synthesis', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => network(stack, { maxAzs: 4 })).not.toThrow();
    const listed = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => network(listed, { availabilityZones: ['eu-west-1a', 'eu-west-1b'] })).not.toThrow();
    Template.fromStack(listed).resourceCountIs('AWS::EC2::Subnet', 2);
  });

  test('maxAzs at its limits: 2 and all the AZs of the stack', () => {
    const stack = concreteStack();
    network(stack, { maxAzs: 3 });
    expect(Object.keys(synthesizes(stack).findResources('AWS::EC2::Subnet'))).toHaveLength(3);
    const two = concreteStack();
    network(two, { maxAzs: 2 });
    expect(Object.keys(synthesizes(two).findResources('AWS::EC2::Subnet'))).toHaveLength(2);
  });

  test('maxAzs below 2 and a maxAzs token are refused', () => {
    expect(() => network(agnosticStack(), { maxAzs: 1 })).toThrow(
      'SecureStudioVpc maxAzs: 1 Availability Zone(s) requested; at least 2 AZs, so that Studio survives the loss of one AZ');
    expect(() => network(agnosticStack(), { maxAzs: Token.asNumber(Fn.importValue('AzCount')) })).toThrow(
      /^SecureStudioVpc maxAzs: is an unresolved token .*; a literal value, because the construct lays out one studio subnet per AZ at synth time; list availabilityZones \(tokens allowed\) instead$/);
  });

  test.each([
    [['eu-west-1a', 'eu-west-1a'], "SecureStudioVpc availabilityZones: 'eu-west-1a' is listed twice; each value once"],
    [['us-east-1a', 'us-east-1b'], "SecureStudioVpc availabilityZones: 'us-east-1a' is in us-east-1 but the stack deploys to eu-west-1; Availability Zones of eu-west-1"],
    [['euw1-az1', 'euw1-az2'], `SecureStudioVpc availabilityZones: 'euw1-az1' is an Availability Zone id; ${AZ_FORM}`],
    [['eu-west-1', 'eu-west-2'], `SecureStudioVpc availabilityZones: 'eu-west-1' is a region, not an Availability Zone; ${AZ_FORM}`],
    [['eu-west-1a', 'b'], `SecureStudioVpc availabilityZones: 'b' is not an Availability Zone name; ${AZ_FORM}`],
    [['eu-west-1a', 'eu-west-1d'], "SecureStudioVpc availabilityZones: 'eu-west-1d' is not one of the stack's Availability Zones (eu-west-1a, eu-west-1b, eu-west-1c); Availability Zones of the stack's account and region"],
    [['eu-west-1a'], 'SecureStudioVpc availabilityZones: 1 Availability Zone(s) requested; at least 2 AZs, so that Studio survives the loss of one AZ'],
  ])('%p is refused naming availabilityZones (never studioSubnets)', (availabilityZones, message) => {
    expect(() => network(concreteStack(), { availabilityZones })).toThrow(message);
  });

  test('availabilityZones with maxAzs is refused', () => {
    expect(() => network(concreteStack(), { availabilityZones: ['eu-west-1a', 'eu-west-1b'], maxAzs: 2 })).toThrow(
      'SecureStudioVpc maxAzs: set together with availabilityZones; either maxAzs or availabilityZones');
  });

  test('the same AZ token twice is refused naming availabilityZones', () => {
    const stack = agnosticStack();
    const zone = new CfnParameter(stack, 'Zone', { type: 'AWS::EC2::AvailabilityZone::Name' }).valueAsString;
    expect(() => network(stack, { availabilityZones: [zone, zone] })).toThrow(
      'SecureStudioVpc availabilityZones: the studio subnets span 1 Availability Zone(s); at least 2 distinct AZs, so that Studio survives the loss of one AZ');
  });

  test('tokens synthesize: AZs from Fn.getAZs, from a parameter, and beside a literal', () => {
    const stack = agnosticStack();
    network(stack, { availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())] });
    expect(Object.keys(synthesizes(stack).findResources('AWS::EC2::Subnet'))).toHaveLength(2);

    const concrete = concreteStack();
    const zone = new CfnParameter(concrete, 'Zone', { type: 'AWS::EC2::AvailabilityZone::Name' }).valueAsString;
    network(concrete, { availabilityZones: [zone, 'eu-west-1b'] });
    synthesizes(concrete).hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { Ref: 'Zone' } });
  });
});

describe('studioSubnetCidrMask and expectedUsers', () => {
  test('a studioSubnetCidrMask token is refused; its limits are accepted', () => {
    expect(() => network(agnosticStack(), { studioSubnetCidrMask: Token.asNumber(Fn.importValue('Mask')) })).toThrow(
      /^SecureStudioVpc studioSubnetCidrMask: is an unresolved token .*; a literal value/);
    for (const studioSubnetCidrMask of [17, 24]) {
      const stack = agnosticStack();
      network(stack, { studioSubnetCidrMask, expectedUsers: 1 });
      synthesizes(stack).hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: `10.0.0.0/${studioSubnetCidrMask}` });
    }
  });

  test('expectedUsers: 0 and fractions are refused, 1 is accepted, and a token skips the capacity check', () => {
    expect(() => network(agnosticStack(), { expectedUsers: 0 })).toThrow('SecureStudioVpc expectedUsers: got 0; a whole number of at least 1');
    expect(() => network(agnosticStack(), { expectedUsers: 2.5 })).toThrow('SecureStudioVpc expectedUsers: got 2.5; a whole number of at least 1');
    const stack = agnosticStack();
    const users = new CfnParameter(stack, 'Users', { type: 'Number' }).valueAsNumber;
    network(stack, { expectedUsers: users, cidr: '10.0.0.0/24' });
    synthesizes(stack);
  });
});

describe('adopted networks', () => {
  function attributes(extra: Partial<ec2.VpcAttributes>): ec2.VpcAttributes {
    return { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], ...extra };
  }

  test('a VPC imported with only public subnets is refused naming vpc (its default selection would be the public subnets)', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', attributes({ publicSubnetIds: ['subnet-a', 'subnet-b'], publicSubnetRouteTableIds: ['rtb-a', 'rtb-b'] }));
    expect(() => network(stack, { vpc })).toThrow(
      "SecureStudioVpc vpc: subnet 'Test/Existing/PublicSubnet1' is public (it routes to an internet gateway); " +
      'private subnets (ec2.SubnetType.PRIVATE_ISOLATED or PRIVATE_WITH_EGRESS), so that Studio, the endpoints and jobs get no public route');
  });

  test('public studioSubnets of an imported VPC are refused naming studioSubnets; its isolated subnets are accepted', () => {
    const importVpc = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Existing', attributes({
      publicSubnetIds: ['subnet-a', 'subnet-b'],
      publicSubnetRouteTableIds: ['rtb-a', 'rtb-b'],
      isolatedSubnetIds: ['subnet-c', 'subnet-d'],
      isolatedSubnetRouteTableIds: ['rtb-c', 'rtb-d'],
    }));
    const stack = agnosticStack();
    expect(() => network(stack, { vpc: importVpc(stack), studioSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
      /^SecureStudioVpc studioSubnets: subnet 'Test\/Existing\/PublicSubnet1' is public \(it routes to an internet gateway\); private subnets/);
    const ok = agnosticStack();
    network(ok, { vpc: importVpc(ok) });
    synthesizes(ok).hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-c', 'rtb-d'] });
  });

  test('public subnets of a created ec2.Vpc are refused, by type and as explicit subnets; its private subnets are accepted', () => {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2, natGateways: 0 });
    expect(() => network(stack, { vpc, studioSubnets: { subnets: vpc.publicSubnets } })).toThrow(
      /^SecureStudioVpc studioSubnets: subnet 'Test\/Own\/PublicSubnet1' is public/);
    const other = agnosticStack();
    const otherVpc = new ec2.Vpc(other, 'Own', { maxAzs: 2, natGateways: 0 });
    expect(() => network(other, { vpc: otherVpc, studioSubnets: { subnetGroupName: 'Public' } })).toThrow(/^SecureStudioVpc studioSubnets: subnet .* is public/);
    const ok = agnosticStack();
    network(ok, { vpc: new ec2.Vpc(ok, 'Own', { maxAzs: 2, natGateways: 0 }), studioSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    synthesizes(ok);
  });

  test('a public subnet given alone (an ec2.PublicSubnet) is refused', () => {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const extra = new ec2.PublicSubnet(stack, 'Extra', { vpcId: vpc.vpcId, availabilityZone: vpc.availabilityZones[0], cidrBlock: '10.0.255.0/24' });
    expect(() => network(stack, { vpc, studioSubnets: { subnets: [vpc.isolatedSubnets[1], extra] } })).toThrow(
      /^SecureStudioVpc studioSubnets: subnet 'Test\/Extra' is public/);
  });

  test('subnets in one AZ are refused naming the prop the user set: vpc for the default selection, else studioSubnets', () => {
    const stack = agnosticStack();
    const oneAz = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-a', 'subnet-b'], isolatedSubnetRouteTableIds: ['rtb-a', 'rtb-b'],
    });
    expect(() => network(stack, { vpc: oneAz })).toThrow(
      'SecureStudioVpc vpc: the private subnets of vpc (the default studioSubnets) span 1 Availability Zone(s); ' +
      'studioSubnets in at least 2 AZs, so that Studio survives the loss of one AZ');
  });

  test('a subnet imported without its AZ, and a selection that matches nothing, are refused naming studioSubnets', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', attributes({ isolatedSubnetIds: ['subnet-c', 'subnet-d'], isolatedSubnetRouteTableIds: ['rtb-c', 'rtb-d'] }));
    const bare = ec2.Subnet.fromSubnetAttributes(stack, 'Bare', { subnetId: 'subnet-e', routeTableId: 'rtb-e' });
    expect(() => network(stack, { vpc, studioSubnets: { subnets: [bare] } })).toThrow(
      "SecureStudioVpc studioSubnets: the Availability Zone of subnet 'Test/Bare' is not known; subnets imported with their availabilityZone and routeTableId");
    const other = agnosticStack();
    const otherVpc = ec2.Vpc.fromVpcAttributes(other, 'Existing', attributes({ isolatedSubnetIds: ['subnet-c', 'subnet-d'], isolatedSubnetRouteTableIds: ['rtb-c', 'rtb-d'] }));
    expect(() => network(other, { vpc: otherVpc, studioSubnets: { subnetGroupName: 'Missing' } })).toThrow(
      /^SecureStudioVpc studioSubnets: selects no subnet of the vpc \(There are no subnet groups with name 'Missing'.*\); a selection of private subnets/);
  });

  test('an imported VPC whose ids are imports (tokens) synthesizes', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: Fn.importValue('VpcId'),
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: [Fn.importValue('SubnetA'), Fn.importValue('SubnetB')],
      isolatedSubnetRouteTableIds: [Fn.importValue('RouteA'), Fn.importValue('RouteB')],
    });
    network(stack, { vpc });
    synthesizes(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway', RouteTableIds: [{ 'Fn::ImportValue': 'RouteA' }, { 'Fn::ImportValue': 'RouteB' }],
    });
  });
});

describe('log destinations, prefix list, organization and DNS names', () => {
  const OTHER_REGION_KEY = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';

  test('a flowLogEncryptionKey of another region or partition, or not a KMS key, is refused', () => {
    const chinaKey = OTHER_REGION_KEY.replace('arn:aws:', 'arn:aws-cn:').replace('us-east-1', 'eu-west-1');
    const notAKey = 'arn:aws:secretsmanager:eu-west-1:111111111111:key/1';
    const cases: [string, string][] = [
      [OTHER_REGION_KEY, `'${OTHER_REGION_KEY}' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`],
      [chinaKey, `'${chinaKey}' is in partition aws-cn but the stack deploys to aws; an ARN of partition aws`],
      [notAKey, `'${notAKey}' is an ARN of secretsmanager; an ARN of the form arn:<partition>:kms:<region>:<account>:<resource>`],
    ];
    for (const [arn, message] of cases) {
      const stack = concreteStack();
      expect(() => network(stack, { flowLogEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn) })).toThrow(`SecureStudioVpc flowLogEncryptionKey: ${message}`);
    }
  });

  test('a flowLogEncryptionKey of the stack region, or whose ARN is a token, synthesizes', () => {
    const stack = concreteStack();
    network(stack, { flowLogEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', OTHER_REGION_KEY.replace('us-east-1', 'eu-west-1')) });
    synthesizes(stack);
    const tokenStack = concreteStack();
    network(tokenStack, { flowLogEncryptionKey: kms.Key.fromKeyArn(tokenStack, 'Key', Fn.importValue('FlowLogKeyArn')) });
    synthesizes(tokenStack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::ImportValue': 'FlowLogKeyArn' } });
  });

  test('a flowLogBucket of another partition is refused', () => {
    const stack = concreteStack();
    expect(() => network(stack, { flowLogBucket: s3.Bucket.fromBucketArn(stack, 'Logs', 'arn:aws-cn:s3:::flow-logs') })).toThrow(
      "SecureStudioVpc flowLogBucket: bucket 'arn:aws-cn:s3:::flow-logs' is in partition aws-cn but the stack deploys to aws; a bucket of partition aws");
  });

  test('an s3PrefixList that is not a prefix-list id is refused; a token synthesizes', () => {
    const stack = agnosticStack();
    expect(() => new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'com.amazonaws.eu-west-1.s3') })).toThrow(
      "SecureStudioVpc s3PrefixList: 'com.amazonaws.eu-west-1.s3' is not allowed; the id of the AWS-managed prefix list com.amazonaws.<region>.s3, e.g. 'pl-6da54004'");
    const ok = agnosticStack();
    new SecureStudioVpc(ok, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(ok, 'S3List', Fn.importValue('S3PrefixList')) });
    synthesizes(ok).hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationPrefixListId: { 'Fn::ImportValue': 'S3PrefixList' } });
  });

  test('endpointPolicyOrganizationId: malformed is refused, a Lazy value synthesizes', () => {
    expect(() => network(agnosticStack(), { endpointPolicyOrganizationId: 'org-1' })).toThrow(
      "SecureStudioVpc endpointPolicyOrganizationId: 'org-1' is not an AWS Organization id; 'o-' followed by 10 to 32 lower-case letters or digits");
    const stack = agnosticStack();
    network(stack, { endpointPolicyOrganizationId: Lazy.string({ produce: () => 'o-a1b2c3d4e5' }) });
    synthesizes(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PolicyDocument: { Statement: [{ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }] },
    });
  });

  test('additionalAllowedDomains are checked by SecureStudioVpc, naming its own prop (not the DNS Firewall child)', () => {
    expect(() => network(agnosticStack(), { additionalAllowedDomains: ['https://intranet.example.com'] })).toThrow(
      "SecureStudioVpc additionalAllowedDomains: 'https://intranet.example.com' has a scheme; 'host.example.com' for one name or '.example.com'");
    expect(() => network(agnosticStack(), { dnsFirewall: false, additionalAllowedDomains: ['Intranet.example.com'] })).toThrow(
      "SecureStudioVpc additionalAllowedDomains: 'Intranet.example.com' is not lower-case");
  });

  test('property: additionalAllowedDomains broken in one known way are refused by SecureStudioVpc; valid ones are accepted', () => {
    fc.assert(fc.property(invalidDomainEntry, ([entry, problem]) => {
      const build = () => network(agnosticStack(), { additionalAllowedDomains: ['intranet.example.com', entry] });
      expect(build).toThrow(`SecureStudioVpc additionalAllowedDomains: '${entry}' ${problem}`);
      expect(build).toThrow(`; ${DOMAIN_FORM}`);
    }));
    fc.assert(fc.property(fc.array(domainEntry, { minLength: 1, maxLength: 5 }), (additionalAllowedDomains) => {
      const built = network(agnosticStack(), { additionalAllowedDomains });
      expect(built.dnsFirewall!.allowedDomains).toEqual([...new Set(additionalAllowedDomains)]);
    }), { numRuns: 3 });
  });

  test('an additionalAllowedDomains token synthesizes into the DNS Firewall allow-list', () => {
    const stack = agnosticStack();
    network(stack, { additionalAllowedDomains: [Fn.importValue('IntranetDomain')] });
    synthesizes(stack).hasResourceProperties('AWS::Route53Resolver::FirewallDomainList', {
      Domains: Match.arrayWith([{ 'Fn::ImportValue': 'IntranetDomain' }]),
    });
  });
});

describe('every path', () => {
  test('studioSubnets without vpc is refused', () => {
    expect(() => network(agnosticStack(), { studioSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })).toThrow(
      'SecureStudioVpc studioSubnets: given without vpc; select subnets only of an adopted vpc');
  });
});
