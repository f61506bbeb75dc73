import { Names, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PersonaNetworkPerimeter } from './identity/network-perimeter';
import { PersonaRoles } from './identity/persona-roles';
import { DnsFirewallMode } from './network/dns-firewall';
import { EgressFirewall, EgressTlsInspection } from './network/egress-firewall';
import { SecureStudioVpc } from './network/secure-studio-vpc';
import { StudioEgress, StudioEgressMode } from './network/studio-egress';
import { pemProblem } from './private/ca-trust-script';
import { checkChoice, checkRemovalPolicy, shown } from './private/choice-rules';
import { addScopedStatements, denyTaggingBucketsIntoEnvironments, environmentBucketStatements, environmentBucketTags } from './private/environment-buckets';
import { checkDomainEntries, checkZonesOfStack } from './private/network-validation';
import { checkCodeArtifactRegion } from './private/package-mirror-rules';
import { checkTeam } from './private/persona-rules';
import { DATA_BUCKET_NAME, DATA_BUCKET_NAME_FORM } from './private/secure-studio-rules';
import { checkSageMakerName, MAX_IDLE_MINUTES, MIN_IDLE_MINUTES } from './private/studio-validation';
import { checkAvailabilityZones, checkIntegerRange, checkNoDuplicates, checkRegionalArn, invalid, isUnresolved } from './private/validation';
import { VpceRestrictedBucket } from './storage/vpce-restricted-bucket';
import { StudioAppType, StudioDockerAccess, StudioDomain } from './studio/studio-domain';
import { StudioUserProfile } from './studio/studio-user-profile';
import { StudioUsers } from './studio/studio-users';
import { StudioPackageMirror } from './supply/package-mirror';
import { StudioImageCatalog } from './workspace/approved-images';
import { MlflowTrackingServer } from './workspace/mlflow-tracking-server';
import { StudioPrivateSpaces } from './workspace/private-space';

const NAME = 'SecureStudio';

/**
 * The built-in personas a Studio user can have.
 */
export enum StudioPersona {
  /** Read-only: list and describe. */
  DEFAULT = 'DEFAULT',
  /** Studio apps of their own profile, the team's jobs and experiments, model registry read. */
  DATA_SCIENTIST = 'DATA_SCIENTIST',
  /** The data scientist's scope plus pipelines, model approval, endpoints and Projects. */
  MLOPS = 'MLOPS',
}

/**
 * A Studio user of a SecureStudio environment.
 */
export interface StudioUser {
  /** The user profile name. */
  readonly name: string;
  /** The user's persona, which chooses the role their apps run as. */
  readonly persona: StudioPersona;
  /**
   * Private spaces of the user (one more resource each), e.g. `{ jupyterLab: true }`.
   *
   * @default - the SecureStudio's `privateSpaces`
   */
  readonly privateSpaces?: StudioPrivateSpaces;
  /**
   * Let the user's own apps connect to each other on TCP 8192-65535, as Studio Classic's apps
   * did (`StudioUserProfileOptions.trafficBetweenOwnApps`); other users' apps still cannot.
   * One more resource for the user.
   *
   * @default false
   */
  readonly trafficBetweenOwnApps?: boolean;
}

/**
 * What the data scientist, MLOps and job roles of a SecureStudio may do in a data bucket.
 */
export enum DataBucketAccess {
  /** Read, write and delete objects (a delete leaves the object's versions). */
  READ_WRITE = 'READ_WRITE',
  /**
   * Read objects only, e.g. raw data. Grant writers yourself, e.g.
   * `studio.findBucket('raw')!.grantWrite(ingestionRole)`.
   */
  READ_ONLY = 'READ_ONLY',
}

/**
 * A data bucket of a SecureStudio with its access level.
 */
export interface DataBucket {
  /** The bucket name, as in `dataBuckets` (e.g. 'raw-data'). */
  readonly name: string;
  /** What the data scientist, MLOps and job roles may do in the bucket. */
  readonly access: DataBucketAccess;
}

/**
 * Properties of a SecureStudio environment.
 */
export interface SecureStudioProps {
  /** The team that owns the environment: its tag on roles, profiles and SageMaker resources. */
  readonly team: string;

  /**
   * Availability Zones of the network, at least 2.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Explicit Availability Zones, at least 2 (e.g. three AZs in an environment-agnostic
   * stack). Cannot be combined with `maxAzs`.
   *
   * @default - the first `maxAzs` AZs of the region
   */
  readonly availabilityZones?: string[];

  /**
   * How Studio may reach the internet. With `StudioEgress.FIREWALL_READY`, an
   * EgressFirewall admits only `allowedDomains`.
   *
   * @default StudioEgress.NONE - internet-free
   */
  readonly egress?: StudioEgress;

  /**
   * Domains the EgressFirewall allows (`host.example.com` or `.example.com`). Required with
   * `StudioEgress.FIREWALL_READY`, refused otherwise.
   *
   * @default - none
   */
  readonly allowedDomains?: string[];

  /**
   * Outbound TLS inspection by the EgressFirewall with a CA of yours (only with
   * `StudioEgress.FIREWALL_READY`); the domain then gets a JupyterLab and a Code Editor
   * lifecycle configuration that makes the apps trust the CA.
   *
   * @default - no TLS inspection
   */
  readonly tlsInspection?: EgressTlsInspection;

  /**
   * Whether the network's DNS Firewall blocks names outside its allow-list or only
   * alerts on them (a rollout mode).
   *
   * @default DnsFirewallMode.ENFORCE
   */
  readonly dnsFirewallMode?: DnsFirewallMode;

  /**
   * Names the DNS Firewall resolves besides the AWS names Studio needs and
   * `allowedDomains` (`host.example.com` or `.example.com`), e.g. a private hosted zone.
   *
   * @default - none
   */
  readonly additionalAllowedDomains?: string[];

  /**
   * Names of the data buckets (lower-case letters, digits and hyphens, e.g. 'data',
   * 'models'), each a VpceRestrictedBucket that the data scientist, MLOps and job roles
   * may read and write. With `dataBucketAccess`, the environment has the buckets of both.
   * All share one KMS key and one access-log bucket; the roles reach them by tag, so their
   * policies do not grow with the number of buckets. At most 115 buckets in all (the S3
   * endpoint policy's limit). A name makes the bucket's construct id ('raw-data' ->
   * `RawDataBucket`); a name known only at deploy time cannot, so that bucket is
   * `DataBucket<position>`.
   *
   * @default - ['data'], or none when `dataBucketAccess` is given
   */
  readonly dataBuckets?: string[];

  /**
   * Data buckets with an access level, e.g.
   * `[{ name: 'raw', access: DataBucketAccess.READ_ONLY }]`, besides those of
   * `dataBuckets`. A name may appear only once across both.
   *
   * @default - none
   */
  readonly dataBucketAccess?: DataBucket[];

  /**
   * The Studio users, each with a user profile, the role of their persona, the team tag
   * and a security group of their own, in nested stacks (`StudioUsers`): two resources per
   * user (one more per private space), so that hundreds of users share the domain.
   *
   * @default - no user profiles
   */
  readonly users?: StudioUser[];

  /**
   * Private spaces of every user without `privateSpaces` of their own, e.g.
   * `{ jupyterLab: true, codeEditor: true }`: owned by the user, with the domain's idle
   * shutdown and, with `tlsInspection`, the CA trust lifecycle configuration pre-selected.
   * One more resource per space in the user's nested stack.
   *
   * @default - no private spaces: users create spaces in Studio
   */
  readonly privateSpaces?: StudioPrivateSpaces;

  /**
   * Let the data scientists and MLOps engineers create shared spaces and apps in them
   * (`PersonaRoles` `allowSharedSpaces`). With `false`, they create private spaces only, whose
   * apps run as their own role with their own security groups.
   *
   * @default true
   */
  readonly allowSharedSpaces?: boolean;

  /**
   * Minutes of inactivity after which JupyterLab and Code Editor apps shut down: 60 to
   * 525,600 (SageMaker's range). Users may set their own timeout up to 8 hours, or up to
   * this one when it is longer.
   *
   * @default 60
   */
  readonly idleTimeoutMinutes?: number;

  /**
   * Create the Studio UI endpoint so that users sign in without leaving the network.
   *
   * @default true
   */
  readonly privateSignIn?: boolean;

  /**
   * The key that encrypts the data buckets.
   *
   * @default - a new key with rotation
   */
  readonly dataEncryptionKey?: kms.IKey;

  /**
   * The key that SageMaker jobs must use for their volumes and outputs.
   *
   * @default - a new key with rotation
   */
  readonly jobEncryptionKey?: kms.IKey;

  /**
   * What happens to the data (buckets, keys, logs) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the data scientist and MLOps roles' credentials work only from the
   * environment's network (`PersonaRoles` `networkPerimeter`): requests must come through
   * the VPC's endpoints or through an AWS service on the role's behalf. Try
   * `PersonaNetworkPerimeter.ENFORCE` in a non-production domain first.
   *
   * @default PersonaNetworkPerimeter.OFF
   */
  readonly networkPerimeter?: PersonaNetworkPerimeter;

  /**
   * Create a package mirror (`StudioPackageMirror`: CodeArtifact with an upstream to PyPI)
   * that JupyterLab, Code Editor and jobs install from, with its endpoints in the network,
   * read access for the data scientist, MLOps and job roles (who may not change it), and the
   * pip login on the domain. Tune it through the `packageMirror` field, e.g.
   * `studio.packageMirror.grantPublish(studio.personas.mlopsRole)` to accept internal
   * packages, or `requireApproval()` and `addApprovedPackages('/pypi//pandas$')`.
   *
   * @default - true when internet-free (StudioEgress.NONE), false with egress
   */
  readonly packageMirror?: boolean;

  /**
   * Create an image catalog (`StudioImageCatalog`: an ECR repository with scan on push,
   * immutable tags and a customer-managed key) whose images the domain offers to every
   * user; the default, data scientist and MLOps roles may pull its images and no other
   * image of the account's repositories. Register images through the `imageCatalog` field,
   * e.g. `studio.imageCatalog!.addImage('fraud-pytorch', { tag: '2024.06.1' })`.
   *
   * @default false
   */
  readonly customImages?: boolean;

  /**
   * Let Studio apps use Docker, trusting only the given accounts besides the environment's
   * own (`StudioDomain` `dockerAccess`).
   *
   * @default - Docker access disabled
   */
  readonly dockerAccess?: StudioDockerAccess;

  /**
   * Create an MLflow tracking server for the team (`MlflowTrackingServer`), with its
   * artifacts in a VpceRestrictedBucket and the MLflow endpoint in the network: the data
   * scientist, MLOps and job roles log and read runs, MLOps manages the model registry, and
   * the personas open the MLflow UI only from the network. Tune it through the `mlflow` field.
   *
   * @default false
   */
  readonly mlflow?: boolean;
}

/**
 * A secure SageMaker Studio environment in one construct: a private multi-AZ network
 * (optionally with Network Firewall egress to an allow-list), data buckets reachable only
 * through the network's S3 endpoint, persona roles with guardrails, and a VpcOnly Studio
 * domain with a profile per user. Every part is a public field, to be tuned after
 * construction.
 *
 * @example
 * new SecureStudio(this, 'Studio', {
 *   team: 'fraud',
 *   dataBuckets: ['data', 'models'],
 *   users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }, { name: 'bob', persona: StudioPersona.MLOPS }],
 * });
 */
export class SecureStudio extends Construct {
  /** The network. */
  public readonly network: SecureStudioVpc;
  /** The egress firewall, with `StudioEgress.FIREWALL_READY`. */
  public readonly firewall?: EgressFirewall;
  /** The data buckets: those of `dataBuckets`, then those of `dataBucketAccess`, in their order. */
  public readonly buckets: VpceRestrictedBucket[];
  /** The key SageMaker jobs must use for volumes and outputs. */
  public readonly jobEncryptionKey: kms.IKey;
  /** The persona roles and guardrails. */
  public readonly personas: PersonaRoles;
  /** The Studio domain. */
  public readonly domain: StudioDomain;
  /** The user profiles, in the order of `users`. */
  public readonly userProfiles: StudioUserProfile[];
  /** The nested stacks of the user profiles; add users after construction with `addUser`. */
  public readonly studioUsers: StudioUsers;
  /** The package mirror, unless turned off (`packageMirror`). */
  public readonly packageMirror?: StudioPackageMirror;
  /** The approved custom images, with `customImages`. */
  public readonly imageCatalog?: StudioImageCatalog;

  /** The data buckets by the name they were given. */
  private readonly bucketsByName = new Map<string, VpceRestrictedBucket>();
  /** The team's MLflow tracking server, with `mlflow: true`. */
  public readonly mlflow?: MlflowTrackingServer;

  constructor(scope: Construct, id: string, props: SecureStudioProps) {
    super(scope, id);
    // Every prop is checked here, before the constructs it is passed to: an error names the prop the caller set.
    validateProps(this, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const egress = props.egress ?? StudioEgress.NONE;
    this.network = new SecureStudioVpc(this, 'Network', {
      maxAzs: props.maxAzs,
      availabilityZones: props.availabilityZones,
      egress,
      dnsFirewallMode: props.dnsFirewallMode,
      additionalAllowedDomains: props.additionalAllowedDomains,
      removalPolicy,
    });
    this.firewall = this.createFirewall(egress, props.allowedDomains, props.tlsInspection);

    this.jobEncryptionKey = props.jobEncryptionKey ?? new kms.Key(this, 'JobKey', {
      description: `Encrypts the volumes and outputs of the SageMaker jobs of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.personas = new PersonaRoles(this, 'Personas', {
      team: props.team,
      vpc: this.network.vpc,
      subnets: this.network.studioSubnets,
      securityGroups: [this.network.studioSecurityGroup],
      volumeEncryptionKey: this.jobEncryptionKey,
      outputEncryptionKey: this.jobEncryptionKey,
      networkPerimeter: props.networkPerimeter,
      allowSharedSpaces: props.allowSharedSpaces,
    });
    this.buckets = this.createBuckets(dataBucketsOf(props), props.dataEncryptionKey, removalPolicy);

    this.domain = new StudioDomain(this, 'Domain', {
      network: this.network,
      defaultExecutionRole: this.personas.defaultRole,
      idleTimeoutMinutes: props.idleTimeoutMinutes,
      privateSignIn: props.privateSignIn ?? true,
      teamTagKey: this.personas.teamTagKey,
      removalPolicy,
      dockerAccess: props.dockerAccess,
    });
    if (this.firewall?.caTrustScript) {
      // Lifecycle configuration names are unique in the account and region.
      const prefix = Names.uniqueResourceName(this, { maxLength: 40, separator: '-', allowedSpecialCharacters: '-' });
      this.domain.addLifecycleConfiguration(`${prefix}-ca-jupyterlab`, StudioAppType.JUPYTER_LAB, this.firewall.caTrustScript, { spaceDefault: true });
      this.domain.addLifecycleConfiguration(`${prefix}-ca-codeeditor`, StudioAppType.CODE_EDITOR, this.firewall.caTrustScript, { spaceDefault: true });
    }
    this.packageMirror = this.createPackageMirror(packageMirrorEnabled(props), removalPolicy);
    this.imageCatalog = props.customImages ? this.createImageCatalog(removalPolicy) : undefined;
    this.mlflow = props.mlflow ? this.createMlflow(removalPolicy) : undefined;
    this.studioUsers = new StudioUsers(this, 'Users', { domain: this.domain });
    this.userProfiles = (props.users ?? []).map((user) => this.studioUsers.addUser(user.name, {
      executionRole: this.personaRole(user.persona),
      team: props.team,
      ownSecurityGroup: true,
      trafficBetweenOwnApps: user.trafficBetweenOwnApps,
      privateSpaces: user.privateSpaces ?? props.privateSpaces,
    }));
  }

  /** The data bucket of the given name, or undefined. */
  public findBucket(name: string): VpceRestrictedBucket | undefined {
    return this.bucketsByName.get(name);
  }

  private createFirewall(egress: StudioEgress, allowedDomains?: string[], tlsInspection?: EgressTlsInspection): EgressFirewall | undefined {
    if (egress.mode !== StudioEgressMode.FIREWALL) {
      return undefined;
    }
    return new EgressFirewall(this, 'Firewall', { network: this.network, allowedDomains, tlsInspection });
  }

  private createPackageMirror(enabled: boolean, removalPolicy: RemovalPolicy): StudioPackageMirror | undefined {
    if (!enabled) {
      return undefined;
    }
    const mirror = new StudioPackageMirror(this, 'PackageMirror', { network: this.network, removalPolicy });
    for (const role of [this.personas.dataScientistRole, this.personas.mlopsRole, this.personas.jobRole]) {
      mirror.grantRead(role);
      mirror.denyAdministration(role);
    }
    mirror.configureDomain(this.domain);
    return mirror;
  }

  private createImageCatalog(removalPolicy: RemovalPolicy): StudioImageCatalog {
    const catalog = new StudioImageCatalog(this, 'Images', { domain: this.domain, removalPolicy });
    // The personas describe SageMaker resources of their team only (ABAC).
    Tags.of(catalog).add(this.personas.teamTagKey, this.personas.team);
    for (const role of [this.personas.defaultRole, this.personas.dataScientistRole, this.personas.mlopsRole]) {
      catalog.grantPull(role);
      catalog.restrictPulls(role);
    }
    return catalog;
  }

  private createMlflow(removalPolicy: RemovalPolicy): MlflowTrackingServer {
    const { dataScientistRole, mlopsRole, jobRole } = this.personas;
    const mlflow = new MlflowTrackingServer(this, 'Mlflow', {
      network: this.network,
      team: this.personas.team,
      teamTagKey: this.personas.teamTagKey,
      // The data buckets' key and log bucket: the roles already use the key, and no new key or log bucket is paid for.
      encryptionKey: this.buckets[0].encryptionKey,
      serverAccessLogsBucket: this.buckets[0].serverAccessLogsBucket,
      removalPolicy,
    });
    for (const role of [dataScientistRole, mlopsRole, jobRole]) {
      mlflow.grantLogAndRead(role);
    }
    mlflow.grantManageModels(mlopsRole);
    for (const role of [dataScientistRole, mlopsRole]) {
      mlflow.grantSignIn(role, { sourceVpcs: [this.network.vpc] });
    }
    return mlflow;
  }

  /**
   * The data buckets, tagged for this environment and with tag-based access (S3 ABAC), and
   * the data scientist, MLOps and job roles' access to them: one statement per access level
   * whatever the number of buckets (docs/decisions/022-environment-bucket-access.md).
   */
  private createBuckets(dataBuckets: NamedDataBucket[], encryptionKey: kms.IKey | undefined, removalPolicy: RemovalPolicy): VpceRestrictedBucket[] {
    // Unique among the stacks of an account and region, and across regions.
    const environmentId = `${Stack.of(this).region}/${Names.uniqueResourceName(this, { maxLength: 128 })}`;
    const buckets: VpceRestrictedBucket[] = [];
    dataBuckets.forEach(({ name, access }, index) => {
      const [first] = buckets;
      const bucket = registerOnEndpoint(name, index, dataBuckets.length, () => new VpceRestrictedBucket(this, bucketId(name, index), {
        network: this.network,
        encryptionKey: first?.encryptionKey ?? encryptionKey,
        serverAccessLogsBucket: first?.serverAccessLogsBucket,
        removalPolicy,
        tagBasedAccess: true,
      }));
      for (const [key, value] of Object.entries(environmentBucketTags(environmentId, access === DataBucketAccess.READ_WRITE))) {
        Tags.of(bucket.bucket).add(key, value);
      }
      buckets.push(bucket);
      this.bucketsByName.set(name, bucket);
    });
    const write = dataBuckets.some((bucket) => bucket.access === DataBucketAccess.READ_WRITE);
    const statements = [
      ...environmentBucketStatements(this, environmentId, { write }),
      ...denyTaggingBucketsIntoEnvironments().map((statement) => ({ statement })),
    ];
    const key = buckets[0].encryptionKey;
    for (const role of [this.personas.dataScientistRole, this.personas.mlopsRole, this.personas.jobRole]) {
      addScopedStatements(role, statements);
      // The buckets share one key: one statement, whatever the number of buckets.
      if (write) {
        key.grantEncryptDecrypt(role);
      } else {
        key.grantDecrypt(role);
      }
    }
    return buckets;
  }

  private personaRole(persona: StudioPersona): iam.IRole {
    const roles: Record<StudioPersona, iam.IRole> = {
      [StudioPersona.DEFAULT]: this.personas.defaultRole,
      [StudioPersona.DATA_SCIENTIST]: this.personas.dataScientistRole,
      [StudioPersona.MLOPS]: this.personas.mlopsRole,
    };
    return roles[persona];
  }
}

/** A data bucket, with the prop that names it (for error messages). */
interface NamedDataBucket extends DataBucket {
  readonly prop: 'dataBuckets' | 'dataBucketAccess';
}

/** The data buckets of both props: `dataBuckets` (read/write), then `dataBucketAccess`. */
function dataBucketsOf(props: SecureStudioProps): NamedDataBucket[] {
  const readWrite = props.dataBuckets ?? (props.dataBucketAccess ? [] : ['data']);
  return [
    ...readWrite.map((name) => ({ name, access: DataBucketAccess.READ_WRITE, prop: 'dataBuckets' as const })),
    ...(props.dataBucketAccess ?? []).map((bucket) => ({ name: bucket.name, access: bucket.access, prop: 'dataBucketAccess' as const })),
  ];
}

/**
 * Checks every prop before the constructs it is passed to see it, with the rules those
 * constructs apply, so that an error names SecureStudio and the prop its caller set.
 */
function validateProps(scope: Construct, props: SecureStudioProps): void {
  checkTeam(NAME, 'team', props.team);
  validateZones(scope, props);
  checkChoice(NAME, 'egress', props.egress, [StudioEgress.NONE, StudioEgress.NAT_PER_AZ, StudioEgress.SHARED_NAT, StudioEgress.FIREWALL_READY],
    'StudioEgress.NONE, NAT_PER_AZ, SHARED_NAT or FIREWALL_READY');
  validateFirewallProps(scope, props);
  checkChoice(NAME, 'dnsFirewallMode', props.dnsFirewallMode, Object.values(DnsFirewallMode), 'DnsFirewallMode.ENFORCE or DnsFirewallMode.ALERT');
  checkDomainEntries(NAME, 'additionalAllowedDomains', props.additionalAllowedDomains ?? []);
  checkNoDuplicates(NAME, 'additionalAllowedDomains', props.additionalAllowedDomains ?? []);
  validateDataBuckets(dataBucketsOf(props));
  validateUsers(props.users ?? []);
  checkIntegerRange(NAME, 'idleTimeoutMinutes', props.idleTimeoutMinutes, MIN_IDLE_MINUTES, MAX_IDLE_MINUTES, 'minutes');
  checkRegionalArn(scope, NAME, 'dataEncryptionKey', props.dataEncryptionKey?.keyArn, 'kms');
  checkRegionalArn(scope, NAME, 'jobEncryptionKey', props.jobEncryptionKey?.keyArn, 'kms');
  checkRemovalPolicy(NAME, 'removalPolicy', props.removalPolicy, 'S3 buckets, KMS keys and the domain\'s home file system');
  checkChoice(NAME, 'networkPerimeter', props.networkPerimeter, [PersonaNetworkPerimeter.OFF, PersonaNetworkPerimeter.ENFORCE],
    'PersonaNetworkPerimeter.OFF or PersonaNetworkPerimeter.ENFORCE');
  if (packageMirrorEnabled(props)) {
    checkCodeArtifactRegion(scope, NAME, 'packageMirror', 'packageMirror: false');
  }
}

/** Whether the environment gets a package mirror: by default when internet-free. */
function packageMirrorEnabled(props: SecureStudioProps): boolean {
  return props.packageMirror ?? (props.egress ?? StudioEgress.NONE).mode === StudioEgressMode.NONE;
}

/** The number of AZs decides how many subnets, endpoints and firewalls the template holds: it must be known at synth time. */
function validateZones(scope: Construct, props: SecureStudioProps): void {
  const zones = props.availabilityZones;
  if (zones !== undefined && props.maxAzs !== undefined) {
    invalid(NAME, 'maxAzs', 'set together with availabilityZones', 'either maxAzs or availabilityZones');
  }
  if (isUnresolved(props.maxAzs)) {
    invalid(NAME, 'maxAzs', 'is known only at deploy time', 'a literal number of at least 2, since it decides how many subnets the template holds');
  }
  if (props.maxAzs !== undefined && (!Number.isInteger(props.maxAzs) || props.maxAzs < 2)) {
    invalid(NAME, 'maxAzs', `${props.maxAzs} Availability Zone(s) requested`, 'a whole number of at least 2, so that Studio survives the loss of one AZ');
  }
  if (zones === undefined) {
    checkZonesOfStack(scope, NAME, props.maxAzs ?? 2, undefined);
    return;
  }
  if (isUnresolved(zones)) {
    invalid(NAME, 'availabilityZones', 'the list is known only at deploy time',
      'a literal list of at least 2 zones (each may be a token, e.g. Fn.select(0, Fn.getAzs())), since it decides how many subnets the template holds');
  }
  if (zones.length < 2) {
    invalid(NAME, 'availabilityZones', `${zones.length} Availability Zone(s) given`, 'at least 2 AZs, so that Studio survives the loss of one AZ');
  }
  checkAvailabilityZones(scope, NAME, 'availabilityZones', zones);
  checkZonesOfStack(scope, NAME, zones.length, zones);
}

/** The firewall's props: only with StudioEgress.FIREWALL_READY, and in the forms EgressFirewall takes. */
function validateFirewallProps(scope: Construct, props: SecureStudioProps): void {
  const egress = props.egress ?? StudioEgress.NONE;
  if (egress.mode !== StudioEgressMode.FIREWALL) {
    for (const prop of ['allowedDomains', 'tlsInspection'] as const) {
      if (props[prop] !== undefined) {
        invalid(NAME, prop, `given with egress mode ${egress.mode}, which has no firewall`, `${prop} only with egress: StudioEgress.FIREWALL_READY`);
      }
    }
    return;
  }
  if (!props.allowedDomains?.length) {
    invalid(NAME, 'allowedDomains', 'empty with egress: StudioEgress.FIREWALL_READY',
      "the domains Studio may reach, e.g. ['.pypi.org', '.pythonhosted.org']");
  }
  checkDomainEntries(NAME, 'allowedDomains', props.allowedDomains ?? []);
  checkNoDuplicates(NAME, 'allowedDomains', props.allowedDomains ?? []);
  const tls = props.tlsInspection;
  if (tls) {
    const problem = isUnresolved(tls.caCertificatePem) ? undefined : pemProblem(tls.caCertificatePem);
    if (problem) {
      invalid(NAME, 'tlsInspection.caCertificatePem', problem, 'the PEM text of the CA certificate (-----BEGIN CERTIFICATE-----), without its private key');
    }
    checkRegionalArn(scope, NAME, 'tlsInspection.certificateAuthority', tls.certificateAuthority.certificateArn, 'acm');
  }
}

/** User profile names as SageMaker takes them, unique regardless of case, and a known persona each. */
function validateUsers(users: StudioUser[]): void {
  const seen = new Map<string, string>();
  for (const { name, persona } of users) {
    if (!Object.values(StudioPersona).includes(persona)) {
      invalid(NAME, 'users', `user '${name}' has persona ${shown(persona)}, which is none of the built-in personas`,
        'persona: StudioPersona.DEFAULT, StudioPersona.DATA_SCIENTIST or StudioPersona.MLOPS for every user');
    }
    if (isUnresolved(name)) {
      continue;
    }
    checkSageMakerName(NAME, 'users', name);
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      invalid(NAME, 'users', `'${name}' and '${other}' are the same user profile name (SageMaker compares them without case)`, 'each user once');
    }
    seen.set(name.toLowerCase(), name);
  }
}

function validateDataBuckets(dataBuckets: NamedDataBucket[]): void {
  if (dataBuckets.length === 0) {
    invalid(NAME, 'dataBuckets', 'no data bucket', "at least one bucket name, e.g. ['data'], in dataBuckets or dataBucketAccess");
  }
  const seen = new Map<string, NamedDataBucket>();
  dataBuckets.forEach((bucket, index) => {
    const { name, prop } = bucket;
    if (!Object.values(DataBucketAccess).includes(bucket.access)) {
      invalid(NAME, prop, bucket.access === undefined ? `bucket '${name}' has no access level` : `bucket '${name}' has access ${shown(bucket.access)}, which is no access level`,
        'access: DataBucketAccess.READ_WRITE or DataBucketAccess.READ_ONLY');
    }
    if (isUnresolved(name)) {
      return;
    }
    if (!DATA_BUCKET_NAME.test(name)) {
      invalid(NAME, prop, `'${name}' is not a usable bucket name`, DATA_BUCKET_NAME_FORM);
    }
    const id = bucketId(name, index);
    const other = seen.get(id);
    if (other?.name === name) {
      invalid(NAME, prop, `'${name}' is listed ${other.prop === prop ? `twice in ${prop}` : 'in both dataBuckets and dataBucketAccess'}`,
        'each name once: in dataBuckets for read/write, or in dataBucketAccess with its access level');
    }
    if (other) {
      invalid(NAME, prop, `'${name}' and '${other.name}' make the same construct id '${id}'`, 'names that differ in more than their hyphens');
    }
    seen.set(id, bucket);
  });
}

/**
 * Creates a data bucket, which registers on the network's S3 endpoint policy; when the
 * policy is full, says which SecureStudio prop to change.
 */
function registerOnEndpoint(name: string, index: number, count: number, create: () => VpceRestrictedBucket): VpceRestrictedBucket {
  try {
    return create();
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith('S3EndpointPolicy allowBucket:')) {
      throw error;
    }
    return invalid(NAME, 'dataBuckets', `${count} data buckets, but the S3 endpoint policy of the network holds ${index}: bucket '${name}' ` +
      `would take it over its size limit (${message.slice(0, message.indexOf(';'))})`,
    `at most ${index} buckets in dataBuckets and dataBucketAccess together: keep datasets apart by prefix in fewer buckets, ` +
      'or split them over two SecureStudio environments (each has its own network and S3 endpoint)');
  }
}

/**
 * Construct id of a data bucket: 'models' -> 'ModelsBucket', 'raw-data' -> 'RawDataBucket' (the
 * ids of literal names are as they always were); a name known only at deploy time is no id, so
 * such a bucket is 'DataBucket<position>' (1-based, across dataBuckets then dataBucketAccess).
 */
function bucketId(name: string, index: number): string {
  if (isUnresolved(name)) {
    return `DataBucket${index + 1}`;
  }
  return `${name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Bucket`;
}
