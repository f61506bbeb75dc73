import {
  CloudFormationClient, DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client,
  RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand, SecurityGroup,
} from '@aws-sdk/client-ec2';
import { DeleteFileSystemCommand, DeleteMountTargetCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  AppDetails, DeleteAppCommand, DeleteDomainCommand, DeleteSpaceCommand, DeleteUserProfileCommand, DescribeDomainCommand,
  ListAppsCommand, ListSpacesCommand, ListUserProfilesCommand, SageMakerClient, SpaceDetails, UserProfileDetails,
} from '@aws-sdk/client-sagemaker';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import {
  deleteApps, deleteHomeFileSystem, deleteNfsSecurityGroups, deleteSpaces, isComplete, nfsSecurityGroupNames, onEvent, TeardownClients, TeardownEvent,
  withRetry,
} from '../../src/studio/teardown/handler';

const DOMAIN = 'd-mine0000000a';
const OTHER = 'd-other000000b';
const VPC = 'vpc-0123';
const FS = 'fs-0mine';
const STACK = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/guid';
const LOGICAL_ID = 'DomainTeardown1A2B3C4D';
const TYPE = 'Custom::StudioDomainTeardown';
const noSleep = { sleep: async () => undefined };

const error = (name: string) => Object.assign(new Error(name), { name });

let sagemaker: AwsClientStub<SageMakerClient>;
let ec2: AwsClientStub<EC2Client>;
let efs: AwsClientStub<EFSClient>;
let cloudformation: AwsClientStub<CloudFormationClient>;
let clients: TeardownClients;

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  sagemaker = mockClient(SageMakerClient);
  ec2 = mockClient(EC2Client);
  efs = mockClient(EFSClient);
  cloudformation = mockClient(CloudFormationClient);
  clients = {
    sagemaker: new SageMakerClient({ region: 'eu-west-1' }),
    ec2: new EC2Client({ region: 'eu-west-1' }),
    efs: new EFSClient({ region: 'eu-west-1' }),
    cloudformation: new CloudFormationClient({ region: 'eu-west-1' }),
  };
  // The stack is being deleted, and CloudFormation began deleting the teardown a minute ago.
  cloudformation.on(DescribeStacksCommand, { StackName: STACK })
    .resolves({ Stacks: [{ StackName: 'Test', StackStatus: 'DELETE_IN_PROGRESS', CreationTime: new Date() }] });
  cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolves({
    StackEvents: [{
      StackId: STACK,
      StackName: 'Test',
      EventId: 'e1',
      LogicalResourceId: LOGICAL_ID,
      PhysicalResourceId: `teardown-${DOMAIN}`,
      ResourceType: TYPE,
      ResourceStatus: 'DELETE_IN_PROGRESS',
      Timestamp: new Date(Date.now() - 60_000),
    }],
  });
});

afterEach(() => {
  for (const mock of [sagemaker, ec2, efs, cloudformation]) mock.restore();
  jest.restoreAllMocks();
});

const deleteEvent = (tearDown: boolean): TeardownEvent => ({
  RequestType: 'Delete',
  StackId: STACK,
  LogicalResourceId: LOGICAL_ID,
  ResourceType: TYPE,
  PhysicalResourceId: `teardown-${DOMAIN}`,
  ResourceProperties: { DomainId: DOMAIN, VpcId: VPC, HomeEfsFileSystemId: FS },
  Data: { TearDown: String(tearDown) },
});

/** Every call made to the mocks, as 'Command input-json', in order. */
function callLog(): string[] {
  return ([sagemaker, ec2, efs, cloudformation] as AwsClientStub<any>[])
    .flatMap((mock) => mock.calls())
    // sinon numbers every spy call globally (callId, missing from its type declarations).
    .map((call) => ({ call, id: (call as unknown as { callId: number }).callId }))
    .sort((a, b) => {
      if (typeof a.id !== 'number' || typeof b.id !== 'number') throw new Error('sinon calls without callId');
      return a.id - b.id;
    })
    .map(({ call }) => call)
    .map((call) => `${(call.args[0] as any).constructor.name} ${JSON.stringify((call.args[0] as any).input)}`);
}

/**
 * A stateful account with this domain and another one: both with apps, spaces, profiles
 * and NFS security groups. The list APIs return the other domain's resources too, to prove
 * that the handler filters by the domain id itself.
 */
function account() {
  const apps: AppDetails[] = [
    { DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'default', Status: 'InService' },
    { DomainId: DOMAIN, SpaceName: 'shared', AppType: 'CodeEditor', AppName: 'default', Status: 'InService' },
    { DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'old', Status: 'Deleted' },
    { DomainId: OTHER, UserProfileName: 'carol', AppType: 'JupyterLab', AppName: 'other-app', Status: 'InService' },
  ];
  const spaces: SpaceDetails[] = [{ DomainId: DOMAIN, SpaceName: 'shared', Status: 'InService' }, { DomainId: OTHER, SpaceName: 'other-space', Status: 'InService' }];
  const profiles: UserProfileDetails[] = [
    { DomainId: DOMAIN, UserProfileName: 'alice', Status: 'InService' },
    { DomainId: DOMAIN, UserProfileName: 'made-in-console', Status: 'InService' },
    { DomainId: OTHER, UserProfileName: 'carol', Status: 'InService' },
  ];
  const [inbound, outbound] = nfsSecurityGroupNames(DOMAIN);
  const [otherInbound] = nfsSecurityGroupNames(OTHER);
  const groups: SecurityGroup[] = [
    { GroupId: 'sg-in', GroupName: inbound, VpcId: VPC, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: 'sg-out' }] }], IpPermissionsEgress: [] },
    { GroupId: 'sg-out', GroupName: outbound, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: 'sg-in' }] }] },
    { GroupId: 'sg-other', GroupName: otherInbound, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] },
    { GroupId: 'sg-lookalike', GroupName: `${inbound}-copy`, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] },
  ];
  let domainStatus: string | undefined = 'InService';
  let pendingDomainPolls = 0;
  sagemaker.on(ListAppsCommand).callsFake(() => {
    const listed = apps.map((a) => ({ ...a }));
    for (const app of apps.filter((a) => a.Status === 'Deleting')) app.Status = 'Deleted';
    return { Apps: listed };
  });
  sagemaker.on(DeleteAppCommand).callsFake((input) => {
    // Deletion takes a while: the app is 'Deleting' for one pass, then 'Deleted'.
    for (const app of apps.filter((a) => a.DomainId === input.DomainId && a.AppName === input.AppName && a.AppType === input.AppType)) app.Status = 'Deleting';
    return {};
  });
  sagemaker.on(ListSpacesCommand).callsFake(() => ({ Spaces: [...spaces] }));
  sagemaker.on(DeleteSpaceCommand).callsFake((input) => {
    spaces.splice(spaces.findIndex((s) => s.DomainId === input.DomainId && s.SpaceName === input.SpaceName), 1);
    return {};
  });
  sagemaker.on(ListUserProfilesCommand).callsFake(() => ({ UserProfiles: [...profiles] }));
  sagemaker.on(DeleteUserProfileCommand).callsFake((input) => {
    profiles.splice(profiles.findIndex((p) => p.DomainId === input.DomainId && p.UserProfileName === input.UserProfileName), 1);
    return {};
  });
  sagemaker.on(DescribeDomainCommand, { DomainId: DOMAIN }).callsFake(() => {
    if (domainStatus === 'Deleting' && pendingDomainPolls-- <= 0) domainStatus = undefined;
    if (!domainStatus) throw error('ResourceNotFound');
    return { DomainId: DOMAIN, Status: domainStatus };
  });
  sagemaker.on(DeleteDomainCommand).callsFake(() => {
    domainStatus = 'Deleting';
    pendingDomainPolls = 1;
    return {};
  });
  efs.on(DescribeFileSystemsCommand).rejects(error('FileSystemNotFound'));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(() => ({ SecurityGroups: groups.filter((g) => g.GroupId !== 'deleted') }));
  ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
  ec2.on(RevokeSecurityGroupEgressCommand).resolves({});
  ec2.on(DeleteSecurityGroupCommand).callsFake((input) => {
    groups.find((g) => g.GroupId === input.GroupId)!.GroupId = 'deleted';
    return {};
  });
  return { apps, spaces, profiles, groups };
}

async function runToCompletion(maxPasses = 20): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    const { IsComplete } = await isComplete(deleteEvent(true), clients, noSleep);
    answers.push(IsComplete);
    if (IsComplete) return answers;
  }
  throw new Error(`not complete after ${maxPasses} passes`);
}

describe('a full teardown', () => {
  test('deletes apps, then spaces, then profiles, then the domain with its EFS, then revokes and deletes the NFS security groups', async () => {
    account();
    const answers = await runToCompletion();
    const deletes = callLog().filter((line) => /^(Delete|Revoke)/.test(line)).map((line) => line.replace(/ .*/, ''));
    expect(deletes).toEqual([
      'DeleteAppCommand', 'DeleteAppCommand',
      'DeleteSpaceCommand',
      'DeleteUserProfileCommand', 'DeleteUserProfileCommand',
      'DeleteDomainCommand',
      'RevokeSecurityGroupIngressCommand', 'RevokeSecurityGroupEgressCommand',
      'DeleteSecurityGroupCommand', 'DeleteSecurityGroupCommand',
    ]);
    expect(answers[answers.length - 1]).toBe(true);
    expect(answers.slice(0, -1).every((answer) => answer === false)).toBe(true);
    expect(answers.length).toBeGreaterThan(2);
  });

  test('names the app of a space by its space and the app of a profile by its profile', async () => {
    account();
    await runToCompletion();
    expect(sagemaker.commandCalls(DeleteAppCommand).map((call) => call.args[0].input)).toEqual([
      { DomainId: DOMAIN, AppType: 'JupyterLab', AppName: 'default', UserProfileName: 'alice' },
      { DomainId: DOMAIN, AppType: 'CodeEditor', AppName: 'default', SpaceName: 'shared' },
    ]);
  });

  test('deletes the domain with its home EFS file system', async () => {
    account();
    await runToCompletion();
    expect(sagemaker.commandCalls(DeleteDomainCommand).map((call) => call.args[0].input)).toEqual([
      { DomainId: DOMAIN, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } },
    ]);
  });

  test('revokes each NFS group\'s rules (which reference the other group) before deleting either', async () => {
    const { groups } = account();
    const inboundRules = groups[0].IpPermissions;
    const outboundRules = groups[1].IpPermissionsEgress;
    await runToCompletion();
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((call) => call.args[0].input)).toEqual([{ GroupId: 'sg-in', IpPermissions: inboundRules }]);
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand).map((call) => call.args[0].input)).toEqual([{ GroupId: 'sg-out', IpPermissions: outboundRules }]);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input)).toEqual([{ GroupId: 'sg-in' }, { GroupId: 'sg-out' }]);
  });

  test('never names another domain\'s apps, spaces, profiles or security groups, nor a look-alike group', async () => {
    const { apps, spaces, profiles } = account();
    await runToCompletion();
    const calls = callLog();
    expect(calls.filter((line) => line.includes(OTHER) || /carol|other-app|other-space|sg-other|sg-lookalike|-copy/.test(line))).toEqual([]);
    expect(apps.filter((a) => a.DomainId === OTHER)).toEqual([expect.objectContaining({ Status: 'InService' })]);
    expect(spaces.map((s) => s.SpaceName)).toEqual(['other-space']);
    expect(profiles.map((p) => p.UserProfileName)).toEqual(['carol']);
  });

  test('lists by this domain id and finds the NFS groups by their exact names in the domain VPC', async () => {
    account();
    await runToCompletion();
    expect(sagemaker.commandCalls(ListAppsCommand)[0].args[0].input).toEqual({ DomainIdEquals: DOMAIN, MaxResults: 100 });
    expect(sagemaker.commandCalls(ListSpacesCommand)[0].args[0].input).toEqual({ DomainIdEquals: DOMAIN, MaxResults: 100 });
    expect(sagemaker.commandCalls(ListUserProfilesCommand)[0].args[0].input).toEqual({ DomainIdEquals: DOMAIN, MaxResults: 100 });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input).toEqual({
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'group-name', Values: [`security-group-for-inbound-nfs-${DOMAIN}`, `security-group-for-outbound-nfs-${DOMAIN}`] },
      ],
    });
  });
});

describe('idempotency', () => {
  test('complete in one pass, with no delete call, when everything is already gone', async () => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [] });
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [] });
    sagemaker.on(ListUserProfilesCommand).resolves({ UserProfiles: [] });
    sagemaker.on(DescribeDomainCommand).rejects(error('ResourceNotFound'));
    efs.on(DescribeFileSystemsCommand).rejects(error('FileSystemNotFound'));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: true });
    expect(callLog().filter((line) => /^(Delete|Revoke)/.test(line))).toEqual([]);
  });

  test('a resource that disappears between listing and deleting counts as deleted', async () => {
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'gone', Status: 'InService' }] });
    sagemaker.on(DeleteSpaceCommand).rejects(error('ResourceNotFound'));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-in', GroupName: nfsSecurityGroupNames(DOMAIN)[0], VpcId: VPC, IpPermissions: [{ IpProtocol: '-1' }] }] });
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(error('InvalidPermission.NotFound'));
    ec2.on(DeleteSecurityGroupCommand).rejects(error('InvalidGroup.NotFound'));
    await expect(deleteSpaces(clients.sagemaker, DOMAIN, noSleep)).resolves.toMatchObject({ done: false });
    await expect(deleteNfsSecurityGroups(clients.ec2, DOMAIN, VPC, noSleep)).resolves.toEqual({ done: true });
  });

  test('an error other than not-found or throttling fails the teardown', async () => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [{ DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'default', Status: 'InService' }] });
    sagemaker.on(DeleteAppCommand).rejects(error('AccessDeniedException'));
    await expect(deleteApps(clients.sagemaker, DOMAIN, noSleep)).rejects.toThrow('AccessDeniedException');
  });
});

describe('in progress and complete answers', () => {
  beforeEach(() => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [] });
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [] });
    sagemaker.on(ListUserProfilesCommand).resolves({ UserProfiles: [] });
    sagemaker.on(DescribeDomainCommand).rejects(error('ResourceNotFound'));
    efs.on(DescribeFileSystemsCommand).rejects(error('FileSystemNotFound'));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  });

  test('in progress while an app is deleting or pending, without deleting it again or going on to spaces', async () => {
    sagemaker.on(ListAppsCommand).resolves({
      Apps: [
        { DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'a', Status: 'Deleting' },
        { DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'b', Status: 'Pending' },
      ],
    });
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteAppCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(ListSpacesCommand)).toHaveLength(0);
  });

  test('failed apps are not waited for', async () => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [{ DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'a', Status: 'Failed' }] });
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: true });
  });

  test('in progress while the domain is deleting, without deleting it again', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: 'Deleting' });
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteDomainCommand)).toHaveLength(0);
  });

  test('deletes the domain again after a failed deletion', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: 'Delete_Failed' });
    sagemaker.on(DeleteDomainCommand).resolves({});
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteDomainCommand)).toHaveLength(1);
  });

  test('in progress while network interfaces still use an NFS group (DependencyViolation)', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-in', GroupName: nfsSecurityGroupNames(DOMAIN)[0], VpcId: VPC }] });
    ec2.on(DeleteSecurityGroupCommand).rejects(error('DependencyViolation'));
    expect(await isComplete(deleteEvent(true), clients, noSleep)).toEqual({ IsComplete: false });
  });

  test('a home file system SageMaker left behind: mount targets first, then the file system', async () => {
    efs.on(DescribeFileSystemsCommand).resolvesOnce({ FileSystems: [{ FileSystemId: FS, LifeCycleState: 'available', Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: `arn:aws:sagemaker:eu-west-1:111111111111:domain/${DOMAIN}` }] } as any] })
      .resolvesOnce({ FileSystems: [{ FileSystemId: FS, LifeCycleState: 'available' } as any] })
      .rejects(error('FileSystemNotFound'));
    efs.on(DescribeMountTargetsCommand).resolvesOnce({ MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: FS, SubnetId: 's', LifeCycleState: 'available' }] })
      .resolves({ MountTargets: [] });
    efs.on(DeleteMountTargetCommand).resolves({});
    efs.on(DeleteFileSystemCommand).resolves({});
    expect(await runToCompletion()).toEqual([false, false, true]);
    expect(callLog().filter((line) => /^Delete/.test(line))).toEqual([
      'DeleteMountTargetCommand {"MountTargetId":"fsmt-1"}',
      `DeleteFileSystemCommand {"FileSystemId":"${FS}"}`,
    ]);
  });

  test('refuses a file system that SageMaker tagged as another domain\'s', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: FS, LifeCycleState: 'available', Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: `arn:aws:sagemaker:eu-west-1:111111111111:domain/${OTHER}` }] } as any] });
    await expect(isComplete(deleteEvent(true), clients, noSleep)).rejects.toThrow(
      `File system ${FS} belongs to arn:aws:sagemaker:eu-west-1:111111111111:domain/${OTHER}, not to domain ${DOMAIN}; not deleted`);
    expect(efs.commandCalls(DeleteFileSystemCommand)).toHaveLength(0);
    expect(efs.commandCalls(DeleteMountTargetCommand)).toHaveLength(0);
  });
});

describe('stuck file systems and the pass budget', () => {
  test('a mount target in the error state is stuck, a creating one is waited for', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: FS, LifeCycleState: 'available' } as any] });
    efs.on(DescribeMountTargetsCommand).resolves({
      MountTargets: [
        { MountTargetId: 'fsmt-1', FileSystemId: FS, SubnetId: 'a', LifeCycleState: 'error' },
        { MountTargetId: 'fsmt-2', FileSystemId: FS, SubnetId: 'b', LifeCycleState: 'creating' },
      ],
    });
    await expect(deleteHomeFileSystem(clients.efs, DOMAIN, FS, noSleep)).resolves.toEqual({
      done: false, stuck: true, waitingFor: `mount target(s) fsmt-1 of file system ${FS} in the error state`,
    });
    expect(efs.commandCalls(DeleteMountTargetCommand)).toHaveLength(0);
  });

  test('a file system in the error state is stuck', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: FS, LifeCycleState: 'error' } as any] });
    await expect(deleteHomeFileSystem(clients.efs, DOMAIN, FS, noSleep)).resolves.toEqual({ done: false, stuck: true, waitingFor: `file system ${FS} is in the error state` });
  });

  test('once the pass has used its time, a step lists but deletes nothing more', async () => {
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'a', Status: 'InService' }, { DomainId: DOMAIN, SpaceName: 'b', Status: 'InService' }] });
    sagemaker.on(DeleteSpaceCommand).resolves({});
    let now = 0;
    sagemaker.on(DeleteSpaceCommand).callsFake(() => { now = 200_000; return {}; });
    await expect(deleteSpaces(clients.sagemaker, DOMAIN, { ...noSleep, now: () => now, passEndsAt: 120_000 })).resolves.toEqual({
      done: false, waitingFor: '2 space(s): space \'a\': deletion requested; space \'b\' is InService',
    });
    expect(sagemaker.commandCalls(DeleteSpaceCommand)).toHaveLength(1);
  });
});

describe('retry on throttling', () => {
  test('retries a throttled call with growing delays, then succeeds', async () => {
    sagemaker.on(ListAppsCommand).rejectsOnce(error('ThrottlingException')).rejectsOnce(error('ThrottlingException')).resolves({ Apps: [] });
    const delays: number[] = [];
    const sleep = async (ms: number) => { delays.push(ms); };
    await expect(deleteApps(clients.sagemaker, DOMAIN, { baseDelayMs: 100, sleep })).resolves.toEqual({ done: true });
    expect(sagemaker.commandCalls(ListAppsCommand)).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  test('EC2\'s RequestLimitExceeded is throttling too', async () => {
    let calls = 0;
    await expect(withRetry(async () => { if (calls++ === 0) throw error('RequestLimitExceeded'); return 'ok'; }, noSleep)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  test('gives up after the last attempt', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw error('ThrottlingException'); }, { attempts: 3, ...noSleep })).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(3);
  });

  test('does not retry other errors', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw error('ValidationException'); }, noSleep)).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });
});

describe('on-event: only a stack deletion tears the domain down', () => {
  const properties = { DomainId: DOMAIN, VpcId: VPC, HomeEfsFileSystemId: FS };

  test('Create and Update answer the physical id and touch nothing', async () => {
    for (const RequestType of ['Create', 'Update'] as const) {
      expect(await onEvent({ RequestType, StackId: STACK, ResourceProperties: properties }, clients, noSleep)).toEqual({ PhysicalResourceId: `teardown-${DOMAIN}` });
    }
    expect(callLog()).toEqual([]);
  });

  test.each(['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'])('Delete while the stack is in %s tears down', async (StackStatus) => {
    cloudformation.on(DescribeStacksCommand, { StackName: STACK }).resolves({ Stacks: [{ StackName: 'Test', StackStatus: StackStatus as any, CreationTime: new Date() }] });
    expect(await onEvent({ RequestType: 'Delete', StackId: STACK, PhysicalResourceId: 'p', ResourceProperties: properties }, clients, noSleep))
      .toEqual({ PhysicalResourceId: 'p', Data: { TearDown: 'true' } });
  });

  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE', 'CREATE_IN_PROGRESS'])('Delete while the stack is in %s keeps the domain, without reading the template', async (StackStatus) => {
    cloudformation.on(DescribeStacksCommand, { StackName: STACK }).resolves({ Stacks: [{ StackName: 'Test', StackStatus: StackStatus as any, CreationTime: new Date() }] });
    expect(await onEvent({ RequestType: 'Delete', StackId: STACK, PhysicalResourceId: 'p', ResourceProperties: properties }, clients, noSleep))
      .toEqual({ PhysicalResourceId: 'p', Data: { TearDown: 'false' } });
    expect(cloudformation.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  test.each([
    ['this domain\'s ARN', `arn:aws:sagemaker:eu-west-1:111111111111:domain/${DOMAIN}`, 'false'],
    ['this domain\'s id', DOMAIN, 'false'],
    ['another domain\'s ARN (this one was replaced)', `arn:aws:sagemaker:eu-west-1:111111111111:domain/${OTHER}`, 'true'],
  ])('in a cleanup phase, a domain of the current template whose physical id is %s: TearDown %s', async (_, physicalId, tearDown) => {
    cloudformation.on(DescribeStacksCommand, { StackName: STACK })
      .resolves({ Stacks: [{ StackName: 'Test', StackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', CreationTime: new Date() }] });
    cloudformation.on(GetTemplateCommand, { StackName: STACK, TemplateStage: 'Processed' }).resolves({
      TemplateBody: JSON.stringify({ Resources: { Unused: { Type: 'AWS::SageMaker::Domain' }, Domain66AC69E0: { Type: 'AWS::SageMaker::Domain' }, Vpc: { Type: 'AWS::EC2::VPC' } } }),
    });
    // A domain under a condition that is false has no resource: CloudFormation answers ValidationError.
    cloudformation.on(DescribeStackResourceCommand, { StackName: STACK, LogicalResourceId: 'Unused' })
      .rejects(error('ValidationError'));
    cloudformation.on(DescribeStackResourceCommand, { StackName: STACK, LogicalResourceId: 'Domain66AC69E0' })
      .resolves({ StackResourceDetail: { LogicalResourceId: 'Domain66AC69E0', PhysicalResourceId: physicalId, ResourceType: 'AWS::SageMaker::Domain', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() } });
    expect(await onEvent({ RequestType: 'Delete', StackId: STACK, PhysicalResourceId: 'p', ResourceProperties: properties }, clients, noSleep))
      .toEqual({ PhysicalResourceId: 'p', Data: { TearDown: tearDown } });
    expect(cloudformation.commandCalls(DescribeStackResourceCommand, { LogicalResourceId: 'Vpc' })).toHaveLength(0);
  });

  test('a template that is not JSON: the Delete fails rather than guess', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: STACK })
      .resolves({ Stacks: [{ StackName: 'Test', StackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', CreationTime: new Date() }] });
    cloudformation.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources:\n  Domain:\n    Type: AWS::SageMaker::Domain\n' });
    await expect(onEvent({ RequestType: 'Delete', StackId: STACK, PhysicalResourceId: 'p', ResourceProperties: properties }, clients, noSleep))
      .rejects.toThrow(`The template of stack ${STACK} is not JSON, so the teardown cannot tell whether domain ${DOMAIN} stays in the stack; nothing was deleted`);
  });

  test('is-complete answers complete at once, without a call, when not tearing down or not deleting', async () => {
    expect(await isComplete(deleteEvent(false), clients, noSleep)).toEqual({ IsComplete: true });
    expect(await isComplete({ ...deleteEvent(true), RequestType: 'Update' }, clients, noSleep)).toEqual({ IsComplete: true });
    expect(callLog()).toEqual([]);
  });
});
