import { Fn, Lazy, Names, Reference, RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { StudioUserProfile, StudioUserProfileOptions } from './studio-user-profile';
import { DomainTeardown } from './teardown/domain-teardown';
import { StudioEndpointService, StudioEndpointSet } from '../network/endpoints';
import { SecureStudioVpc } from '../network/secure-studio-vpc';
import { acknowledgeFindings } from '../private/acknowledge';
import { ADDRESSES_PER_STUDIO_USER } from '../private/aws-limits';
import { lifecycleContentLength, STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS } from '../private/ca-trust-script';
import { checkAppImageConfigName, checkImageName, checkTrustedAccounts, ImageLimits } from '../private/image-names';
import { mlflowSignInStatements } from '../private/mlflow-sign-in';
import { createServiceScopedKey } from '../private/service-scoped-key';
import { signInSourceCondition } from '../private/sign-in-sources';
import { MAX_SPACE_EBS_GB, MIN_SPACE_EBS_GB } from '../private/space-limits';
import {
  checkSageMakerName, checkTagKey, checkTagValue,
  DEFAULT_MAX_IDLE_MINUTES, MAX_APP_SECURITY_GROUPS, MAX_IDLE_MINUTES, MIN_IDLE_MINUTES,
} from '../private/studio-validation';
import { checkIntegerRange, checkRegionalArn, invalid, isUnresolved } from '../private/validation';
import { wildcardFindingIds } from '../private/wildcard-findings';
import { MlflowTrackingServer } from '../workspace/mlflow-tracking-server';
import { StudioPrivateSpace, StudioPrivateSpaces } from '../workspace/private-space';

const NAME = 'StudioDomain';
/** The idle timeout of an environment that sets none. */
const DEFAULT_IDLE_MINUTES = 60;
/** Subnets a domain takes (API_CreateDomain: SubnetIds, 1 to 16). */
const MAX_DOMAIN_SUBNETS = 16;
/**
 * Security groups of ours an app may carry: a profile's own groups and the domain's default
 * user groups together (SageMaker aggregates the two lists).
 */
const MAX_USER_SECURITY_GROUPS = MAX_APP_SECURITY_GROUPS;

/**
 * How users sign in to Studio.
 */
export enum StudioAuthMode {
  /** IAM: users call CreatePresignedDomainUrl with their own credentials. */
  IAM = 'IAM',
  /** IAM Identity Center single sign-on. */
  SSO = 'SSO',
}

/**
 * The Studio applications a lifecycle configuration can run in.
 */
export enum StudioAppType {
  /** JupyterLab. */
  JUPYTER_LAB = 'JupyterLab',
  /** Code Editor, based on Code-OSS. */
  CODE_EDITOR = 'CodeEditor',
}

/**
 * Where Studio users may share notebook outputs.
 */
export interface NotebookSharingOptions {
  /** The bucket that receives shared notebook outputs. */
  readonly bucket: s3.IBucket;
  /**
   * Key prefix of the shared outputs.
   *
   * @default 'sharing'
   */
  readonly prefix?: string;
  /**
   * The key that encrypts shared outputs.
   *
   * @default - the domain's key
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Where users may sign in from, for `StudioDomain.createSignInPolicy`. Give exactly one
 * of the sources.
 */
export interface StudioSignInOptions {
  /** The user profiles the policy lets its holder open. */
  readonly profiles: StudioUserProfile[];
  /**
   * Allow sign-in only through these interface endpoints (`aws:SourceVpce`), typically
   * the SageMaker API endpoint of the Studio network.
   *
   * @default - not limited by endpoint
   */
  readonly sourceVpcEndpoints?: ec2.IInterfaceVpcEndpoint[];
  /**
   * Allow sign-in only from these VPCs (`aws:SourceVpc`).
   *
   * @default - not limited by VPC
   */
  readonly sourceVpcs?: ec2.IVpc[];
  /**
   * Allow sign-in only from these public IP ranges (`aws:SourceIp`): IPv4 or IPv6 CIDR
   * blocks, e.g. '203.0.113.0/24' or '2001:db8::/32' (one address as /32 or /128).
   *
   * @default - not limited by IP range
   */
  readonly sourceIpRanges?: string[];
  /**
   * Roles to attach the policy to.
   *
   * @default - attached to nothing; attach it yourself
   */
  readonly roles?: iam.IRole[];
  /**
   * MLflow tracking servers whose UI the holder may open too
   * (`CreatePresignedMlflowTrackingServerUrl`, and `sagemaker-mlflow:AccessUI`), under the
   * same source restriction as Studio.
   *
   * @default - no MLflow UI
   */
  readonly mlflowTrackingServers?: MlflowTrackingServer[];
}

/**
 * How a lifecycle configuration is attached to the domain.
 */
export interface StudioLifecycleConfigurationOptions {
  /**
   * Make it the domain's built-in lifecycle configuration of its app type: SageMaker runs
   * it at every start of every space of the domain, before the default lifecycle
   * configuration a user may choose, and users cannot detach it. A domain has at most one
   * built-in lifecycle configuration per app type.
   *
   * @default false - attached only: users may choose it for their spaces
   */
  readonly builtIn?: boolean;

  /**
   * Pre-select it in the private spaces created with the domain (`StudioPrivateSpace`), as
   * their default lifecycle configuration, which SageMaker runs after the built-in one. One
   * per app type.
   *
   * @default false
   */
  readonly spaceDefault?: boolean;
}

/**
 * A custom SageMaker image that the domain offers in one app type
 * (`StudioDomain.addCustomImage`), e.g. one a `StudioImageCatalog` registered.
 */
export interface StudioCustomImage {
  /** The SageMaker image name. */
  readonly imageName: string;
  /** The app image config that runs the image in `appType`. */
  readonly appImageConfigName: string;
  /** The app that runs the image. */
  readonly appType: StudioAppType;
  /**
   * The image version users get.
   *
   * @default - the latest version of the image
   */
  readonly imageVersionNumber?: number;
}

/**
 * Docker in the domain's Studio apps, for `StudioDomainProps.dockerAccess`.
 */
export interface StudioDockerAccess {
  /**
   * Other AWS accounts (12 digits each, at most 20) that the domain trusts in VpcOnly mode
   * (`VpcOnlyTrustedAccounts`), e.g. a shared-services account with approved base images.
   *
   * @default - none
   */
  readonly trustedAccounts?: string[];
}

/**
 * Properties of a StudioDomain.
 */
export interface StudioDomainProps {
  /** The role of users without a role of their own, and of shared spaces. */
  readonly defaultExecutionRole: iam.IRole;

  /**
   * The network to run in: its studio subnets and Studio security group. Give either
   * `network` or `vpc`.
   *
   * @default - `vpc`, `subnets` and `securityGroups`
   */
  readonly network?: SecureStudioVpc;

  /**
   * A VPC of your own, for a domain outside a SecureStudioVpc. Requires `securityGroups`.
   *
   * @default - the network's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` for the domain.
   *
   * @default - the private subnets of `vpc`
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Security groups of the domain's apps, with `vpc` (at most 4: SageMaker adds one): the
   * domain-level apps, shared spaces and every user's apps carry them.
   *
   * @default - the network's Studio security group for the domain and shared spaces, and its
   * user-app security group for the apps of users
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The domain name.
   *
   * @default - derived from the construct path
   */
  readonly domainName?: string;

  /**
   * How users sign in.
   *
   * @default StudioAuthMode.IAM
   */
  readonly authMode?: StudioAuthMode;

  /**
   * The customer-managed key that encrypts the home EFS file system, in the stack's region.
   *
   * @default - a new key with rotation, usable by SageMaker and EFS of this account only
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Minutes of inactivity after which JupyterLab and Code Editor apps shut down: a whole
   * number from 60 to 525600 (SageMaker's range), within the range users may choose.
   *
   * @default 60, or `minIdleTimeoutMinutes` when that is larger
   */
  readonly idleTimeoutMinutes?: number;

  /**
   * The shortest idle timeout users may choose: a whole number from 60 to 525600.
   *
   * @default 60
   */
  readonly minIdleTimeoutMinutes?: number;

  /**
   * The longest idle timeout users may choose: a whole number from 60 to 525600.
   *
   * @default 480, or `idleTimeoutMinutes` or `minIdleTimeoutMinutes` when larger
   */
  readonly maxIdleTimeoutMinutes?: number;

  /**
   * Let users share notebook outputs to this bucket, encrypted with KMS.
   *
   * @default - notebook output sharing disabled
   */
  readonly notebookSharing?: NotebookSharingOptions;

  /**
   * Create the Studio UI and SageMaker API interface endpoints in the network (when
   * missing), so that users sign in without leaving it. Needs `network`.
   *
   * @default false
   */
  readonly privateSignIn?: boolean;

  /**
   * The tag key that holds a profile's team, for attribute-based access control: 1 to 128
   * letters, digits, spaces and `_ . : / = + - @`, not starting with `aws:`.
   *
   * @default 'team'
   */
  readonly teamTagKey?: string;

  /**
   * Default size of the EBS volume of a space, in GB (5 to 16384), for spaces users create and
   * for `StudioPrivateSpace`s. Written to the domain (with `maxSpaceEbsVolumeSizeGb`) when set,
   * or when the domain has a private space.
   *
   * @default 5
   */
  readonly spaceEbsVolumeSizeGb?: number;

  /**
   * Largest EBS volume a space may have, in GB (5 to 16384, at least `spaceEbsVolumeSizeGb`):
   * users cannot grow a space beyond it, and a `StudioPrivateSpace` is checked against it.
   *
   * @default 100
   */
  readonly maxSpaceEbsVolumeSizeGb?: number;

  /**
   * What happens to the domain's data when the stack is deleted. With `RemovalPolicy.DESTROY`,
   * a custom resource deletes, when the stack is deleted or an update leaves the domain
   * behind (replaced, removed, rolled back), the domain's apps, spaces and user profiles, the
   * domain with its home EFS file system, and the two NFS security groups SageMaker created
   * for it, before CloudFormation deletes the network; the key the
   * construct creates is scheduled for deletion. Any other policy keeps the home EFS file
   * system (CloudFormation cannot delete it) and applies to the key.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Let Studio apps use Docker (local mode, image builds), trusting only the given accounts
   * besides the domain's own. cdk-nag's `SageMakerStudio-DockerAccessDisabled` then reports
   * the domain: acknowledge it with your reason.
   *
   * @default - Docker access disabled
   */
  readonly dockerAccess?: StudioDockerAccess;
}

/**
 * A SageMaker Studio domain in `VpcOnly` mode: the current Studio web portal with
 * JupyterLab and Code Editor idle shutdown, a KMS-encrypted home file system, Docker
 * access and notebook sharing off, actions attributed to the user profile, user profiles
 * with persona roles and team tags, and a sign-in policy limited to a network.
 *
 * @example
 * declare const network: SecureStudioVpc;
 * declare const personas: PersonaRoles;
 * declare const apiEndpoint: ec2.IInterfaceVpcEndpoint;
 * const domain = new StudioDomain(this, 'Domain', { network, defaultExecutionRole: personas.defaultRole });
 * const alice = domain.addUserProfile('alice', { executionRole: personas.dataScientistRole, team: 'fraud', ownSecurityGroup: true });
 * domain.createSignInPolicy('AliceSignIn', { profiles: [alice], sourceVpcEndpoints: [apiEndpoint] });
 */
export class StudioDomain extends Construct {
  /** The domain id. */
  public readonly domainId: string;
  /** The domain ARN. */
  public readonly domainArn: string;
  /** The domain name. */
  public readonly domainName: string;
  /** The id of the home EFS file system, which outlives the domain. */
  public readonly homeEfsFileSystemId: string;
  /** The Studio URL. */
  public readonly url: string;
  /** The key of the home EFS file system. */
  public readonly encryptionKey: kms.IKey;
  /** The security groups of the domain's domain-level apps and shared spaces. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * The security groups every user's own apps carry (the default user settings, which
   * SageMaker adds to each profile's own groups): the network's user-app group, or
   * `securityGroups` for a domain in a VPC of your own.
   */
  public readonly userAppSecurityGroups: ec2.ISecurityGroup[];
  /** The CloudFormation resource. */
  public readonly resource: sagemaker.CfnDomain;
  /** Minutes of inactivity after which JupyterLab and Code Editor apps shut down. */
  public readonly idleTimeoutMinutes: number;
  /** The shortest idle timeout users may choose. */
  public readonly minIdleTimeoutMinutes: number;
  /** The longest idle timeout users may choose. */
  public readonly maxIdleTimeoutMinutes: number;
  /** Default size of the EBS volume of a space, in GB. */
  public readonly spaceEbsVolumeSizeGb: number;
  /** Largest EBS volume a space may have, in GB. */
  public readonly maxSpaceEbsVolumeSizeGb: number;

  private readonly network?: SecureStudioVpc;
  private readonly teardown?: DomainTeardown;
  private readonly defaultExecutionRole: iam.IRole;
  private readonly authMode: StudioAuthMode;
  private readonly teamTagKey: string;
  /** Lower-cased literal profile names (names that are tokens cannot be compared). */
  private readonly profileNames = new Set<string>();
  private profileCount = 0;
  private readonly lifecycleConfigNames = new Set<string>();
  /** How many ids were derived for names that are tokens, by id prefix. */
  private readonly tokenIds: Record<string, number> = {};
  private readonly lifecycleConfigArns: Record<StudioAppType, string[]> = { [StudioAppType.JUPYTER_LAB]: [], [StudioAppType.CODE_EDITOR]: [] };
  private readonly builtInLifecycleConfigs: Partial<Record<StudioAppType, sagemaker.CfnStudioLifecycleConfig>> = {};
  private readonly customImages: Record<StudioAppType, StudioCustomImage[]> = { [StudioAppType.JUPYTER_LAB]: [], [StudioAppType.CODE_EDITOR]: [] };
  private readonly spaceDefaultLifecycleConfigs: Partial<Record<StudioAppType, sagemaker.CfnStudioLifecycleConfig>> = {};
  private readonly spaceNames = new Set<string>();
  /** Whether the space storage settings go into the template: set by a prop, or needed by a private space. */
  private spaceStorage: boolean;

  constructor(scope: Construct, id: string, props: StudioDomainProps) {
    super(scope, id);
    const placement = domainPlacement(props);
    this.network = props.network;
    this.securityGroups = placement.securityGroups;
    this.userAppSecurityGroups = placement.userAppSecurityGroups;
    this.defaultExecutionRole = props.defaultExecutionRole;
    this.authMode = props.authMode ?? StudioAuthMode.IAM;
    this.teamTagKey = props.teamTagKey ?? 'team';
    checkTagKey(NAME, 'teamTagKey', this.teamTagKey);
    this.domainName = props.domainName ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-', allowedSpecialCharacters: '-' });
    checkSageMakerName(NAME, 'domainName', this.domainName);
    checkRegionalArn(this, NAME, 'encryptionKey', props.encryptionKey?.keyArn, 'kms');
    checkRegionalArn(this, NAME, 'notebookSharing.encryptionKey', props.notebookSharing?.encryptionKey?.keyArn, 'kms');
    const idleSettings = idleShutdown(props);
    this.idleTimeoutMinutes = idleSettings.idleTimeoutInMinutes!;
    this.minIdleTimeoutMinutes = idleSettings.minIdleTimeoutInMinutes!;
    this.maxIdleTimeoutMinutes = idleSettings.maxIdleTimeoutInMinutes!;
    this.spaceEbsVolumeSizeGb = props.spaceEbsVolumeSizeGb ?? DEFAULT_SPACE_EBS_GB;
    this.maxSpaceEbsVolumeSizeGb = props.maxSpaceEbsVolumeSizeGb ?? DEFAULT_MAX_SPACE_EBS_GB;
    validateSpaceStorage(this.spaceEbsVolumeSizeGb, this.maxSpaceEbsVolumeSizeGb);
    this.spaceStorage = props.spaceEbsVolumeSizeGb !== undefined || props.maxSpaceEbsVolumeSizeGb !== undefined;
    if (props.privateSignIn) {
      if (!this.network) {
        invalid(NAME, 'privateSignIn', 'set without network', 'a network (SecureStudioVpc) to create the sign-in endpoints in');
      }
      this.network.addInterfaceEndpoints(StudioEndpointSet.of(StudioEndpointService.SAGEMAKER_API, StudioEndpointService.SAGEMAKER_STUDIO));
    }

    this.encryptionKey = props.encryptionKey ?? this.createKey(props.removalPolicy ?? RemovalPolicy.RETAIN);
    const securityGroupIds = this.securityGroups.map((group) => group.securityGroupId);
    const userSecurityGroupIds = this.userAppSecurityGroups.map((group) => group.securityGroupId);
    const appSettings = (appType: StudioAppType) => ({
      appLifecycleManagement: { idleSettings },
      lifecycleConfigArns: Lazy.list({ produce: () => this.lifecycleConfigArns[appType] }, { omitEmpty: true }),
      builtInLifecycleConfigArn: Lazy.string({ produce: () => this.builtInLifecycleConfigs[appType]?.attrStudioLifecycleConfigArn }),
      customImages: Lazy.any({ produce: () => this.customImages[appType].map(customImageProperty) }, { omitEmptyArray: true }),
    });
    const spaceStorageSettings = Lazy.any({
      produce: () => this.spaceStorage ? {
        defaultEbsStorageSettings: { defaultEbsVolumeSizeInGb: this.spaceEbsVolumeSizeGb, maximumEbsVolumeSizeInGb: this.maxSpaceEbsVolumeSizeGb },
      } : undefined,
    });
    this.resource = new sagemaker.CfnDomain(this, 'Resource', {
      domainName: this.domainName,
      authMode: this.authMode,
      appNetworkAccessType: 'VpcOnly',
      vpcId: placement.vpc.vpcId,
      subnetIds: placement.subnetIds,
      kmsKeyId: this.encryptionKey.keyArn,
      tagPropagation: 'ENABLED',
      domainSettings: {
        dockerSettings: dockerSettings(props.dockerAccess),
        executionRoleIdentityConfig: 'USER_PROFILE_NAME',
        securityGroupIds,
      },
      defaultUserSettings: {
        executionRole: props.defaultExecutionRole.roleArn,
        securityGroups: userSecurityGroupIds,
        studioWebPortal: 'ENABLED',
        defaultLandingUri: 'studio::',
        jupyterLabAppSettings: appSettings(StudioAppType.JUPYTER_LAB),
        codeEditorAppSettings: appSettings(StudioAppType.CODE_EDITOR),
        sharingSettings: this.sharingSettings(props.notebookSharing),
        spaceStorageSettings,
      },
      defaultSpaceSettings: {
        executionRole: props.defaultExecutionRole.roleArn,
        securityGroups: securityGroupIds,
        jupyterLabAppSettings: appSettings(StudioAppType.JUPYTER_LAB),
        spaceStorageSettings,
      },
    });
    this.domainId = this.resource.attrDomainId;
    this.domainArn = this.resource.attrDomainArn;
    this.homeEfsFileSystemId = this.resource.attrHomeEfsFileSystemId;
    this.url = this.resource.attrUrl;
    if (props.removalPolicy === RemovalPolicy.DESTROY) {
      this.teardown = new DomainTeardown(this, 'Teardown', {
        domainId: this.domainId,
        homeEfsFileSystemId: this.homeEfsFileSystemId,
        vpc: placement.vpc,
        dependsOn: [this.resource, placement.vpc, ...new Set([...this.securityGroups, ...this.userAppSecurityGroups])],
      });
    }
    this.node.addValidation({ validate: () => this.validateUserCapacity() });
  }

  /**
   * Adds a user profile. Names follow SageMaker's pattern and must be unique within the
   * domain regardless of case. The profile costs one resource, two with `ownSecurityGroup`;
   * for hundreds of users, add them through a `StudioUsers`, which spreads them over nested
   * stacks.
   */
  public addUserProfile(name: string, options: StudioUserProfileOptions = {}): StudioUserProfile {
    return this._addUserProfile(this, name, options);
  }

  /**
   * Adds a user profile (and its own security group) in the given scope, e.g. a nested stack.
   *
   * @internal
   */
  public _addUserProfile(scope: Construct, name: string, options: StudioUserProfileOptions): StudioUserProfile {
    checkSageMakerName(NAME, 'addUserProfile', name);
    const literalName = !isUnresolved(name);
    if (literalName && this.profileNames.has(name.toLowerCase())) {
      invalid(NAME, 'addUserProfile', `a profile named '${name}' exists already (names are compared without case)`, 'a unique name');
    }
    if ((this.authMode === StudioAuthMode.SSO) !== (options.ssoUserName !== undefined)) {
      invalid(NAME, 'addUserProfile', `profile '${name}' ${options.ssoUserName !== undefined ? 'has' : 'lacks'} ssoUserName on a ${this.authMode} domain`,
        'ssoUserName for every profile of an SSO domain, and none on an IAM domain');
    }
    if (options.team !== undefined) {
      checkTagValue(NAME, 'team', this.teamTagKey, options.team);
    }
    const id = this.idFor('Profile', name);
    const securityGroups = [...this.profileSecurityGroups(scope, id, name, options), ...options.securityGroups ?? []];
    const total = securityGroups.length + this.userAppSecurityGroups.length;
    if (total > MAX_USER_SECURITY_GROUPS) {
      invalid(NAME, 'addUserProfile',
        `the apps of profile '${name}' would carry ${total} security groups (${securityGroups.length} of the profile and ` +
        `${this.userAppSecurityGroups.length} the domain gives every user's apps)`,
        `at most ${MAX_USER_SECURITY_GROUPS} in all, as SageMaker adds its NFS group to the 5 an app may have`);
    }
    if (literalName) {
      this.profileNames.add(name.toLowerCase());
    }
    this.profileCount++;
    const profile = new StudioUserProfile(scope, id, {
      domainId: this.domainId,
      userProfileName: name,
      executionRole: options.executionRole ?? this.defaultExecutionRole,
      securityGroups,
      tags: options.team !== undefined ? { [this.teamTagKey]: options.team } : undefined,
      ssoUserName: options.ssoUserName,
    });
    // Its apps must be gone before CloudFormation deletes the profile.
    this.teardown?.runBefore(profile);
    this.addPrivateSpaces(scope, profile, options.privateSpaces);
    return profile;
  }

  /**
   * The lifecycle configuration of the app type added with `spaceDefault`, if any: the
   * default of the domain's private spaces.
   */
  public spaceDefaultLifecycleConfiguration(appType: StudioAppType): sagemaker.CfnStudioLifecycleConfig | undefined {
    return this.spaceDefaultLifecycleConfigs[appType];
  }

  /**
   * Records a private space of this domain: its name must be new, the domain's space storage
   * settings go into the template, and with the domain teardown the space's apps are deleted
   * before CloudFormation deletes the space.
   *
   * @internal
   */
  public _registerSpace(space: StudioPrivateSpace): void {
    if (!isUnresolved(space.spaceName) && this.spaceNames.has(space.spaceName)) {
      invalid('StudioPrivateSpace', 'spaceName', `a space named '${space.spaceName}' exists already in the domain`, 'a name unique in the domain');
    }
    this.spaceNames.add(space.spaceName);
    this.spaceStorage = true;
    this.teardown?.runBefore(space);
  }

  private addPrivateSpaces(scope: Construct, owner: StudioUserProfile, spaces?: StudioPrivateSpaces): void {
    const appTypes = [
      ...(spaces?.jupyterLab ? [StudioAppType.JUPYTER_LAB] : []),
      ...(spaces?.codeEditor ? [StudioAppType.CODE_EDITOR] : []),
    ];
    if (spaces && appTypes.length === 0) {
      invalid(NAME, 'addUserProfile', `privateSpaces of profile '${owner.userProfileName}' asks for no space`,
        'jupyterLab: true, codeEditor: true or both, or no privateSpaces');
    }
    for (const appType of appTypes) {
      new StudioPrivateSpace(scope, `Profile${owner.userProfileName}${appType}Space`, {
        domain: this, owner, appType, ebsVolumeSizeGb: spaces?.ebsVolumeSizeGb,
      });
    }
  }

  /**
   * A customer-managed policy that lets its holder open Studio (`CreatePresignedDomainUrl`)
   * as the given profiles only, and only from the given endpoints, VPCs or IP ranges.
   */
  public createSignInPolicy(id: string, options: StudioSignInOptions): iam.ManagedPolicy {
    if (options.profiles.length === 0) {
      invalid(NAME, 'createSignInPolicy', 'no profiles given', 'at least one profile of this domain');
    }
    const foreign = options.profiles.find((profile) => {
      // Only a reference to another domain of this app is known to be foreign; any other token may be this domain.
      const reference = Tokenization.reverseString(profile.resource.domainId).firstToken;
      return reference instanceof Reference && reference.target instanceof sagemaker.CfnDomain && reference.target !== this.resource;
    });
    if (foreign) {
      invalid(NAME, 'profiles', `profile '${foreign.userProfileName}' belongs to another domain`, 'profiles added to this domain');
    }
    const source = signInSourceCondition(NAME, 'createSignInPolicy', options);
    const mlflow = mlflowSignInStatements((options.mlflowTrackingServers ?? []).map((server) => server.trackingServerArn), source);
    const policy = new iam.ManagedPolicy(this, id, {
      description: `Studio sign-in to ${this.node.path} as ${options.profiles.map((p) => p.userProfileName).join(', ')}`,
      roles: options.roles,
      statements: [new iam.PolicyStatement({
        sid: 'SignInAsOwnProfilesFromTheNetwork',
        actions: ['sagemaker:CreatePresignedDomainUrl'],
        resources: options.profiles.map((profile) => profile.userProfileArn),
        conditions: source,
      }), ...mlflow.map(({ statement }) => statement)],
    });
    for (const { statement, wildcardReason } of mlflow) {
      if (wildcardReason) {
        acknowledgeFindings(policy, wildcardReason, wildcardFindingIds(policy, statement));
      }
    }
    return policy;
  }

  /**
   * Adds a lifecycle configuration (a shell script run when an app starts) for users of
   * older images, and makes it available to every user of the domain; with
   * `options.builtIn`, SageMaker runs it at every start of every space.
   */
  public addLifecycleConfiguration(name: string, appType: StudioAppType, script: string,
    options: StudioLifecycleConfigurationOptions = {}): sagemaker.CfnStudioLifecycleConfig {
    checkSageMakerName(NAME, 'addLifecycleConfiguration', name);
    if (!isUnresolved(name) && this.lifecycleConfigNames.has(name)) {
      invalid(NAME, 'addLifecycleConfiguration', `a lifecycle configuration named '${name}' exists already`, 'a unique name');
    }
    const spaceDefault = this.spaceDefaultLifecycleConfigs[appType];
    if (options.spaceDefault && spaceDefault) {
      invalid(NAME, 'addLifecycleConfiguration', `'${name}' is a second space default lifecycle configuration for ${appType} ` +
        `(the first is '${spaceDefault.studioLifecycleConfigName}')`, 'one space default per app type');
    }
    const builtIn = this.builtInLifecycleConfigs[appType];
    if (options.builtIn && builtIn) {
      invalid(NAME, 'addLifecycleConfiguration', `'${name}' is a second built-in lifecycle configuration for ${appType} ` +
        `(the first is '${builtIn.studioLifecycleConfigName}')`, 'one built-in lifecycle configuration per app type: merge the scripts into one');
    }
    if (!isUnresolved(script) && script.length === 0) {
      invalid(NAME, 'addLifecycleConfiguration', `the script of '${name}' is empty`, 'a shell script (SageMaker needs at least one character)');
    }
    if (!isUnresolved(script) && lifecycleContentLength(script) > STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS) {
      invalid(NAME, 'addLifecycleConfiguration', `the script of '${name}' is ${lifecycleContentLength(script)} characters in base64`,
        `at most ${STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS} (SageMaker's limit on the base64 content): move the bulk to a file the script downloads from S3`);
    }
    if (!isUnresolved(name)) {
      this.lifecycleConfigNames.add(name);
    }
    const config = new sagemaker.CfnStudioLifecycleConfig(this, this.idFor('LifecycleConfig', name), {
      studioLifecycleConfigName: name,
      studioLifecycleConfigAppType: appType,
      studioLifecycleConfigContent: Fn.base64(script),
    });
    this.lifecycleConfigArns[appType].push(config.attrStudioLifecycleConfigArn);
    if (options.builtIn) {
      this.builtInLifecycleConfigs[appType] = config;
    }
    if (options.spaceDefault) {
      this.spaceDefaultLifecycleConfigs[appType] = config;
    }
    return config;
  }

  /**
   * Offers a custom SageMaker image (with its app image config) to every user and shared
   * space of the domain, in the image's app type: at most 200 images per app type.
   */
  public addCustomImage(image: StudioCustomImage): void {
    checkImageName(NAME, 'addCustomImage', image.imageName);
    checkAppImageConfigName(NAME, 'addCustomImage', image.appImageConfigName);
    checkIntegerRange(NAME, 'addCustomImage', image.imageVersionNumber, 0, Number.MAX_SAFE_INTEGER, '(imageVersionNumber)');
    const images = this.customImages[image.appType];
    if (!isUnresolved(image.imageName) && images.some((other) => other.imageName === image.imageName)) {
      invalid(NAME, 'addCustomImage', `image '${image.imageName}' is offered in ${image.appType} already`, 'each image once per app type');
    }
    if (images.length >= ImageLimits.CUSTOM_IMAGES_PER_DOMAIN_APP) {
      invalid(NAME, 'addCustomImage', `'${image.imageName}' would be custom image ${images.length + 1} of ${image.appType}`,
        `at most ${ImageLimits.CUSTOM_IMAGES_PER_DOMAIN_APP} custom images per app type on a domain (SageMaker's limit)`);
    }
    images.push(image);
  }

  /**
   * The construct id of a child named by the user: prefix and name for a literal name (the ids
   * of deployed resources stay as they were), and prefix, `-token-` and a count for a token,
   * which cannot be part of an id. Names never start with a hyphen, so the two never collide.
   */
  private idFor(prefix: string, name: string): string {
    if (!isUnresolved(name)) {
      return `${prefix}${name}`;
    }
    this.tokenIds[prefix] = (this.tokenIds[prefix] ?? 0) + 1;
    return `${prefix}-token-${this.tokenIds[prefix]}`;
  }

  private profileSecurityGroups(scope: Construct, id: string, name: string, options: StudioUserProfileOptions): ec2.ISecurityGroup[] {
    if (!options.ownSecurityGroup) {
      if (options.trafficBetweenOwnApps) {
        invalid(NAME, 'addUserProfile', `profile '${name}' asks for trafficBetweenOwnApps without ownSecurityGroup`,
          'ownSecurityGroup: true, whose group admits the traffic from itself only');
      }
      // SageMaker gives the apps the domain's default user groups (userAppSecurityGroups).
      return [];
    }
    if (!this.network) {
      invalid(NAME, 'addUserProfile', `profile '${name}' asks for ownSecurityGroup on a domain without network`,
        'a domain built on a SecureStudioVpc, or security groups of your own in securityGroups');
    }
    const group = this.network.createAppSecurityGroup(scope, `${id}SecurityGroup`, `SageMaker Studio apps of user profile ${name}`);
    if (options.trafficBetweenOwnApps) {
      this.network.allowTrafficWithinAppGroup(group);
    }
    return [group];
  }

  /** The user profiles must fit in the studio subnets, at 4 addresses per user. */
  private validateUserCapacity(): string[] {
    const capacity = this.network?.studioUserCapacity;
    const users = this.profileCount;
    if (capacity === undefined || users <= capacity) {
      return [];
    }
    return [`${NAME} addUserProfile: ${users} user profiles need up to ${users * ADDRESSES_PER_STUDIO_USER} addresses ` +
      `(${ADDRESSES_PER_STUDIO_USER} per user) but the studio subnets hold ${capacity} users after the interface endpoints; ` +
      'a larger cidr or studioSubnetCidrMask on the network, or a second domain for some of the users'];
  }

  private sharingSettings(options?: NotebookSharingOptions): sagemaker.CfnDomain.SharingSettingsProperty {
    if (!options) {
      return { notebookOutputOption: 'Disabled' };
    }
    return {
      notebookOutputOption: 'Allowed',
      s3OutputPath: options.bucket.s3UrlForObject(options.prefix ?? 'sharing'),
      s3KmsKeyId: (options.encryptionKey ?? this.encryptionKey).keyArn,
    };
  }

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    return createServiceScopedKey(this, {
      description: `Encrypts the Studio home file system of ${this.node.path}`,
      removalPolicy,
      sid: 'AllowSageMakerAndEfsOfThisAccount',
      services: ['sagemaker', 'elasticfilesystem'],
    });
  }
}

interface DomainPlacement {
  readonly vpc: ec2.IVpc;
  readonly subnetIds: string[];
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly userAppSecurityGroups: ec2.ISecurityGroup[];
}

function domainPlacement(props: StudioDomainProps): DomainPlacement {
  if (props.network) {
    if (props.vpc || props.subnets || props.securityGroups) {
      invalid(NAME, 'network', 'set together with vpc, subnets or securityGroups', 'either network, or vpc with subnets and securityGroups');
    }
    const network = props.network;
    return {
      vpc: network.vpc,
      subnetIds: network.vpc.selectSubnets(network.studioSubnets).subnetIds,
      securityGroups: [network.studioSecurityGroup],
      userAppSecurityGroups: [network.userAppSecurityGroup],
    };
  }
  if (!props.vpc) {
    invalid(NAME, 'vpc', 'neither network nor vpc given', 'a network (SecureStudioVpc), or a vpc with securityGroups');
  }
  const securityGroups = props.securityGroups ?? [];
  if (securityGroups.length === 0 || securityGroups.length > MAX_USER_SECURITY_GROUPS) {
    invalid(NAME, 'securityGroups', `${securityGroups.length} security groups given with vpc`,
      `1 to ${MAX_USER_SECURITY_GROUPS} security groups (SageMaker adds one of the 5 allowed)`);
  }
  const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
  if (subnetIds.length === 0 || subnetIds.length > MAX_DOMAIN_SUBNETS) {
    invalid(NAME, 'subnets', `the selection holds ${subnetIds.length} subnets of vpc`, `1 to ${MAX_DOMAIN_SUBNETS} subnets`);
  }
  return { vpc: props.vpc, subnetIds, securityGroups, userAppSecurityGroups: securityGroups };
}

/**
 * The idle settings. Defaults follow the values given (the default timeout rises to a given
 * minimum, the default maximum to a given timeout or minimum), so that an error names only
 * props the user set. Tokens are compared with nothing.
 */
function idleShutdown(props: StudioDomainProps): sagemaker.CfnDomain.IdleSettingsProperty {
  for (const prop of ['idleTimeoutMinutes', 'minIdleTimeoutMinutes', 'maxIdleTimeoutMinutes'] as const) {
    const value = props[prop];
    if (value !== undefined && !isUnresolved(value) && !Number.isInteger(value) && !Number.isNaN(value)) {
      invalid(NAME, prop, `${value} is not a whole number`, `a whole number from ${MIN_IDLE_MINUTES} to ${MAX_IDLE_MINUTES} minutes`);
    }
    checkIntegerRange(NAME, prop, value, MIN_IDLE_MINUTES, MAX_IDLE_MINUTES, 'minutes');
  }
  const literal = (value: number) => !isUnresolved(value);
  const min = props.minIdleTimeoutMinutes ?? MIN_IDLE_MINUTES;
  const idle = props.idleTimeoutMinutes ?? (literal(min) ? Math.max(DEFAULT_IDLE_MINUTES, min) : min);
  const max = props.maxIdleTimeoutMinutes ?? Math.max(DEFAULT_MAX_IDLE_MINUTES, ...[idle, min].filter(literal));
  if (literal(min) && literal(max) && min > max) {
    invalid(NAME, 'maxIdleTimeoutMinutes', `${max} is below minIdleTimeoutMinutes (${min})`, `a whole number from ${min} to ${MAX_IDLE_MINUTES} minutes`);
  }
  // With the defaults above, each of these can only fail when the user set the prop it names.
  const range = `a whole number from ${literal(min) ? min : MIN_IDLE_MINUTES} to ${literal(max) ? max : MAX_IDLE_MINUTES} minutes`;
  if (literal(idle) && literal(min) && idle < min) {
    invalid(NAME, 'idleTimeoutMinutes', `${idle} is below minIdleTimeoutMinutes (${min})`, range);
  }
  if (literal(idle) && literal(max) && idle > max) {
    invalid(NAME, 'idleTimeoutMinutes', `${idle} is above maxIdleTimeoutMinutes (${max})`, range);
  }
  return { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: idle, minIdleTimeoutInMinutes: min, maxIdleTimeoutInMinutes: max };
}

function customImageProperty(image: StudioCustomImage): sagemaker.CfnDomain.CustomImageProperty {
  return { imageName: image.imageName, appImageConfigName: image.appImageConfigName, imageVersionNumber: image.imageVersionNumber };
}

/** Docker stays off unless asked for; then only the domain's account and the trusted ones. */
function dockerSettings(access?: StudioDockerAccess): sagemaker.CfnDomain.DockerSettingsProperty {
  if (!access) {
    return { enableDockerAccess: 'DISABLED' };
  }
  const trustedAccounts = access.trustedAccounts ?? [];
  checkTrustedAccounts(NAME, 'dockerAccess', trustedAccounts);
  return { enableDockerAccess: 'ENABLED', vpcOnlyTrustedAccounts: trustedAccounts.length > 0 ? trustedAccounts : undefined };
}

const DEFAULT_SPACE_EBS_GB = 5;
const DEFAULT_MAX_SPACE_EBS_GB = 100;

function validateSpaceStorage(size: number, max: number): void {
  checkIntegerRange(NAME, 'spaceEbsVolumeSizeGb', size, MIN_SPACE_EBS_GB, MAX_SPACE_EBS_GB, 'GB');
  checkIntegerRange(NAME, 'maxSpaceEbsVolumeSizeGb', max, MIN_SPACE_EBS_GB, MAX_SPACE_EBS_GB, 'GB');
  if (!isUnresolved(size) && !isUnresolved(max) && size > max) {
    invalid(NAME, 'spaceEbsVolumeSizeGb', `${size} GB is over maxSpaceEbsVolumeSizeGb (${max} GB)`, 'spaceEbsVolumeSizeGb <= maxSpaceEbsVolumeSizeGb');
  }
}
