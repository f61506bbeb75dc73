/**
 * The logic of the StudioComplianceMonitor inspector: it reads an event delivered by EventBridge
 * (the CloudTrail record of a SageMaker create/update/start call, or SageMaker's own notebook
 * instance state-change event), describes the resource it names, checks it against the
 * environment's policy, publishes a finding when it is not compliant and, only when opted in,
 * stops a non-compliant job or notebook instance.
 *
 * Each step takes its SDK client as a parameter. Not part of the public API: bundled into the
 * handler asset, never exported from the index. The decisions behind it are recorded in
 * docs/decisions/050-compliance-monitor.md.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle, so it is
// a devDependency (for types and tests), never a dependency of the library.
/* eslint-disable import/no-extraneous-dependencies */
import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AutoMLJobStatus,
  CompilationJobStatus,
  DescribeAppCommand,
  DescribeAutoMLJobCommand,
  DescribeAutoMLJobV2Command,
  DescribeClusterCommand,
  DescribeCompilationJobCommand,
  DescribeDomainCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeEndpointConfigCommandOutput,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeSpaceCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  DescribeUserProfileCommand,
  HyperParameterTuningJobStatus,
  NotebookInstanceStatus,
  ProcessingJobStatus,
  SageMakerClient,
  StopAutoMLJobCommand,
  StopCompilationJobCommand,
  StopHyperParameterTuningJobCommand,
  StopNotebookInstanceCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
  TrainingJobStatus,
  TransformJobStatus,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** The policy the inspector enforces (the construct writes it as JSON into POLICY). */
export interface CompliancePolicy {
  /** Subnets resources may use; any subnet when undefined. */
  readonly allowedSubnetIds?: string[];
  /** Security groups resources may use; any group when undefined. */
  readonly allowedSecurityGroupIds?: string[];
  /**
   * The environment's KMS keys, as key ARNs or alias ARNs; a key field must name one of them (by
   * key ARN, key id, alias name or alias ARN). Any key (but one) when undefined.
   */
  readonly kmsKeyArns?: string[];
  /** Whether jobs and models must run with network isolation. */
  readonly requireNetworkIsolation?: boolean;
}

/** How the inspector runs. */
export interface InspectorConfig {
  readonly policy: CompliancePolicy;
  /** The findings topic; findings are only logged when undefined. */
  readonly topicArn?: string;
  /** Whether to stop a non-compliant job or notebook instance. */
  readonly stopNonCompliant: boolean;
  /** The account the monitor watches; events of any other account are ignored. Not compared when undefined. */
  readonly account?: string;
  /** The region the monitor watches; events of any other region are ignored. Not compared when undefined. */
  readonly region?: string;
}

/** The SDK clients the inspector uses. */
export interface InspectorClients {
  readonly sagemaker: SageMakerClient;
  readonly sns: SNSClient;
  /** Looks up whether an instance type has instance store volumes. */
  readonly ec2: EC2Client;
}

/** The CloudTrail event names the monitor routes to the inspector. */
export const INSPECTED_EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateCompilationJob', 'CreateModel', 'CreateEndpointConfig', 'CreateEndpoint',
  'CreateCluster', 'CreateNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];

/** The detail type of the CloudTrail events EventBridge delivers. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * The detail type of SageMaker's notebook instance state-change event (EventBridge events
 * reference, "Amazon SageMaker AI events"); its detail mirrors DescribeNotebookInstance.
 */
export const NOTEBOOK_STATE_CHANGE_DETAIL_TYPE = 'SageMaker Notebook Instance State Change';

/** One finding: a resource that does not meet the policy. */
export interface Finding {
  readonly resourceArn: string;
  readonly resourceType: string;
  /** The CloudTrail event name, or the detail type of the state-change event that triggered the inspection. */
  readonly eventName: string;
  readonly caller: string;
  readonly eventTime?: string;
  readonly account?: string;
  readonly region?: string;
  /**
   * What is wrong, one line each. A missing volume key is not listed for instance types with
   * instance store (local NVMe) volumes: SageMaker refuses a volume key there and the hardware
   * module of the instance encrypts those volumes.
   */
  readonly violations: string[];
  /**
   * Whether the resource is stopping or stopped: the inspector stopped it, or found it already
   * stopping when it inspected the same resource again (a repeated or retried event).
   */
  readonly stopped: boolean;
  /** Why the resource was or was not stopped, when stopping was requested (stopNonCompliant). */
  readonly stopNote?: string;
}

/** What one inspection found; no finding when the resource is compliant or the event was ignored. */
export interface InspectionResult {
  readonly ignored?: string;
  readonly finding?: Finding;
}

/** A volume key field, and the instance types whose volumes it encrypts. */
export interface VolumeKey {
  readonly field: string;
  readonly key?: string;
  /**
   * The instance types the key applies to. When one of them has instance store volumes, a missing
   * key is not a violation (SageMaker refuses a volume key there).
   */
  readonly instanceTypes: string[];
}

/** How to stop a resource, and which of its statuses mean what. */
export interface StopControl {
  readonly run: () => Promise<unknown>;
  /** Statuses from which the stop call works. */
  readonly runningStatuses: string[];
  /** Statuses that mean a stop is already under way or done. */
  readonly stoppingStatuses: string[];
  /** Statuses from which the resource may still start running; it is stopped when it does. */
  readonly deferredStatuses?: string[];
  /** What happens to a resource in a deferred status. */
  readonly deferredNote?: string;
}

/** The part of a resource's settings the checks read, in one shape for every resource type. */
export interface ResourceSettings {
  readonly arn: string;
  readonly type: string;
  /** The resource's status when described. */
  readonly status?: string;
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
  /** Whether the resource type runs in a VPC the checks expect (jobs, models, notebooks, domains, clusters). */
  readonly expectsVpc?: boolean;
  /** Key fields (name → key id or undefined) that must hold an allowed key. */
  readonly keys?: Record<string, string | undefined>;
  /** Volume key fields, which may be empty on instance types with instance store volumes. */
  readonly volumeKeys?: VolumeKey[];
  readonly interContainerEncryption?: boolean;
  readonly networkIsolation?: boolean;
  readonly directInternetAccess?: string;
  readonly appNetworkAccessType?: string;
  /** Parts checked on their own (e.g. the models of an endpoint); their violations carry the label. */
  readonly components?: { readonly label: string; readonly settings: ResourceSettings }[];
  /** How to stop it, when it can be stopped. */
  readonly stop?: StopControl;
}

/** The subset of an EventBridge event (CloudTrail or notebook state change) the inspector reads. */
export interface InspectorEvent {
  readonly 'account'?: string;
  readonly 'region'?: string;
  readonly 'time'?: string;
  readonly 'detail-type'?: string;
  readonly 'detail'?: {
    // CloudTrail ("AWS API Call via CloudTrail")
    readonly eventName?: string;
    readonly eventTime?: string;
    readonly userIdentity?: { readonly arn?: string; readonly principalId?: string };
    readonly requestParameters?: Record<string, unknown> | null;
    readonly responseElements?: Record<string, unknown> | null;
    readonly errorCode?: string;
    // SageMaker Notebook Instance State Change
    readonly NotebookInstanceName?: string;
    readonly NotebookInstanceStatus?: string;
  };
}

function log(message: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...details }));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function defined<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** The last segment of an ARN (`arn:...:domain/d-123` → `d-123`). */
function lastSegment(arn: string | undefined): string | undefined {
  return arn?.split('/').pop() || undefined;
}

const JOB_STOP = { runningStatuses: [TrainingJobStatus.IN_PROGRESS], stoppingStatuses: [TrainingJobStatus.STOPPING, TrainingJobStatus.STOPPED] };
const PROCESSING_STOP = {
  runningStatuses: [ProcessingJobStatus.IN_PROGRESS],
  stoppingStatuses: [ProcessingJobStatus.STOPPING, ProcessingJobStatus.STOPPED],
};
const TUNING_STOP = {
  runningStatuses: [HyperParameterTuningJobStatus.IN_PROGRESS],
  stoppingStatuses: [HyperParameterTuningJobStatus.STOPPING, HyperParameterTuningJobStatus.STOPPED],
};
const TRANSFORM_STOP = {
  runningStatuses: [TransformJobStatus.IN_PROGRESS],
  stoppingStatuses: [TransformJobStatus.STOPPING, TransformJobStatus.STOPPED],
};
const AUTOML_STOP = { runningStatuses: [AutoMLJobStatus.IN_PROGRESS], stoppingStatuses: [AutoMLJobStatus.STOPPING, AutoMLJobStatus.STOPPED] };
const COMPILATION_STOP = {
  runningStatuses: [CompilationJobStatus.STARTING, CompilationJobStatus.INPROGRESS],
  stoppingStatuses: [CompilationJobStatus.STOPPING, CompilationJobStatus.STOPPED],
};
/**
 * StopNotebookInstance works only on an instance that is InService. One that is still starting,
 * updating or stopped is stopped when it reaches InService (the monitor routes SageMaker's
 * notebook state-change event to the inspector when stopping is opted in).
 */
const NOTEBOOK_STOP = {
  runningStatuses: [NotebookInstanceStatus.InService],
  stoppingStatuses: [NotebookInstanceStatus.Stopping],
  deferredStatuses: [
    NotebookInstanceStatus.Pending, NotebookInstanceStatus.Updating, NotebookInstanceStatus.Stopped,
    NotebookInstanceStatus.PendingMaintenance, NotebookInstanceStatus.InMaintenance,
  ],
  deferredNote: 'not running yet; it is stopped when it reaches InService',
};

/** Describes the resource named by a CloudTrail event; undefined when the event names none the inspector knows. */
export async function describeResource(sagemaker: SageMakerClient, eventName: string,
  request: Record<string, unknown>, response: Record<string, unknown>): Promise<ResourceSettings | undefined> {
  switch (eventName) {
    case 'CreateTrainingJob': {
      const name = str(request.trainingJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      const resources = job.ResourceConfig;
      return {
        arn: job.TrainingJobArn ?? name,
        type: 'TrainingJob',
        status: job.TrainingJobStatus,
        expectsVpc: true,
        subnetIds: job.VpcConfig?.Subnets,
        securityGroupIds: job.VpcConfig?.SecurityGroupIds,
        volumeKeys: [{
          field: 'VolumeKmsKeyId',
          key: resources?.VolumeKmsKeyId,
          instanceTypes: defined([resources?.InstanceType, ...(resources?.InstanceGroups ?? []).map((group) => group.InstanceType)]),
        }],
        keys: { OutputKmsKeyId: job.OutputDataConfig?.KmsKeyId },
        interContainerEncryption: job.EnableInterContainerTrafficEncryption ?? false,
        networkIsolation: job.EnableNetworkIsolation ?? false,
        stop: { ...JOB_STOP, run: () => sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })) },
      };
    }
    case 'CreateProcessingJob': {
      const name = str(request.processingJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
      const cluster = job.ProcessingResources?.ClusterConfig;
      return {
        arn: job.ProcessingJobArn ?? name,
        type: 'ProcessingJob',
        status: job.ProcessingJobStatus,
        expectsVpc: true,
        subnetIds: job.NetworkConfig?.VpcConfig?.Subnets,
        securityGroupIds: job.NetworkConfig?.VpcConfig?.SecurityGroupIds,
        volumeKeys: [{ field: 'VolumeKmsKeyId', key: cluster?.VolumeKmsKeyId, instanceTypes: defined([cluster?.InstanceType]) }],
        keys: { OutputKmsKeyId: job.ProcessingOutputConfig?.KmsKeyId },
        interContainerEncryption: job.NetworkConfig?.EnableInterContainerTrafficEncryption ?? false,
        networkIsolation: job.NetworkConfig?.EnableNetworkIsolation ?? false,
        stop: { ...PROCESSING_STOP, run: () => sagemaker.send(new StopProcessingJobCommand({ ProcessingJobName: name })) },
      };
    }
    case 'CreateHyperParameterTuningJob': {
      const name = str(request.hyperParameterTuningJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
      const definitions = defined([job.TrainingJobDefinition, ...(job.TrainingJobDefinitions ?? [])]);
      return {
        arn: job.HyperParameterTuningJobArn ?? name,
        type: 'HyperParameterTuningJob',
        status: job.HyperParameterTuningJobStatus,
        expectsVpc: true,
        subnetIds: definitions.flatMap((d) => d.VpcConfig?.Subnets ?? []),
        securityGroupIds: definitions.flatMap((d) => d.VpcConfig?.SecurityGroupIds ?? []),
        // A definition gives its instances either as ResourceConfig or as HyperParameterTuningResourceConfig.
        volumeKeys: definitions.map((d, i) => ({
          field: `TrainingJobDefinition${i}.VolumeKmsKeyId`,
          key: d.ResourceConfig?.VolumeKmsKeyId ?? d.HyperParameterTuningResourceConfig?.VolumeKmsKeyId,
          instanceTypes: defined([
            d.ResourceConfig?.InstanceType, ...(d.ResourceConfig?.InstanceGroups ?? []).map((group) => group.InstanceType),
            d.HyperParameterTuningResourceConfig?.InstanceType,
            ...(d.HyperParameterTuningResourceConfig?.InstanceConfigs ?? []).map((config) => config.InstanceType),
          ]),
        })),
        keys: Object.fromEntries(definitions.map((d, i) => [`TrainingJobDefinition${i}.OutputKmsKeyId`, d.OutputDataConfig?.KmsKeyId])),
        interContainerEncryption: definitions.length > 0 && definitions.every((d) => d.EnableInterContainerTrafficEncryption === true),
        networkIsolation: definitions.length > 0 && definitions.every((d) => d.EnableNetworkIsolation === true),
        stop: { ...TUNING_STOP, run: () => sagemaker.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })) },
      };
    }
    case 'CreateTransformJob': {
      const name = str(request.transformJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
      return {
        arn: job.TransformJobArn ?? name,
        type: 'TransformJob',
        status: job.TransformJobStatus,
        volumeKeys: [{
          field: 'VolumeKmsKeyId',
          key: job.TransformResources?.VolumeKmsKeyId,
          instanceTypes: defined([job.TransformResources?.InstanceType]),
        }],
        keys: { OutputKmsKeyId: job.TransformOutput?.KmsKeyId },
        stop: { ...TRANSFORM_STOP, run: () => sagemaker.send(new StopTransformJobCommand({ TransformJobName: name })) },
      };
    }
    case 'CreateAutoMLJob':
    case 'CreateAutoMLJobV2': {
      const name = str(request.autoMLJobName);
      if (!name) return undefined;
      const job = eventName === 'CreateAutoMLJob'
        ? await sagemaker.send(new DescribeAutoMLJobCommand({ AutoMLJobName: name }))
        : await sagemaker.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: name }));
      const security = 'AutoMLJobConfig' in job ? job.AutoMLJobConfig?.SecurityConfig : 'SecurityConfig' in job ? job.SecurityConfig : undefined;
      return {
        arn: job.AutoMLJobArn ?? name,
        type: eventName === 'CreateAutoMLJob' ? 'AutoMLJob' : 'AutoMLJobV2',
        status: job.AutoMLJobStatus,
        expectsVpc: true,
        subnetIds: security?.VpcConfig?.Subnets,
        securityGroupIds: security?.VpcConfig?.SecurityGroupIds,
        // AutoML chooses the instance types itself; the job names none.
        keys: { VolumeKmsKeyId: security?.VolumeKmsKeyId, OutputKmsKeyId: job.OutputDataConfig?.KmsKeyId },
        interContainerEncryption: security?.EnableInterContainerTrafficEncryption ?? false,
        stop: { ...AUTOML_STOP, run: () => sagemaker.send(new StopAutoMLJobCommand({ AutoMLJobName: name })) },
      };
    }
    case 'CreateCompilationJob': {
      const name = str(request.compilationJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeCompilationJobCommand({ CompilationJobName: name }));
      return {
        arn: job.CompilationJobArn ?? name,
        type: 'CompilationJob',
        status: job.CompilationJobStatus,
        expectsVpc: true,
        subnetIds: job.VpcConfig?.Subnets,
        securityGroupIds: job.VpcConfig?.SecurityGroupIds,
        keys: { OutputKmsKeyId: job.OutputConfig?.KmsKeyId },
        stop: { ...COMPILATION_STOP, run: () => sagemaker.send(new StopCompilationJobCommand({ CompilationJobName: name })) },
      };
    }
    case 'CreateModel': {
      const name = str(request.modelName);
      if (!name) return undefined;
      return describeModel(sagemaker, name);
    }
    case 'CreateEndpointConfig': {
      const name = str(request.endpointConfigName);
      if (!name) return undefined;
      const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
      return endpointConfigSettings(config, name);
    }
    case 'CreateEndpoint': {
      const name = str(request.endpointName);
      if (!name) return undefined;
      const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
      const configName = endpoint.EndpointConfigName ?? str(request.endpointConfigName);
      if (!configName) return undefined;
      // An endpoint runs its configuration and the models of its variants: checked as its parts.
      const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
      const variants = [...config.ProductionVariants ?? [], ...config.ShadowProductionVariants ?? []];
      const modelNames = [...new Set(defined(variants.flatMap((variant) =>
        [variant.ModelName, ...(variant.InstancePools ?? []).map((pool) => pool.ModelNameOverride)])))];
      const models = [];
      for (const modelName of modelNames) {
        models.push({ label: `model ${modelName}`, settings: await describeModel(sagemaker, modelName) });
      }
      return {
        arn: endpoint.EndpointArn ?? name,
        type: 'Endpoint',
        status: endpoint.EndpointStatus,
        components: [{ label: `endpoint config ${configName}`, settings: endpointConfigSettings(config, configName) }, ...models],
      };
    }
    case 'CreateCluster': {
      const name = str(request.clusterName) ?? str(response.clusterArn);
      if (!name) return undefined;
      const cluster = await sagemaker.send(new DescribeClusterCommand({ ClusterName: name }));
      const groups = cluster.InstanceGroups ?? [];
      const groupVpcs = defined(groups.map((group) => group.OverrideVpcConfig));
      return {
        arn: cluster.ClusterArn ?? name,
        type: 'Cluster',
        status: cluster.ClusterStatus,
        expectsVpc: true,
        subnetIds: [...cluster.VpcConfig?.Subnets ?? [], ...groupVpcs.flatMap((vpc) => vpc.Subnets ?? [])],
        securityGroupIds: [...cluster.VpcConfig?.SecurityGroupIds ?? [], ...groupVpcs.flatMap((vpc) => vpc.SecurityGroupIds ?? [])],
        // HyperPod encrypts a group's EBS volumes with an AWS owned key unless the group names a key.
        keys: Object.fromEntries(groups.flatMap((group) => {
          const volumes = defined((group.InstanceStorageConfigs ?? []).map((config) => 'EbsVolumeConfig' in config ? config.EbsVolumeConfig : undefined));
          const label = `InstanceGroups[${group.InstanceGroupName ?? '?'}]`;
          return volumes.length === 0
            ? [[`${label}.VolumeKmsKeyId`, undefined]]
            : volumes.map((volume, i) => [`${label}.InstanceStorageConfigs[${i}].VolumeKmsKeyId`, volume.VolumeKmsKeyId]);
        })),
      };
    }
    case 'CreateNotebookInstance':
    case 'UpdateNotebookInstance':
    case 'StartNotebookInstance': {
      const name = str(request.notebookInstanceName);
      if (!name) return undefined;
      return describeNotebookInstance(sagemaker, name);
    }
    case 'CreateDomain':
    case 'UpdateDomain':
    case 'CreateSpace':
    case 'UpdateSpace':
    case 'CreateApp': {
      const domainId = str(request.domainId) ?? lastSegment(str(response.domainArn));
      if (!domainId) return undefined;
      const arn = await childArn(sagemaker, eventName, domainId, request);
      if (arn === null) return undefined;
      const domain = await sagemaker.send(new DescribeDomainCommand({ DomainId: domainId }));
      return {
        arn: arn ?? domain.DomainArn ?? domainId,
        type: arn ? (eventName.endsWith('Space') ? 'Space' : 'App') : 'Domain',
        expectsVpc: true,
        subnetIds: domain.SubnetIds,
        securityGroupIds: domain.DefaultUserSettings?.SecurityGroups,
        keys: { KmsKeyId: domain.KmsKeyId },
        appNetworkAccessType: domain.AppNetworkAccessType ?? 'PublicInternetOnly',
      };
    }
    case 'CreateUserProfile':
    case 'UpdateUserProfile': {
      const domainId = str(request.domainId);
      const name = str(request.userProfileName);
      if (!domainId || !name) return undefined;
      const profile = await sagemaker.send(new DescribeUserProfileCommand({ DomainId: domainId, UserProfileName: name }));
      return {
        arn: profile.UserProfileArn ?? `${domainId}/${name}`,
        type: 'UserProfile',
        securityGroupIds: profile.UserSettings?.SecurityGroups,
      };
    }
    default:
      return undefined;
  }
}

async function describeModel(sagemaker: SageMakerClient, name: string): Promise<ResourceSettings> {
  const model = await sagemaker.send(new DescribeModelCommand({ ModelName: name }));
  return {
    arn: model.ModelArn ?? name,
    type: 'Model',
    expectsVpc: true,
    subnetIds: model.VpcConfig?.Subnets,
    securityGroupIds: model.VpcConfig?.SecurityGroupIds,
    networkIsolation: model.EnableNetworkIsolation ?? false,
  };
}

/**
 * An endpoint configuration: its storage-volume key (which SageMaker does not apply to instance
 * store volumes), the data-capture and asynchronous-output keys when those features are on, and
 * the VPC of its inference components when it has one.
 */
function endpointConfigSettings(config: DescribeEndpointConfigCommandOutput, name: string): ResourceSettings {
  const variants = [...config.ProductionVariants ?? [], ...config.ShadowProductionVariants ?? []];
  const keys: Record<string, string | undefined> = {};
  if (config.DataCaptureConfig?.EnableCapture !== false && config.DataCaptureConfig !== undefined) {
    keys['DataCaptureConfig.KmsKeyId'] = config.DataCaptureConfig.KmsKeyId;
  }
  if (config.AsyncInferenceConfig !== undefined) {
    keys['AsyncInferenceConfig.OutputConfig.KmsKeyId'] = config.AsyncInferenceConfig.OutputConfig?.KmsKeyId;
  }
  return {
    arn: config.EndpointConfigArn ?? name,
    type: 'EndpointConfig',
    subnetIds: config.VpcConfig?.Subnets,
    securityGroupIds: config.VpcConfig?.SecurityGroupIds,
    volumeKeys: [{
      field: 'KmsKeyId',
      key: config.KmsKeyId,
      instanceTypes: defined(variants.flatMap((variant) =>
        [variant.InstanceType, ...(variant.InstancePools ?? []).map((pool) => pool.InstanceType)])),
    }],
    keys,
  };
}

async function describeNotebookInstance(sagemaker: SageMakerClient, name: string): Promise<ResourceSettings> {
  const notebook = await sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }));
  return {
    arn: notebook.NotebookInstanceArn ?? name,
    type: 'NotebookInstance',
    status: notebook.NotebookInstanceStatus,
    expectsVpc: true,
    subnetIds: notebook.SubnetId ? [notebook.SubnetId] : undefined,
    securityGroupIds: notebook.SecurityGroups,
    keys: { KmsKeyId: notebook.KmsKeyId },
    directInternetAccess: notebook.DirectInternetAccess ?? 'Enabled',
    stop: { ...NOTEBOOK_STOP, run: () => sagemaker.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })) },
  };
}

/**
 * Spaces and apps run in their domain's network: they are described to get their ARN (null when
 * the event names none), and checked by their domain's settings. Undefined for a domain event.
 */
async function childArn(sagemaker: SageMakerClient, eventName: string, domainId: string,
  request: Record<string, unknown>): Promise<string | undefined | null> {
  if (eventName === 'CreateSpace' || eventName === 'UpdateSpace') {
    const spaceName = str(request.spaceName);
    if (!spaceName) return null;
    const space = await sagemaker.send(new DescribeSpaceCommand({ DomainId: domainId, SpaceName: spaceName }));
    return space.SpaceArn ?? `${domainId}/${spaceName}`;
  }
  if (eventName === 'CreateApp') {
    const appType = str(request.appType);
    const appName = str(request.appName);
    if (!appType || !appName) return null;
    const app = await sagemaker.send(new DescribeAppCommand({
      DomainId: domainId,
      AppType: appType as never,
      AppName: appName,
      UserProfileName: str(request.userProfileName),
      SpaceName: str(request.spaceName),
    }));
    return app.AppArn ?? `${domainId}/${appName}`;
  }
  return undefined;
}

/** A KMS key reference as SageMaker accepts it: key ARN, key id, alias name or alias ARN. */
interface KeyReference {
  readonly kind: 'key' | 'alias';
  readonly name: string;
  readonly arn?: string;
}

const KMS_ARN = /^arn:[^:]+:kms:[^:]*:[^:]*:(key|alias)\/(.+)$/;

function keyReference(value: string): KeyReference {
  const match = KMS_ARN.exec(value);
  if (match) {
    return { kind: match[1] as 'key' | 'alias', name: match[2], arn: value };
  }
  return value.startsWith('alias/') ? { kind: 'alias', name: value.slice('alias/'.length) } : { kind: 'key', name: value };
}

/**
 * Whether a key field names one of the allowed keys. An ARN must equal an allowed ARN; a bare key
 * id or alias name (which KMS resolves in the caller's own account and region) must equal the id
 * or alias name of an allowed ARN. An alias counts by its name: the inspector does not resolve it.
 */
export function isAllowedKey(value: string, allowedArns: string[]): boolean {
  const reference = keyReference(value);
  return allowedArns.map(keyReference).some((allowed) => allowed.kind === reference.kind &&
    (reference.arn !== undefined ? allowed.arn === reference.arn : allowed.name === reference.name));
}

function checkKey(field: string, key: string | undefined, policy: CompliancePolicy, violations: string[]): void {
  if (!key) {
    violations.push(`${field}: no KMS key configured`);
  } else if (policy.kmsKeyArns?.length && !isAllowedKey(key, policy.kmsKeyArns)) {
    violations.push(`${field}: KMS key ${key} is not the environment's key`);
  }
}

/**
 * The policy violations of a resource, one line each, in a stable order. `localStorage` tells,
 * per volume key field, whether one of its instance types has instance store volumes; a missing
 * key in such a field is not a violation (SageMaker refuses one there).
 */
export function checkResource(resource: ResourceSettings, policy: CompliancePolicy, localStorage: Record<string, boolean> = {}): string[] {
  const violations: string[] = [];
  if (resource.expectsVpc && !resource.subnetIds?.length) {
    violations.push('not in a VPC: no subnets configured');
  }
  if (policy.allowedSubnetIds) {
    for (const subnet of resource.subnetIds ?? []) {
      if (!policy.allowedSubnetIds.includes(subnet)) violations.push(`subnet ${subnet} is not in the allowed set`);
    }
  }
  if (policy.allowedSecurityGroupIds) {
    for (const group of resource.securityGroupIds ?? []) {
      if (!policy.allowedSecurityGroupIds.includes(group)) violations.push(`security group ${group} is not in the allowed set`);
    }
  }
  for (const volume of resource.volumeKeys ?? []) {
    if (volume.key || !localStorage[volume.field]) {
      checkKey(volume.field, volume.key, policy, violations);
    }
  }
  for (const [field, key] of Object.entries(resource.keys ?? {})) {
    checkKey(field, key, policy, violations);
  }
  if (resource.interContainerEncryption === false) {
    violations.push('inter-container traffic encryption is off');
  }
  if (policy.requireNetworkIsolation && resource.networkIsolation === false) {
    violations.push('network isolation is off');
  }
  if (resource.directInternetAccess !== undefined && resource.directInternetAccess !== 'Disabled') {
    violations.push(`DirectInternetAccess is ${resource.directInternetAccess}, must be Disabled`);
  }
  if (resource.appNetworkAccessType !== undefined && resource.appNetworkAccessType !== 'VpcOnly') {
    violations.push(`AppNetworkAccessType is ${resource.appNetworkAccessType}, must be VpcOnly`);
  }
  for (const component of resource.components ?? []) {
    violations.push(...checkResource(component.settings, policy, localStorage).map((violation) => `${component.label}: ${violation}`));
  }
  return violations;
}

/**
 * Instance families with instance store volumes whose names do not say so: the EC2 naming
 * convention marks instance store with a `d` in the attributes (m5d, c5d, r5d, g4dn, p3dn, p4d,
 * p4de), but these families have NVMe instance store volumes without it (EC2 instance type
 * specifications). Used only when the EC2 lookup fails.
 */
const LOCAL_STORAGE_FAMILIES = new Set(['g5', 'g6', 'g6e', 'gr6', 'p5', 'p5e', 'p5en', 'p6', 'trn1', 'trn1n', 'trn2', 'dl1']);

/** Whether an instance type has instance store volumes by its name (`ml.g4dn.xlarge` → true). */
export function hasLocalStorageByName(instanceType: string): boolean {
  const match = /^(?:ml\.)?([a-z]+)(\d+)([a-z]*)(?:-[a-z0-9]+)?\./.exec(instanceType);
  if (!match) return false;
  const [, family, generation, attributes] = match;
  return attributes.includes('d') || LOCAL_STORAGE_FAMILIES.has(`${family}${generation}${attributes}`);
}

/**
 * Whether an instance type has instance store volumes: EC2's DescribeInstanceTypes
 * (InstanceStorageSupported) for the EC2 type behind the ML type, or, when EC2 does not know the
 * type in this region or the call fails, the naming rule.
 */
export async function hasLocalStorage(ec2: EC2Client, instanceType: string): Promise<boolean> {
  try {
    const response = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType.replace(/^ml\./, '') as never] }));
    const info = response.InstanceTypes?.[0];
    if (info?.InstanceStorageSupported !== undefined) {
      return info.InstanceStorageSupported;
    }
  } catch (error) {
    log('Instance type lookup failed; the naming rule decides', { instanceType, error: String(error) });
  }
  return hasLocalStorageByName(instanceType);
}

/** Per volume key field without a key: whether one of its instance types has instance store volumes. */
async function localStorageOf(ec2: EC2Client, resource: ResourceSettings): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  const volumes = [...resource.volumeKeys ?? [], ...(resource.components ?? []).flatMap((component) => component.settings.volumeKeys ?? [])];
  for (const volume of volumes) {
    if (volume.key) continue;
    result[volume.field] = false;
    for (const instanceType of new Set(volume.instanceTypes)) {
      if (await hasLocalStorage(ec2, instanceType)) {
        result[volume.field] = true;
        break;
      }
    }
  }
  return result;
}

/** Errors that say the event names nothing that can be described (gone, or a malformed name). */
const NOT_DESCRIBABLE = new Set(['ResourceNotFound', 'ResourceNotFoundException', 'ValidationException']);

/**
 * Inspects one event: describe, check, (when opted in) stop, report. Unknown event shapes, events
 * of another account or region and resources that cannot be described are logged and ignored; any
 * other error (throttling, a failed publish) is logged and thrown, so that Lambda retries the event
 * and then puts it in the dead-letter queue. A retried event does not stop a resource twice: a
 * resource already stopping is reported as stopped.
 */
export async function inspect(event: InspectorEvent, clients: InspectorClients, config: InspectorConfig): Promise<InspectionResult> {
  try {
    return await inspectOrThrow(event, clients, config);
  } catch (error) {
    const name = (error as { name?: string })?.name ?? '';
    const eventName = event?.detail?.eventName ?? event?.['detail-type'];
    if (NOT_DESCRIBABLE.has(name)) {
      log('Resource cannot be described; event ignored', { error: String(error), eventName });
      return { ignored: `not describable: ${name}` };
    }
    log('Inspection failed; the event will be retried', { error: String(error), eventName });
    throw error;
  }
}

/** What triggered an inspection, and the resource it names. */
interface Trigger {
  readonly eventName: string;
  readonly caller: string;
  readonly eventTime?: string;
  readonly describe: () => Promise<ResourceSettings | undefined>;
}

/** The trigger of an event, or the reason it is ignored. */
function triggerOf(event: InspectorEvent, clients: InspectorClients, config: InspectorConfig): Trigger | string {
  const detail = event?.detail;
  if (!detail || typeof detail !== 'object') {
    return 'unknown event';
  }
  if (config.account !== undefined && event.account !== config.account) {
    return `event of account ${event.account ?? '(none)'}, not ${config.account}`;
  }
  if (config.region !== undefined && event.region !== config.region) {
    return `event of region ${event.region ?? '(none)'}, not ${config.region}`;
  }
  const detailType = event['detail-type'];
  if (detailType === NOTEBOOK_STATE_CHANGE_DETAIL_TYPE) {
    const name = str(detail.NotebookInstanceName);
    if (!name || detail.NotebookInstanceStatus !== NotebookInstanceStatus.InService) {
      return 'notebook state change other than InService';
    }
    return {
      eventName: NOTEBOOK_STATE_CHANGE_DETAIL_TYPE,
      caller: 'unknown',
      eventTime: event.time,
      describe: () => describeNotebookInstance(clients.sagemaker, name),
    };
  }
  const eventName = detail.eventName;
  if ((detailType !== undefined && detailType !== CLOUDTRAIL_DETAIL_TYPE) || typeof eventName !== 'string' || !INSPECTED_EVENT_NAMES.includes(eventName)) {
    return 'unknown event';
  }
  if (detail.errorCode) {
    return 'failed call';
  }
  const request = (detail.requestParameters && typeof detail.requestParameters === 'object') ? detail.requestParameters : {};
  const response = (detail.responseElements && typeof detail.responseElements === 'object') ? detail.responseElements : {};
  return {
    eventName,
    caller: detail.userIdentity?.arn ?? detail.userIdentity?.principalId ?? 'unknown',
    eventTime: detail.eventTime,
    describe: () => describeResource(clients.sagemaker, eventName, request, response),
  };
}

/** Stops a non-compliant resource when its status allows, and says what happened. */
async function stopResource(resource: ResourceSettings): Promise<{ stopped: boolean; stopNote: string }> {
  const stop = resource.stop;
  if (!stop) {
    return { stopped: false, stopNote: `${resource.type} has no stop call` };
  }
  const status = resource.status ?? '';
  if (stop.stoppingStatuses.includes(status)) {
    return { stopped: true, stopNote: `already ${status}; not stopped again` };
  }
  if (stop.deferredStatuses?.includes(status)) {
    return { stopped: false, stopNote: `${status}: ${stop.deferredNote}` };
  }
  if (!stop.runningStatuses.includes(status)) {
    return { stopped: false, stopNote: `not stopped: status ${status || 'unknown'}` };
  }
  try {
    await stop.run();
    return { stopped: true, stopNote: 'stopped by the inspector' };
  } catch (error) {
    log('Stop failed', { resourceArn: resource.arn, error: String(error) });
    return { stopped: false, stopNote: `stop failed: ${(error as { name?: string })?.name ?? String(error)}` };
  }
}

async function inspectOrThrow(event: InspectorEvent, clients: InspectorClients, config: InspectorConfig): Promise<InspectionResult> {
  const trigger = triggerOf(event, clients, config);
  if (typeof trigger === 'string') {
    log('Event ignored', { reason: trigger, eventName: event?.detail?.eventName ?? event?.['detail-type'] ?? null });
    return { ignored: trigger };
  }
  const resource = await trigger.describe();
  if (!resource) {
    log('Event names no resource the inspector knows; ignored', { eventName: trigger.eventName });
    return { ignored: 'no resource' };
  }
  const violations = checkResource(resource, config.policy, await localStorageOf(clients.ec2, resource));
  if (violations.length === 0) {
    log('Compliant', { resourceArn: resource.arn, resourceType: resource.type, eventName: trigger.eventName });
    return {};
  }
  const stop = config.stopNonCompliant ? await stopResource(resource) : { stopped: false };
  const finding: Finding = {
    resourceArn: resource.arn,
    resourceType: resource.type,
    eventName: trigger.eventName,
    caller: trigger.caller,
    eventTime: trigger.eventTime,
    account: event.account,
    region: event.region,
    violations,
    ...stop,
  };
  log('Non-compliant SageMaker resource', { finding });
  if (config.topicArn) {
    await clients.sns.send(new PublishCommand({
      TopicArn: config.topicArn,
      Subject: `Non-compliant SageMaker ${resource.type}`.slice(0, 100),
      Message: JSON.stringify(finding),
      MessageAttributes: {
        resourceType: { DataType: 'String', StringValue: resource.type },
        eventName: { DataType: 'String', StringValue: trigger.eventName },
      },
    }));
  }
  return { finding };
}

/** Reads the inspector's configuration from its environment variables. */
export function configFromEnvironment(env: Record<string, string | undefined>): InspectorConfig {
  return {
    policy: JSON.parse(env.POLICY ?? '{}') as CompliancePolicy,
    topicArn: env.TOPIC_ARN || undefined,
    stopNonCompliant: env.STOP_NON_COMPLIANT === 'true',
    account: env.ACCOUNT_ID || undefined,
    region: env.AWS_REGION || undefined,
  };
}
