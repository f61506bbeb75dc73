import { CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DnsBlockResponse, DnsFirewallMode, StudioDnsFirewall } from './dns-firewall';
import { StudioEndpointService, StudioEndpointSet } from './endpoints';
import { S3EndpointPolicy } from './s3-endpoint-policy';
import { StudioEgress, StudioEgressMode } from './studio-egress';
import { acknowledgeFindings, CHECKOV_PROVIDER_LAMBDA_CHECKS, skipCheckovChecks } from '../private/acknowledge';
import { ADDRESSES_PER_STUDIO_USER, AwsLimits } from '../private/aws-limits';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { collectEndpointServices, principalScopedEndpointStatement, validateOrganizationId } from '../private/endpoint-policy';
import { inlinePrefixList } from '../private/inline-peers';
import { checkBucketLocation, checkDomainEntries, checkPrivateSubnets, checkZonesOfStack, ipv4CidrProblem, requireLiteral } from '../private/network-validation';
import { policyDocumentLength } from '../private/policy-size';
import { createResolverQueryLog } from '../private/resolver-query-log';
import { lookupS3PrefixListId } from '../private/s3-prefix-list';
import { checkAvailabilityZones, checkPattern, checkRegionalArn, invalid, isUnresolved, parseIpv4Cidr } from '../private/validation';
import { createVpcFlowLog } from '../private/vpc-flow-log';

const NAME = 'SecureStudioVpc';
const SMALL_SUBNET_MASK = 28;
const STUDIO_GROUP = 'Studio';
const NAT_GROUP = 'Nat';
const FIREWALL_GROUP = 'Firewall';
const DEFAULT_CIDR = '10.0.0.0/16';
/** The ports Studio Classic's JupyterServer and KernelGateway apps used between each other. */
const APP_PORTS = ec2.Port.tcpRange(8192, 65535);
const HTTPS = ec2.Port.tcp(443);

/**
 * Properties of a SecureStudioVpc.
 */
export interface SecureStudioVpcProps {
  /**
   * An existing VPC to adopt instead of creating one. The construct then adds only the
   * security groups, the VPC endpoints and the flow log; `cidr`, `maxAzs`,
   * `availabilityZones`, `studioSubnetCidrMask` and `egress` must not be set, and the
   * Studio security group allows no internet egress (add a rule to `connections` if the
   * VPC routes egress through a control of yours).
   *
   * @default - a new VPC is created
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of the adopted `vpc` that host Studio, in at least two AZs. They must be
   * private (no route to an internet gateway: not the VPC's public subnets), and their AZs
   * and route tables must be known, because the S3 gateway endpoint is added to them.
   *
   * @default - the private subnets of `vpc`
   */
  readonly studioSubnets?: ec2.SubnetSelection;

  /**
   * IPv4 CIDR block of the new VPC, a prefix length between /16 and /28. A literal: the
   * construct splits it into subnets at synth time.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * Number of Availability Zones to span, at least 2 and at most the stack resolves (a
   * literal). An environment-agnostic stack resolves 2 AZs: for more, give the stack an
   * account and region, or list `availabilityZones`.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Explicit Availability Zones to span, at least 2, each once: names of the stack's region
   * (`eu-west-1a`, not an AZ id such as `euw1-az1`). Each may be a token (e.g. a
   * parameter of type `AWS::EC2::AvailabilityZone::Name`). Cannot be combined with `maxAzs`.
   *
   * @default - the first `maxAzs` AZs of the region
   */
  readonly availabilityZones?: string[];

  /**
   * Prefix length of each studio subnet (one per AZ), between /16 and /28.
   *
   * @default - half of the VPC's addresses, split evenly across the AZs
   */
  readonly studioSubnetCidrMask?: number;

  /**
   * How many Studio users the network must hold. Each user's apps take up to four
   * addresses in the studio subnets, and every interface endpoint takes one per AZ;
   * the construct refuses studio subnets that are too small.
   *
   * @default 100
   */
  readonly expectedUsers?: number;

  /**
   * How the studio subnets may reach the internet.
   *
   * @default StudioEgress.NONE - internet-free
   */
  readonly egress?: StudioEgress;

  /**
   * Interface endpoints to create in the studio subnets of every AZ, with private DNS.
   * At most 50 endpoints (the default per-VPC quota), each service once.
   *
   * @default [StudioEndpointSet.CORE]
   */
  readonly interfaceEndpoints?: StudioEndpointSet[];

  /**
   * AWS Organization whose principals may use the VPC endpoints (`aws:PrincipalOrgID`),
   * e.g. 'o-a1b2c3d4e5'.
   *
   * @default - only principals of this stack's account (`aws:PrincipalAccount`)
   */
  readonly endpointPolicyOrganizationId?: string;

  /**
   * The AWS-managed prefix list of Amazon S3 in this region, which the Studio security
   * group may reach on port 443 (through the S3 gateway endpoint). Pass it, for example
   * from `ec2.PrefixList.fromLookup`, to avoid the deploy-time lookup.
   *
   * @default - looked up at deploy time by a custom resource (`ec2:DescribeManagedPrefixLists`)
   */
  readonly s3PrefixList?: ec2.IPrefixList;

  /**
   * Send the flow logs, and the DNS query logs, to this S3 bucket instead of CloudWatch
   * log groups. Cannot be combined with `flowLogRetention` or `flowLogEncryptionKey`.
   *
   * @default - KMS-encrypted CloudWatch log groups
   */
  readonly flowLogBucket?: s3.IBucket;

  /**
   * Retention of the flow log group and the DNS query log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * Customer-managed key that encrypts the flow log group and the DNS query log group, in
   * the stack's region. Its key policy must let the CloudWatch Logs service of this region use it; that
   * statement is added for a key defined in the same CDK app.
   *
   * @default - a new key with rotation enabled
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * Filter the VPC's DNS queries with a Route 53 Resolver DNS Firewall
   * (`StudioDnsFirewall`) that resolves only the AWS names Studio needs, the egress
   * firewall's allowed domains and `additionalAllowedDomains`. Turn it off only when
   * the estate already associates a DNS Firewall with the VPC.
   *
   * @default true
   */
  readonly dnsFirewall?: boolean;

  /**
   * Whether the DNS Firewall blocks names outside its allow-list or only alerts on them
   * (a rollout mode: watch the query logs, then enforce).
   *
   * @default DnsFirewallMode.ENFORCE
   */
  readonly dnsFirewallMode?: DnsFirewallMode;

  /**
   * The answer to a query the DNS Firewall blocks.
   *
   * @default DnsBlockResponse.NXDOMAIN
   */
  readonly dnsBlockResponse?: DnsBlockResponse;

  /**
   * Protect the DNS Firewall's association with the VPC from changes outside CloudFormation.
   *
   * @default true
   */
  readonly dnsFirewallMutationProtection?: boolean;

  /**
   * Names the DNS Firewall resolves besides the AWS names Studio needs (and, with an
   * EgressFirewall, its allowed domains): `host.example.com` or `.example.com`, e.g. a
   * private hosted zone of the estate.
   *
   * @default - none
   */
  readonly additionalAllowedDomains?: string[];

  /**
   * Log every DNS query of the VPC (Route 53 Resolver query logging), with the DNS
   * Firewall's verdict, to the flow logs' destination kind: a KMS-encrypted log group
   * with `flowLogRetention`, or `flowLogBucket`.
   *
   * @default true
   */
  readonly dnsQueryLogging?: boolean;

  /**
   * What happens to the flow log group and the key the construct creates when they leave
   * the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The private, multi-AZ network of a VpcOnly SageMaker Studio domain: studio subnets in
 * every AZ, an S3 gateway endpoint, interface endpoints with account-scoped policies,
 * least-privilege security groups and VPC flow logs.
 *
 * @example
 * const network = new SecureStudioVpc(this, 'Network', {
 *   maxAzs: 3,
 *   egress: StudioEgress.FIREWALL_READY,
 *   interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.STUDIO_UI],
 * });
 */
export class SecureStudioVpc extends Construct implements ec2.IConnectable {
  /** The VPC, created or adopted. */
  public readonly vpc: ec2.IVpc;
  /** The subnets that host Studio apps, the interface endpoints and the domain's EFS mount targets. */
  public readonly studioSubnets: ec2.SubnetSelection;
  /** The public subnets that hold the NAT gateways, when egress is enabled. */
  public readonly natSubnets?: ec2.SubnetSelection;
  /** The subnets reserved for Network Firewall endpoints, in the firewall-ready layout. */
  public readonly firewallSubnets?: ec2.SubnetSelection;
  /** The egress layout. */
  public readonly egress: StudioEgress;
  /**
   * The security group of the domain (its domain-level apps and shared spaces) and of
   * SageMaker jobs: NFS and app ports within the group, HTTPS to the endpoints and S3.
   */
  public readonly studioSecurityGroup: ec2.ISecurityGroup;
  /**
   * The security group every user's own (private-space) apps carry, as the domain's default
   * user setting: HTTPS to the interface endpoints, to S3 through the gateway endpoint and,
   * when egress is on, to the internet; no ingress rule at all, so that no app of one user
   * can open a connection to an app of another. Its rules are inline.
   */
  public readonly userAppSecurityGroup: ec2.ISecurityGroup;
  /** The security group of the interface endpoints: 443 from the Studio and user-app groups only. */
  public readonly endpointSecurityGroup: ec2.ISecurityGroup;
  /** The S3 gateway endpoint on the studio route tables; buckets narrow its policy. */
  public readonly s3Endpoint: ec2.GatewayVpcEndpoint;
  /** The policy of the S3 gateway endpoint, on which buckets register. */
  public readonly s3EndpointPolicy: S3EndpointPolicy;
  /** The VPC flow log (all traffic). */
  public readonly flowLog: ec2.FlowLog;
  /** The flow log group, unless the flow logs go to S3. */
  public readonly flowLogGroup?: logs.ILogGroup;
  /** Network connections of the Studio security group. */
  public readonly connections: ec2.Connections;

  /** The DNS Firewall of the VPC, unless turned off with `dnsFirewall: false`. */
  public readonly dnsFirewall?: StudioDnsFirewall;
  /** The Resolver query logging configuration, unless turned off with `dnsQueryLogging: false`. */
  public readonly dnsQueryLogConfig?: route53resolver.CfnResolverQueryLoggingConfig;
  /** The DNS query log group, unless the logs go to S3 or query logging is off. */
  public readonly dnsQueryLogGroup?: logs.ILogGroup;

  /** The internet gateway of a VPC created with egress, for edge route tables. */
  public readonly internetGatewayId?: string;

  private readonly endpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
  private readonly endpointServices: StudioEndpointService[] = [];
  private readonly endpointPolicy: iam.PolicyStatement;
  private readonly s3PrefixListId: string;

  constructor(scope: Construct, id: string, props: SecureStudioVpcProps = {}) {
    super(scope, id);
    validateOrganizationId(NAME, props.endpointPolicyOrganizationId);
    validateLogAndDnsProps(this, props);
    const services = collectEndpointServices(this, NAME, props.interfaceEndpoints ?? [StudioEndpointSet.CORE]);

    if (props.vpc) {
      rejectCreationProps(props);
      this.egress = StudioEgress.NONE;
      this.vpc = props.vpc;
      this.studioSubnets = props.studioSubnets ?? {};
    } else {
      if (props.studioSubnets) {
        invalid(NAME, 'studioSubnets', 'given without vpc', 'select subnets only of an adopted vpc');
      }
      this.egress = props.egress ?? StudioEgress.NONE;
      const vpc = this.createVpc(props);
      this.vpc = vpc;
      this.internetGatewayId = vpc.internetGatewayId;
      this.studioSubnets = { subnetGroupName: STUDIO_GROUP };
      if (this.egress.allowsInternet) {
        this.natSubnets = { subnetGroupName: NAT_GROUP };
      }
      if (this.egress.mode === StudioEgressMode.FIREWALL) {
        this.firewallSubnets = { subnetGroupName: FIREWALL_GROUP };
      }
    }
    this.validateStudioSubnets(props, services.length);

    this.endpointPolicy = principalScopedEndpointStatement(Stack.of(this).account, props.endpointPolicyOrganizationId);
    this.s3Endpoint = new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
      vpc: this.vpc,
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [this.studioSubnets],
    });
    this.s3EndpointPolicy = S3EndpointPolicy.of(this.s3Endpoint, { endpointPolicyOrganizationId: props.endpointPolicyOrganizationId });

    const studioSecurityGroup = new ec2.SecurityGroup(this, 'StudioSecurityGroup', {
      vpc: this.vpc,
      description: 'SageMaker Studio apps: NFS and app-to-app traffic within the group, HTTPS to endpoints',
      allowAllOutbound: false,
    });
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from SageMaker Studio only',
      allowAllOutbound: false,
    });
    const userAppSecurityGroup = new ec2.SecurityGroup(this, 'UserAppSecurityGroup', {
      vpc: this.vpc,
      description: 'SageMaker Studio apps of every user: HTTPS to the endpoints and S3, no ingress',
      allowAllOutbound: false,
    });
    this.studioSecurityGroup = studioSecurityGroup;
    this.userAppSecurityGroup = userAppSecurityGroup;
    this.endpointSecurityGroup = endpointSecurityGroup;
    this.connections = studioSecurityGroup.connections;
    this.s3PrefixListId = props.s3PrefixList?.prefixListId ?? lookupS3PrefixListId(this);
    this.applyStudioAppRules(studioSecurityGroup);
    this.applyUserAppRules(userAppSecurityGroup, endpointSecurityGroup);

    services.forEach((service) => this.createInterfaceEndpoint(service));

    if (props.flowLogBucket && (props.flowLogRetention !== undefined || props.flowLogEncryptionKey)) {
      invalid(NAME, 'flowLogBucket', 'set together with flowLogRetention or flowLogEncryptionKey',
        'either flowLogBucket (the bucket governs retention and encryption) or the log-group options');
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR;
    const logKey = props.flowLogBucket ? undefined : props.flowLogEncryptionKey ?? new kms.Key(this, 'FlowLogKey', {
      description: `Encrypts the VPC flow logs and DNS query logs of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const flowLogs = createVpcFlowLog(this, this.vpc, { bucket: props.flowLogBucket, encryptionKey: logKey, retention, removalPolicy });
    this.flowLog = flowLogs.flowLog;
    this.flowLogGroup = flowLogs.logGroup;

    if (props.dnsQueryLogging ?? true) {
      this.dnsQueryLogGroup = props.flowLogBucket ? undefined :
        createEncryptedLogGroup(this, 'DnsQueryLog', { purpose: 'DNS query logs', encryptionKey: logKey, retention, removalPolicy });
      this.dnsQueryLogConfig = createResolverQueryLog(this, this.vpc.vpcId, { bucket: props.flowLogBucket, logGroup: this.dnsQueryLogGroup });
    }
    if (props.dnsFirewall ?? true) {
      this.dnsFirewall = new StudioDnsFirewall(this, 'DnsFirewall', {
        vpc: this.vpc,
        allowedDomains: props.additionalAllowedDomains,
        mode: props.dnsFirewallMode,
        blockResponse: props.dnsBlockResponse,
        mutationProtection: props.dnsFirewallMutationProtection,
        reverseLookupCidrs: props.vpc ? undefined : [props.cidr ?? DEFAULT_CIDR],
      });
    } else {
      rejectDnsFirewallOptions(props);
    }

    this.node.addValidation({ validate: () => this.validateEndpointPolicySizes() });
  }

  /**
   * The interface endpoint created for a service, or undefined when the service is not
   * among this network's endpoints.
   */
  public findInterfaceEndpoint(service: StudioEndpointService): ec2.InterfaceVpcEndpoint | undefined {
    return this.endpoints.get(service.id);
  }

  /**
   * Adds the interface endpoints of a set that this network does not have yet (e.g. the
   * Studio UI endpoint for private sign-in), with the same placement, security group and
   * policy as the others.
   */
  public addInterfaceEndpoints(set: StudioEndpointSet): void {
    const missing = set.services.filter((service) => !this.endpoints.has(service.id));
    collectEndpointServices(this, NAME, [StudioEndpointSet.of(...this.endpointServices, ...missing)]);
    missing.forEach((service) => this.createInterfaceEndpoint(service));
  }

  /**
   * Adds a statement to the policy of one interface endpoint, e.g. a `Deny` that keeps
   * every principal but one role from using SSM through the endpoint.
   */
  public addToEndpointPolicy(service: StudioEndpointService, statement: iam.PolicyStatement): void {
    const endpoint = this.findInterfaceEndpoint(service);
    if (!endpoint) {
      invalid(NAME, 'addToEndpointPolicy', `no interface endpoint for service '${service.id}'`,
        'add its StudioEndpointSet to interfaceEndpoints first');
    }
    if (!service.supportsEndpointPolicy) {
      invalid(NAME, 'addToEndpointPolicy', `service '${service.id}' does not accept a VPC endpoint policy`,
        'control access to it with identity policies and the endpoint security group');
    }
    endpoint.addToPolicy(statement);
  }

  /**
   * How many Studio users the studio subnets hold: their usable addresses, less one per
   * interface endpoint and subnet, at 4 addresses per user (the upper end of SageMaker's
   * estimate of 2 to 4). Undefined when the CIDR block of a studio subnet is not known at
   * synth time (an adopted VPC imported without it).
   */
  public get studioUserCapacity(): number | undefined {
    const usable = this.usableStudioAddresses(this.endpoints.size);
    return usable === undefined ? undefined : Math.max(0, Math.floor(usable / ADDRESSES_PER_STUDIO_USER));
  }

  /**
   * A new security group for the apps of one user profile, with no rule of its own: the
   * user's apps get their network access from `userAppSecurityGroup`, which the domain gives
   * every user's apps, and cannot be reached by other users' apps. The group names the apps
   * of this one user, so that a resource can admit them alone
   * (`group.connections.allowTo(database, ec2.Port.tcp(5432))`). It costs one resource.
   */
  public createAppSecurityGroup(scope: Construct, id: string, description: string): ec2.SecurityGroup {
    return new ec2.SecurityGroup(scope, id, { vpc: this.vpc, description, allowAllOutbound: false });
  }

  /**
   * Lets the apps that carry `group` (one user's apps) open connections to each other on TCP
   * 8192-65535, the ports Studio Classic's JupyterServer and KernelGateway apps used: ingress
   * from the group itself (a separate resource, because a group cannot name itself in its own
   * properties) and egress to `userAppSecurityGroup`, which every user's app carries (inline).
   * Apps of other users still cannot connect: they do not carry `group`.
   */
  public allowTrafficWithinAppGroup(group: ec2.SecurityGroup): void {
    group.addIngressRule(group, APP_PORTS, 'Traffic between the apps of one user, within the group');
    group.addEgressRule(ec2.Peer.securityGroupId(this.userAppSecurityGroup.securityGroupId), APP_PORTS,
      'Traffic to Studio apps (admitted only by apps of the same user)');
  }

  /**
   * Sends the internet-bound traffic of one AZ's NAT subnet to a VPC endpoint in the same
   * AZ (a Network Firewall endpoint) instead of the internet gateway. Only for the
   * firewall-ready layout.
   */
  public routeNatEgressThrough(availabilityZone: string, vpcEndpointId: string): void {
    const natSubnet = this.natSubnets && this.vpc.selectSubnets(this.natSubnets).subnets.find((s) => s.availabilityZone === availabilityZone);
    if (this.egress.mode !== StudioEgressMode.FIREWALL || !natSubnet) {
      invalid(NAME, 'routeNatEgressThrough', `no NAT subnet of a firewall-ready layout in AZ ${availabilityZone}`,
        'a network created with egress: StudioEgress.FIREWALL_READY, and one of its AZs');
    }
    const defaultRoute = natSubnet.node.findChild('DefaultRoute') as ec2.CfnRoute;
    defaultRoute.gatewayId = undefined;
    defaultRoute.vpcEndpointId = vpcEndpointId;
  }

  private createInterfaceEndpoint(service: StudioEndpointService): void {
    const endpoint = new ec2.InterfaceVpcEndpoint(this, `${service.id}Endpoint`, {
      vpc: this.vpc,
      service: service.service,
      subnets: this.studioSubnets,
      securityGroups: [this.endpointSecurityGroup],
      privateDnsEnabled: true,
      open: false,
    });
    if (service.supportsEndpointPolicy) {
      endpoint.addToPolicy(this.endpointPolicy);
    }
    this.endpoints.set(service.id, endpoint);
    this.endpointServices.push(service);
  }

  private createVpc(props: SecureStudioVpcProps): ec2.Vpc {
    const cidrText = props.cidr ?? DEFAULT_CIDR;
    requireLiteral(NAME, 'cidr', cidrText, 'the construct splits it into subnets at synth time');
    const vpcCidrForm = 'an IPv4 network address with a prefix length from /16 to /28, e.g. 10.0.0.0/16';
    const cidrProblem = ipv4CidrProblem(cidrText);
    if (cidrProblem) {
      invalid(NAME, 'cidr', `'${cidrText}' ${cidrProblem}`, vpcCidrForm);
    }
    const cidr = parseIpv4Cidr(cidrText)!;
    if (cidr.prefixLength < AwsLimits.MIN_VPC_PREFIX_LENGTH || cidr.prefixLength > AwsLimits.MAX_VPC_PREFIX_LENGTH) {
      invalid(NAME, 'cidr', `'${cidrText}' has a prefix length of /${cidr.prefixLength}`, vpcCidrForm);
    }
    const azCount = requestedAzCount(this, props);
    requireLiteral(NAME, 'studioSubnetCidrMask', props.studioSubnetCidrMask, 'the construct lays out the subnets at synth time');
    const studioMask = this.studioSubnetMask(cidrText, cidr.prefixLength, azCount, props.studioSubnetCidrMask);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidrText),
      maxAzs: props.availabilityZones ? undefined : azCount,
      availabilityZones: props.availabilityZones,
      subnetConfiguration: this.subnetConfiguration(studioMask),
      natGateways: this.egress.allowsInternet ? (this.egress.sharedNatGateway ? 1 : undefined) : 0,
      natGatewaySubnets: this.egress.allowsInternet ? { subnetGroupName: NAT_GROUP } : undefined,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
    });
    acknowledgePublicRoutes(vpc);
    justifyRestrictDefaultSecurityGroupProvider(Stack.of(this));
    if (this.egress.sharedNatGateway) {
      Validations.of(this).addWarning('SharedNatGateway',
        `${NAME}: all AZs share one NAT gateway; egress of every AZ fails with the AZ of the NAT gateway and crosses AZs. ` +
        'Use StudioEgress.NAT_PER_AZ for production, or acknowledge this warning as a cost decision.');
    }
    return vpc;
  }

  /**
   * The prefix length of the studio subnets: the given one if the studio and egress
   * subnets of every AZ fit in the VPC with it, else half the VPC split across the AZs.
   */
  private studioSubnetMask(cidrText: string, vpcPrefix: number, azCount: number, requested?: number): number {
    const smallGroups = this.egress.mode === StudioEgressMode.FIREWALL ? 2 : this.egress.allowsInternet ? 1 : 0;
    const fits = (mask: number) => azCount * (2 ** (32 - mask) + smallGroups * 2 ** (32 - SMALL_SUBNET_MASK)) <= 2 ** (32 - vpcPrefix);
    let largestFitting: number | undefined;
    for (let mask = SMALL_SUBNET_MASK; mask >= Math.max(vpcPrefix, AwsLimits.MIN_VPC_PREFIX_LENGTH) && fits(mask); mask--) {
      largestFitting = mask;
    }
    if (largestFitting === undefined) {
      invalid(NAME, 'cidr', `${cidrText} cannot hold a studio subnet${smallGroups > 0 ? ' and the egress subnets' : ''} in each of ${azCount} AZs`,
        'a larger VPC CIDR block, e.g. 10.0.0.0/16');
    }
    if (requested === undefined) {
      return Math.max(largestFitting, vpcPrefix + Math.ceil(Math.log2(azCount)) + 1);
    }
    if (!Number.isInteger(requested) || requested < largestFitting || requested > SMALL_SUBNET_MASK) {
      invalid(NAME, 'studioSubnetCidrMask', `/${requested} studio subnets in ${azCount} AZs${smallGroups > 0 ? ' with the egress subnets' : ''} do not fit in ${cidrText}`,
        `a prefix length from /${largestFitting} to /${SMALL_SUBNET_MASK}`);
    }
    return requested;
  }

  private subnetConfiguration(studioMask: number): ec2.SubnetConfiguration[] {
    const config: ec2.SubnetConfiguration[] = [{
      name: STUDIO_GROUP,
      subnetType: this.egress.allowsInternet ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: studioMask,
    }];
    if (this.egress.allowsInternet) {
      config.push({ name: NAT_GROUP, subnetType: ec2.SubnetType.PUBLIC, cidrMask: SMALL_SUBNET_MASK, mapPublicIpOnLaunch: false });
    }
    if (this.egress.mode === StudioEgressMode.FIREWALL) {
      config.push({ name: FIREWALL_GROUP, subnetType: ec2.SubnetType.PUBLIC, cidrMask: SMALL_SUBNET_MASK, mapPublicIpOnLaunch: false });
    }
    return config;
  }

  /**
   * The studio subnets must be private and span 2 AZs, and hold `expectedUsers`. A message
   * names the prop the user set: `studioSubnets` (or `vpc`, whose private subnets are the
   * default) for an adopted VPC, `availabilityZones` or `maxAzs` for a created one.
   */
  private validateStudioSubnets(props: SecureStudioVpcProps, endpointCount: number): void {
    const expectedUsers = props.expectedUsers ?? 100;
    if (!isUnresolved(expectedUsers) && (!Number.isInteger(expectedUsers) || expectedUsers < 1)) {
      invalid(NAME, 'expectedUsers', `got ${expectedUsers}`, 'a whole number of at least 1');
    }
    const prop = props.vpc ? (props.studioSubnets ? 'studioSubnets' : 'vpc') : (props.availabilityZones ? 'availabilityZones' : 'maxAzs');
    const subnets = props.vpc ? checkPrivateSubnets(NAME, prop, this.vpc, this.studioSubnets) : this.vpc.selectSubnets(this.studioSubnets).subnets;
    const azs = new Set(subnets.map((subnet) => subnet.availabilityZone));
    if (azs.size < 2) {
      const what = prop === 'vpc' ? 'the private subnets of vpc (the default studioSubnets)' : 'the studio subnets';
      invalid(NAME, prop, `${what} span ${azs.size} Availability Zone(s)`,
        props.vpc ? 'studioSubnets in at least 2 AZs, so that Studio survives the loss of one AZ' : 'at least 2 distinct AZs, so that Studio survives the loss of one AZ');
    }
    const usable = this.usableStudioAddresses(0);
    if (usable === undefined || isUnresolved(expectedUsers)) {
      return;
    }
    const needed = expectedUsers * ADDRESSES_PER_STUDIO_USER + endpointCount * subnets.length;
    if (needed > usable) {
      invalid(NAME, 'expectedUsers',
        `${expectedUsers} users need up to ${needed} addresses (${ADDRESSES_PER_STUDIO_USER} per user plus one per ` +
        `interface endpoint and subnet) but the studio subnets hold ${usable}`,
        'a larger cidr or studioSubnetCidrMask (or, for an adopted VPC, larger studioSubnets), or fewer expectedUsers');
    }
  }

  /**
   * The addresses of the studio subnets left for Studio apps: all but the 5 AWS reserves in
   * each subnet and one per interface endpoint and subnet; undefined when a CIDR is unknown.
   */
  private usableStudioAddresses(endpointCount: number): number | undefined {
    const subnets = this.vpc.selectSubnets(this.studioSubnets).subnets;
    const cidrs = subnets.map(knownCidr);
    if (cidrs.some((cidr) => cidr === undefined || isUnresolved(cidr))) {
      return undefined;
    }
    const usable = cidrs.reduce((sum, cidr) => {
      const parsed = parseIpv4Cidr(cidr!);
      return sum + (parsed ? 2 ** (32 - parsed.prefixLength) - AwsLimits.RESERVED_ADDRESSES_PER_SUBNET : 0);
    }, 0);
    return usable - endpointCount * subnets.length;
  }

  /**
   * The rules of the Studio group: NFS and app ports within the group, HTTPS to the
   * interface endpoints (which admit it) and to S3, and to the internet when egress is on.
   */
  private applyStudioAppRules(group: ec2.SecurityGroup): void {
    const nfs = ec2.Port.tcp(2049);
    group.addIngressRule(group, nfs, 'NFS to the Studio home EFS, within the group');
    group.addIngressRule(group, APP_PORTS, 'Traffic between Studio apps, within the group');
    group.addEgressRule(group, nfs, 'NFS to the Studio home EFS, within the group');
    group.addEgressRule(group, APP_PORTS, 'Traffic between Studio apps, within the group');
    group.connections.allowTo(this.endpointSecurityGroup, HTTPS, 'HTTPS from Studio to the interface endpoints');
    group.addEgressRule(ec2.Peer.prefixList(this.s3PrefixListId), HTTPS, 'HTTPS to Amazon S3 through the gateway endpoint');
    if (this.egress.allowsInternet) {
      group.addEgressRule(ec2.Peer.anyIpv4(), HTTPS, 'HTTPS to the internet through the egress path of this VPC');
    }
  }

  /**
   * The rules of the user-app group, all inline (they name other groups and a prefix list,
   * never the group itself), and the one rule of the endpoint group that admits it: a
   * separate resource, since two groups that name each other inline form a dependency cycle.
   * No ingress: users' apps never accept connections from other apps. NFS to the home EFS
   * goes through the security group SageMaker adds to every app for it.
   */
  private applyUserAppRules(group: ec2.SecurityGroup, endpointGroup: ec2.SecurityGroup): void {
    group.addEgressRule(ec2.Peer.securityGroupId(endpointGroup.securityGroupId), HTTPS, 'HTTPS to the interface endpoints');
    group.addEgressRule(inlinePrefixList(this.s3PrefixListId), HTTPS, 'HTTPS to Amazon S3 through the gateway endpoint');
    if (this.egress.allowsInternet) {
      group.addEgressRule(ec2.Peer.anyIpv4(), HTTPS, 'HTTPS to the internet through the egress path of this VPC');
    }
    endpointGroup.addIngressRule(group, HTTPS, 'HTTPS from the Studio apps of users');
  }

  private validateEndpointPolicySizes(): string[] {
    // The S3 endpoint's policy is checked by its S3EndpointPolicy.
    const errors: string[] = [];
    for (const [serviceId, endpoint] of this.endpoints.entries()) {
      const cfn = endpoint.node.defaultChild as ec2.CfnVPCEndpoint;
      const length = policyDocumentLength(this, cfn.policyDocument);
      if (length > AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS) {
        errors.push(`${NAME} endpoint policy of '${serviceId}': ${length} characters exceed the limit of ` +
          `${AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS}; merge statements or use fewer resources per statement`);
      }
    }
    return errors;
  }
}

/**
 * aws-cdk-lib restricts the default security group with a custom-resource provider (one
 * per stack) whose Lambda function checkov inspects.
 */
function justifyRestrictDefaultSecurityGroupProvider(stack: Stack): void {
  const handler = stack.node.findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider').node.findChild('Handler') as CfnResource;
  skipCheckovChecks(handler, 'aws-cdk-lib provider run by CloudFormation only, to remove the rules of the default security group ' +
    'before the VPC is used: CloudFormation retries and reports failures (no DLQ needed), it needs no reserved concurrency, and ' +
    'it calls only the EC2 API, before any VPC endpoint exists.', CHECKOV_PROVIDER_LAMBDA_CHECKS);
}

/** The NAT and firewall subnets route to the internet gateway by design; nothing else does. */
function acknowledgePublicRoutes(vpc: ec2.Vpc): void {
  const reason = 'Public subnets of this VPC hold only NAT gateways or Network Firewall endpoints (no public IPs ' +
    'on launch, no workloads); their default route to the internet gateway is the egress path. Studio subnets ' +
    'have no route to the internet gateway.';
  for (const subnet of vpc.publicSubnets) {
    acknowledgeFindings(subnet.node.findChild('DefaultRoute'), reason, [
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW',
    ]);
  }
}

/** The subnet's CIDR block when known: an imported subnet without one throws on access. */
function knownCidr(subnet: ec2.ISubnet): string | undefined {
  try {
    return subnet.ipv4CidrBlock;
  } catch {
    return undefined;
  }
}

/**
 * The number of AZs to span: `availabilityZones` (names of the stack's region, each once,
 * among the stack's AZs when those are known) or `maxAzs` (no more than the stack resolves).
 */
function requestedAzCount(scope: Construct, props: SecureStudioVpcProps): number {
  if (props.availabilityZones && props.maxAzs !== undefined) {
    invalid(NAME, 'maxAzs', 'set together with availabilityZones', 'either maxAzs or availabilityZones');
  }
  const prop = props.availabilityZones ? 'availabilityZones' : 'maxAzs';
  requireLiteral(NAME, 'maxAzs', props.maxAzs, 'the construct lays out one studio subnet per AZ at synth time; list availabilityZones (tokens allowed) instead');
  requireLiteral(NAME, 'availabilityZones', props.availabilityZones, 'the construct lays out one studio subnet per AZ at synth time; list the AZs (each may be a token)');
  checkAvailabilityZones(scope, NAME, 'availabilityZones', props.availabilityZones);
  const count = props.availabilityZones?.length ?? props.maxAzs ?? 2;
  if (!Number.isInteger(count) || count < 2) {
    invalid(NAME, prop, `${count} Availability Zone(s) requested`, 'at least 2 AZs, so that Studio survives the loss of one AZ');
  }
  checkZonesOfStack(scope, NAME, count, props.availabilityZones);
  return count;
}

/** Checks on the log destinations, the prefix list and the DNS names, on every path (created or adopted VPC). */
function validateLogAndDnsProps(scope: Construct, props: SecureStudioVpcProps): void {
  checkRegionalArn(scope, NAME, 'flowLogEncryptionKey', props.flowLogEncryptionKey?.keyArn, 'kms');
  checkBucketLocation(scope, NAME, 'flowLogBucket', props.flowLogBucket);
  checkPattern(NAME, 's3PrefixList', props.s3PrefixList?.prefixListId, /^pl-[0-9a-f]{8,17}$/,
    "the id of the AWS-managed prefix list com.amazonaws.<region>.s3, e.g. 'pl-6da54004'");
  checkDomainEntries(NAME, 'additionalAllowedDomains', props.additionalAllowedDomains ?? []);
}

function rejectDnsFirewallOptions(props: SecureStudioVpcProps): void {
  const options: (keyof SecureStudioVpcProps)[] = ['dnsFirewallMode', 'dnsBlockResponse', 'dnsFirewallMutationProtection', 'additionalAllowedDomains'];
  for (const prop of options) {
    if (props[prop] !== undefined) {
      invalid(NAME, prop, 'set together with dnsFirewall: false', `${prop} configures the DNS Firewall; leave it unset, or the DNS Firewall on`);
    }
  }
}

function rejectCreationProps(props: SecureStudioVpcProps): void {
  const creationProps: (keyof SecureStudioVpcProps)[] = ['cidr', 'maxAzs', 'availabilityZones', 'studioSubnetCidrMask', 'egress'];
  for (const prop of creationProps) {
    if (props[prop] !== undefined) {
      invalid(NAME, prop, 'set together with vpc', `${prop} shapes a new VPC; leave it unset when adopting an existing vpc`);
    }
  }
}
