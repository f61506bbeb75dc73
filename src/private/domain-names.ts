import { isUnresolved, parseIpv4Cidr } from './validation';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC = /^[0-9]+$/;
const MAX_DOMAIN_LENGTH = 253;

/**
 * Why an allow-list entry is not acceptable, or undefined when it is. Accepted forms:
 * `host.example.com` (that name only) and `.example.com` (the domain and all its
 * subdomains), lower-case DNS labels, at least two of them, the last not numeric
 * (so no IP address). Both Network Firewall domain lists and DNS Firewall can express them.
 * A token is not checked (its value is known only at deploy time).
 */
export function domainEntryProblem(entry: string): string | undefined {
  if (isUnresolved(entry)) {
    return undefined;
  }
  if (entry.includes('://')) {
    return 'has a scheme';
  }
  if (entry.includes('*')) {
    return "has a '*'; a leading dot ('.example.com') already covers the subdomains";
  }
  if (entry.includes('/')) {
    return 'has a path';
  }
  if (entry.startsWith('[') || entry.split(':').length > 2) {
    return 'is an IPv6 address, which a name-based allow-list cannot hold';
  }
  if (entry.includes(':')) {
    return 'has a port';
  }
  if (entry !== entry.toLowerCase()) {
    return 'is not lower-case';
  }
  const name = entry.startsWith('.') ? entry.slice(1) : entry;
  const labels = name.split('.');
  if (name.length > MAX_DOMAIN_LENGTH || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    return 'is not a valid DNS name';
  }
  if (NUMERIC.test(labels[labels.length - 1])) {
    return 'is an IP address, which a name-based allow-list cannot hold';
  }
  return undefined;
}

/**
 * The DNS Firewall domain specifications that match an allow-list entry:
 * `.example.com` -> `example.com` and `*.example.com`; `host.example.com` -> itself.
 */
export function dnsFirewallSpecifications(entry: string): string[] {
  return entry.startsWith('.') ? [entry.slice(1), `*${entry}`] : [entry];
}

/**
 * The DNS Firewall domain specifications of the reverse (PTR) names of an IPv4 CIDR
 * block: `10.0.0.0/16` -> `*.0.10.in-addr.arpa`. A prefix that is not on an octet
 * boundary is covered by one specification per value of its partial octet (at most 128).
 */
export function reverseLookupSpecifications(cidr: string): string[] | undefined {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) {
    return undefined;
  }
  if (parsed.prefixLength === 0) {
    return ['*.in-addr.arpa'];
  }
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(parsed.address / 2 ** shift) % 256);
  const wholeOctets = Math.floor(parsed.prefixLength / 8);
  const partialBits = parsed.prefixLength % 8;
  const fixed = octets.slice(0, wholeOctets);
  const variants = partialBits === 0 ? [fixed] :
    Array.from({ length: 2 ** (8 - partialBits) }, (_, index) => [...fixed, octets[wholeOctets] + index]);
  // A /32 names one address; anything shorter covers every name below its fixed octets.
  return variants.map((variant) => {
    const zone = [...variant].reverse().join('.');
    return variant.length === 4 ? `${zone}.in-addr.arpa` : `*.${zone}.in-addr.arpa`;
  });
}
