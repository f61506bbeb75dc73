import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/**
 * Throws the library's standard validation error:
 * `<Construct> <prop>: <what is wrong>; <allowed form>`.
 */
export function invalid(construct: string, prop: string, problem: string, allowed: string): never {
  throw new Error(`${construct} ${prop}: ${problem}; ${allowed}`);
}

/** True when the value holds a token that is only known at deploy time. */
export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** An IPv4 CIDR block split into its address (as a 32-bit number) and prefix length. */
export interface Ipv4Cidr {
  readonly address: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when the text is not a well-formed IPv4 CIDR block. */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefixLength > 32) {
    return undefined;
  }
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const hostBits = 32 - prefixLength;
  if (address % 2 ** hostBits !== 0) {
    return undefined;
  }
  return { address, prefixLength };
}

/**
 * Checks that an integer lies in `[min, max]`; skipped when the value is absent or a token.
 * `unit` is appended to the allowed form ("minutes", "users").
 */
export function checkIntegerRange(construct: string, prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  const suffix = unit ? ` ${unit}` : '';
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(construct, prop, `${value} is out of range`, `a whole number from ${min} to ${max}${suffix}`);
  }
}

/** Checks a string against a pattern; skipped when the value is absent or a token. */
export function checkPattern(construct: string, prop: string, value: string | undefined, pattern: RegExp, allowed: string): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  if (!pattern.test(value)) {
    invalid(construct, prop, `'${value}' is not allowed`, allowed);
  }
}

/** Throws naming the first value listed twice (tokens are never compared). */
export function checkNoDuplicates(construct: string, prop: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (isUnresolved(value)) {
      continue;
    }
    if (seen.has(value)) {
      invalid(construct, prop, `'${value}' is listed twice`, 'each value once');
    }
    seen.add(value);
  }
}

const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const AZ_ID_PATTERN = /^[a-z]{2,5}\d+-az\d+$/;
const AZ_NAME_PATTERN = /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/;

/** The stack's region when it is a literal, else undefined (an environment-agnostic stack). */
function literalRegion(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return isUnresolved(region) ? undefined : region;
}

/** The stack's partition when known: a literal, or the partition of a literal region. */
function literalPartition(scope: Construct, region: string | undefined): string | undefined {
  const partition = Stack.of(scope).partition;
  if (!isUnresolved(partition)) {
    return partition;
  }
  return region === undefined ? undefined : RegionInfo.get(region).partition;
}

/**
 * Checks Availability Zone names: each is `<region><letter>` (not an AZ id such as `use1-az1`,
 * not a region name), of the stack's region when that is known, and listed once.
 */
export function checkAvailabilityZones(scope: Construct, construct: string, prop: string, zones: readonly string[] | undefined): void {
  if (zones === undefined) {
    return;
  }
  const stackRegion = literalRegion(scope);
  const example = `${stackRegion ?? 'us-east-1'}a`;
  for (const zone of zones) {
    if (isUnresolved(zone)) {
      continue;
    }
    if (AZ_ID_PATTERN.test(zone)) {
      invalid(construct, prop, `'${zone}' is an Availability Zone id`, `Availability Zone names such as '${example}'`);
    }
    if (REGION_PATTERN.test(zone)) {
      invalid(construct, prop, `'${zone}' is a region, not an Availability Zone`, `Availability Zone names such as '${example}'`);
    }
    const match = AZ_NAME_PATTERN.exec(zone);
    if (!match) {
      invalid(construct, prop, `'${zone}' is not an Availability Zone name`, `Availability Zone names such as '${example}'`);
    }
    if (stackRegion !== undefined && match[1] !== stackRegion) {
      invalid(construct, prop, `'${zone}' is in ${match[1]} but the stack deploys to ${stackRegion}`, `Availability Zones of ${stackRegion}`);
    }
  }
  checkNoDuplicates(construct, prop, zones);
}

/** The parts of a literal ARN that region consistency compares. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Checks that a literal ARN of a regional resource (a KMS key, a certificate, …) names the
 * stack's partition and region, and the expected service. Skipped for tokens; each side is
 * compared only when the stack's value is a literal. Returns the parsed parts (undefined for a token).
 */
export function checkRegionalArn(scope: Construct, construct: string, prop: string, arn: string | undefined, service: string): ArnParts | undefined {
  if (arn === undefined || isUnresolved(arn)) {
    return undefined;
  }
  const parts = arn.split(':');
  const allowed = `an ARN of the form arn:<partition>:${service}:<region>:<account>:<resource>`;
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[3] || !parts[4]) {
    invalid(construct, prop, `'${arn}' is not a regional ARN`, allowed);
  }
  const [, partition, arnService, region, account] = parts;
  if (arnService !== service) {
    invalid(construct, prop, `'${arn}' is an ARN of ${arnService}`, allowed);
  }
  const stackRegion = literalRegion(scope);
  const stackPartition = literalPartition(scope, stackRegion);
  if (stackPartition !== undefined && partition !== stackPartition) {
    invalid(construct, prop, `'${arn}' is in partition ${partition} but the stack deploys to ${stackPartition}`, `an ARN of partition ${stackPartition}`);
  }
  if (stackRegion !== undefined && region !== stackRegion) {
    invalid(construct, prop, `'${arn}' is in ${region} but the stack deploys to ${stackRegion}`, `an ARN of ${stackRegion}`);
  }
  return { partition, service: arnService, region, account };
}
