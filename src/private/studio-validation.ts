import { invalid, isUnresolved, parseIpv4Cidr } from './validation';

/**
 * SageMaker's pattern and length limit for domain, user-profile and Studio lifecycle
 * configuration names (API_CreateUserProfile, API_CreateStudioLifecycleConfig). The pattern
 * alone would let repeated hyphens run past the 63 characters.
 */
const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MAX_SAGEMAKER_NAME_LENGTH = 63;
const SAGEMAKER_NAME_FORM = 'letters and digits, single or repeated hyphens between them, at most 63 characters';

/**
 * Idle shutdown of Studio apps: SageMaker takes 60 to 525,600 minutes for the idle timeout and
 * its user-settable bounds (API_IdleSettings); StudioDomain lets users choose up to 8 hours
 * unless told otherwise.
 */
export const MIN_IDLE_MINUTES = 60;
export const MAX_IDLE_MINUTES = 525_600;
export const DEFAULT_MAX_IDLE_MINUTES = 480;

/** Checks a SageMaker name; skipped for a token. */
export function checkSageMakerName(construct: string, prop: string, name: string): void {
  if (!isUnresolved(name) && (!SAGEMAKER_NAME_PATTERN.test(name) || name.length > MAX_SAGEMAKER_NAME_LENGTH)) {
    invalid(construct, prop, `'${name}' is not a valid SageMaker name`, SAGEMAKER_NAME_FORM);
  }
}

/**
 * Security groups of ours an app may carry: SageMaker adds its NFS group to the 5 an app may
 * have (API_UserSettings: SecurityGroups, "one less than the maximum").
 */
export const MAX_APP_SECURITY_GROUPS = 4;

/** Length limit of an IAM Identity Center user name on a profile (SingleSignOnUserValue, String256). */
export const MAX_SSO_USER_NAME_LENGTH = 256;

/** SageMaker's tag limits (API_Tag, API_CreateUserProfile): keys 1-128, values 0-256 characters, 50 tags. */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_TAGS = 50;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS_FORM = 'letters, digits, spaces and _ . : / = + - @';

/** Checks a tag key: 1-128 allowed characters, not starting with the reserved `aws:`; skipped for a token. */
export function checkTagKey(construct: string, prop: string, key: string): void {
  if (isUnresolved(key)) {
    return;
  }
  const allowed = `a key of 1 to ${MAX_TAG_KEY_LENGTH} ${TAG_CHARACTERS_FORM}, not starting with 'aws:'`;
  if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
    invalid(construct, prop, `tag key '${key}' has ${key.length} characters`, allowed);
  }
  if (!TAG_CHARACTERS.test(key)) {
    invalid(construct, prop, `tag key '${key}' has a character tags do not allow`, allowed);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    invalid(construct, prop, `tag key '${key}' uses the prefix 'aws:', which AWS reserves`, allowed);
  }
}

/** Checks a tag value: at most 256 allowed characters; skipped for a token. */
export function checkTagValue(construct: string, prop: string, key: string, value: string): void {
  if (isUnresolved(value)) {
    return;
  }
  const allowed = `a value of at most ${MAX_TAG_VALUE_LENGTH} ${TAG_CHARACTERS_FORM}`;
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    invalid(construct, prop, `the value of tag '${key}' has ${value.length} characters`, allowed);
  }
  if (!TAG_CHARACTERS.test(value)) {
    invalid(construct, prop, `the value '${value}' of tag '${key}' has a character tags do not allow`, allowed);
  }
}

/** An IPv6 CIDR block: eight 16-bit groups and a prefix length. */
export interface Ipv6Cidr {
  readonly groups: number[];
  readonly prefixLength: number;
}

const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const split = (half: string) => (half === '' ? [] : half.split(':'));
  const head = split(halves[0]);
  const tail = halves.length === 2 ? split(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (![...head, ...tail].every((group) => IPV6_GROUP.test(group)) || (halves.length === 2 ? missing < 1 : missing !== 0)) {
    return undefined;
  }
  return [...head, ...Array(missing).fill('0'), ...tail].map((group) => parseInt(group, 16));
}

/**
 * Parses `x:x::x/n` (hexadecimal groups, one `::` at most, n from 0 to 128); undefined when
 * the text is not a well-formed IPv6 CIDR block or has bits set after the prefix.
 */
export function parseIpv6Cidr(cidr: string): Ipv6Cidr | undefined {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
  const groups = match ? parseIpv6Groups(match[1]) : undefined;
  if (!match || !groups) {
    return undefined;
  }
  const prefixLength = Number(match[2]);
  if (prefixLength > 128) {
    return undefined;
  }
  const hostBitsClear = groups.every((group, index) => {
    const networkBits = Math.min(16, Math.max(0, prefixLength - 16 * index));
    return group % 2 ** (16 - networkBits) === 0;
  });
  return hostBitsClear ? { groups, prefixLength } : undefined;
}

/**
 * Checks a list of IP ranges in CIDR notation, IPv4 or IPv6 with the bits after the prefix
 * clear (a single address as /32 or /128), each listed once; tokens are skipped. An empty list
 * is refused, since a condition on no range matches nothing.
 */
export function checkCidrList(construct: string, prop: string, cidrs: readonly string[]): void {
  const allowed = "IPv4 or IPv6 CIDR blocks such as '203.0.113.0/24' or '2001:db8::/32' (one address as /32 or /128), each once";
  if (cidrs.length === 0) {
    invalid(construct, prop, 'an empty list', allowed);
  }
  const seen = new Set<string>();
  for (const cidr of cidrs) {
    if (isUnresolved(cidr)) {
      continue;
    }
    if (!parseIpv4Cidr(cidr) && !parseIpv6Cidr(cidr)) {
      invalid(construct, prop, `'${cidr}' is not a CIDR block (an address, '/' and a prefix length, with the bits after the prefix clear)`, allowed);
    }
    if (seen.has(cidr.toLowerCase())) {
      invalid(construct, prop, `'${cidr}' is listed twice`, allowed);
    }
    seen.add(cidr.toLowerCase());
  }
}
