import { AppResources, ResolvedResource } from '../app-resources';
import { combine, notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { field, flatten, intrinsicOnPath, isIntrinsic } from '../values';

/** The port of TLS that a pass rule must not open without an SNI match. */
const HTTPS_PORT = 443;

/** How `flatten` writes a value only known at deploy time: `${LogicalId}`, `${LogicalId.Attribute}`. */
const DEPLOY_TIME = '${';

/** Stands for a value that `flatten` cannot write (a condition, an import...). */
const UNKNOWN = '${?}';

/** Protocols whose pass rules admit TLS on port 443 without parsing it (`ip` is any protocol). */
const TCP_OR_IP = new Set(['tcp', 'tcp-pkt', 'tcp-stream', 'ip']);

/** The keyword of the SNI buffer (`tls_sni` is its legacy name). */
const SNI_KEYWORDS = new Set(['tls.sni', 'tls_sni']);

const DIRECTIONS = new Set(['->', '<>']);

/** True, false, or `undefined` when the answer depends on a value only known at deploy time. */
export type Truth = boolean | undefined;

/** One option of a Suricata rule: `keyword` (lower-case) or `keyword:value`. */
export interface SuricataOption {
  readonly keyword: string;
  /** The text after the first colon, trimmed; `''` for an option without a value. */
  readonly value: string;
}

/** A Suricata rule: `action proto src_ip src_port direction dst_ip dst_port (options)`, fields as written. */
export interface SuricataRule {
  readonly action: string;
  readonly protocol: string;
  readonly source: string;
  readonly sourcePort: string;
  /** `->` or `<>` (both ways). */
  readonly direction: string;
  readonly destination: string;
  readonly destinationPort: string;
  readonly options: SuricataOption[];
}

/** Whether a port expression may match a port, and whether it must (variables may, but need not). */
export interface PortMatch {
  readonly may: Truth;
  readonly must: Truth;
}

/**
 * A stateful Network Firewall rule group is non-compliant when it passes TLS without
 * checking the SNI: in a Suricata rules string, a `pass` rule of protocol `tls` without a
 * `tls.sni` match, or of protocol `tcp` or `ip` to a destination port that may be 443
 * (`443`, `any`, a list or range holding it, a variable), unless it has a `tls.sni` match
 * or only passes the handshake (`flow:not_established`); in 5-tuple `StatefulRules`, a
 * `PASS` of TLS, or of TCP or IP to a destination port that may be 443 (5-tuple rules
 * have no SNI match). Domain lists (`RulesSourceList`) pass TLS only for listed SNIs and
 * are compliant. Rules with `<>` (5-tuple `ANY`) are checked on both ports. A rule with a
 * value only known at deploy time is not evaluated unless its literal parts decide, and
 * so is a rule that does not parse. Rules chosen by a condition are checked for each choice.
 */
export function firewallTlsSniChecked(resource: ResolvedResource, resources: AppResources): Verdict {
  const source = statefulRulesSource(resource, resources);
  if (source === null || typeof source !== 'object' || !('RulesSource' in source)) {
    return source as Verdict;
  }
  const { RulesString: rulesString, StatefulRules: statefulRules, RulesSourceList: domainList } = source.RulesSource;
  const verdicts: Verdict[] = [];
  if (rulesString !== undefined) {
    verdicts.push(rulesStringCompliance(rulesString, resources));
  }
  if (statefulRules !== undefined) {
    verdicts.push(statefulRulesCompliance(statefulRules, resources));
  }
  if (domainList !== undefined) {
    verdicts.push(RuleCompliance.COMPLIANT);
  }
  return combine(verdicts);
}

/**
 * The `RulesSource` of a stateful rule group; not-applicable for other resources and
 * stateless groups, not-evaluated when the type or the source is only known at deploy time.
 */
export function statefulRulesSource(resource: ResolvedResource, resources: AppResources): { RulesSource: Record<string, unknown> } | Verdict {
  if (resource.type !== 'AWS::NetworkFirewall::RuleGroup') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const type = resource.properties.Type;
  if (typeof type !== 'string') {
    return resources.unknown('Type', type);
  }
  if (type !== 'STATEFUL') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const source = field(resource.properties, 'RuleGroup', 'RulesSource');
  if (source === null || typeof source !== 'object' || isIntrinsic(source)) {
    return resources.unknown('RuleGroup.RulesSource', intrinsicOnPath(resource.properties, 'RuleGroup', 'RulesSource'));
  }
  return { RulesSource: source as Record<string, unknown> };
}

function rulesStringCompliance(value: unknown, resources: AppResources): Verdict {
  const text = flatten(value);
  if (text === undefined) {
    return resources.unknown('RulesString', value);
  }
  return combine(suricataRuleLines(text).map((line) => {
    const rule = parseSuricataRule(line);
    return rule ? verdict(passesTlsUnchecked(rule), line) : notEvaluated(`the rule '${line}' does not parse`);
  }));
}

function statefulRulesCompliance(value: unknown, resources: AppResources): Verdict {
  if (!Array.isArray(value)) {
    return resources.unknown('StatefulRules', value);
  }
  return combine(value.map((entry, i) => {
    const rule = fiveTupleRule(entry);
    return rule ? verdict(passesTlsUnchecked(rule), `StatefulRules[${i}]`) : resources.unknown(`the Header of StatefulRules[${i}]`, field(entry, 'Header'));
  }));
}

/** A 5-tuple rule in Suricata terms; its `RuleOptions` (sid, ...) are not read, a 5-tuple rule has no SNI match. */
function fiveTupleRule(entry: unknown): SuricataRule | undefined {
  const header = field(entry, 'Header');
  if (header === null || typeof header !== 'object' || isIntrinsic(header)) {
    return undefined;
  }
  const text = (value: unknown) => flatten(value) ?? UNKNOWN;
  const { Protocol, Source, SourcePort, Direction, Destination, DestinationPort } = header as Record<string, unknown>;
  const direction = text(Direction);
  return {
    action: text(field(entry, 'Action')),
    protocol: text(Protocol),
    source: text(Source),
    sourcePort: text(SourcePort),
    direction: direction.toUpperCase() === 'ANY' ? '<>' : direction.toUpperCase() === 'FORWARD' ? '->' : direction,
    destination: text(Destination),
    destinationPort: text(DestinationPort),
    options: [],
  };
}

function verdict(passesUnchecked: Truth, rule: string): Verdict {
  if (passesUnchecked === undefined) {
    return notEvaluated(`whether '${rule}' passes TLS unchecked depends on values only known at deploy time`);
  }
  return passesUnchecked ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

/**
 * True when the rule passes TLS traffic without checking its SNI: a `pass` without a
 * `tls.sni` match, of protocol `tls`, or of `tcp`/`ip` to a port that may be 443 without
 * being limited to the handshake (`flow:not_established`). Text containing `${` (see
 * `flatten`) is a value only known at deploy time; the answer is `undefined` when it
 * depends on one.
 */
export function passesTlsUnchecked(rule: SuricataRule): Truth {
  const pass = known(rule.action, (action) => action.toLowerCase() === 'pass');
  const tls = known(rule.protocol, (protocol) => protocol.toLowerCase() === 'tls');
  const tcpOrIp = known(rule.protocol, (protocol) => TCP_OR_IP.has(protocol.toLowerCase()));
  const bothWays = known(rule.direction, (direction) => direction === '<>');
  const toHttps = or(portMatch(rule.destinationPort, HTTPS_PORT).may, and(bothWays, portMatch(rule.sourcePort, HTTPS_PORT).may));
  const checksSni = anyOption(rule.options, (option) => SNI_KEYWORDS.has(option.keyword));
  const handshakeOnly = anyOption(rule.options, (option) => option.keyword !== 'flow' ? false
    : known(unquoted(option.value), (flags) => flags.split(',').some((flag) => flag.trim().toLowerCase() === 'not_established')));
  return and(pass, not(checksSni), or(tls, and(tcpOrIp, toHttps, not(handshakeOnly))));
}

/**
 * Whether a Suricata port expression may and must match a port: `any`, `443`, a range
 * (`1024:65535`, `1024:`, `:1023`), a variable (`$HTTPS_PORTS`: may, need not), a
 * negation (`!80`) or a list of these (`[80,443]`, `[1:1024,!80]`, nested). `undefined`
 * for a part only known at deploy time or not understood.
 */
export function portMatch(expression: string, port: number): PortMatch {
  const text = expression.trim();
  if (text.startsWith('!')) {
    const negated = portMatch(text.slice(1), port);
    return { may: not(negated.must), must: not(negated.may) };
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items === undefined) {
      return { may: undefined, must: undefined };
    }
    const included = items.filter((item) => !item.trim().startsWith('!')).map((item) => portMatch(item, port));
    const excluded = items.filter((item) => item.trim().startsWith('!')).map((item) => portMatch(item, port));
    const may = included.length === 0 ? true : or(...included.map((m) => m.may));
    const must = included.length === 0 ? true : or(...included.map((m) => m.must));
    return { may: and(may, ...excluded.map((m) => m.may)), must: and(must, ...excluded.map((m) => m.must)) };
  }
  if (text.includes(DEPLOY_TIME)) {
    return { may: undefined, must: undefined };
  }
  if (text.toLowerCase() === 'any') {
    return { may: true, must: true };
  }
  if (/^\$\w+$/.test(text)) {
    return { may: true, must: false };
  }
  const range = /^(\d*):(\d*)$/.exec(text);
  if (/^\d+$/.test(text) || (range && (range[1] || range[2]))) {
    const [low, high] = range ? [range[1] ? Number(range[1]) : 0, range[2] ? Number(range[2]) : 65535] : [Number(text), Number(text)];
    const matches = low <= port && port <= high;
    return { may: matches, must: matches };
  }
  return { may: undefined, must: undefined };
}

/**
 * The rules of a Suricata rules string: one per line, a line ending in `\` joined with the
 * next (as Suricata does, in place of the backslash); blank lines and `#` comments left
 * out. Rules are trimmed: Suricata ignores an indented line, Network Firewall may not.
 */
export function suricataRuleLines(text: string): string[] {
  const rules: string[] = [];
  let pending: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    const trimmed = line.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) {
      continue;
    }
    const joined = (pending ?? '') + line.trimEnd();
    if (joined.endsWith('\\')) {
      pending = joined.slice(0, -1);
      continue;
    }
    rules.push(joined.trim());
    pending = undefined;
  }
  if (pending !== undefined && pending.trim() !== '') {
    rules.push(pending.trim());
  }
  return rules;
}

/**
 * One Suricata rule, `action proto src_ip src_port direction dst_ip dst_port (options)`:
 * fields separated by any whitespace (lists like `[10.0.0.0/8, 192.168.0.0/16]` may hold
 * spaces), direction `->` or `<>`, options split on `;` outside quotes (`\;` and `\"`
 * escaped). `undefined` when the text is not of that form.
 */
export function parseSuricataRule(text: string): SuricataRule | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open >= 0 && (close < open || text.slice(close + 1).trim() !== '')) {
    return undefined;
  }
  const header = splitTopLevel(open < 0 ? text.trim() : text.slice(0, open).trim(), ' ');
  const options = open < 0 ? [] : parseOptions(text.slice(open + 1, close));
  if (header?.length !== 7 || options === undefined) {
    return undefined;
  }
  const [action, protocol, source, sourcePort, direction, destination, destinationPort] = header;
  if (!DIRECTIONS.has(direction) && !direction.includes(DEPLOY_TIME)) {
    return undefined;
  }
  return { action, protocol, source, sourcePort, direction, destination, destinationPort, options };
}

/** The options of a rule body, or `undefined` when a quote is not closed. */
function parseOptions(body: string): SuricataOption[] | undefined {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      current += c + body[++i];
    } else if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      quoted = c === '"' ? !quoted : quoted;
      current += c;
    }
  }
  if (quoted) {
    return undefined;
  }
  return [...parts, current].map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const colon = part.indexOf(':');
    return colon < 0
      ? { keyword: part.toLowerCase(), value: '' }
      : { keyword: part.slice(0, colon).trim().toLowerCase(), value: part.slice(colon + 1).trim() };
  });
}

/**
 * The text split on a separator (`' '`: any whitespace) outside square brackets, without
 * empty parts for whitespace, whitespace inside brackets removed; `undefined` when the
 * brackets do not balance or a `','` part is empty.
 */
function splitTopLevel(text: string, separator: ' ' | ','): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of text) {
    depth += c === '[' ? 1 : c === ']' ? -1 : 0;
    if (depth < 0) {
      return undefined;
    }
    const space = /\s/.test(c);
    if (depth === 0 && (separator === ' ' ? space : c === separator)) {
      if (separator === ',' || current !== '') {
        parts.push(current);
      }
      current = '';
    } else if (!space) {
      current += c;
    }
  }
  if (separator === ',' || current !== '') {
    parts.push(current);
  }
  return depth === 0 && parts.every((part) => part !== '') ? parts : undefined;
}

/** True when an option satisfies the test; `undefined` when an option's keyword is only known at deploy time. */
function anyOption(options: SuricataOption[], test: (option: SuricataOption) => Truth): Truth {
  return or(...options.map((option) => option.keyword.includes(DEPLOY_TIME) ? undefined : test(option)));
}

/** The predicate on the text, or `undefined` when the text holds a value only known at deploy time. */
function known(text: string, predicate: (text: string) => boolean): Truth {
  return text.includes(DEPLOY_TIME) ? undefined : predicate(text);
}

/** The text without its quoted strings (`"..."`, with `\"` escaped). */
function unquoted(text: string): string {
  return text.replace(/"(?:\\.|[^"\\])*"/g, '""');
}

function and(...values: Truth[]): Truth {
  return values.includes(false) ? false : values.includes(undefined) ? undefined : true;
}

function or(...values: Truth[]): Truth {
  return values.includes(true) ? true : values.includes(undefined) ? undefined : false;
}

function not(value: Truth): Truth {
  return value === undefined ? undefined : !value;
}

export const FIREWALL_TLS_SNI_CHECKED: StudioRule = {
  id: 'SageMakerStudio-FirewallTlsSniChecked',
  level: RuleLevel.ERROR,
  info: 'The stateful Network Firewall rule group passes TLS traffic without checking its SNI.',
  explanation: 'A pass rule that admits TLS on port 443 without an SNI match lets a client reach any IP address on the internet ' +
    'over TLS: it does not even need to spoof an allowed name.',
  fix: 'Pass TLS only with a tls.sni match (pass tls ... (tls.sni; content:"..."; ...)) or with a domain-list rule group, ' +
    'and drop the rest; a TCP pass to port 443 may only admit the handshake (flow:not_established).',
  locations: { 'AWS::NetworkFirewall::RuleGroup': 'Properties/RuleGroup/RulesSource' },
  check: firewallTlsSniChecked,
};
