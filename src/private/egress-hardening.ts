import { invalid, isUnresolved } from './validation';

/** A host the egress firewall denies ahead of its allow-list, with the reason logged on every drop. */
export interface HostDenial {
  readonly host: string;
  readonly reason: string;
}

/**
 * Hosts that accept uploads, pushes or writes under domains that notebooks commonly
 * download from. The EgressFirewall denies each one that an allowed domain covers,
 * unless it is waived with `allowedUploadHosts`.
 */
export const KNOWN_UPLOAD_HOSTS: readonly HostDenial[] = [
  { host: 'upload.pypi.org', reason: 'PyPI package upload (twine)' },
  { host: 'test.pypi.org', reason: 'TestPyPI accepts package uploads from anyone with an account' },
  { host: 'uploads.github.com', reason: 'GitHub release asset upload' },
  { host: 'gist.github.com', reason: 'GitHub gists: git push of arbitrary files' },
  { host: 'api.github.com', reason: 'GitHub REST API: creates gists, issues and files with a token' },
  { host: 'api.anaconda.org', reason: 'anaconda upload of packages and notebooks' },
];

const REASON_CHARACTERS = /^[A-Za-z0-9 .,:()/'-]*$/;
const MAX_REASON_LENGTH = 200;

/** Suricata `sid`s of the hardening rules start here, one per rule, in order. */
const FIRST_SID = 1_000_001;

/** What the hardening rules must express besides the fixed protocol rules. */
export interface HardeningOptions {
  /** Hosts to drop ahead of the allow-list. */
  readonly deniedHosts: readonly HostDenial[];
  /** With TLS inspection the firewall sees decrypted HTTP on 443; it must not be dropped as a bypass. */
  readonly tlsInspection: boolean;
  /** Pass only GET and HEAD requests (only with TLS inspection, which makes HTTPS requests visible). */
  readonly readOnly: boolean;
}

/** Throws unless the reason can stand inside a Suricata `msg` without escaping; a token is not checked. */
export function validateDeniedHostReason(prop: string, host: HostDenial): void {
  if (isUnresolved(host.reason)) {
    return;
  }
  const allowed = `a plain reason of 1 to ${MAX_REASON_LENGTH} letters, digits, spaces and .,:()/'-, e.g. 'accepts package uploads'`;
  if (host.reason.length === 0) {
    invalid('EgressFirewall', prop, `the reason of '${host.host}' is empty`, allowed);
  }
  if (host.reason.length > MAX_REASON_LENGTH) {
    invalid('EgressFirewall', prop, `the reason of '${host.host}' is ${host.reason.length} characters long`, allowed);
  }
  if (!REASON_CHARACTERS.test(host.reason)) {
    invalid('EgressFirewall', prop, `the reason of '${host.host}' has a character other than letters, digits, spaces and .,:()/'-`, allowed);
  }
}

/**
 * True when an allow-list entry (`host.example.com` or `.example.com`) admits the
 * denied host entry, so that the host needs a rule of its own.
 */
export function allowListCovers(allowed: string, denied: string): boolean {
  const deniedName = denied.startsWith('.') ? denied.slice(1) : denied;
  if (allowed.startsWith('.')) {
    return deniedName === allowed.slice(1) || deniedName.endsWith(allowed);
  }
  return !denied.startsWith('.') && deniedName === allowed;
}

/**
 * The Suricata rules, in strict order, that the egress firewall evaluates before the
 * domain allow-list (docs/decisions/006-egress-hardening.md):
 * denied hosts (TLS SNI and HTTP Host), then the protocol bypasses: UDP (QUIC) and
 * ICMP to the internet, TCP to ports other than 80 and 443, TLS on 80, HTTP on 443,
 * an IP address as the SNI; with `readOnly`, HTTP methods other than GET and HEAD.
 * TLS without an SNI matches no pass rule of the allow-list and falls to the policy's
 * drop-established default.
 */
export function hardeningRules(options: HardeningOptions): string[] {
  const body: string[] = [];
  for (const { host, reason } of options.deniedHosts) {
    body.push(
      `drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"denied host ${host}: ${reason}"; flow:to_server; tls.sni; ${nameMatch(host)})`,
      `drop http $HOME_NET any -> $EXTERNAL_NET any (msg:"denied host ${host}: ${reason}"; flow:to_server; http.host; ${nameMatch(host)})`,
    );
  }
  body.push(
    'drop udp $HOME_NET any -> $EXTERNAL_NET any (msg:"UDP to the internet (QUIC, outside DNS resolvers)";)',
    'drop icmp $HOME_NET any -> $EXTERNAL_NET any (msg:"ICMP to the internet";)',
    'drop tcp $HOME_NET any -> $EXTERNAL_NET ![80,443] (msg:"TCP to a port other than 80 and 443";)',
    'drop tls $HOME_NET any -> $EXTERNAL_NET 80 (msg:"TLS on port 80"; flow:to_server;)',
    'drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"TLS whose SNI is an IP address"; flow:to_server; tls.sni; pcre:"/^[0-9.]+$|:/";)',
  );
  if (!options.tlsInspection) {
    body.push('drop http $HOME_NET any -> $EXTERNAL_NET 443 (msg:"plain HTTP on port 443"; flow:to_server;)');
  }
  if (options.readOnly) {
    body.push('drop http $HOME_NET any -> $EXTERNAL_NET any (msg:"read-only egress: HTTP method other than GET or HEAD"; ' +
      'flow:to_server; http.method; content:!"GET"; content:!"HEAD";)');
  }
  return body.map((rule, index) => rule.replace(/\)$/, ` sid:${FIRST_SID + index}; rev:1;)`));
}

/** The content match of a denied host on a sticky buffer: the exact name, or the domain and its subdomains. */
function nameMatch(host: string): string {
  return host.startsWith('.') ?
    `dotprefix; content:"${host}"; nocase; endswith;` :
    `content:"${host}"; nocase; startswith; endswith;`;
}
