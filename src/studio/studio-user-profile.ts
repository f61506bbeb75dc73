import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';

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
   * Give the user's apps a security group of their own (with the Studio rules), so that
   * the apps of different users cannot reach each other. Needs a domain built on a
   * SecureStudioVpc.
   *
   * @default false - the apps use the domain's security groups
   */
  readonly ownSecurityGroup?: boolean;

  /**
   * Further security groups for the user's apps. SageMaker adds one of its own, and a
   * profile may have at most 5.
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
}

/**
 * Properties of a StudioUserProfile. Use `StudioDomain.addUserProfile` instead of
 * creating one directly.
 */
export interface StudioUserProfileProps {
  /** The domain id. */
  readonly domainId: string;
  /** The profile name. */
  readonly userProfileName: string;
  /** The role the user's apps run as. */
  readonly executionRole: iam.IRole;
  /** The security groups of the user's apps (SageMaker adds one for NFS). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Tags of the profile.
   *
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * The IAM Identity Center user name.
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
  /** The security groups of the user's apps. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The CloudFormation resource. */
  public readonly resource: sagemaker.CfnUserProfile;

  constructor(scope: Construct, id: string, props: StudioUserProfileProps) {
    super(scope, id);
    this.userProfileName = props.userProfileName;
    this.executionRole = props.executionRole;
    this.securityGroups = props.securityGroups;
    this.resource = new sagemaker.CfnUserProfile(this, 'Resource', {
      domainId: props.domainId,
      userProfileName: props.userProfileName,
      singleSignOnUserIdentifier: props.ssoUserName ? 'UserName' : undefined,
      singleSignOnUserValue: props.ssoUserName,
      userSettings: {
        executionRole: props.executionRole.roleArn,
        securityGroups: props.securityGroups.map((group) => group.securityGroupId),
      },
      tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    this.userProfileArn = this.resource.attrUserProfileArn;
  }
}
