/**
 * The logic of the Studio domain teardown custom resource (docs/decisions/040-domain-teardown.md).
 * Each step takes its SDK client as a parameter, names only the resources of one domain,
 * tolerates resources that are already gone, and answers what it still waits for, so that
 * the Provider framework's is-complete handler can call the whole sequence again until it
 * is done. A step also says when what it waits for cannot clear by itself ("stuck"), so that
 * the teardown fails with that reason instead of waiting out its time.
 *
 * Not part of the public API: bundled into the handler assets, never exported from the index.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle, so it is
// a devDependency (for types and tests), never a dependency of the library.
/* eslint-disable import/no-extraneous-dependencies */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DeleteFileSystemCommand, DeleteMountTargetCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient, LifeCycleState,
  MountTargetDescription,
} from '@aws-sdk/client-efs';
import {
  AppDetails,
  AppStatus,
  DeleteAppCommand,
  DeleteDomainCommand,
  DeleteSpaceCommand,
  DeleteUserProfileCommand,
  DescribeDomainCommand,
  DomainStatus,
  ListAppsCommand,
  ListSpacesCommand,
  ListUserProfilesCommand,
  SageMakerClient,
  SpaceDetails,
  SpaceStatus,
  UserProfileDetails,
} from '@aws-sdk/client-sagemaker';
import { describeError, errorName, isNotFound, isNotYet, listAll, log, RetryOptions, withRetry } from './aws-calls';
import { decideTeardown, deletionStartedAt, ResourceIdentity, teardownPhysicalId } from './cloudformation';
import { APP_PENDING_LIMIT_SECONDS, PASS_BUDGET_SECONDS, STUCK_GRACE_SECONDS, WAIT_LIMIT_SECONDS } from './timing';

export { withRetry, isNotFound } from './aws-calls';
export type { RetryOptions } from './aws-calls';

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

/** The custom resource's properties, as CloudFormation sends them (every value a string). */
export interface TeardownResourceProperties {
  readonly ServiceToken?: string;
  readonly ServiceTimeout?: string;
  readonly DomainId: string;
  readonly VpcId: string;
  readonly HomeEfsFileSystemId?: string;
}

/**
 * The CloudFormation custom-resource request as the Provider framework passes it: the
 * request's own fields, plus, for the is-complete handler, what the on-event handler returned.
 * The is-complete handler receives the same event on every pass.
 */
export interface TeardownEvent extends ResourceIdentity {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId?: string;
  readonly ResponseURL?: string;
  readonly ServiceToken?: string;
  readonly ResourceProperties: TeardownResourceProperties;
  readonly OldResourceProperties?: TeardownResourceProperties;
  /** Set by the on-event handler, passed on to the is-complete handler by the Provider framework. */
  readonly Data?: { readonly TearDown?: string };
}

/** Options of a step: the retry, the clock, when the teardown began and when the pass must end. */
export interface StepOptions extends RetryOptions {
  /**
   * When CloudFormation began deleting the custom resource (ms since the epoch). A deletion
   * that fails after it is this teardown's own and is not retried.
   * @default - no failure counts as this teardown's: failed deletions are retried
   */
  readonly startedAt?: number;
  /** After this time (ms since the epoch) a step issues no more deletes. @default - no limit */
  readonly passEndsAt?: number;
}

/** What a step found. */
export interface StepResult {
  /** Whether nothing is left to do. */
  readonly done: boolean;
  /** What the step still waits for. */
  readonly waitingFor?: string;
  /** Whether that cannot clear by itself: the teardown then fails with it after a short grace. */
  readonly stuck?: boolean;
}

/** What a pass found: the first step that is not done, if any. */
export interface PassResult extends StepResult {
  readonly step?: string;
}

const DONE: StepResult = { done: true };
const waiting = (waitingFor: string): StepResult => ({ done: false, waitingFor });
const stuck = (waitingFor: string): StepResult => ({ done: false, waitingFor, stuck: true });

/** App states that need no deletion (AppStatus of @aws-sdk/client-sagemaker). */
const APP_GONE = new Set<string>([AppStatus.Deleted, AppStatus.Failed]);

/** The tag SageMaker puts on the home EFS file system and the NFS security groups: the domain's ARN. */
const MANAGED_TAG = 'ManagedByAmazonSageMakerResource';

/** The names SageMaker gives the NFS security groups it creates for a domain's home EFS. */
export function nfsSecurityGroupNames(domainId: string): string[] {
  return [`security-group-for-inbound-nfs-${domainId}`, `security-group-for-outbound-nfs-${domainId}`];
}

function isDomainArn(value: string, domainId: string): boolean {
  return /^arn:[^:]+:sagemaker:[^:]*:[^:]*:domain\//.test(value) && value.endsWith(`:domain/${domainId}`);
}

function clock(options: RetryOptions): number {
  return (options.now ?? Date.now)();
}

function overBudget(options: StepOptions): boolean {
  return clock(options) >= (options.passEndsAt ?? Infinity);
}

/** Whether a failure recorded at `time` happened during this teardown. */
function failedDuringTeardown(time: Date | undefined, options: StepOptions): boolean {
  return (time?.getTime() ?? -Infinity) >= (options.startedAt ?? Infinity);
}

/** At most `max` items, then how many more. */
function summarise(items: string[], max = 3): string {
  return items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;
}

/** Runs a delete call: undefined when done or already gone, the reason when not yet; throws any other error. */
async function attemptDelete(call: () => Promise<unknown>, options: RetryOptions): Promise<string | undefined> {
  try {
    await withRetry(call, options);
    return undefined;
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    if (isNotYet(error)) {
      return describeError(error);
    }
    throw error;
  }
}

function appLabel(app: AppDetails): string {
  const owner = app.SpaceName ? `space '${app.SpaceName}'` : `profile '${app.UserProfileName}'`;
  return `${app.AppType} app '${app.AppName}' of ${owner}`;
}

/**
 * Deletes the domain's running apps; done when none is left but deleted or failed ones. An app
 * `Pending` for longer than APP_PENDING_LIMIT_SECONDS since its creation is stuck.
 */
export async function deleteApps(sagemaker: SageMakerClient, domainId: string, options: StepOptions = {}): Promise<StepResult> {
  const apps = (await listAll<AppDetails>(async (NextToken) => {
    const page = await withRetry(() => sagemaker.send(new ListAppsCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken })), options);
    return { items: page.Apps, next: page.NextToken };
  })).filter((app) => app.DomainId === domainId && !APP_GONE.has(app.Status ?? ''));
  if (apps.length === 0) {
    return DONE;
  }
  const states: string[] = [];
  for (const app of apps) {
    if (app.Status !== AppStatus.InService || overBudget(options)) {
      states.push(`${appLabel(app)} is ${app.Status}`);
      continue;
    }
    log('Deleting app', { domainId, app: app.AppName, type: app.AppType, profile: app.UserProfileName, space: app.SpaceName });
    const reason = await attemptDelete(() => sagemaker.send(new DeleteAppCommand({
      DomainId: domainId,
      AppType: app.AppType,
      AppName: app.AppName,
      ...app.SpaceName ? { SpaceName: app.SpaceName } : { UserProfileName: app.UserProfileName },
    })), options);
    states.push(`${appLabel(app)}: ${reason ?? 'deletion requested'}`);
  }
  const now = clock(options);
  const pending = apps.filter((app) => app.Status === AppStatus.Pending && app.CreationTime
    && now - app.CreationTime.getTime() > APP_PENDING_LIMIT_SECONDS * 1000);
  if (pending.length > 0) {
    return stuck(summarise(pending.map((app) => `${appLabel(app)} has been Pending since ${app.CreationTime!.toISOString()}`)));
  }
  return waiting(`${apps.length} app(s): ${summarise(states)}`);
}

interface Member {
  readonly name: string;
  readonly status?: string;
  readonly lastModified?: Date;
}

/**
 * Deletes spaces or user profiles (SpaceStatus and UserProfileStatus share their values);
 * done when none is listed. One in `Delete_Failed` since this teardown began is stuck; one that
 * failed before is deleted again.
 */
async function deleteMembers(
  kind: string, domainId: string, members: Member[], remove: (name: string) => Promise<unknown>, options: StepOptions,
): Promise<StepResult> {
  if (members.length === 0) {
    return DONE;
  }
  const failed = members.filter((m) => m.status === SpaceStatus.Delete_Failed && failedDuringTeardown(m.lastModified, options));
  if (failed.length > 0) {
    return stuck(summarise(failed.map((m) => `${kind} '${m.name}' is Delete_Failed since ${m.lastModified!.toISOString()}`)));
  }
  const states: string[] = [];
  for (const member of members) {
    if (member.status === SpaceStatus.Deleting || overBudget(options)) {
      states.push(`${kind} '${member.name}' is ${member.status}`);
      continue;
    }
    log(`Deleting ${kind}`, { domainId, name: member.name, status: member.status });
    const reason = await attemptDelete(() => remove(member.name), options);
    states.push(`${kind} '${member.name}': ${reason ?? 'deletion requested'}`);
  }
  return waiting(`${members.length} ${kind}(s): ${summarise(states)}`);
}

/** Deletes the domain's spaces; done when none is listed. */
export async function deleteSpaces(sagemaker: SageMakerClient, domainId: string, options: StepOptions = {}): Promise<StepResult> {
  const spaces = (await listAll<SpaceDetails>(async (NextToken) => {
    const page = await withRetry(() => sagemaker.send(new ListSpacesCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken })), options);
    return { items: page.Spaces, next: page.NextToken };
  })).filter((space) => space.DomainId === domainId);
  return deleteMembers('space', domainId, spaces.map((s) => ({ name: s.SpaceName ?? '', status: s.Status, lastModified: s.LastModifiedTime })),
    (SpaceName) => sagemaker.send(new DeleteSpaceCommand({ DomainId: domainId, SpaceName })), options);
}

/**
 * Deletes the domain's user profiles; done when none is listed. Profiles of the stack are
 * deleted too (CloudFormation then finds them gone), as the domain cannot go before them.
 */
export async function deleteUserProfiles(sagemaker: SageMakerClient, domainId: string, options: StepOptions = {}): Promise<StepResult> {
  const profiles = (await listAll<UserProfileDetails>(async (NextToken) => {
    const command = new ListUserProfilesCommand({ DomainIdEquals: domainId, MaxResults: 100, NextToken });
    const page = await withRetry(() => sagemaker.send(command), options);
    return { items: page.UserProfiles, next: page.NextToken };
  })).filter((profile) => profile.DomainId === domainId);
  return deleteMembers('user profile', domainId, profiles.map((p) => ({ name: p.UserProfileName ?? '', status: p.Status, lastModified: p.LastModifiedTime })),
    (UserProfileName) => sagemaker.send(new DeleteUserProfileCommand({ DomainId: domainId, UserProfileName })), options);
}

/**
 * Deletes the domain together with its home EFS file system; done when the domain is gone.
 * A domain whose deletion failed (`Delete_Failed`) since this teardown began is stuck, with
 * SageMaker's FailureReason; one that failed before is deleted again.
 */
export async function deleteDomain(sagemaker: SageMakerClient, domainId: string, options: StepOptions = {}): Promise<StepResult> {
  let domain;
  try {
    domain = await withRetry(() => sagemaker.send(new DescribeDomainCommand({ DomainId: domainId })), options);
  } catch (error) {
    if (isNotFound(error)) {
      return DONE;
    }
    throw error;
  }
  const status = domain.Status ?? '';
  if (status === DomainStatus.Deleting) {
    return waiting(`domain ${domainId} is Deleting`);
  }
  if (status === DomainStatus.Delete_Failed && failedDuringTeardown(domain.LastModifiedTime, options)) {
    return stuck(`domain ${domainId} is Delete_Failed: ${domain.FailureReason ?? 'SageMaker gave no reason'}`);
  }
  log('Deleting domain', { domainId, status, failureReason: domain.FailureReason });
  const reason = await attemptDelete(() => sagemaker.send(new DeleteDomainCommand({ DomainId: domainId, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } })), options);
  const was = domain.FailureReason ? `${status}: ${domain.FailureReason}` : status;
  return waiting(`domain ${domainId} (${was}): ${reason ?? 'deletion requested'}`);
}

/**
 * Deletes the home EFS file system (and its mount targets) when SageMaker left it behind;
 * done when it is gone. Refuses a file system that SageMaker tagged as another domain's. A file
 * system or mount target in the `error` state (LifeCycleState of @aws-sdk/client-efs) is stuck.
 */
export async function deleteHomeFileSystem(
  efs: EFSClient, domainId: string, fileSystemId: string | undefined, options: StepOptions = {},
): Promise<StepResult> {
  if (!fileSystemId) {
    return DONE;
  }
  let fileSystem;
  try {
    fileSystem = (await withRetry(() => efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId })), options)).FileSystems?.[0];
  } catch (error) {
    if (isNotFound(error)) {
      return DONE;
    }
    throw error;
  }
  if (!fileSystem || fileSystem.LifeCycleState === LifeCycleState.DELETED) {
    return DONE;
  }
  const owner = fileSystem.Tags?.find((tag) => tag.Key === MANAGED_TAG)?.Value;
  if (owner !== undefined && !owner.endsWith(`/${domainId}`)) {
    throw new Error(`File system ${fileSystemId} belongs to ${owner}, not to domain ${domainId}; not deleted`);
  }
  if (fileSystem.LifeCycleState === LifeCycleState.ERROR) {
    return stuck(`file system ${fileSystemId} is in the error state`);
  }
  if (fileSystem.LifeCycleState !== LifeCycleState.AVAILABLE) {
    return waiting(`file system ${fileSystemId} is ${fileSystem.LifeCycleState}`);
  }
  const mountTargets = await listAll<MountTargetDescription>(async (Marker) => {
    const page = await withRetry(() => efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker })), options);
    return { items: page.MountTargets, next: page.NextMarker };
  });
  const remaining = mountTargets.filter((target) => target.LifeCycleState !== LifeCycleState.DELETED);
  const failed = remaining.filter((target) => target.LifeCycleState === LifeCycleState.ERROR);
  if (failed.length > 0) {
    return stuck(`mount target(s) ${failed.map((t) => t.MountTargetId).join(', ')} of file system ${fileSystemId} in the error state`);
  }
  if (remaining.length === 0) {
    log('Deleting file system', { fileSystemId });
    const reason = await attemptDelete(() => efs.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId })), options);
    return waiting(`file system ${fileSystemId}: ${reason ?? 'deletion requested'}`);
  }
  const states: string[] = [];
  for (const target of remaining) {
    if (target.LifeCycleState !== LifeCycleState.AVAILABLE || overBudget(options)) {
      states.push(`${target.MountTargetId} is ${target.LifeCycleState}`);
      continue;
    }
    log('Deleting mount target', { fileSystemId, mountTarget: target.MountTargetId });
    const reason = await attemptDelete(() => efs.send(new DeleteMountTargetCommand({ MountTargetId: target.MountTargetId })), options);
    states.push(`${target.MountTargetId}: ${reason ?? 'deletion requested'}`);
  }
  return waiting(`${remaining.length} mount target(s) of file system ${fileSystemId}: ${summarise(states)}`);
}

async function describeGroups(ec2: EC2Client, filters: { Name: string; Values: string[] }[], options: RetryOptions): Promise<SecurityGroup[]> {
  return listAll<SecurityGroup>(async (NextToken) => {
    const page = await withRetry(() => ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken })), options);
    return { items: page.SecurityGroups, next: page.NextToken };
  });
}

/** Groups other than `ours` whose inbound or outbound rules reference one of `groupIds`. */
async function referencingGroups(ec2: EC2Client, groupIds: string[], ours: Set<string>, options: RetryOptions): Promise<SecurityGroup[]> {
  const found = new Map<string, SecurityGroup>();
  for (const filter of ['ip-permission.group-id', 'egress.ip-permission.group-id']) {
    for (const group of await describeGroups(ec2, [{ Name: filter, Values: groupIds }], options)) {
      if (group.GroupId && !ours.has(group.GroupId)) {
        found.set(group.GroupId, group);
      }
    }
  }
  return [...found.values()];
}

/**
 * Revokes the rules of the two NFS security groups SageMaker created for this domain (they
 * reference each other), then deletes them; done when both are gone. A group is the domain's
 * when its name is one of the two exact names, it is in the domain's VPC, and its
 * `ManagedByAmazonSageMakerResource` tag, when present, is this domain's ARN; a group with the
 * name but another domain's tag is refused. `DependencyViolation` means "not yet" while network
 * interfaces still use a group, and stuck when a group outside the domain references it.
 */
export async function deleteNfsSecurityGroups(ec2: EC2Client, domainId: string, vpcId: string, options: StepOptions = {}): Promise<StepResult> {
  const names = nfsSecurityGroupNames(domainId);
  const groups = (await describeGroups(ec2, [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: names }], options))
    .filter((group) => names.includes(group.GroupName ?? '') && group.VpcId === vpcId);
  for (const group of groups) {
    const owner = group.Tags?.find((tag) => tag.Key === MANAGED_TAG)?.Value;
    if (owner !== undefined && !isDomainArn(owner, domainId)) {
      throw new Error(`Security group ${group.GroupId} (${group.GroupName}) is tagged ${MANAGED_TAG}=${owner}, not domain ${domainId}; not deleted`);
    }
  }
  const states: string[] = [];
  for (const group of groups) {
    for (const reason of await revokeRules(ec2, group, options)) {
      states.push(`${group.GroupId}: ${reason}`);
    }
  }
  const blocked: SecurityGroup[] = [];
  for (const group of groups) {
    log('Deleting security group', { domainId, groupId: group.GroupId, groupName: group.GroupName });
    try {
      await withRetry(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId })), options);
    } catch (error) {
      if (isNotFound(error)) continue;
      if (errorName(error) === 'DependencyViolation') {
        blocked.push(group);
      } else if (isNotYet(error)) {
        states.push(`${group.GroupId}: ${describeError(error)}`);
      } else {
        throw error;
      }
    }
  }
  if (blocked.length > 0) {
    const ids = blocked.map((group) => group.GroupId!);
    const outside = await referencingGroups(ec2, ids, new Set(groups.map((group) => group.GroupId!)), options);
    if (outside.length > 0) {
      return stuck(`security group(s) ${ids.join(', ')} referenced by rules of ${summarise(outside.map((g) => `${g.GroupId} (${g.GroupName}, ${g.VpcId})`))}, `
        + 'which are not the domain\'s: remove those rules');
    }
    states.push(`security group(s) ${ids.join(', ')} still used by network interfaces (DependencyViolation)`);
  }
  return states.length > 0 ? waiting(summarise(states)) : DONE;
}

/** Revokes a group's rules; answers the reasons of revocations that must wait. */
async function revokeRules(ec2: EC2Client, group: SecurityGroup, options: RetryOptions): Promise<string[]> {
  const reasons: string[] = [];
  if (group.IpPermissions?.length) {
    const command = new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: group.IpPermissions });
    const reason = await attemptDelete(() => ec2.send(command), options);
    if (reason) reasons.push(reason);
  }
  if (group.IpPermissionsEgress?.length) {
    const command = new RevokeSecurityGroupEgressCommand({ GroupId: group.GroupId, IpPermissions: group.IpPermissionsEgress });
    const reason = await attemptDelete(() => ec2.send(command), options);
    if (reason) reasons.push(reason);
  }
  return reasons;
}

/**
 * One pass of the teardown: apps, spaces, user profiles, the domain (with its home file
 * system), a left-over home file system, the NFS security groups. Stops at the first step
 * that is not done and answers what it waits for; a throttled call or a server fault is a
 * wait too. Done when every step is.
 */
export async function teardownPass(clients: TeardownClients, target: TeardownTarget, options: StepOptions = {}): Promise<PassResult> {
  const steps: [string, () => Promise<StepResult>][] = [
    ['apps', () => deleteApps(clients.sagemaker, target.domainId, options)],
    ['spaces', () => deleteSpaces(clients.sagemaker, target.domainId, options)],
    ['user profiles', () => deleteUserProfiles(clients.sagemaker, target.domainId, options)],
    ['domain', () => deleteDomain(clients.sagemaker, target.domainId, options)],
    ['home file system', () => deleteHomeFileSystem(clients.efs, target.domainId, target.homeEfsFileSystemId, options)],
    ['NFS security groups', () => deleteNfsSecurityGroups(clients.ec2, target.domainId, target.vpcId, options)],
  ];
  for (const [name, step] of steps) {
    let result: StepResult;
    try {
      result = await step();
    } catch (error) {
      if (!isNotYet(error)) {
        throw error;
      }
      result = waiting(describeError(error));
    }
    if (!result.done) {
      log('Teardown in progress', { domainId: target.domainId, step: name, waitingFor: result.waitingFor, stuck: result.stuck ?? false });
      return { ...result, step: name };
    }
  }
  log('Teardown complete', { domainId: target.domainId });
  return DONE;
}

/**
 * The on-event handler: answers the physical id (`teardown-<domainId>`, so that replacing the
 * domain replaces the custom resource and CloudFormation sends Delete for the old one), and,
 * for a Delete, records whether it tears the domain down (see decideTeardown).
 */
export async function onEvent(event: TeardownEvent, clients: Pick<TeardownClients, 'cloudformation'>, options: RetryOptions = {}) {
  const domainId = event.ResourceProperties.DomainId;
  if (event.RequestType !== 'Delete') {
    return { PhysicalResourceId: teardownPhysicalId(domainId) };
  }
  const decision = await decideTeardown(clients.cloudformation, event.StackId, domainId, options);
  if (!decision.tearDown) {
    log('Custom resource removed while the domain stays: the domain is kept', { domainId, why: decision.why });
  }
  return { PhysicalResourceId: event.PhysicalResourceId ?? teardownPhysicalId(domainId), Data: { TearDown: String(decision.tearDown) } };
}

/**
 * The is-complete handler: on a Delete that tears down, checks again that it should (the
 * event is not trusted), takes the teardown's start from CloudFormation's DELETE_IN_PROGRESS
 * event of this custom resource, and runs one pass: complete when every step is done. Fails,
 * with the reason, when a stuck condition persists STUCK_GRACE_SECONDS into the teardown or
 * anything is still pending after WAIT_LIMIT_SECONDS; answers not complete otherwise. Answers
 * complete at once, touching nothing, when the Delete does not tear down.
 */
export async function isComplete(event: TeardownEvent, clients: TeardownClients, options: RetryOptions = {}): Promise<{ IsComplete: boolean }> {
  if (event.RequestType !== 'Delete' || event.Data?.TearDown !== 'true') {
    return { IsComplete: true };
  }
  const props = event.ResourceProperties;
  if (event.PhysicalResourceId !== teardownPhysicalId(props.DomainId)) {
    throw new Error(`Physical id ${event.PhysicalResourceId} is not the teardown of domain ${props.DomainId}; nothing was deleted`);
  }
  let startedAt: number;
  try {
    const decision = await decideTeardown(clients.cloudformation, event.StackId, props.DomainId, options);
    if (!decision.tearDown) {
      return { IsComplete: true };
    }
    startedAt = await deletionStartedAt(clients.cloudformation, event, options);
  } catch (error) {
    // CloudFormation throttled (or failed on its side) beyond the retries: ask again on the next pass.
    if (isNotYet(error)) {
      log('Teardown waits for CloudFormation', { domainId: props.DomainId, error: describeError(error) });
      return { IsComplete: false };
    }
    throw error;
  }
  const result = await teardownPass(clients, {
    domainId: props.DomainId,
    vpcId: props.VpcId,
    homeEfsFileSystemId: props.HomeEfsFileSystemId || undefined,
  }, { ...options, startedAt, passEndsAt: clock(options) + PASS_BUDGET_SECONDS * 1000 });
  if (result.done) {
    return { IsComplete: true };
  }
  const elapsed = clock(options) - startedAt;
  const what = `${result.step}: ${result.waitingFor}`;
  if (result.stuck && elapsed >= STUCK_GRACE_SECONDS * 1000) {
    throw new Error(`Teardown of Studio domain ${props.DomainId} cannot finish: ${what}. `
      + 'Fix this, then delete the stack again to resume the teardown (after an update, delete the old domain yourself).');
  }
  if (elapsed >= WAIT_LIMIT_SECONDS * 1000) {
    throw new Error(`Teardown of Studio domain ${props.DomainId} did not finish within ${WAIT_LIMIT_SECONDS / 60} minutes; `
      + `still waiting for ${what}. Deleting the stack again resumes the teardown.`);
  }
  return { IsComplete: false };
}
