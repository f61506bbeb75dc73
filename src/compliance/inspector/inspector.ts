/**
 * The logic of the StudioComplianceMonitor inspector: it reads the CloudTrail event of a
 * SageMaker create/update call (delivered by EventBridge), describes the resource it names,
 * checks it against the environment's policy, publishes a finding when it is not compliant
 * and, only when opted in, stops a non-compliant job or notebook instance.
 *
 * Each step takes its SDK client as a parameter. Not part of the public API: bundled into the
 * handler asset, never exported from the index.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle, so it is
// a devDependency (for types and tests), never a dependency of the library.
/* eslint-disable import/no-extraneous-dependencies */
import {
  DescribeAppCommand,
  DescribeAutoMLJobCommand,
  DescribeAutoMLJobV2Command,
  DescribeDomainCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeSpaceCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  DescribeUserProfileCommand,
  SageMakerClient,
  StopAutoMLJobCommand,
  StopHyperParameterTuningJobCommand,
  StopNotebookInstanceCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** The policy the inspector enforces (the construct writes it as JSON into POLICY). */
export interface CompliancePolicy {
  /** Subnets resources may use; any subnet when undefined. */
  readonly allowedSubnetIds?: string[];
  /** Security groups resources may use; any group when undefined. */
  readonly allowedSecurityGroupIds?: string[];
  /** KMS keys (ARNs) volume and output keys must be one of; any key (but one) when undefined. */
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
}

/** The SDK clients the inspector uses. */
export interface InspectorClients {
  readonly sagemaker: SageMakerClient;
  readonly sns: SNSClient;
}

/** The CloudTrail event names the monitor routes to the inspector. */
export const INSPECTED_EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateModel', 'CreateNotebookInstance', 'UpdateNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];

/** One finding: a resource that does not meet the policy. */
export interface Finding {
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly eventName: string;
  readonly caller: string;
  readonly eventTime?: string;
  readonly account?: string;
  readonly region?: string;
  readonly violations: string[];
  /** Whether the inspector stopped the resource. */
  readonly stopped: boolean;
}

/** What one inspection found; undefined resource when the event was ignored. */
export interface InspectionResult {
  readonly ignored?: string;
  readonly finding?: Finding;
}

/** The part of a resource's settings the checks read, in one shape for every resource type. */
export interface ResourceSettings {
  readonly arn: string;
  readonly type: string;
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
  /** Whether the resource type runs in a VPC the checks expect (jobs, models, notebooks, domains). */
  readonly expectsVpc?: boolean;
  /** Key fields (name → key id or undefined) that must hold a key. */
  readonly keys?: Record<string, string | undefined>;
  readonly interContainerEncryption?: boolean;
  readonly networkIsolation?: boolean;
  readonly directInternetAccess?: string;
  readonly appNetworkAccessType?: string;
  /** How to stop it, when it can be stopped. */
  readonly stop?: () => Promise<unknown>;
}

/** The subset of an EventBridge "AWS API Call via CloudTrail" event the inspector reads. */
export interface CloudTrailEvent {
  readonly account?: string;
  readonly region?: string;
  readonly detail?: {
    readonly eventName?: string;
    readonly eventTime?: string;
    readonly userIdentity?: { readonly arn?: string; readonly principalId?: string };
    readonly requestParameters?: Record<string, unknown> | null;
    readonly responseElements?: Record<string, unknown> | null;
    readonly errorCode?: string;
  };
}

function log(message: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...details }));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The last segment of an ARN (`arn:...:domain/d-123` → `d-123`). */
function lastSegment(arn: string | undefined): string | undefined {
  return arn?.split('/').pop() || undefined;
}

/** Describes the resource named by the event; undefined when the event names none the inspector knows. */
export async function describeResource(sagemaker: SageMakerClient, eventName: string,
  request: Record<string, unknown>, response: Record<string, unknown>): Promise<ResourceSettings | undefined> {
  switch (eventName) {
    case 'CreateTrainingJob': {
      const name = str(request.trainingJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      return {
        arn: job.TrainingJobArn ?? name,
        type: 'TrainingJob',
        expectsVpc: true,
        subnetIds: job.VpcConfig?.Subnets,
        securityGroupIds: job.VpcConfig?.SecurityGroupIds,
        keys: { VolumeKmsKeyId: job.ResourceConfig?.VolumeKmsKeyId, OutputKmsKeyId: job.OutputDataConfig?.KmsKeyId },
        interContainerEncryption: job.EnableInterContainerTrafficEncryption ?? false,
        networkIsolation: job.EnableNetworkIsolation ?? false,
        stop: () => sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })),
      };
    }
    case 'CreateProcessingJob': {
      const name = str(request.processingJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
      return {
        arn: job.ProcessingJobArn ?? name,
        type: 'ProcessingJob',
        expectsVpc: true,
        subnetIds: job.NetworkConfig?.VpcConfig?.Subnets,
        securityGroupIds: job.NetworkConfig?.VpcConfig?.SecurityGroupIds,
        keys: { VolumeKmsKeyId: job.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId, OutputKmsKeyId: job.ProcessingOutputConfig?.KmsKeyId },
        interContainerEncryption: job.NetworkConfig?.EnableInterContainerTrafficEncryption ?? false,
        networkIsolation: job.NetworkConfig?.EnableNetworkIsolation ?? false,
        stop: () => sagemaker.send(new StopProcessingJobCommand({ ProcessingJobName: name })),
      };
    }
    case 'CreateHyperParameterTuningJob': {
      const name = str(request.hyperParameterTuningJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
      const definitions = [job.TrainingJobDefinition, ...(job.TrainingJobDefinitions ?? [])].filter((d) => d !== undefined);
      return {
        arn: job.HyperParameterTuningJobArn ?? name,
        type: 'HyperParameterTuningJob',
        expectsVpc: true,
        subnetIds: definitions.flatMap((d) => d.VpcConfig?.Subnets ?? []),
        securityGroupIds: definitions.flatMap((d) => d.VpcConfig?.SecurityGroupIds ?? []),
        keys: Object.fromEntries(definitions.flatMap((d, i) => [
          [`TrainingJobDefinition${i}.VolumeKmsKeyId`, d.ResourceConfig?.VolumeKmsKeyId],
          [`TrainingJobDefinition${i}.OutputKmsKeyId`, d.OutputDataConfig?.KmsKeyId],
        ])),
        interContainerEncryption: definitions.length > 0 && definitions.every((d) => d.EnableInterContainerTrafficEncryption === true),
        networkIsolation: definitions.length > 0 && definitions.every((d) => d.EnableNetworkIsolation === true),
        stop: () => sagemaker.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
      };
    }
    case 'CreateTransformJob': {
      const name = str(request.transformJobName);
      if (!name) return undefined;
      const job = await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
      return {
        arn: job.TransformJobArn ?? name,
        type: 'TransformJob',
        keys: { VolumeKmsKeyId: job.TransformResources?.VolumeKmsKeyId, OutputKmsKeyId: job.TransformOutput?.KmsKeyId },
        stop: () => sagemaker.send(new StopTransformJobCommand({ TransformJobName: name })),
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
        expectsVpc: true,
        subnetIds: security?.VpcConfig?.Subnets,
        securityGroupIds: security?.VpcConfig?.SecurityGroupIds,
        keys: { VolumeKmsKeyId: security?.VolumeKmsKeyId, OutputKmsKeyId: job.OutputDataConfig?.KmsKeyId },
        interContainerEncryption: security?.EnableInterContainerTrafficEncryption ?? false,
        stop: () => sagemaker.send(new StopAutoMLJobCommand({ AutoMLJobName: name })),
      };
    }
    case 'CreateModel': {
      const name = str(request.modelName);
      if (!name) return undefined;
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
    case 'CreateNotebookInstance':
    case 'UpdateNotebookInstance': {
      const name = str(request.notebookInstanceName);
      if (!name) return undefined;
      const notebook = await sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }));
      return {
        arn: notebook.NotebookInstanceArn ?? name,
        type: 'NotebookInstance',
        expectsVpc: true,
        subnetIds: notebook.SubnetId ? [notebook.SubnetId] : undefined,
        securityGroupIds: notebook.SecurityGroups,
        keys: { KmsKeyId: notebook.KmsKeyId },
        directInternetAccess: notebook.DirectInternetAccess ?? 'Enabled',
        stop: () => sagemaker.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })),
      };
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

/** Whether a key id, key ARN or alias given to SageMaker names one of the allowed key ARNs. */
function isAllowedKey(value: string, allowedArns: string[]): boolean {
  return allowedArns.some((arn) => arn === value || lastSegment(arn) === value);
}

/** The policy violations of a resource, one line each, in a stable order. */
export function checkResource(resource: ResourceSettings, policy: CompliancePolicy): string[] {
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
  for (const [field, key] of Object.entries(resource.keys ?? {})) {
    if (!key) {
      violations.push(`${field}: no KMS key configured`);
    } else if (policy.kmsKeyArns?.length && !isAllowedKey(key, policy.kmsKeyArns)) {
      violations.push(`${field}: KMS key ${key} is not the environment's key`);
    }
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
  return violations;
}

/** Errors that say the event names nothing that can be described (gone, or a malformed name). */
const NOT_DESCRIBABLE = new Set(['ResourceNotFound', 'ResourceNotFoundException', 'ValidationException']);

/**
 * Inspects one event: describe, check, report, and (when opted in) stop. Unknown event shapes and
 * resources that cannot be described are logged and ignored; any other error (throttling, a failed
 * publish) is logged and thrown, so that Lambda retries the event and then puts it in the
 * dead-letter queue.
 */
export async function inspect(event: CloudTrailEvent, clients: InspectorClients, config: InspectorConfig): Promise<InspectionResult> {
  try {
    return await inspectOrThrow(event, clients, config);
  } catch (error) {
    const name = (error as { name?: string })?.name ?? '';
    const eventName = event?.detail?.eventName;
    if (NOT_DESCRIBABLE.has(name)) {
      log('Resource cannot be described; event ignored', { error: String(error), eventName });
      return { ignored: `not describable: ${name}` };
    }
    log('Inspection failed; the event will be retried', { error: String(error), eventName });
    throw error;
  }
}

async function inspectOrThrow(event: CloudTrailEvent, clients: InspectorClients, config: InspectorConfig): Promise<InspectionResult> {
  const detail = event?.detail;
  const eventName = detail?.eventName;
  if (!detail || typeof eventName !== 'string' || !INSPECTED_EVENT_NAMES.includes(eventName)) {
    log('Unknown event shape; ignored', { eventName: eventName ?? null });
    return { ignored: 'unknown event' };
  }
  if (detail.errorCode) {
    log('Failed API call; nothing was created', { eventName, errorCode: detail.errorCode });
    return { ignored: 'failed call' };
  }
  const request = (detail.requestParameters && typeof detail.requestParameters === 'object') ? detail.requestParameters : {};
  const response = (detail.responseElements && typeof detail.responseElements === 'object') ? detail.responseElements : {};
  const resource = await describeResource(clients.sagemaker, eventName, request, response);
  if (!resource) {
    log('Event names no resource the inspector knows; ignored', { eventName });
    return { ignored: 'no resource' };
  }
  const violations = checkResource(resource, config.policy);
  if (violations.length === 0) {
    log('Compliant', { resourceArn: resource.arn, resourceType: resource.type, eventName });
    return {};
  }
  let stopped = false;
  if (config.stopNonCompliant && resource.stop) {
    try {
      await resource.stop();
      stopped = true;
    } catch (error) {
      log('Stop failed', { resourceArn: resource.arn, error: String(error) });
    }
  }
  const finding: Finding = {
    resourceArn: resource.arn,
    resourceType: resource.type,
    eventName,
    caller: detail.userIdentity?.arn ?? detail.userIdentity?.principalId ?? 'unknown',
    eventTime: detail.eventTime,
    account: event.account,
    region: event.region,
    violations,
    stopped,
  };
  log('Non-compliant SageMaker resource', { finding });
  if (config.topicArn) {
    await clients.sns.send(new PublishCommand({
      TopicArn: config.topicArn,
      Subject: `Non-compliant SageMaker ${resource.type}`.slice(0, 100),
      Message: JSON.stringify(finding),
      MessageAttributes: {
        resourceType: { DataType: 'String', StringValue: resource.type },
        eventName: { DataType: 'String', StringValue: eventName },
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
  };
}
