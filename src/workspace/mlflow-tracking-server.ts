import { Names, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, Dependable } from 'constructs';
import { StudioEndpointService, StudioEndpointSet } from '../network/endpoints';
import { SecureStudioVpc } from '../network/secure-studio-vpc';
import { acknowledgeFindings } from '../private/acknowledge';
import { mlflowSignInStatements } from '../private/mlflow-sign-in';
import { allow, createScopedPolicy } from '../private/scoped-policy';
import { signInSourceCondition } from '../private/sign-in-sources';
import { checkPattern, invalid } from '../private/validation';
import { wildcardFindingIds } from '../private/wildcard-findings';
import { VpceRestrictedBucket } from '../storage/vpce-restricted-bucket';

const NAME = 'MlflowTrackingServer';
/** CreateMlflowTrackingServer's TrackingServerName: 1 to 256 characters. */
const TRACKING_SERVER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
/** The resource schema's MlflowVersion pattern, within the API's 16 characters. */
const MLFLOW_VERSION = /^(?=.{1,16}$)\d+(\.\d+)+$/;
/** Day and UTC time, as in the API's example `TUE:03:30`. */
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/i;

/**
 * Experiments, runs, their metrics, parameters, tags, inputs and outputs, logged models
 * and traces: what a data scientist logs and reads, and reading the model registry. Every
 * action is authorized on the tracking server as a whole (the only resource type of
 * `sagemaker-mlflow`). The families keep the persona policies within the IAM size quota:
 * `Get*`, `Search*` and `List*` are the service's read and list actions, `Log*` logs to
 * runs and logged models.
 */
const LOG_AND_READ_ACTIONS = [
  'Get*', 'Search*', 'List*', 'Log*',
  'CreateExperiment', 'UpdateExperiment', 'SetExperimentTag', 'CreateRun', 'UpdateRun', 'DeleteRun', 'RestoreRun', 'SetTag', 'DeleteTag',
  'FinalizeLoggedModel', 'SetLoggedModelTags', 'StartTrace', 'EndTrace', 'SetTraceTag',
].map((action) => `sagemaker-mlflow:${action}`);

/**
 * Registering, changing, aliasing, transitioning and removing registered models and model
 * versions: every action whose name holds `RegisteredModel` or `ModelVersion`.
 */
const MANAGE_MODELS_ACTIONS = ['*RegisteredModel*', '*ModelVersion*'].map((action) => `sagemaker-mlflow:${action}`);

/**
 * The size of an MLflow tracking server (`TrackingServerSize`). AWS suggests Small for
 * teams of up to 25 users, Medium up to 50 and Large up to 100.
 */
export class MlflowTrackingServerSize {
  /** Small: teams of up to 25 users. */
  public static readonly SMALL = new MlflowTrackingServerSize('Small');
  /** Medium: teams of up to 50 users. */
  public static readonly MEDIUM = new MlflowTrackingServerSize('Medium');
  /** Large: teams of up to 100 users. */
  public static readonly LARGE = new MlflowTrackingServerSize('Large');

  /**
   * The size of the given name, e.g. read from configuration.
   *
   * @param value 'Small', 'Medium' or 'Large'
   */
  public static of(value: string): MlflowTrackingServerSize {
    const size = [MlflowTrackingServerSize.SMALL, MlflowTrackingServerSize.MEDIUM, MlflowTrackingServerSize.LARGE]
      .find((candidate) => candidate.value === value);
    if (!size) {
      invalid(NAME, 'trackingServerSize', `'${value}' is not a tracking server size`, "'Small', 'Medium' or 'Large'");
    }
    return size;
  }

  private constructor(
    /** The value of `TrackingServerSize`. */
    public readonly value: string,
  ) {}
}

/**
 * Properties of an MlflowTrackingServer.
 */
export interface MlflowTrackingServerProps {
  /**
   * The network whose users reach the server: it gets the MLflow and SageMaker API
   * interface endpoints (when missing), its DNS Firewall resolves the MLflow names of the
   * region, and its S3 endpoint is the only way to the artifact bucket's data.
   */
  readonly network: SecureStudioVpc;

  /**
   * Name of the tracking server, part of its ARN. Unique in the account and region.
   *
   * @default - a name generated from the construct path
   */
  readonly trackingServerName?: string;

  /**
   * Size of the tracking server.
   *
   * @default MlflowTrackingServerSize.SMALL
   */
  readonly trackingServerSize?: MlflowTrackingServerSize;

  /**
   * MLflow version of the server, e.g. '3.0'.
   *
   * @default - SageMaker's default version
   */
  readonly mlflowVersion?: string;

  /**
   * Start of the weekly maintenance window, day and UTC time, e.g. 'TUE:03:30'.
   *
   * @default - chosen by SageMaker
   */
  readonly weeklyMaintenanceWindowStart?: string;

  /**
   * The team that owns the server: its value of the team tag on the server, so that the
   * team's roles may describe it (PersonaRoles' attribute-based access).
   *
   * @default - the server is not tagged with a team
   */
  readonly team?: string;

  /**
   * Key of the team tag.
   *
   * @default 'team'
   */
  readonly teamTagKey?: string;

  /**
   * Customer-managed key that encrypts the artifacts.
   *
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Bucket that receives the artifact bucket's server access logs (SSE-S3).
   *
   * @default - a new log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the tracking server (with the runs' metadata), the artifact bucket, and
   * the key and log bucket it creates, when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where the holder of a policy may open the MLflow UI from (its presigned URL): give
 * exactly one of the sources, as for Studio sign-in (`StudioDomain.createSignInPolicy`).
 */
export interface MlflowSignInOptions {
  /**
   * Only through these interface endpoints (`aws:SourceVpce`), typically the network's
   * SageMaker API endpoint.
   *
   * @default - not limited by endpoint
   */
  readonly sourceVpcEndpoints?: ec2.IInterfaceVpcEndpoint[];
  /**
   * Only from these VPCs (`aws:SourceVpc`).
   *
   * @default - not limited by VPC
   */
  readonly sourceVpcs?: ec2.IVpc[];
  /**
   * Only from these public IP ranges (`aws:SourceIp`), e.g. '203.0.113.0/24'.
   *
   * @default - not limited by IP range
   */
  readonly sourceIpRanges?: string[];
}

/**
 * A SageMaker AI MLflow tracking server for one team, with its artifacts in a
 * VpceRestrictedBucket of its own, reached through the network's MLflow interface
 * endpoint.
 *
 * SageMaker authorizes MLflow calls on the tracking server as a whole: IAM cannot tell
 * one experiment or run from another. Whoever may read one run of a server may read them
 * all, so each team gets a server of its own (docs/decisions/080-mlflow-tracking.md).
 *
 * The server runs in an AWS-managed VPC and writes artifacts with its own role, which is
 * therefore exempt from the artifact bucket's endpoint rule; only SageMaker can assume it.
 * Everyone else reaches the artifacts only through the network's S3 endpoint.
 *
 * @example
 * declare const network: SecureStudioVpc;
 * declare const personas: PersonaRoles;
 * const mlflow = new MlflowTrackingServer(this, 'Mlflow', { network, team: personas.team });
 * mlflow.grantLogAndRead(personas.dataScientistRole);
 * mlflow.grantManageModels(personas.mlopsRole);
 * mlflow.grantSignIn(personas.dataScientistRole, { sourceVpcs: [network.vpc] });
 */
export class MlflowTrackingServer extends Construct {
  /** The tracking server. */
  public readonly resource: sagemaker.CfnMlflowTrackingServer;
  /** Name of the tracking server. */
  public readonly trackingServerName: string;
  /** ARN of the tracking server, the tracking URI of the MLflow SDK's SageMaker plugin. */
  public readonly trackingServerArn: string;
  /** The bucket of the artifacts. */
  public readonly artifactBucket: VpceRestrictedBucket;
  /** The role the server runs as: the artifact bucket, nothing else. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: MlflowTrackingServerProps) {
    super(scope, id);
    this.trackingServerName = props.trackingServerName ??
      Names.uniqueResourceName(this, { maxLength: 63, separator: '-', allowedSpecialCharacters: '-' });
    const size = props.trackingServerSize ?? MlflowTrackingServerSize.SMALL;
    validate(props, this.trackingServerName, size);
    const stack = Stack.of(this);

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
      description: `The MLflow tracking server ${this.node.path}: its artifact bucket only`,
    });
    this.role = role;
    this.artifactBucket = new VpceRestrictedBucket(this, 'Artifacts', {
      network: props.network,
      exemptRoles: [role],
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      removalPolicy: props.removalPolicy,
    });
    const bucket = this.artifactBucket.bucket;
    const rolePolicy = createScopedPolicy(this, 'RolePolicy', {
      owner: NAME,
      prop: 'role',
      description: `Artifact store of the MLflow tracking server ${this.node.path}`,
      statements: [
        allow('ListArtifactBucket', ['s3:ListBucket', 's3:GetBucketLocation'], [bucket.bucketArn]),
        allow('ReadWriteArtifacts', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          [bucket.arnForObjects('*')], { wildcardReason: 'The server names artifact objects at run time; only objects of its own artifact bucket.' }),
        allow('ArtifactKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [this.artifactBucket.encryptionKey.keyArn]),
      ],
    });
    rolePolicy.attachToRole(role);

    this.resource = new sagemaker.CfnMlflowTrackingServer(this, 'Resource', {
      trackingServerName: this.trackingServerName,
      artifactStoreUri: bucket.s3UrlForObject(),
      roleArn: role.roleArn,
      trackingServerSize: size.value,
      mlflowVersion: props.mlflowVersion,
      weeklyMaintenanceWindowStart: props.weeklyMaintenanceWindowStart,
      automaticModelRegistration: false,
    });
    // The server holds the runs' metadata (its backend store): data, kept like the artifacts.
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // SageMaker checks the artifact store with the role when it creates the server.
    this.resource.node.addDependency(rolePolicy);
    if (props.team !== undefined) {
      Tags.of(this.resource).add(props.teamTagKey ?? 'team', props.team);
    }
    this.trackingServerArn = this.resource.attrTrackingServerArn;

    props.network.addInterfaceEndpoints(StudioEndpointSet.of(StudioEndpointService.SAGEMAKER_API, StudioEndpointService.SAGEMAKER_MLFLOW));
    // The SageMaker MLflow plugin calls <region>.experiments.sagemaker.aws; the server's URL is t-<id>.<region>.experiments.sagemaker.aws.
    props.network.dnsFirewall?.addAllowedDomains(`.${stack.region}.experiments.sagemaker.aws`);
  }

  /**
   * Lets the grantee log and read experiments, runs, logged models and traces on this
   * server, read its model registry, describe the server, and read and write its artifacts
   * (through the network's S3 endpoint). Nothing on any other server.
   */
  public grantLogAndRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnServer(grantee, [...LOG_AND_READ_ACTIONS, 'sagemaker:DescribeMlflowTrackingServer'])
      .combine(acknowledgeGrant(this.artifactBucket.grantReadWrite(grantee),
        'The MLflow client reads and writes run artifacts, named at run time, in this server\'s own artifact bucket only, ' +
        'with its own key; the bucket admits such requests only through the network\'s S3 endpoint.'));
  }

  /**
   * Lets the grantee register, change, alias, transition and delete models and model
   * versions in this server's model registry (every registry action, reads included). Runs
   * and artifacts need `grantLogAndRead`.
   */
  public grantManageModels(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnServer(grantee, MANAGE_MODELS_ACTIONS);
  }

  /**
   * Lets the grantee open the MLflow UI of this server (`CreatePresignedMlflowTrackingServerUrl`)
   * only from the given endpoints, VPCs or IP ranges, the same restriction as Studio sign-in,
   * and use the UI (`sagemaker-mlflow:AccessUI`, which has no resource type).
   */
  public grantSignIn(grantee: iam.IGrantable, options: MlflowSignInOptions): iam.Grant {
    const condition = signInSourceCondition(NAME, 'grantSignIn', options);
    return mlflowSignInStatements([this.trackingServerArn], condition)
      .map(({ statement, wildcardReason }) => {
        const grant = iam.Grant.addToPrincipal({
          grantee, actions: statement.actions, resourceArns: statement.resources, conditions: statement.conditions,
        });
        return wildcardReason ? acknowledgeGrant(grant, wildcardReason) : grant;
      })
      .reduce((all, grant) => all.combine(grant));
  }

  private grantOnServer(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return acknowledgeGrant(iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.trackingServerArn] }),
      'The action families name sagemaker-mlflow actions of one kind (reads, run logging, or the model registry), ' +
      'on this one tracking server.');
  }
}

/** Acknowledges the wildcard findings of a grant's statements, on the policy that holds them. */
function acknowledgeGrant(grant: iam.Grant, reason: string): iam.Grant {
  for (const policy of Dependable.of(grant).dependencyRoots) {
    const findings = grant.principalStatements.flatMap((statement) => wildcardFindingIds(policy, statement));
    acknowledgeFindings(policy, reason, [...new Set(findings)]);
  }
  return grant;
}

function validate(props: MlflowTrackingServerProps, trackingServerName: string, size: MlflowTrackingServerSize): void {
  checkPattern(NAME, 'trackingServerName', trackingServerName, TRACKING_SERVER_NAME,
    '1 to 256 letters and digits, with hyphens only between them');
  if (!(size instanceof MlflowTrackingServerSize)) {
    invalid(NAME, 'trackingServerSize', `'${size}' is not a tracking server size`,
      'MlflowTrackingServerSize.SMALL, MEDIUM or LARGE');
  }
  checkPattern(NAME, 'mlflowVersion', props.mlflowVersion, MLFLOW_VERSION, "a version of at most 16 characters, e.g. '3.0' or '2.16.2'");
  checkPattern(NAME, 'weeklyMaintenanceWindowStart', props.weeklyMaintenanceWindowStart, MAINTENANCE_WINDOW,
    "a day and UTC time, e.g. 'TUE:03:30'");
}
