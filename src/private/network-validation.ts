import { ContextProvider, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { domainEntryProblem } from './domain-names';
import { invalid, isUnresolved } from './validation';

/** The allowed form of an allow-list or deny-list entry, for messages. */
export const DOMAIN_FORM = "'host.example.com' for one name or '.example.com' for a domain and its subdomains, lower-case, without scheme, port or path";

/**
 * Refuses a token for a value the construct must know at synth time (it lays out
 * subnets with it, or derives names from it), saying why.
 */
export function requireLiteral(construct: string, prop: string, value: unknown, why: string): void {
  if (value !== undefined && isUnresolved(value)) {
    invalid(construct, prop, 'is an unresolved token (a parameter, an import or a lazy value)', `a literal value, because ${why}`);
  }
}

/** Checks allow-list or deny-list entries; tokens are skipped. `what` prefixes the entry in the message. */
export function checkDomainEntries(construct: string, prop: string, entries: readonly string[], what = ''): void {
  for (const entry of entries) {
    if (isUnresolved(entry)) {
      continue;
    }
    const problem = domainEntryProblem(entry);
    if (problem) {
      invalid(construct, prop, `${what}'${entry}' ${problem}`, DOMAIN_FORM);
    }
  }
}

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a literal IPv4 CIDR block is not acceptable (one reason at a time), or undefined. */
export function ipv4CidrProblem(cidr: string): string | undefined {
  const match = CIDR_SHAPE.exec(cidr);
  if (!match) {
    return 'is not of the form a.b.c.d/n';
  }
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) {
    return 'has an octet above 255';
  }
  const prefixLength = Number(match[5]);
  if (prefixLength > 32) {
    return 'has a prefix length above /32';
  }
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const network = address - address % 2 ** (32 - prefixLength);
  if (network !== address) {
    const networkText = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `has host bits set (its network address is ${networkText}/${prefixLength})`;
  }
  return undefined;
}

/**
 * Refuses a bucket that a literal ARN places in another partition than the stack and, when
 * `sameRegionBecause` is given, one whose environment names another region (both sides
 * compared only when literal). S3 bucket ARNs carry no region: it comes from the bucket's
 * environment (`fromBucketAttributes({ region })`).
 */
export function checkBucketLocation(
  scope: Construct, construct: string, prop: string, bucket: s3.IBucket | undefined, sameRegionBecause?: string,
): void {
  if (!bucket) {
    return;
  }
  const stack = Stack.of(scope);
  const stackPartition = !isUnresolved(stack.partition) ? stack.partition :
    !isUnresolved(stack.region) ? RegionInfo.get(stack.region).partition : undefined;
  const arn = bucket.bucketArn;
  const partition = isUnresolved(arn) ? undefined : arn.split(':')[1];
  if (partition !== undefined && stackPartition !== undefined && partition !== stackPartition) {
    invalid(construct, prop, `bucket '${arn}' is in partition ${partition} but the stack deploys to ${stackPartition}`,
      `a bucket of partition ${stackPartition}`);
  }
  const region = bucket.env.region;
  if (sameRegionBecause !== undefined && !isUnresolved(region) && !isUnresolved(stack.region) && region !== stack.region) {
    invalid(construct, prop, `bucket '${bucket.node.path}' is in ${region} but the stack deploys to ${stack.region}`,
      `a bucket of ${stack.region}, because ${sameRegionBecause}`);
  }
}

/**
 * Refuses studio subnets that are public (a route to an internet gateway: the VPC's
 * `publicSubnets`, or subnets created as `ec2.PublicSubnet`), and subnets whose AZ is not
 * known at synth time. Returns the subnets.
 */
export function checkPrivateSubnets(construct: string, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  let subnets: ec2.ISubnet[];
  try {
    subnets = vpc.selectSubnets(selection).subnets;
  } catch (error) {
    invalid(construct, prop, `selects no subnet of the vpc (${(error as Error).message})`,
      'a selection of private subnets of the vpc, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }');
  }
  const publicIds = new Set(vpc.publicSubnets.map((subnet) => subnet.subnetId));
  for (const subnet of subnets) {
    if (subnet instanceof ec2.PublicSubnet || publicIds.has(subnet.subnetId)) {
      invalid(construct, prop, `subnet '${subnet.node.path}' is public (it routes to an internet gateway)`,
        'private subnets (ec2.SubnetType.PRIVATE_ISOLATED or PRIVATE_WITH_EGRESS), so that Studio, the endpoints and jobs get no public route');
    }
    try {
      subnet.availabilityZone.toString();
    } catch {
      invalid(construct, prop, `the Availability Zone of subnet '${subnet.node.path}' is not known`,
        'subnets imported with their availabilityZone and routeTableId (ec2.Subnet.fromSubnetAttributes, or the VPC with Vpc.fromVpcAttributes / fromLookup)');
    }
  }
  return subnets;
}

/**
 * False while the AZs of a stack with an environment have not been looked up yet (aws-cdk-lib
 * then returns placeholders); an environment-agnostic stack always knows its two AZ tokens.
 */
function stackAzsKnown(scope: Construct): boolean {
  const stack = Stack.of(scope);
  if (isUnresolved(stack.region) || isUnresolved(stack.account)) {
    return true;
  }
  const { key } = ContextProvider.getKey(scope, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER });
  return stack.node.tryGetContext(key) !== undefined;
}

/**
 * Checks a request of `count` AZs (from `maxAzs`, or the listed `zones`) against the AZs the
 * stack has, once they are known: a listed zone must be one of them, and `maxAzs` no more.
 */
export function checkZonesOfStack(scope: Construct, construct: string, count: number, zones: readonly string[] | undefined): void {
  if (!stackAzsKnown(scope)) {
    // The CLI looks the AZs up after this synthesis and runs it again: nothing to compare yet.
    return;
  }
  const stackAzs = Stack.of(scope).availabilityZones;
  if (zones) {
    const known = stackAzs.filter((zone) => !isUnresolved(zone));
    const unknown = zones.find((zone) => known.length > 0 && !isUnresolved(zone) && !known.includes(zone));
    if (unknown !== undefined) {
      invalid(construct, 'availabilityZones', `'${unknown}' is not one of the stack's Availability Zones (${known.join(', ')})`,
        'Availability Zones of the stack\'s account and region');
    }
  } else if (count > stackAzs.length) {
    invalid(construct, 'maxAzs', `${count} AZs were asked for but the stack resolves only ${stackAzs.length}` +
      (isUnresolved(Stack.of(scope).region) ? ' (an environment-agnostic stack sees 2)' : ''),
    `at most ${stackAzs.length}, or give the stack an env (account and region) or list availabilityZones`);
  }
}
