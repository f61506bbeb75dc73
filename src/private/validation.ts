import { Token } from 'aws-cdk-lib';

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
