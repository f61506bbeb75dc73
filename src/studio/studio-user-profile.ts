import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { checkSageMakerName, checkTagKey, checkTagValue, MAX_APP_SECURITY_GROUPS, MAX_SSO_USER_NAME_LENGTH, MAX_TAGS } from '../private/studio-validation';
import { invalid, isUnresolved } from '../private/validation';
import { StudioPrivateSpaces } from '../workspace/private-space';

const NAME = 'StudioUserProfile';

/**
 * Options of a user profile added with `StudioDomain.addUserProfile`.
 */
export interface StudioUserProfileOptions {
  /**
   * The role the user's apps run as, typically a persona role.
   *
   * @default - the domain's default execution role
   */
  readonly executionRole?: iam.IRole;

  /**
   * The user's team, written to the profile's team tag (see the domain's `teamTagKey`)
   * for attribute-based access control.
   *
   * @default - no team tag
   */
  readonly team?: string;

  /**
   * Give the user's apps a security group of their own, without rules: it names this user's
   * apps, so that a resource can admit them alone (`profile.securityGroups[0]`). The apps'
   * network access comes from the domain's user-app group either way, and no user's apps
   * accept connections from another user's. Costs one more resource. Needs a domain built on
   * a SecureStudioVpc.
   *
   * @default false - the apps carry only the domain's user-app groups
   */
  readonly ownSecurityGroup?: boolean;

  /**
   * Let the user's apps open connections to each other on TCP 8192-65535, the ports Studio
   * Classic's JupyterServer and KernelGateway apps used (the current Studio's JupyterLab and
   * Code Editor spaces need no traffic between apps). Other users' apps still cannot connect.
   * Costs one more resource (an ingress rule of the group from itself). Needs `ownSecurityGroup`.
   *
   * @default false
   */
  readonly trafficBetweenOwnApps?: boolean;

  /**
   * Further security groups for the user's apps. SageMaker adds the domain's default user
   * groups and one of its own for NFS to them, and an app may carry at most 5.
   *
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The IAM Identity Center user name of this profile, required (and only allowed) on a
   * domain with `StudioAuthMode.SSO`.
   *
   * @default - none (IAM domains)
   */
  readonly ssoUserName?: string;

  /**
   * Private spaces of the user, created with the profile, in the same stack (one more
   * resource each), e.g. `{ jupyterLab: true, ebsVolumeSizeGb: 20 }`.
   *
   * @default - no private space: the user creates spaces in Studio
   */
  readonly privateSpaces?: StudioPrivateSpaces;
}

/**
 * Properties of a StudioUserProfile. Use `StudioDomain.addUserProfile` instead of
 * creating one directly. The profile checks its own properties whichever way it is created.
 */
export interface StudioUserProfileProps {
  /** The domain id. */
  readonly domainId: string;
  /**
   * The profile name: SageMaker's name pattern (letters, digits and hyphens between them,
   * at most 63 characters), or a token.
   */
  readonly userProfileName: string;
  /** The role the user's apps run as. */
  readonly executionRole: iam.IRole;
  /**
   * The security groups of the profile; SageMaker adds the domain's default user groups and
   * one for NFS to them, and an app carries at most 5, so at most 4 here (fewer by the
   * domain's default user groups). An empty list leaves `SecurityGroups` out of the profile.
   */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Tags of the profile: at most 50, keys of 1 to 128 and values of at most 256 letters,
   * digits, spaces and `_ . : / = + - @`, keys not starting with `aws:`.
   *
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * The IAM Identity Center user name (1 to 256 characters), on a domain with
   * `StudioAuthMode.SSO` only.
   *
   * @default - none
   */
  readonly ssoUserName?: string;
}

/**
 * A SageMaker Studio user profile.
 */
export class StudioUserProfile extends Construct {
  /** The profile name. */
  public readonly userProfileName: string;
  /** The profile ARN. */
  public readonly userProfileArn: string;
  /** The role the user's apps run as. */
  public readonly executionRole: iam.IRole;
  /** The security groups of the profile (the domain's default user groups come on top). */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The CloudFormation resource. */
  public readonly resource: sagemaker.CfnUserProfile;

  constructor(scope: Construct, id: string, props: StudioUserProfileProps) {
    super(scope, id);
    validateProfileProps(props);
    this.userProfileName = props.userProfileName;
    this.executionRole = props.executionRole;
    this.securityGroups = props.securityGroups;
    this.resource = new sagemaker.CfnUserProfile(this, 'Resource', {
      domainId: props.domainId,
      userProfileName: props.userProfileName,
      singleSignOnUserIdentifier: props.ssoUserName !== undefined ? 'UserName' : undefined,
      singleSignOnUserValue: props.ssoUserName,
      userSettings: {
        executionRole: props.executionRole.roleArn,
        securityGroups: props.securityGroups.length > 0 ? props.securityGroups.map((group) => group.securityGroupId) : undefined,
      },
      tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    this.userProfileArn = this.resource.attrUserProfileArn;
  }
}

function validateProfileProps(props: StudioUserProfileProps): void {
  checkSageMakerName(NAME, 'userProfileName', props.userProfileName);
  if (props.securityGroups.length > MAX_APP_SECURITY_GROUPS) {
    invalid(NAME, 'securityGroups', `${props.securityGroups.length} security groups given`,
      `at most ${MAX_APP_SECURITY_GROUPS}, fewer by the domain's default user groups, as SageMaker adds its NFS group to the 5 an app may have`);
  }
  const tags = Object.entries(props.tags ?? {});
  if (tags.length > MAX_TAGS) {
    invalid(NAME, 'tags', `${tags.length} tags given`, `at most ${MAX_TAGS} tags`);
  }
  for (const [key, value] of tags) {
    checkTagKey(NAME, 'tags', key);
    checkTagValue(NAME, 'tags', key, value);
  }
  const sso = props.ssoUserName;
  if (sso !== undefined && !isUnresolved(sso) && (sso.length === 0 || sso.length > MAX_SSO_USER_NAME_LENGTH)) {
    invalid(NAME, 'ssoUserName', `'${sso}' has ${sso.length} characters`,
      `the IAM Identity Center user name, 1 to ${MAX_SSO_USER_NAME_LENGTH} characters (leave it out on an IAM domain)`);
  }
}
