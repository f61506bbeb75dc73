import { Fn, Lazy, Names, RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SecureStudioVpc } from './secure-studio-vpc';
import { StudioEgressMode } from './studio-egress';
import { caTrustScript, pemProblem } from '../private/ca-trust-script';
import { allowListCovers, hardeningRules, KNOWN_UPLOAD_HOSTS, validateDeniedHostReason } from '../private/egress-hardening';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { checkBucketLocation, checkDomainEntries, requireLiteral } from '../private/network-validation';
import { checkNoDuplicates, checkRegionalArn, invalid, isUnresolved } from '../private/validation';

const NAME = 'EgressFirewall';
const NAME_PATTERN = /^[a-zA-Z0-9-]+$/;
/** Longest base name: the longest suffix the construct appends is '-allow-list-30000'. */
const MAX_BASE_NAME_LENGTH = 128 - '-allow-list-30000'.length;
/** Largest capacity of a stateful rule group (Network Firewall quotas). */
const MAX_STATEFUL_CAPACITY = 30_000;
/** Default capacities step through these values, so that growing a list rarely changes them. */
const CAPACITY_STEPS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, MAX_STATEFUL_CAPACITY];
/** Each domain becomes one rule per inspected protocol (TLS SNI and HTTP Host). */
const TARGET_TYPES = ['TLS_SNI', 'HTTP_HOST'];
const EXTRA_RULES_PRIORITY = 100;
const HARDENING_PRIORITY = 150;
const ALLOW_LIST_PRIORITY = 200;

/**
 * A host under an allowed domain that the egress firewall and the DNS Firewall deny,
 * because it accepts uploads or writes.
 */
export interface DeniedHost {
  /** The host, `host.example.com`, or `.example.com` for a domain and all its subdomains (a literal). */
  readonly host: string;
  /** Why it is denied, logged with every drop: letters, digits, spaces and `.,:()/'-` only, at most 200 characters. */
  readonly reason: string;
}

/**
 * Outbound TLS inspection by the firewall, with a certificate authority of yours.
 */
export interface EgressTlsInspection {
  /**
   * The CA certificate, imported into ACM in the stack's region and partition with its private key
   * (Network Firewall cannot use ACM-issued or AWS Private CA certificates for this). The
   * firewall re-signs the certificates of inspected sites with it.
   */
  readonly certificateAuthority: acm.ICertificate;

  /**
   * The same CA certificate in PEM form (public part only), which the Studio apps must
   * trust: `caTrustScript` installs it for pip, requests, conda, git, curl and Node.js.
   */
  readonly caCertificatePem: string;

  /**
   * Pass only HTTP GET and HEAD requests to the allowed domains, so that nothing can be
   * uploaded to them (decrypted HTTPS included).
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * Properties of an EgressFirewall.
 */
export interface EgressFirewallProps {
  /**
   * The network to protect. It must have been created with
   * `StudioEgress.FIREWALL_READY`, which gives every studio AZ a NAT and a firewall subnet.
   */
  readonly network: SecureStudioVpc;

  /**
   * Domains that Studio may reach over HTTPS (TLS SNI) and HTTP (Host header):
   * `host.example.com` for that name only, `.example.com` for the domain and all its
   * subdomains. Lower-case, no scheme, port, path or `*`. More can be added with
   * `addAllowedDomains` before synthesis. A domain given as a token is not checked, and
   * makes the firewall deny every known upload host that is not waived.
   *
   * @default - none; at least one domain must be added with `addAllowedDomains` before synthesis
   */
  readonly allowedDomains?: string[];

  /**
   * Capacity of the domain allow-list rule group. Capacity is fixed when the rule group
   * is created; the construct derives the rule group's name from it, so that a change
   * replaces the rule group safely.
   *
   * @default - twice what the list needs, rounded up to 100, 250, 500, 1000, 2500, 5000, 10000, 20000 or 30000
   */
  readonly allowListCapacity?: number;

  /**
   * More hosts to deny ahead of the allow-list (TLS SNI and HTTP Host), each with the
   * reason that is logged with every drop; also blocked by the network's DNS Firewall.
   *
   * @default - only the known upload hosts (`EgressFirewall.KNOWN_UPLOAD_HOSTS`) that an allowed domain covers
   */
  readonly deniedHosts?: DeniedHost[];

  /**
   * Known upload hosts (from `EgressFirewall.KNOWN_UPLOAD_HOSTS`) to allow after all,
   * e.g. 'api.github.com' for a team that must call the GitHub API. Literals, each once.
   *
   * @default - every known upload host that an allowed domain covers is denied
   */
  readonly allowedUploadHosts?: string[];

  /**
   * Decrypt and inspect outbound HTTPS with a certificate authority of yours: a spoofed
   * SNI then fails the firewall's check of the server certificate, and with `readOnly`
   * nothing but GET and HEAD reaches the allowed domains. Adds per-GB TLS inspection
   * charges and requires every client to trust the CA (see `caTrustScript`).
   *
   * @default - no TLS inspection: TLS passes on its SNI alone
   */
  readonly tlsInspection?: EgressTlsInspection;

  /**
   * Extra stateful rules in Suricata syntax, one per line, placed in their own rule group
   * that is evaluated before the built-in hardening rules and the allow-list (strict order).
   *
   * @default - no extra rules
   */
  readonly extraStatefulRules?: string;

  /**
   * Capacity of the extra rules' rule group. Required when `extraStatefulRules` is a token.
   *
   * @default - twice the number of rules, rounded up like `allowListCapacity`
   */
  readonly extraRulesCapacity?: number;

  /**
   * Base name of the firewalls (suffixed with the AZ number), the policy and the rule
   * groups: letters, digits and hyphens, at most 111 characters.
   *
   * @default - derived from the construct path
   */
  readonly firewallName?: string;

  /**
   * Send alert and flow logs to this S3 bucket instead of CloudWatch log groups. Cannot
   * be combined with `logRetention` or `logEncryptionKey`.
   *
   * @default - two KMS-encrypted CloudWatch log groups, for alerts and for flows
   */
  readonly logBucket?: s3.IBucket;

  /**
   * Retention of the alert and flow log groups.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Customer-managed key for the log groups. Its key policy must let CloudWatch Logs of
   * this region use it; that statement is added for a key defined in the same CDK app.
   *
   * @default - a new key with rotation enabled
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * What happens to the log groups and the key the construct creates when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * AWS Network Firewall in front of the internet for a firewall-ready SecureStudioVpc:
 * in every AZ, studio subnet -> NAT gateway -> firewall endpoint -> internet gateway,
 * and back through the same AZ's endpoint. Only the allow-listed domains (TLS SNI and
 * HTTP Host) pass; anything else, of any protocol, is dropped and logged.
 *
 * Each AZ gets its own firewall (all share one policy), so each firewall has exactly
 * one endpoint and no route depends on the unordered `EndpointIds` list
 * (docs/decisions/004-one-firewall-per-az.md).
 *
 * @example
 * const network = new SecureStudioVpc(this, 'Network', { maxAzs: 3, egress: StudioEgress.FIREWALL_READY });
 * new EgressFirewall(this, 'Firewall', {
 *   network,
 *   allowedDomains: ['.pypi.org', '.pythonhosted.org', 'github.com'],
 * });
 */
export class EgressFirewall extends Construct {
  /** Hosts that accept uploads under domains notebooks commonly download from, each with its reason. */
  public static readonly KNOWN_UPLOAD_HOSTS: DeniedHost[] = KNOWN_UPLOAD_HOSTS.map((known) => ({ ...known }));

  /** The firewalls, one per AZ, in the order of `availabilityZones`. */
  public readonly firewalls: nfw.CfnFirewall[];
  /** The firewall policy shared by all firewalls. */
  public readonly policy: nfw.CfnFirewallPolicy;
  /** The domain allow-list rule group. */
  public readonly allowListRuleGroup: nfw.CfnRuleGroup;
  /** The rule group of `extraStatefulRules`, when given. */
  public readonly extraRuleGroup?: nfw.CfnRuleGroup;
  /** The rule group that drops denied hosts and protocol bypasses ahead of the allow-list. */
  public readonly hardeningRuleGroup: nfw.CfnRuleGroup;
  /** The TLS inspection configuration, with `tlsInspection`. */
  public readonly tlsInspectionConfiguration?: nfw.CfnTLSInspectionConfiguration;
  /**
   * With `tlsInspection`: a Studio lifecycle configuration script (JupyterLab, Code
   * Editor) that makes pip, requests, conda, git, curl and Node.js trust the inspection CA.
   */
  public readonly caTrustScript?: string;
  /** The AZs the firewall covers. */
  public readonly availabilityZones: string[];
  /** The firewall endpoint id (`vpce-...`) of each AZ, in the order of `availabilityZones`. */
  public readonly endpointIds: string[];
  /** The alert log group, unless the logs go to S3. */
  public readonly alertLogGroup?: logs.ILogGroup;
  /** The flow log group, unless the logs go to S3. */
  public readonly flowLogGroup?: logs.ILogGroup;

  private readonly domains = new Set<string>();
  private readonly deniedHosts = new Map<string, DeniedHost>();
  private readonly waivedUploadHosts: Set<string>;
  private readonly network: SecureStudioVpc;

  constructor(scope: Construct, id: string, props: EgressFirewallProps) {
    super(scope, id);
    const baseName = props.firewallName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-', allowedSpecialCharacters: '-' });
    validateBaseName(baseName);
    const layout = firewallLayout(props.network);
    this.network = props.network;
    this.availabilityZones = layout.map((az) => az.availabilityZone);
    this.waivedUploadHosts = validateWaivers(props.allowedUploadHosts ?? []);
    checkRegionalArn(this, NAME, 'logEncryptionKey', props.logEncryptionKey?.keyArn, 'kms');
    checkBucketLocation(this, NAME, 'logBucket', props.logBucket);
    checkNoDuplicates(NAME, 'deniedHosts', (props.deniedHosts ?? []).map((denied) => denied.host));
    for (const denied of props.deniedHosts ?? []) {
      this.denyHost('deniedHosts', denied);
    }
    this.addAllowedDomains(...props.allowedDomains ?? []);

    this.allowListRuleGroup = this.createAllowList(baseName, props.allowListCapacity);
    if (props.extraStatefulRules !== undefined) {
      this.extraRuleGroup = createExtraRuleGroup(this, baseName, props.extraStatefulRules, props.extraRulesCapacity);
    } else if (props.extraRulesCapacity !== undefined) {
      invalid(NAME, 'extraRulesCapacity', 'set without extraStatefulRules', 'give extraStatefulRules, or leave extraRulesCapacity unset');
    }
    if (props.tlsInspection) {
      this.tlsInspectionConfiguration = this.createTlsInspection(baseName, props.tlsInspection);
      this.caTrustScript = caTrustScript(props.tlsInspection.caCertificatePem);
    }
    this.hardeningRuleGroup = this.createHardening(baseName, props.tlsInspection);
    this.policy = this.createPolicy(baseName);

    const network = props.network;
    const edgeRouteTable = new ec2.CfnRouteTable(this, 'EdgeRouteTable', {
      vpcId: network.vpc.vpcId,
      tags: [{ key: 'Name', value: `${this.node.path}/EdgeRouteTable` }],
    });
    new ec2.CfnGatewayRouteTableAssociation(this, 'EdgeRouteTableAssociation', {
      gatewayId: network.internetGatewayId!,
      routeTableId: edgeRouteTable.ref,
    });

    this.firewalls = [];
    this.endpointIds = [];
    layout.forEach((az, index) => {
      const firewall = new nfw.CfnFirewall(this, `Firewall${index + 1}`, {
        firewallName: `${baseName}-${index + 1}`,
        description: `Egress allow-list of ${this.node.path} for the AZ of ${az.firewallSubnet.node.path}`,
        firewallPolicyArn: this.policy.attrFirewallPolicyArn,
        vpcId: network.vpc.vpcId,
        subnetMappings: [{ subnetId: az.firewallSubnet.subnetId }],
      });
      // One subnet mapping, so EndpointIds holds exactly one "az:vpce-id" entry.
      const endpointId = Fn.select(1, Fn.split(':', Fn.select(0, firewall.attrEndpointIds)));
      network.routeNatEgressThrough(az.availabilityZone, endpointId);
      new ec2.CfnRoute(this, `EdgeRoute${index + 1}`, {
        routeTableId: edgeRouteTable.ref,
        destinationCidrBlock: az.natSubnet.ipv4CidrBlock,
        vpcEndpointId: endpointId,
      });
      this.firewalls.push(firewall);
      this.endpointIds.push(endpointId);
    });

    const logGroups = this.configureLogging(props);
    this.alertLogGroup = logGroups?.alerts;
    this.flowLogGroup = logGroups?.flows;
    this.node.addValidation({ validate: () => this.validateAllowList(props.allowListCapacity) });
  }

  /**
   * Adds domains to the allow-list (same forms as `allowedDomains`). Call before synthesis.
   * A domain given as a token (known only at deploy time) may cover any known upload host,
   * so with one every known upload host that is not waived is denied.
   */
  public addAllowedDomains(...domains: string[]): void {
    checkDomainEntries(NAME, 'allowedDomains', domains);
    checkNoDuplicates(NAME, 'allowedDomains', [...this.domains, ...domains]);
    for (const domain of domains) {
      this.domains.add(domain);
      this.network.dnsFirewall?.addAllowedDomains(domain);
      KNOWN_UPLOAD_HOSTS
        .filter((known) => (isUnresolved(domain) || allowListCovers(domain, known.host)) && !this.waivedUploadHosts.has(known.host))
        .forEach((known) => this.denyHost('allowedDomains', known));
    }
  }

  /** The allow-listed domains so far. */
  public get allowedDomains(): string[] {
    return [...this.domains];
  }

  /** The hosts denied ahead of the allow-list so far: given ones and covered known upload hosts. */
  public get deniedHostNames(): string[] {
    return [...this.deniedHosts.keys()];
  }

  private denyHost(prop: string, denied: DeniedHost): void {
    if (this.deniedHosts.has(denied.host)) {
      return;
    }
    requireLiteral(NAME, prop, denied.host,
      "the Suricata rule differs for 'host.example.com' (that name) and '.example.com' (the domain), so a token could yield a rule that never matches");
    checkDomainEntries(NAME, prop, [denied.host], 'denied host ');
    validateDeniedHostReason(prop, denied);
    this.deniedHosts.set(denied.host, denied);
    this.network.dnsFirewall?.addDeniedDomains(denied.host);
  }

  private createHardening(baseName: string, tlsInspection?: EgressTlsInspection): nfw.CfnRuleGroup {
    const rules = () => hardeningRules({
      deniedHosts: [...this.deniedHosts.values()],
      tlsInspection: tlsInspection !== undefined,
      readOnly: tlsInspection?.readOnly ?? false,
    });
    const capacity = () => defaultCapacity(rules().length);
    return new nfw.CfnRuleGroup(this, 'Hardening', {
      ruleGroupName: Lazy.string({ produce: () => `${baseName}-hardening-${capacity()}` }),
      description: 'Drops denied hosts and protocol bypasses (UDP, ICMP, other ports, TLS on 80, HTTP on 443, IP SNI) before the allow-list',
      type: 'STATEFUL',
      capacity: Lazy.number({ produce: capacity }),
      ruleGroup: {
        rulesSource: { rulesString: Lazy.string({ produce: () => rules().join('\n') }) },
        statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
      },
    });
  }

  private createTlsInspection(baseName: string, options: EgressTlsInspection): nfw.CfnTLSInspectionConfiguration {
    const problem = isUnresolved(options.caCertificatePem) ? undefined : pemProblem(options.caCertificatePem);
    if (problem) {
      invalid(NAME, 'tlsInspection.caCertificatePem', problem, 'the PEM text of the CA certificate (-----BEGIN CERTIFICATE-----), without its private key');
    }
    this.validateCertificate(options.certificateAuthority.certificateArn);
    return new nfw.CfnTLSInspectionConfiguration(this, 'TlsInspection', {
      tlsInspectionConfigurationName: `${baseName}-tls`,
      description: 'Outbound TLS inspection of HTTPS from the studio subnets',
      tlsInspectionConfiguration: {
        serverCertificateConfigurations: [{
          certificateAuthorityArn: options.certificateAuthority.certificateArn,
          scopes: [{
            protocols: [6],
            sources: [{ addressDefinition: this.network.vpc.vpcCidrBlock }],
            destinations: [{ addressDefinition: '0.0.0.0/0' }],
            destinationPorts: [{ fromPort: 443, toPort: 443 }],
          }],
          checkCertificateRevocationStatus: { revokedStatusAction: 'REJECT', unknownStatusAction: 'PASS' },
        }],
      },
    });
  }

  /**
   * The inspection CA must be an ACM certificate (`certificate/<id>`) of the stack's
   * partition and region (each compared when both sides are literals).
   */
  private validateCertificate(certificateArn: string): void {
    const prop = 'tlsInspection.certificateAuthority';
    const parts = checkRegionalArn(this, NAME, prop, certificateArn, 'acm');
    const resource = parts && certificateArn.split(':').slice(5).join(':');
    if (resource !== undefined && !resource.startsWith('certificate/')) {
      invalid(NAME, prop, `'${certificateArn}' is not an ACM certificate ARN`,
        'a CA certificate imported into ACM, arn:<partition>:acm:<region>:<account>:certificate/<id>');
    }
  }

  private createAllowList(baseName: string, capacity?: number): nfw.CfnRuleGroup {
    validateCapacity('allowListCapacity', capacity);
    const resolvedCapacity = () => capacity ?? defaultCapacity(this.domains.size * TARGET_TYPES.length);
    return new nfw.CfnRuleGroup(this, 'AllowList', {
      ruleGroupName: Lazy.string({ produce: () => `${baseName}-allow-list-${Tokenization.stringifyNumber(resolvedCapacity())}` }),
      description: 'Domains Studio may reach over TLS (SNI) and HTTP (Host)',
      type: 'STATEFUL',
      capacity: Lazy.number({ produce: resolvedCapacity }),
      ruleGroup: {
        rulesSource: {
          rulesSourceList: {
            generatedRulesType: 'ALLOWLIST',
            targetTypes: TARGET_TYPES,
            targets: Lazy.list({ produce: () => [...this.domains] }),
          },
        },
        statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
      },
    });
  }

  private createPolicy(baseName: string): nfw.CfnFirewallPolicy {
    const references: nfw.CfnFirewallPolicy.StatefulRuleGroupReferenceProperty[] = [];
    if (this.extraRuleGroup) {
      references.push({ resourceArn: this.extraRuleGroup.attrRuleGroupArn, priority: EXTRA_RULES_PRIORITY });
    }
    references.push({ resourceArn: this.hardeningRuleGroup.attrRuleGroupArn, priority: HARDENING_PRIORITY });
    references.push({ resourceArn: this.allowListRuleGroup.attrRuleGroupArn, priority: ALLOW_LIST_PRIORITY });
    // A TLS inspection configuration can only be set on a new policy: a different name
    // lets CloudFormation create the new policy before it deletes the old one.
    return new nfw.CfnFirewallPolicy(this, 'Policy', {
      firewallPolicyName: this.tlsInspectionConfiguration ? `${baseName}-tls-policy` : `${baseName}-policy`,
      description: 'Strict order: listed rule groups first; anything else is dropped and alerted',
      firewallPolicy: {
        tlsInspectionConfigurationArn: this.tlsInspectionConfiguration?.attrTlsInspectionConfigurationArn,
        statelessDefaultActions: ['aws:forward_to_sfe'],
        statelessFragmentDefaultActions: ['aws:forward_to_sfe'],
        statefulEngineOptions: { ruleOrder: 'STRICT_ORDER' },
        statefulDefaultActions: ['aws:drop_established', 'aws:alert_established'],
        statefulRuleGroupReferences: references,
      },
    });
  }

  private configureLogging(props: EgressFirewallProps): { alerts: logs.LogGroup; flows: logs.LogGroup } | undefined {
    let destinations: nfw.CfnLoggingConfiguration.LogDestinationConfigProperty[];
    let groups: { alerts: logs.LogGroup; flows: logs.LogGroup } | undefined;
    if (props.logBucket) {
      if (props.logRetention !== undefined || props.logEncryptionKey) {
        invalid(NAME, 'logBucket', 'set together with logRetention or logEncryptionKey',
          'either logBucket (the bucket governs retention and encryption) or the log-group options');
      }
      destinations = ['ALERT', 'FLOW'].map((logType) => ({
        logType,
        logDestinationType: 'S3',
        logDestination: { bucketName: props.logBucket!.bucketName, prefix: `network-firewall/${logType.toLowerCase()}` },
      }));
    } else {
      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
      const encryptionKey = props.logEncryptionKey ?? new kms.Key(this, 'LogKey', {
        description: `Encrypts the Network Firewall logs of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
      const options = { encryptionKey, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy };
      groups = {
        alerts: createEncryptedLogGroup(this, 'AlertLog', { ...options, purpose: 'Network Firewall alert logs' }),
        flows: createEncryptedLogGroup(this, 'FlowLog', { ...options, purpose: 'Network Firewall flow logs' }),
      };
      destinations = [['ALERT', groups.alerts], ['FLOW', groups.flows]].map(([logType, group]) => ({
        logType: logType as string,
        logDestinationType: 'CloudWatchLogs',
        logDestination: { logGroup: (group as logs.LogGroup).logGroupName },
      }));
    }
    this.firewalls.forEach((firewall, index) => {
      new nfw.CfnLoggingConfiguration(this, `Logging${index + 1}`, {
        firewallArn: firewall.attrFirewallArn,
        loggingConfiguration: { logDestinationConfigs: destinations },
      });
    });
    return groups;
  }

  private validateAllowList(explicitCapacity?: number): string[] {
    if (this.domains.size === 0) {
      return [`${NAME} allowedDomains: empty, so the firewall would drop all egress; allow at least one domain ` +
        '(with allowedDomains or addAllowedDomains), or use StudioEgress.NONE for an internet-free network'];
    }
    const needed = this.domains.size * TARGET_TYPES.length;
    if (needed > MAX_STATEFUL_CAPACITY) {
      return [`${NAME} allowedDomains: ${this.domains.size} domains need a capacity of ${needed}, more than a stateful rule group ` +
        `holds (${MAX_STATEFUL_CAPACITY}); allow fewer names, e.g. one '.example.com' instead of its hosts`];
    }
    const capacity = explicitCapacity ?? defaultCapacity(needed);
    if (!isUnresolved(capacity) && needed > capacity) {
      return [`${NAME} allowListCapacity: ${this.domains.size} domains need ${needed} but the capacity is ${capacity}; ` +
        `a capacity of at least ${needed}, at most ${MAX_STATEFUL_CAPACITY}`];
    }
    return [];
  }
}

/** The firewall and NAT subnet of every studio AZ, or an error naming what is missing. */
function firewallLayout(network: SecureStudioVpc): { availabilityZone: string; natSubnet: ec2.ISubnet; firewallSubnet: ec2.ISubnet }[] {
  if (network.egress.mode !== StudioEgressMode.FIREWALL || !network.natSubnets || !network.firewallSubnets) {
    invalid(NAME, 'network', `the network was created with egress mode ${network.egress.mode}`,
      'a SecureStudioVpc created with egress: StudioEgress.FIREWALL_READY');
  }
  const vpc = network.vpc;
  const byAz = (selection: ec2.SubnetSelection) => new Map(vpc.selectSubnets(selection).subnets.map((s) => [s.availabilityZone, s]));
  const nat = byAz(network.natSubnets);
  const firewall = byAz(network.firewallSubnets);
  return vpc.selectSubnets(network.studioSubnets).subnets.map((studio) => {
    const natSubnet = nat.get(studio.availabilityZone);
    const firewallSubnet = firewall.get(studio.availabilityZone);
    if (!natSubnet || !firewallSubnet) {
      invalid(NAME, 'network', `no NAT and firewall subnet in the AZ of ${studio.node.path}`,
        'a NAT and a firewall subnet in every AZ that has a studio subnet');
    }
    return { availabilityZone: studio.availabilityZone, natSubnet, firewallSubnet };
  });
}

function createExtraRuleGroup(scope: Construct, baseName: string, rules: string, capacity?: number): nfw.CfnRuleGroup {
  validateCapacity('extraRulesCapacity', capacity);
  let resolvedCapacity: number;
  if (isUnresolved(rules)) {
    if (capacity === undefined) {
      invalid(NAME, 'extraRulesCapacity', 'unset while extraStatefulRules is a token, whose rules cannot be counted at synth time',
        'a capacity of at least the number of rules (it is fixed when the rule group is created)');
    }
    resolvedCapacity = capacity;
  } else {
    const ruleCount = rules.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).length;
    if (ruleCount === 0) {
      invalid(NAME, 'extraStatefulRules', 'holds no rule', 'Suricata rules, one per line');
    }
    if (capacity !== undefined && !isUnresolved(capacity) && capacity < ruleCount) {
      invalid(NAME, 'extraRulesCapacity', `${ruleCount} rules need ${ruleCount} but the capacity is ${capacity}`, `a capacity of at least ${ruleCount}`);
    }
    resolvedCapacity = capacity ?? defaultCapacity(ruleCount);
  }
  return new nfw.CfnRuleGroup(scope, 'ExtraRules', {
    ruleGroupName: `${baseName}-extra-${Tokenization.stringifyNumber(resolvedCapacity)}`,
    description: 'Extra stateful rules, evaluated before the domain allow-list',
    type: 'STATEFUL',
    capacity: resolvedCapacity,
    ruleGroup: {
      rulesSource: { rulesString: rules },
      statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
    },
  });
}

/** Twice what is needed, rounded up to a step; the largest capacity when twice does not fit. */
function defaultCapacity(needed: number): number {
  return CAPACITY_STEPS.find((step) => step >= needed * 2) ?? MAX_STATEFUL_CAPACITY;
}

function validateCapacity(prop: string, capacity?: number): void {
  if (capacity !== undefined && !isUnresolved(capacity) &&
    (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_STATEFUL_CAPACITY)) {
    invalid(NAME, prop, `got ${capacity}`, `a whole number from 1 to ${MAX_STATEFUL_CAPACITY}`);
  }
}

function validateWaivers(hosts: string[]): Set<string> {
  for (const host of hosts) {
    requireLiteral(NAME, 'allowedUploadHosts', host, 'the construct decides at synth time which known upload hosts to deny');
    if (!KNOWN_UPLOAD_HOSTS.some((known) => known.host === host)) {
      invalid(NAME, 'allowedUploadHosts', `'${host}' is not a known upload host`,
        `one of ${KNOWN_UPLOAD_HOSTS.map((known) => known.host).join(', ')}`);
    }
  }
  checkNoDuplicates(NAME, 'allowedUploadHosts', hosts);
  return new Set(hosts);
}

function validateBaseName(name: string): void {
  if (isUnresolved(name)) {
    return;
  }
  const allowed = `letters, digits and hyphens, 1 to ${MAX_BASE_NAME_LENGTH} characters`;
  if (!NAME_PATTERN.test(name)) {
    invalid(NAME, 'firewallName', `'${name}' is empty or has a character other than a letter, a digit or a hyphen`, allowed);
  }
  if (name.length > MAX_BASE_NAME_LENGTH) {
    invalid(NAME, 'firewallName', `'${name}' is ${name.length} characters long`, allowed);
  }
}
