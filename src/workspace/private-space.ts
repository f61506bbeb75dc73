import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { MIN_SPACE_EBS_GB, SPACE_NAME_PATTERN } from '../private/space-limits';
import { checkIntegerRange, checkPattern, invalid, isUnresolved } from '../private/validation';
import { StudioAppType, StudioDomain } from '../studio/studio-domain';
import { StudioUserProfile } from '../studio/studio-user-profile';

const NAME = 'StudioPrivateSpace';

/**
 * The private spaces a user profile gets when it is created (`StudioUserProfileOptions.privateSpaces`):
 * at most one JupyterLab and one Code Editor space, each a `StudioPrivateSpace` named
 * `<profile>-jupyterlab` or `<profile>-code-editor`.
 */
export interface StudioPrivateSpaces {
  /**
   * Create a private JupyterLab space.
   *
   * @default false
   */
  readonly jupyterLab?: boolean;

  /**
   * Create a private Code Editor space.
   *
   * @default false
   */
  readonly codeEditor?: boolean;

  /**
   * Size of the EBS volume of each space, in GB, at most the domain's `maxSpaceEbsVolumeSizeGb`.
   *
   * @default - the domain's `spaceEbsVolumeSizeGb`
   */
  readonly ebsVolumeSizeGb?: number;
}

/**
 * Properties of a StudioPrivateSpace.
 */
export interface StudioPrivateSpaceProps {
  /** The domain of the space. */
  readonly domain: StudioDomain;

  /** The user profile that owns the space: the only one that can open it. */
  readonly owner: StudioUserProfile;

  /** The application of the space. */
  readonly appType: StudioAppType;

  /**
   * The space name, unique in the domain: letters and digits, single or repeated hyphens between
   * them, at most 63 characters.
   *
   * @default - `<owner>-jupyterlab` or `<owner>-code-editor`
   */
  readonly spaceName?: string;

  /**
   * Size of the space's EBS volume (its home directory), in GB, from 5 to the domain's
   * `maxSpaceEbsVolumeSizeGb`.
   *
   * @default - the domain's `spaceEbsVolumeSizeGb`
   */
  readonly ebsVolumeSizeGb?: number;

  /**
   * Minutes of inactivity after which the space's app shuts down, between the domain's
   * `minIdleTimeoutMinutes` and `maxIdleTimeoutMinutes`.
   *
   * @default - the domain's `idleTimeoutMinutes`
   */
  readonly idleTimeoutMinutes?: number;

  /**
   * What happens to the space, and its EBS volume with the owner's work, when it leaves the
   * stack. A retained space keeps its owner's profile from being deleted until the space is.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A private SageMaker Studio space (JupyterLab or Code Editor) owned by one user profile: only
 * its owner can open it, and its apps run as the owner's execution role with the owner's
 * security groups. The space has the domain's idle shutdown, runs the domain's built-in
 * lifecycle configuration of its app type at every start (SageMaker resolves it from the
 * domain), has the domain's space default lifecycle configuration pre-selected, keeps remote
 * IDE access off, and gets an EBS volume within the domain's maximum. CloudFormation creates it
 * after its owner and deletes it before. See docs/decisions/081-private-spaces.md.
 *
 * @example
 * declare const domain: StudioDomain;
 * const alice = domain.addUserProfile('alice');
 * new StudioPrivateSpace(this, 'AliceJupyterLab', { domain, owner: alice, appType: StudioAppType.JUPYTER_LAB, ebsVolumeSizeGb: 20 });
 */
export class StudioPrivateSpace extends Construct {
  /** The space name. */
  public readonly spaceName: string;
  /** The space ARN. */
  public readonly spaceArn: string;
  /** The owner of the space. */
  public readonly owner: StudioUserProfile;
  /** The application of the space. */
  public readonly appType: StudioAppType;
  /** The size of the space's EBS volume, in GB. */
  public readonly ebsVolumeSizeGb: number;
  /** The CloudFormation resource. */
  public readonly resource: sagemaker.CfnSpace;

  constructor(scope: Construct, id: string, props: StudioPrivateSpaceProps) {
    super(scope, id);
    const { domain, owner, appType } = props;
    if (!Object.values(StudioAppType).includes(appType)) {
      invalid(NAME, 'appType', `'${appType}' is not a space app type`, 'StudioAppType.JUPYTER_LAB or StudioAppType.CODE_EDITOR');
    }
    this.owner = owner;
    this.appType = appType;
    this.spaceName = props.spaceName ?? defaultSpaceName(owner.userProfileName, appType);
    checkPattern(NAME, 'spaceName', this.spaceName, SPACE_NAME_PATTERN,
      'letters and digits, single or repeated hyphens between them, at most 63 characters ' +
      '(the default, <owner>-jupyterlab or <owner>-code-editor, needs a profile name of at most 52 or 51 characters)');
    this.ebsVolumeSizeGb = props.ebsVolumeSizeGb ?? domain.spaceEbsVolumeSizeGb;
    if (!isUnresolved(domain.maxSpaceEbsVolumeSizeGb)) {
      checkIntegerRange(NAME, 'ebsVolumeSizeGb', this.ebsVolumeSizeGb, MIN_SPACE_EBS_GB, domain.maxSpaceEbsVolumeSizeGb,
        'GB (the domain\'s maxSpaceEbsVolumeSizeGb)');
    }
    const idleTimeoutMinutes = props.idleTimeoutMinutes ?? domain.idleTimeoutMinutes;
    if (!isUnresolved(domain.minIdleTimeoutMinutes) && !isUnresolved(domain.maxIdleTimeoutMinutes)) {
      checkIntegerRange(NAME, 'idleTimeoutMinutes', idleTimeoutMinutes, domain.minIdleTimeoutMinutes, domain.maxIdleTimeoutMinutes,
        'minutes (the domain\'s minIdleTimeoutMinutes to maxIdleTimeoutMinutes)');
    }

    const appSettings = {
      appLifecycleManagement: { idleSettings: { idleTimeoutInMinutes: idleTimeoutMinutes } },
      // Read at synthesis, so that a space default added to the domain after the space counts too.
      defaultResourceSpec: Lazy.any({
        produce: () => {
          const config = domain.spaceDefaultLifecycleConfiguration(appType);
          return config ? { lifecycleConfigArn: config.attrStudioLifecycleConfigArn } : undefined;
        },
      }),
    };
    this.resource = new sagemaker.CfnSpace(this, 'Resource', {
      domainId: domain.domainId,
      spaceName: this.spaceName,
      ownershipSettings: { ownerUserProfileName: owner.userProfileName },
      spaceSharingSettings: { sharingType: 'Private' },
      spaceSettings: {
        appType,
        jupyterLabAppSettings: appType === StudioAppType.JUPYTER_LAB ? appSettings : undefined,
        codeEditorAppSettings: appType === StudioAppType.CODE_EDITOR ? appSettings : undefined,
        spaceStorageSettings: { ebsStorageSettings: { ebsVolumeSizeInGb: this.ebsVolumeSizeGb } },
        // What the persona guardrail (denySpaceRemoteAccess) requires of every space.
        remoteAccess: 'DISABLED',
      },
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // The CloudFormation reference documents AppLifecycleManagement in the space's JupyterLab and
    // Code Editor settings; cfn-lint's resource schema (1.58) does not have it yet.
    this.resource.addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
    // The owner is named by a literal, not a reference: order them explicitly.
    this.resource.addDependency(owner.resource);
    this.spaceArn = this.resource.attrSpaceArn;
    domain._registerSpace(this);
  }
}

/**
 * `<owner>-jupyterlab` or `<owner>-code-editor`. (StudioAppType is read here, not at module
 * level: studio-domain.ts, which defines it, imports this file.)
 */
function defaultSpaceName(owner: string, appType: StudioAppType): string {
  return `${owner}-${appType === StudioAppType.JUPYTER_LAB ? 'jupyterlab' : 'code-editor'}`;
}
