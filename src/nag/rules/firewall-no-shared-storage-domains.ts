import { AppResources, ResolvedResource } from '../app-resources';
import { combine, notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, field, flatten } from '../values';
import { parseSuricataRule, statefulRulesSource, suricataRuleLines, SuricataOption } from './firewall-tls-sni-checked';

/** Hosts that serve any account's bucket by path (`s3.<region>.amazonaws.com/<bucket>`). */
const PATH_STYLE_HOSTS = [/^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/, /^storage\.googleapis\.com$/];
/** Domains whose subdomains are anyone's (`<bucket>.s3.amazonaws.com`, `<api>.execute-api.<region>.amazonaws.com`...). */
const TENANT_DOMAINS = [
  /^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/,
  /^execute-api\.[a-z0-9-]+\.amazonaws\.com$/,
  /^lambda-url\.[a-z0-9-]+\.on\.aws$/,
  /^cloudfront\.net$/,
  /^blob\.core\.windows\.net$/,
  /^storage\.googleapis\.com$/,
];
/** One host of each kind, to test whether a wildcard's domain is a parent of one (`.amazonaws.com`, `.eu-west-1.amazonaws.com`, `.net`). */
const SHARED_HOSTS = (region: string) => [
  's3.amazonaws.com',
  `s3.${region}.amazonaws.com`,
  `api.execute-api.${region}.amazonaws.com`,
  `function.lambda-url.${region}.on.aws`,
  'distribution.cloudfront.net',
  'account.blob.core.windows.net',
  'storage.googleapis.com',
  `s3.${region}.amazonaws.com.cn`,
];
const REGION = /(?:^|\.)([a-z]{2}(?:-gov)?-[a-z]+-\d)(?:\.|$)/;
const HOST_BUFFERS = new Set(['tls.sni', 'tls_sni', 'http.host', 'http_host']);

/** How an allow-list entry matches hosts: exactly, as a domain and its subdomains (`.example.com`), or as any host that ends with or contains a text. */
export type HostMatch = { readonly text: string; readonly how: 'exact' | 'domain' | 'suffix' | 'substring' };

/**
 * A stateful Network Firewall rule group is non-compliant when it allows hosts that
 * serve other accounts' data: in a domain allow-list (`RulesSourceList`, `ALLOWLIST`), a
 * target, and in a Suricata rules string, the `tls.sni` or `http.host` content of a
 * `pass` rule, that admits `.amazonaws.com` (or a parent such as `.com`, or a regional
 * `.<region>.amazonaws.com`), S3 hosts that serve any bucket (`s3.<region>.amazonaws.com`
 * by path, `.s3.amazonaws.com` for every bucket), every API Gateway or Lambda URL, or
 * every CloudFront, Azure Blob or Google Cloud Storage host. Through the NAT such hosts
 * reach buckets of other accounts and regions that the S3 endpoint policy never sees.
 * A bucket's own host (`data.s3.eu-west-1.amazonaws.com`) is compliant. Deny lists and
 * 5-tuple rules are compliant; a target only known at deploy time is not evaluated.
 */
export function firewallNoSharedStorageDomains(resource: ResolvedResource, resources: AppResources): Verdict {
  const source = statefulRulesSource(resource, resources);
  if (source === null || typeof source !== 'object' || !('RulesSource' in source)) {
    return source as Verdict;
  }
  const { RulesString: rulesString, RulesSourceList: list } = source.RulesSource;
  const verdicts: Verdict[] = [RuleCompliance.COMPLIANT];
  if (list !== undefined) {
    verdicts.push(domainListCompliance(list, resources));
  }
  if (rulesString !== undefined) {
    const text = flatten(rulesString);
    verdicts.push(text === undefined ? resources.unknown('RulesString', rulesString) : rulesStringCompliance(text));
  }
  return combine(verdicts);
}

function domainListCompliance(list: unknown, resources: AppResources): Verdict {
  const type = field(list, 'GeneratedRulesType');
  const targets = field(list, 'Targets');
  if (typeof type !== 'string') {
    return resources.unknown('RulesSourceList.GeneratedRulesType', type);
  }
  if (type !== 'ALLOWLIST') {
    return RuleCompliance.COMPLIANT;
  }
  if (!Array.isArray(targets)) {
    return resources.unknown('RulesSourceList.Targets', targets);
  }
  return combine([RuleCompliance.COMPLIANT, ...asList(targets).map((target): Verdict => {
    if (typeof target !== 'string') {
      return resources.unknown('a target of RulesSourceList', target);
    }
    const host = target.toLowerCase();
    return verdict(host.startsWith('.') ? { text: host.slice(1), how: 'domain' } : { text: host, how: 'exact' });
  })]);
}

function rulesStringCompliance(text: string): Verdict {
  return combine([RuleCompliance.COMPLIANT, ...suricataRuleLines(text).map((line): Verdict => {
    const rule = parseSuricataRule(line);
    if (!rule || rule.action.toLowerCase() !== 'pass') {
      return RuleCompliance.COMPLIANT;
    }
    const match = hostMatch(rule.options);
    if (match === undefined) {
      return RuleCompliance.COMPLIANT;
    }
    return match.text.includes('${') ? notEvaluated(`the host that '${line}' passes is only known at deploy time`) : verdict(match);
  })]);
}

/** The host match of the first content after a `tls.sni` or `http.host` buffer, with its `startswith`/`endswith`/`dotprefix`. */
function hostMatch(options: SuricataOption[]): HostMatch | undefined {
  const buffer = options.findIndex((option) => HOST_BUFFERS.has(option.keyword));
  const content = buffer < 0 ? -1 : options.findIndex((option, i) => i > buffer && option.keyword === 'content');
  if (content < 0) {
    return undefined;
  }
  const text = options[content].value.replace(/^!?"|"$/g, '').toLowerCase();
  const modifiers = options.slice(content + 1).map((option) => option.keyword);
  const dotted = options.slice(buffer, content).some((option) => option.keyword === 'dotprefix') || text.startsWith('.');
  const domain = text.replace(/^\./, '');
  if (modifiers.includes('endswith')) {
    if (modifiers.includes('startswith') && !text.startsWith('.')) {
      return { text: domain, how: 'exact' };
    }
    return dotted ? { text: domain, how: 'domain' } : { text, how: 'suffix' };
  }
  return { text, how: 'substring' };
}

function verdict(match: HostMatch): Verdict {
  return admitsSharedStorage(match) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

/** True when the entry admits a host that serves any account's data. */
export function admitsSharedStorage({ text, how }: HostMatch): boolean {
  if (how === 'exact') {
    return PATH_STYLE_HOSTS.some((host) => host.test(text));
  }
  if ([...PATH_STYLE_HOSTS, ...TENANT_DOMAINS].some((domain) => domain.test(text))) {
    return true;
  }
  const region = REGION.exec(text)?.[1] ?? 'us-east-1';
  const covers = (host: string) => how === 'domain' ? host.endsWith(`.${text}`) : how === 'suffix' ? host.endsWith(text) : host.includes(text);
  return SHARED_HOSTS(region).some(covers);
}

export const FIREWALL_NO_SHARED_STORAGE_DOMAINS: StudioRule = {
  id: 'SageMakerStudio-FirewallNoSharedStorageDomains',
  level: RuleLevel.ERROR,
  info: 'The firewall allow-list admits a domain that serves other accounts\' data (e.g. .amazonaws.com, S3 hosts of any bucket, CloudFront).',
  explanation: 'Same-region S3 goes through the gateway endpoint and its policy, but an allowed .amazonaws.com or S3 host lets code reach any ' +
    'bucket of any account in another region through the NAT, where the endpoint policy never applies; the same holds for other shared hosting domains.',
  fix: 'Allow only the exact hosts Studio needs (e.g. pypi.org, files.pythonhosted.org), and the hosts of named buckets (<bucket>.s3.<region>.amazonaws.com), ' +
    'never a domain that any account can publish under.',
  locations: { 'AWS::NetworkFirewall::RuleGroup': 'Properties/RuleGroup/RulesSource' },
  check: firewallNoSharedStorageDomains,
};
