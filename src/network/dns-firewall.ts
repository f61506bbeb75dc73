import { Aws, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { lookupManagedDomainListIds, MANAGED_THREAT_LIST_NAMES } from './dns-threat-lists/managed-domain-lists';
import { dnsFirewallSpecifications, reverseLookupSpecifications } from '../private/domain-names';
import { checkDomainEntries, ipv4CidrProblem } from '../private/network-validation';
import { invalid } from '../private/validation';

const NAME = 'StudioDnsFirewall';
/** Domains one DNS Firewall domain list takes inline (UpdateFirewallDomains: 1,000 per request). */
const MAX_INLINE_DNS_DOMAINS = 1_000;
/** Association priorities customers may use; 1-100 and 9900-10000 belong to Firewall Manager. */
const MIN_ASSOCIATION_PRIORITY = 101;
const MAX_ASSOCIATION_PRIORITY = 9_899;
const DEFAULT_ASSOCIATION_PRIORITY = 1_000;
/** Reverse zones of the RFC 1918 private ranges, for a VPC whose CIDR block is unknown at synth time. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** Rule priorities inside the rule group: threat lists, denied hosts, the allow-list, then everything else. */
const THREAT_LIST_PRIORITY = 10;
const DENIED_PRIORITY = 100;
const ALLOWED_PRIORITY = 200;
const CATCH_ALL_PRIORITY = 300;

/**
 * What the DNS Firewall does with a name that is neither allowed nor denied.
 */
export enum DnsFirewallMode {
  /** Block it with the block response: only allowed names resolve. */
  ENFORCE = 'ENFORCE',
  /**
   * Let it resolve and log an alert: a rollout mode to watch, in the query logs, what
   * enforcement would block. Threat lists and denied hosts are blocked in both modes.
   */
  ALERT = 'ALERT',
}

/**
 * The answer a blocked query gets.
 */
export enum DnsBlockResponse {
  /** The name does not exist. */
  NXDOMAIN = 'NXDOMAIN',
  /** The name exists but has no record of the queried type. */
  NODATA = 'NODATA',
}

/**
 * Properties of a StudioDnsFirewall.
 */
export interface StudioDnsFirewallProps {
  /** The VPC whose Route 53 Resolver queries are filtered. */
  readonly vpc: ec2.IVpc;

  /**
   * Names to allow besides the AWS names Studio needs: `host.example.com` for that name
   * only, `.example.com` for the domain and all its subdomains. More can be added with
   * `addAllowedDomains` before synthesis.
   *
   * @default - only the AWS names of the region that Studio and the VPC endpoints use
   */
  readonly allowedDomains?: string[];

  /**
   * Whether names outside the allow-list are blocked or only alerted on.
   *
   * @default DnsFirewallMode.ENFORCE
   */
  readonly mode?: DnsFirewallMode;

  /**
   * The answer to a blocked query.
   *
   * @default DnsBlockResponse.NXDOMAIN
   */
  readonly blockResponse?: DnsBlockResponse;

  /**
   * Protect the association from being changed or removed outside CloudFormation.
   * Turn it off only if a team must edit the association by hand.
   *
   * @default true
   */
  readonly mutationProtection?: boolean;

  /**
   * Priority of the rule group's association with the VPC, from 101 to 9899; lower
   * numbers are evaluated first, and the first rule that allows or blocks a query ends
   * the evaluation.
   *
   * @default 1000
   */
  readonly associationPriority?: number;

  /**
   * IPv4 CIDR blocks whose reverse (PTR) names may be resolved, e.g. the VPC's.
   *
   * A token stands for the RFC 1918 private ranges, whose reverse zones are then allowed.
   *
   * @default - the VPC's CIDR block when known at synth time, else the RFC 1918 private ranges
   */
  readonly reverseLookupCidrs?: string[];
}

/**
 * A Route 53 Resolver DNS Firewall for a Studio VPC: code in the VPC can resolve only
 * the AWS names of the region that Studio and the VPC endpoints use and the allowed
 * domains, so it cannot leak data as DNS queries for a domain its owner controls.
 *
 * One rule group, associated with the VPC, in this order: block the AWS-managed threat
 * lists; block denied hosts; allow the allow-list (trusting the CNAME chain of an allowed
 * name, as CDNs answer with their own names); block (or, in ALERT mode, alert on)
 * everything else. Resolver fails closed for a VPC with an association unless someone
 * turns fail-open on (the documented default; CloudFormation cannot pin it, see the
 * decision record).
 * See docs/decisions/005-dns-firewall.md for each allowed AWS name and why.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new StudioDnsFirewall(this, 'DnsFirewall', {
 *   vpc,
 *   allowedDomains: ['.pypi.org', 'files.pythonhosted.org'],
 * });
 */
export class StudioDnsFirewall extends Construct {
  /** The rule group. */
  public readonly ruleGroup: route53resolver.CfnFirewallRuleGroup;
  /** The association of the rule group with the VPC. */
  public readonly association: route53resolver.CfnFirewallRuleGroupAssociation;
  /** The domain list of allowed names. */
  public readonly allowList: route53resolver.CfnFirewallDomainList;
  /** The mode. */
  public readonly mode: DnsFirewallMode;

  private readonly allowed = new Set<string>();
  private readonly denied = new Set<string>();
  private readonly awsSpecifications: string[];
  private readonly baseName: string;
  private denyList?: route53resolver.CfnFirewallDomainList;

  constructor(scope: Construct, id: string, props: StudioDnsFirewallProps) {
    super(scope, id);
    this.mode = props.mode ?? DnsFirewallMode.ENFORCE;
    const blockResponse = props.blockResponse ?? DnsBlockResponse.NXDOMAIN;
    const priority = props.associationPriority ?? DEFAULT_ASSOCIATION_PRIORITY;
    if (!Token.isUnresolved(priority) &&
      (!Number.isInteger(priority) || priority < MIN_ASSOCIATION_PRIORITY || priority > MAX_ASSOCIATION_PRIORITY)) {
      invalid(NAME, 'associationPriority', `got ${priority}`,
        `a whole number from ${MIN_ASSOCIATION_PRIORITY} to ${MAX_ASSOCIATION_PRIORITY} (the others belong to Firewall Manager)`);
    }
    this.baseName = Names.uniqueResourceName(this, { maxLength: 50, separator: '-', allowedSpecialCharacters: '-' });
    this.awsSpecifications = [
      ...regionalAwsSpecifications(Stack.of(this).region),
      ...reverseSpecifications(props.vpc, props.reverseLookupCidrs),
    ];
    this.addAllowedDomains(...props.allowedDomains ?? []);

    const threatListIds = lookupManagedDomainListIds(this);
    this.allowList = new route53resolver.CfnFirewallDomainList(this, 'AllowList', {
      name: `${this.baseName}-allowed`,
      domains: Lazy.list({ produce: () => this.allowListSpecifications() }),
    });
    const catchAll = new route53resolver.CfnFirewallDomainList(this, 'AllNames', {
      name: `${this.baseName}-all-names`,
      domains: ['*'],
    });
    const block = { action: 'BLOCK', blockResponse };
    this.ruleGroup = new route53resolver.CfnFirewallRuleGroup(this, 'RuleGroup', {
      name: `${this.baseName}-rules`,
      firewallRules: Lazy.any({
        produce: () => [
          ...MANAGED_THREAT_LIST_NAMES.map((listName, index) => ({
            ...block, priority: THREAT_LIST_PRIORITY + index, firewallDomainListId: threatListIds[listName],
          })),
          ...this.denyList ? [{ ...block, priority: DENIED_PRIORITY, firewallDomainListId: this.denyList.attrId }] : [],
          {
            action: 'ALLOW',
            priority: ALLOWED_PRIORITY,
            firewallDomainListId: this.allowList.attrId,
            firewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN',
          },
          this.mode === DnsFirewallMode.ENFORCE ?
            { ...block, priority: CATCH_ALL_PRIORITY, firewallDomainListId: catchAll.attrId } :
            { action: 'ALERT', priority: CATCH_ALL_PRIORITY, firewallDomainListId: catchAll.attrId },
        ],
      }),
    });
    this.association = new route53resolver.CfnFirewallRuleGroupAssociation(this, 'Association', {
      name: `${this.baseName}-vpc`,
      firewallRuleGroupId: this.ruleGroup.attrId,
      vpcId: props.vpc.vpcId,
      priority,
      mutationProtection: (props.mutationProtection ?? true) ? 'ENABLED' : 'DISABLED',
    });
    this.node.addValidation({ validate: () => this.validateListSizes() });
  }

  /**
   * Allows more names (same forms as `allowedDomains`). Call before synthesis.
   */
  public addAllowedDomains(...domains: string[]): void {
    this.addEntries(this.allowed, 'allowedDomains', domains);
  }

  /**
   * Blocks names ahead of the allow-list, e.g. an upload host under an allowed domain
   * (`upload.pypi.org` under `.pypi.org`); same forms as `allowedDomains`. Denied names
   * are blocked in both modes. Call before synthesis.
   */
  public addDeniedDomains(...domains: string[]): void {
    this.addEntries(this.denied, 'addDeniedDomains', domains);
    this.denyList ??= new route53resolver.CfnFirewallDomainList(this, 'DenyList', {
      name: `${this.baseName}-denied`,
      domains: Lazy.list({ produce: () => [...this.denied].flatMap(dnsFirewallSpecifications) }),
    });
  }

  /** The allowed names given so far (not the built-in AWS names). */
  public get allowedDomains(): string[] {
    return [...this.allowed];
  }

  /** The denied names given so far. */
  public get deniedDomains(): string[] {
    return [...this.denied];
  }

  /** Names listed twice are kept once: an EgressFirewall and the network may both allow a name. */
  private addEntries(target: Set<string>, prop: string, domains: string[]): void {
    checkDomainEntries(NAME, prop, domains);
    domains.forEach((domain) => target.add(domain));
  }

  private allowListSpecifications(): string[] {
    return [...new Set([...this.awsSpecifications, ...[...this.allowed].flatMap(dnsFirewallSpecifications)])];
  }

  private validateListSizes(): string[] {
    const errors: string[] = [];
    const allowedCount = this.allowListSpecifications().length;
    if (allowedCount > MAX_INLINE_DNS_DOMAINS) {
      errors.push(`${NAME} allowedDomains: the allow-list needs ${allowedCount} domain specifications, more than the ` +
        `${MAX_INLINE_DNS_DOMAINS} a domain list takes inline; allow whole domains ('.example.com') instead of their hosts`);
    }
    const deniedCount = [...this.denied].flatMap(dnsFirewallSpecifications).length;
    if (deniedCount > MAX_INLINE_DNS_DOMAINS) {
      errors.push(`${NAME} deniedDomains: ${deniedCount} domain specifications, more than the ${MAX_INLINE_DNS_DOMAINS} ` +
        'a domain list takes inline; deny fewer hosts');
    }
    return errors;
  }
}

/**
 * The AWS names of the region that Studio apps resolve (docs/decisions/005-dns-firewall.md):
 * service endpoints and the private DNS names of the interface endpoints, the Studio and
 * notebook UI, and the EC2 internal host names.
 */
function regionalAwsSpecifications(region: string): string[] {
  const regional = (suffix: string) => `*.${region}.${suffix}`;
  const internal = Token.isUnresolved(region) ? ['*.ec2.internal', regional('compute.internal')] :
    region === 'us-east-1' ? ['*.ec2.internal'] : [regional('compute.internal')];
  return [
    regional(Aws.URL_SUFFIX),
    `*.studio.${region}.sagemaker.aws`,
    `*.notebook.${region}.sagemaker.aws`,
    ...internal,
  ];
}

function reverseSpecifications(vpc: ec2.IVpc, cidrs?: string[]): string[] {
  const vpcCidr = knownVpcCidr(vpc);
  const known = cidrs ?? (vpcCidr === undefined || Token.isUnresolved(vpcCidr) ? PRIVATE_RANGES : [vpcCidr]);
  return known.flatMap((cidr) => {
    if (Token.isUnresolved(cidr)) {
      return reverseSpecifications(vpc, PRIVATE_RANGES);
    }
    const problem = ipv4CidrProblem(cidr);
    if (problem) {
      invalid(NAME, 'reverseLookupCidrs', `'${cidr}' ${problem}`, 'IPv4 network addresses with a prefix length, such as 10.0.0.0/16');
    }
    return reverseLookupSpecifications(cidr)!;
  });
}

/** The VPC's CIDR block, or undefined for an imported VPC given without one (its getter throws). */
function knownVpcCidr(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}
