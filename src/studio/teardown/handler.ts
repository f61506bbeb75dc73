/**
 * The logic of the Studio domain teardown custom resource (docs/decisions/040-domain-teardown.md).
 * Each step takes its SDK client as a parameter, names only the resources of one domain,
 * tolerates resources that are already gone and answers whether its step is complete, so
 * that the Provider framework's is-complete handler can call the whole sequence again
 * until it is done.
 *
 * Not part of the public API: bundled into the handler assets, never exported from the index.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle, so it is
// a devDependency (for types and tests), never a dependency of the library.
/* eslint-disable import/no-extraneous-dependencies */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import { DeleteFileSystemCommand, DeleteMountTargetCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  AppDetails,
  DeleteAppCommand,
  DeleteDomainCommand,
  DeleteSpaceCommand,
  DeleteUserProfileCommand,
  DescribeDomainCommand,
  ListAppsCommand,
  ListSpacesCommand,
  ListUserProfilesCommand,
  SageMakerClient,
  SpaceDetails,
  UserProfileDetails,
} from '@aws-sdk/client-sagemaker';

/** The SDK clients the teardown uses. */
export interface TeardownClients {
  readonly sagemaker: SageMakerClient;
  readonly ec2: EC2Client;
  readonly efs: EFSClient;
  readonly cloudformation: CloudFormationClient;
}

/** What to tear down: one domain, in one VPC. */
export interface TeardownTarget {
  readonly domainId: string;
  readonly vpcId: string;
  /** The domain's home EFS file system, when known. */
  readonly homeEfsFileSystemId?: string;
}

/** The custom resource's properties, as CloudFormation sends them. */
export interface TeardownResourceProperties {
  readonly DomainId: string;
  readonly VpcId: string;
  readonly HomeEfsFileSystemId?: string;
}

/** The subset of the CloudFormation custom-resource event the handlers read. */
export interface TeardownEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: TeardownResourceProperties;
  /** Set by the on-event handler, passed on to the is-complete handler by the Provider framework. */
  readonly Data?: { readonly TearDown?: string };
}

/** Options of the retry on throttling. */
export interface RetryOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Stack states in which every resource of the stack is being deleted (not a resource removal or an update rollback). */
const STACK_DELETING = new Set(['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS']);
const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'ProvisionedThroughputExceededException',
]);
const NOT_FOUND = new Set([
  'ResourceNotFound', 'ResourceNotFoundException', 'InvalidGroup.NotFound', 'InvalidPermission.NotFound', 'FileSystemNotFound', 'MountTargetNotFound',
]);
/** App states that need no deletion. */
const APP_GONE = new Set(['Deleted', 'Failed']);

/** The names SageMaker gives the NFS security groups it creates for a domain's home EFS. */
export function nfsSecurityGroupNames(domainId: string): string[] {
  return [`security-group-for-inbound-nfs-${domainId}`, `security-group-for-outbound-nfs-${domainId}`];
}

function errorName(error: unknown): string {
  return (error as { name?: string; Code?: string })?.name ?? (error as { Code?: string })?.Code ?? '';
}

function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || (error as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling === true;
}

/** Whether an error says that the resource does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorName(error));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `call`, retrying with exponential backoff and jitter while it is throttled. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) {
        throw error;
      }
      await sleep(Math.min(base * 2 ** (attempt - 1), 20_000) * (0.5 + Math.random() / 2));
    }
  }
}

/** Runs a delete call; a resource that is already gone counts as deleted. */
async function deleteTolerantly(call: () => Promise<unknown>, retry: RetryOptions): Promise<void> {
  try {
    await withRetry(call, retry);
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
  }
}

function log(message: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...details }));
}

/**
 * Whether a Delete event comes from the deletion of the whole stack: a custom resource
 * removed from the template, or rolled back in an update, must not delete a domain that stays.
 */
export async function isStackBeingDeleted(cloudformation: CloudFormationClient, stackId: string, retry: RetryOptions = {}): Promise<boolean> {
  const response = await withRetry(() => cloudformation.send(new DescribeStacksCommand({ StackName: stackId })), retry);
  const status = response.Stacks?.[0]?.StackStatus ?? '';
  log('Stack status', { stackId, status });
  return STACK_DELETING.has(status);
}

async function listAll<I>(fetch: (nextToken?: string) => Promise<{ items?: I[]; nextToken?: string }>): Promise<I[]> {
  const items: I[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetch(nextToken);
    items.push(...page.items ?? []);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

/** Deletes the domain's running apps; complete when none is left but deleted or failed ones. */
export async function deleteApps(sagemaker: SageMakerClient, domainId: string, retry: RetryOptions = {}): Promise<boolean> {
  const apps = (await listAll<AppDetails>(async (NextToken) => {
    const page = await withRetry(() => sagemaker.send(new ListAppsCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken })), retry);
    return { items: page.Apps, nextToken: page.NextToken };
  })).filter((app) => app.DomainId === domainId && !APP_GONE.has(app.Status ?? ''));
  for (const app of apps.filter((a) => a.Status === 'InService')) {
    log('Deleting app', { domainId, app: app.AppName, type: app.AppType, profile: app.UserProfileName, space: app.SpaceName });
    await deleteTolerantly(() => sagemaker.send(new DeleteAppCommand({
      DomainId: domainId,
      AppType: app.AppType,
      AppName: app.AppName,
      ...app.SpaceName ? { SpaceName: app.SpaceName } : { UserProfileName: app.UserProfileName },
    })), retry);
  }
  return apps.length === 0;
}

/** Deletes the domain's spaces; complete when none is listed. */
export async function deleteSpaces(sagemaker: SageMakerClient, domainId: string, retry: RetryOptions = {}): Promise<boolean> {
  const spaces = (await listAll<SpaceDetails>(async (NextToken) => {
    const page = await withRetry(() => sagemaker.send(new ListSpacesCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken })), retry);
    return { items: page.Spaces, nextToken: page.NextToken };
  })).filter((space) => space.DomainId === domainId);
  for (const space of spaces.filter((s) => s.Status !== 'Deleting')) {
    log('Deleting space', { domainId, space: space.SpaceName });
    await deleteTolerantly(() => sagemaker.send(new DeleteSpaceCommand({ DomainId: domainId, SpaceName: space.SpaceName })), retry);
  }
  return spaces.length === 0;
}

/**
 * Deletes the domain's user profiles; complete when none is listed. Profiles of the stack are
 * deleted too (CloudFormation then finds them gone), as the domain cannot go before them.
 */
export async function deleteUserProfiles(sagemaker: SageMakerClient, domainId: string, retry: RetryOptions = {}): Promise<boolean> {
  const profiles = (await listAll<UserProfileDetails>(async (NextToken) => {
    const page = await withRetry(() => sagemaker.send(new ListUserProfilesCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken })), retry);
    return { items: page.UserProfiles, nextToken: page.NextToken };
  })).filter((profile) => profile.DomainId === domainId);
  for (const profile of profiles.filter((p) => p.Status !== 'Deleting')) {
    log('Deleting user profile', { domainId, profile: profile.UserProfileName });
    const command = new DeleteUserProfileCommand({ DomainId: domainId, UserProfileName: profile.UserProfileName });
    await deleteTolerantly(() => sagemaker.send(command), retry);
  }
  return profiles.length === 0;
}

/** Deletes the domain together with its home EFS file system; complete when the domain is gone. */
export async function deleteDomain(sagemaker: SageMakerClient, domainId: string, retry: RetryOptions = {}): Promise<boolean> {
  let status: string;
  try {
    status = (await withRetry(() => sagemaker.send(new DescribeDomainCommand({ DomainId: domainId })), retry)).Status ?? '';
  } catch (error) {
    if (isNotFound(error)) {
      return true;
    }
    throw error;
  }
  if (status !== 'Deleting') {
    log('Deleting domain', { domainId, status });
    await deleteTolerantly(() => sagemaker.send(new DeleteDomainCommand({ DomainId: domainId, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } })), retry);
  }
  return false;
}

/**
 * Deletes the home EFS file system (and its mount targets) when SageMaker left it behind;
 * complete when it is gone. Refuses a file system that SageMaker tagged as another domain's.
 */
export async function deleteHomeFileSystem(
  efs: EFSClient, domainId: string, fileSystemId: string | undefined, retry: RetryOptions = {},
): Promise<boolean> {
  if (!fileSystemId) {
    return true;
  }
  let fileSystem;
  try {
    fileSystem = (await withRetry(() => efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId })), retry)).FileSystems?.[0];
  } catch (error) {
    if (isNotFound(error)) {
      return true;
    }
    throw error;
  }
  if (!fileSystem || fileSystem.LifeCycleState === 'deleted') {
    return true;
  }
  const owner = fileSystem.Tags?.find((tag) => tag.Key === 'ManagedByAmazonSageMakerResource')?.Value;
  if (owner !== undefined && !owner.endsWith(`/${domainId}`)) {
    throw new Error(`File system ${fileSystemId} belongs to ${owner}, not to domain ${domainId}; not deleted`);
  }
  if (fileSystem.LifeCycleState === 'deleting') {
    return false;
  }
  const mountTargets = (await withRetry(() => efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId })), retry)).MountTargets ?? [];
  const remaining = mountTargets.filter((target) => target.LifeCycleState !== 'deleted');
  for (const target of remaining.filter((t) => t.LifeCycleState !== 'deleting')) {
    log('Deleting mount target', { fileSystemId, mountTarget: target.MountTargetId });
    await deleteTolerantly(() => efs.send(new DeleteMountTargetCommand({ MountTargetId: target.MountTargetId })), retry);
  }
  if (remaining.length === 0) {
    log('Deleting file system', { fileSystemId });
    await deleteTolerantly(() => efs.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId })), retry);
  }
  return false;
}

/**
 * Revokes the rules of the two NFS security groups SageMaker created for this domain (they
 * reference each other), then deletes them; complete when both are gone. Groups are found by
 * their exact names in the domain's VPC, and checked again by name and VPC before any call.
 */
export async function deleteNfsSecurityGroups(ec2: EC2Client, domainId: string, vpcId: string, retry: RetryOptions = {}): Promise<boolean> {
  const names = nfsSecurityGroupNames(domainId);
  const response = await withRetry(() => ec2.send(new DescribeSecurityGroupsCommand({
    Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: names }],
  })), retry);
  const groups = (response.SecurityGroups ?? []).filter((group) => names.includes(group.GroupName ?? '') && group.VpcId === vpcId);
  for (const group of groups) {
    await revokeRules(ec2, group, retry);
  }
  let complete = true;
  for (const group of groups) {
    log('Deleting security group', { domainId, groupId: group.GroupId, groupName: group.GroupName });
    try {
      await deleteTolerantly(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId })), retry);
    } catch (error) {
      // Network interfaces (of EFS mount targets or apps) still use the group: try again later.
      if (errorName(error) !== 'DependencyViolation') {
        throw error;
      }
      complete = false;
    }
  }
  return complete;
}

async function revokeRules(ec2: EC2Client, group: SecurityGroup, retry: RetryOptions): Promise<void> {
  if (group.IpPermissions?.length) {
    const command = new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: group.IpPermissions });
    await deleteTolerantly(() => ec2.send(command), retry);
  }
  if (group.IpPermissionsEgress?.length) {
    const command = new RevokeSecurityGroupEgressCommand({ GroupId: group.GroupId, IpPermissions: group.IpPermissionsEgress });
    await deleteTolerantly(() => ec2.send(command), retry);
  }
}

/**
 * One pass of the teardown: apps, spaces, user profiles, the domain (with its home file
 * system), a left-over home file system, the NFS security groups. Stops at the first step
 * that is not complete yet; complete when every step is.
 */
export async function teardownPass(clients: TeardownClients, target: TeardownTarget, retry: RetryOptions = {}): Promise<boolean> {
  const steps: [string, () => Promise<boolean>][] = [
    ['apps', () => deleteApps(clients.sagemaker, target.domainId, retry)],
    ['spaces', () => deleteSpaces(clients.sagemaker, target.domainId, retry)],
    ['user profiles', () => deleteUserProfiles(clients.sagemaker, target.domainId, retry)],
    ['domain', () => deleteDomain(clients.sagemaker, target.domainId, retry)],
    ['home file system', () => deleteHomeFileSystem(clients.efs, target.domainId, target.homeEfsFileSystemId, retry)],
    ['NFS security groups', () => deleteNfsSecurityGroups(clients.ec2, target.domainId, target.vpcId, retry)],
  ];
  for (const [name, step] of steps) {
    if (!(await step())) {
      log('Teardown in progress', { domainId: target.domainId, waitingFor: name });
      return false;
    }
  }
  log('Teardown complete', { domainId: target.domainId });
  return true;
}

/** The on-event handler: records whether a Delete event is the deletion of the whole stack. */
export async function onEvent(event: TeardownEvent, clients: Pick<TeardownClients, 'cloudformation'>, retry: RetryOptions = {}) {
  const physicalResourceId = event.PhysicalResourceId ?? `teardown-${event.ResourceProperties.DomainId}`;
  if (event.RequestType !== 'Delete') {
    return { PhysicalResourceId: `teardown-${event.ResourceProperties.DomainId}` };
  }
  const tearDown = await isStackBeingDeleted(clients.cloudformation, event.StackId, retry);
  if (!tearDown) {
    log('Custom resource removed or replaced while the stack stays: the domain is kept', { domainId: event.ResourceProperties.DomainId });
  }
  return { PhysicalResourceId: physicalResourceId, Data: { TearDown: String(tearDown) } };
}

/** The is-complete handler: runs teardown passes on stack deletion, answers complete otherwise. */
export async function isComplete(event: TeardownEvent, clients: TeardownClients, retry: RetryOptions = {}): Promise<{ IsComplete: boolean }> {
  if (event.RequestType !== 'Delete' || event.Data?.TearDown !== 'true') {
    return { IsComplete: true };
  }
  const props = event.ResourceProperties;
  const complete = await teardownPass(clients, {
    domainId: props.DomainId,
    vpcId: props.VpcId,
    homeEfsFileSystemId: props.HomeEfsFileSystemId || undefined,
  }, retry);
  return { IsComplete: complete };
}
