/**
 * The teardown handlers as they behave in AWS (issue 20, items 3 and 4, and the pagination
 * and tag hardening): CloudFormation custom-resource requests as the Provider framework passes
 * them, SDK errors built from the installed SDK's exception classes (their `name` is what the
 * handler reads), and state enums from the SDK models. Only the two handler entry points are
 * called, as the Lambda runtime calls them.
 */
import {
  CloudFormationClient, CloudFormationServiceException, DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStacksCommand,
  GetTemplateCommand, StackEvent, StackStatus,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client, EC2ServiceException,
  RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand, SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DeleteFileSystemCommand, DeleteMountTargetCommand, DependencyTimeout, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient,
  FileSystemInUse, FileSystemNotFound, IncorrectMountTargetState, LifeCycleState, TooManyRequests,
} from '@aws-sdk/client-efs';
import {
  AppStatus, ConflictException, DeleteAppCommand, DeleteDomainCommand, DeleteSpaceCommand, DeleteUserProfileCommand, DescribeDomainCommand,
  DomainStatus, ListAppsCommand, ListSpacesCommand, ListUserProfilesCommand, ResourceInUse, ResourceNotFound, SageMakerClient,
  SageMakerServiceException, SpaceStatus, UserProfileStatus,
} from '@aws-sdk/client-sagemaker';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { isComplete, nfsSecurityGroupNames, onEvent } from '../../src/studio/teardown/handler';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const STACK_NAME = 'SecureStudioIsolated';
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/5b918d10-cd98-11ea-90d5-0a9cd3354c10`;
const LOGICAL_ID = 'StudioDomainTeardown4F3E1C52';
const TYPE = 'Custom::StudioDomainTeardown';
const SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK_NAME}-StudioDomainTeardownProviderfram-Vq0dyHKfI2Yk`;
const DOMAIN = 'd-mine0000000a';
const NEW_DOMAIN = 'd-new00000000c';
const OTHER = 'd-other000000b';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const FS = 'fs-0123456789abcdef0';
const domainArn = (id: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/${id}`;

const STARTED = Date.parse('2025-06-02T09:00:00Z');
const minutes = (n: number) => STARTED + n * 60_000;

type Event = Parameters<typeof isComplete>[0];

/** A CloudFormation Delete request for the teardown of `domainId`, as the Provider framework passes it on. */
function deleteRequest(domainId = DOMAIN, vpcId = VPC, fileSystemId = FS): Event {
  return {
    RequestType: 'Delete',
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: `https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/${encodeURIComponent(STACK)}%7C${LOGICAL_ID}`
      + '%7Cef70561d-d4ba-42a4-801b-33ad88dafc37?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250602T090000Z&X-Amz-Expires=7200',
    StackId: STACK,
    RequestId: 'ef70561d-d4ba-42a4-801b-33ad88dafc37',
    LogicalResourceId: LOGICAL_ID,
    PhysicalResourceId: `teardown-${domainId}`,
    ResourceType: TYPE,
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ServiceTimeout: '3600', DomainId: domainId, VpcId: vpcId, HomeEfsFileSystemId: fileSystemId },
  } as Event;
}

/** The is-complete request: the Delete request plus what the on-event handler answered. */
function isCompleteRequest(domainId = DOMAIN, vpcId = VPC, fileSystemId = FS): Event {
  return { ...deleteRequest(domainId, vpcId, fileSystemId), Data: { TearDown: 'true' } } as Event;
}

const sageMakerError = (Type: typeof ResourceInUse | typeof ConflictException | typeof ResourceNotFound, message: string) =>
  new Type({ $metadata: { httpStatusCode: 400 }, message });
const ec2Error = (name: string, message: string) => new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

let sagemaker: AwsClientStub<SageMakerClient>;
let ec2: AwsClientStub<EC2Client>;
let efs: AwsClientStub<EFSClient>;
let cloudformation: AwsClientStub<CloudFormationClient>;
let clients: { sagemaker: SageMakerClient; ec2: EC2Client; efs: EFSClient; cloudformation: CloudFormationClient };
let now: number;
/** No sleeping between throttled attempts, and a clock the tests move. */
let options: { sleep: () => Promise<void>; now: () => number; attempts: number };

/** The stack's events, newest first: CloudFormation began deleting the custom resource at STARTED. */
function deletionEvents(physicalId = `teardown-${DOMAIN}`, operation = 'DELETE_IN_PROGRESS'): StackEvent[] {
  const event = (fields: Partial<StackEvent>): StackEvent => ({
    StackId: STACK, StackName: STACK_NAME, EventId: `${fields.LogicalResourceId}-${fields.ResourceStatus}`, Timestamp: new Date(STARTED), ...fields,
  });
  return [
    event({
      LogicalResourceId: 'StudioDomainProfilealice8D5C2A10',
      PhysicalResourceId: domainArn(DOMAIN).replace('domain', 'user-profile') + '/alice',
      ResourceType: 'AWS::SageMaker::UserProfile',
      ResourceStatus: 'DELETE_IN_PROGRESS',
      Timestamp: new Date(STARTED + 1000),
    }),
    event({ LogicalResourceId: LOGICAL_ID, PhysicalResourceId: physicalId, ResourceType: TYPE, ResourceStatus: 'DELETE_IN_PROGRESS' }),
    event({
      LogicalResourceId: 'StudioBucketPolicyA1B2C3D4',
      PhysicalResourceId: 'studio-bucket',
      ResourceType: 'AWS::S3::BucketPolicy',
      ResourceStatus: 'DELETE_COMPLETE',
      Timestamp: new Date(STARTED - 5000),
    }),
    event({
      LogicalResourceId: STACK_NAME,
      PhysicalResourceId: STACK,
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: operation as StackEvent['ResourceStatus'],
      Timestamp: new Date(STARTED - 10_000),
    }),
  ];
}

function stackStatus(status: StackStatus): void {
  cloudformation.on(DescribeStacksCommand, { StackName: STACK })
    .resolves({ Stacks: [{ StackName: STACK_NAME, StackId: STACK, StackStatus: status, CreationTime: new Date('2025-01-01T00:00:00Z') }] });
}

/** The stack's current template, with the given domain logical ids and the teardown. */
function currentTemplate(domains: Record<string, string>): void {
  const resources: Record<string, unknown> = { [LOGICAL_ID]: { Type: TYPE, Properties: {} } };
  for (const logicalId of Object.keys(domains)) resources[logicalId] = { Type: 'AWS::SageMaker::Domain', Properties: {} };
  cloudformation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: resources }) });
  for (const [logicalId, physicalId] of Object.entries(domains)) {
    cloudformation.on(DescribeStackResourceCommand, { StackName: STACK, LogicalResourceId: logicalId }).resolves({
      StackResourceDetail: {
        StackName: STACK_NAME,
        StackId: STACK,
        LogicalResourceId: logicalId,
        PhysicalResourceId: physicalId,
        ResourceType: 'AWS::SageMaker::Domain',
        LastUpdatedTimestamp: new Date(STARTED - 60_000),
        ResourceStatus: 'UPDATE_COMPLETE',
      },
    });
  }
}

/** An account where nothing is left of the domain: every step finds nothing. */
function emptyAccount(): void {
  sagemaker.on(ListAppsCommand).resolves({ Apps: [] });
  sagemaker.on(ListSpacesCommand).resolves({ Spaces: [] });
  sagemaker.on(ListUserProfilesCommand).resolves({ UserProfiles: [] });
  sagemaker.on(DescribeDomainCommand).rejects(sageMakerError(ResourceNotFound, `Cannot find Domain with id ${DOMAIN}`));
  efs.on(DescribeFileSystemsCommand).rejects(new FileSystemNotFound({ $metadata: {}, message: `File system '${FS}' does not exist.`, ErrorCode: 'FileSystemNotFound' }));
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
}

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  sagemaker = mockClient(SageMakerClient);
  ec2 = mockClient(EC2Client);
  efs = mockClient(EFSClient);
  cloudformation = mockClient(CloudFormationClient);
  clients = {
    sagemaker: new SageMakerClient({ region: REGION }),
    ec2: new EC2Client({ region: REGION }),
    efs: new EFSClient({ region: REGION }),
    cloudformation: new CloudFormationClient({ region: REGION }),
  };
  now = minutes(1);
  options = { sleep: async () => undefined, now: () => now, attempts: 3 };
  stackStatus('DELETE_IN_PROGRESS');
  cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolves({ StackEvents: deletionEvents() });
  emptyAccount();
});

afterEach(() => {
  for (const mock of [sagemaker, ec2, efs, cloudformation]) mock.restore();
  jest.restoreAllMocks();
});

describe('item 3: busy resources and lagging lists mean "not complete yet", not FAILED', () => {
  const inUse = sageMakerError(ResourceInUse, 'The resource is in use and cannot be deleted at this time');

  test('DeleteApp answers ResourceInUse (the app is still stopping)', async () => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [{ DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'default', Status: AppStatus.InService }] });
    sagemaker.on(DeleteAppCommand).rejects(inUse);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('DeleteSpace answers ResourceInUse (its app is still being deleted)', async () => {
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'shared', Status: SpaceStatus.InService }] });
    sagemaker.on(DeleteSpaceCommand).rejects(inUse);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('DeleteUserProfile answers ResourceInUse (its private space is still being deleted)', async () => {
    sagemaker.on(ListUserProfilesCommand).resolves({ UserProfiles: [{ DomainId: DOMAIN, UserProfileName: 'alice', Status: UserProfileStatus.InService }] });
    sagemaker.on(DeleteUserProfileCommand).rejects(inUse);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('DeleteDomain answers ResourceInUse (a profile is still being deleted)', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.InService });
    sagemaker.on(DeleteDomainCommand).rejects(inUse);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('a SageMaker delete answers ConflictException', async () => {
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'shared', Status: SpaceStatus.Updating }] });
    sagemaker.on(DeleteSpaceCommand).rejects(sageMakerError(ConflictException, 'Space shared is being updated'));
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('a list lags behind a delete: the deleted app is listed InService again and DeleteApp answers ResourceInUse', async () => {
    const app = { DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab' as const, AppName: 'default', Status: AppStatus.InService };
    sagemaker.on(ListAppsCommand).resolves({ Apps: [app] });
    sagemaker.on(DeleteAppCommand).resolvesOnce({}).rejects(inUse);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteAppCommand)).toHaveLength(2);
  });

  test('a list lags the other way: no profile listed yet, DeleteDomain answers ResourceInUse, the next pass finds the profile', async () => {
    sagemaker.on(ListUserProfilesCommand).resolvesOnce({ UserProfiles: [] })
      .resolves({ UserProfiles: [{ DomainId: DOMAIN, UserProfileName: 'bob', Status: UserProfileStatus.InService }] });
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.InService });
    sagemaker.on(DeleteDomainCommand).rejects(inUse);
    sagemaker.on(DeleteUserProfileCommand).resolves({});
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteUserProfileCommand).map((c) => c.args[0].input)).toEqual([{ DomainId: DOMAIN, UserProfileName: 'bob' }]);
  });

  test('SageMaker keeps throttling beyond the retries', async () => {
    // Not modeled by SageMaker: the SDK builds the service's base exception with the error code as its name.
    sagemaker.on(ListAppsCommand).rejects(new SageMakerServiceException({
      name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded',
    }));
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  describe('EFS', () => {
    const available = {
      FileSystems: [{
        FileSystemId: FS,
        LifeCycleState: LifeCycleState.AVAILABLE,
        Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: domainArn(DOMAIN) }],
        CreationToken: 't',
        CreationTime: new Date(),
        NumberOfMountTargets: 1,
        OwnerId: ACCOUNT,
        SizeInBytes: { Value: 0 },
        PerformanceMode: 'generalPurpose',
      }],
    } as never;
    const mountTarget = (state: LifeCycleState) => ({ MountTargets: [{ MountTargetId: 'fsmt-0a1', FileSystemId: FS, SubnetId: 'subnet-1', LifeCycleState: state }] });

    beforeEach(() => {
      efs.on(DescribeFileSystemsCommand).resolves(available);
    });

    test('DeleteFileSystem answers FileSystemInUse (the last mount target is still going)', async () => {
      efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [] });
      efs.on(DeleteFileSystemCommand).rejects(new FileSystemInUse({ $metadata: {}, message: 'File system is in use', ErrorCode: 'FileSystemInUse' }));
      await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    });

    test('DeleteMountTarget answers IncorrectMountTargetState', async () => {
      efs.on(DescribeMountTargetsCommand).resolves(mountTarget(LifeCycleState.AVAILABLE));
      efs.on(DeleteMountTargetCommand).rejects(new IncorrectMountTargetState({ $metadata: {}, message: 'Mount target is updating', ErrorCode: 'IncorrectMountTargetState' }));
      await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    });

    test('DeleteMountTarget answers DependencyTimeout', async () => {
      efs.on(DescribeMountTargetsCommand).resolves(mountTarget(LifeCycleState.AVAILABLE));
      efs.on(DeleteMountTargetCommand).rejects(new DependencyTimeout({ $metadata: {}, message: 'The service timed out', ErrorCode: 'DependencyTimeout' }));
      await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    });

    test('EFS answers TooManyRequests', async () => {
      efs.on(DescribeMountTargetsCommand).rejects(new TooManyRequests({ $metadata: {}, message: 'Too many requests', ErrorCode: 'TooManyRequests' }));
      await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    });
  });
});

describe('item 3: a condition that never clears fails after a bounded number of passes, with its reason', () => {
  test('a domain in Delete_Failed since this teardown began: waits through the grace, then fails with SageMaker\'s FailureReason', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({
      DomainId: DOMAIN,
      Status: DomainStatus.Delete_Failed,
      LastModifiedTime: new Date(minutes(2)),
      FailureReason: 'Unable to delete EFS file system: mount targets in use',
    });
    sagemaker.on(DeleteDomainCommand).resolves({});
    now = minutes(3);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    now = minutes(5);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(
      `Teardown of Studio domain ${DOMAIN} cannot finish: domain: domain ${DOMAIN} is Delete_Failed: Unable to delete EFS file system: mount targets in use.`);
    expect(sagemaker.commandCalls(DeleteDomainCommand)).toHaveLength(0);
  });

  test('a domain left in Delete_Failed by an earlier attempt is deleted again', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.Delete_Failed, LastModifiedTime: new Date(minutes(-90)), FailureReason: 'x' });
    sagemaker.on(DeleteDomainCommand).resolves({});
    now = minutes(10);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteDomainCommand)).toHaveLength(1);
  });

  test('an NFS security group referenced by a group outside the domain: fails naming that group', async () => {
    const [inbound] = nfsSecurityGroupNames(DOMAIN);
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'vpc-id', Values: [VPC] }, { Name: 'group-name', Values: nfsSecurityGroupNames(DOMAIN) }] })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0in', GroupName: inbound, VpcId: VPC, Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: domainArn(DOMAIN) }] }] });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'ip-permission.group-id', Values: ['sg-0in'] }] }).resolves({ SecurityGroups: [] });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'egress.ip-permission.group-id', Values: ['sg-0in'] }] })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0backup', GroupName: 'backup-agents', VpcId: VPC }] });
    ec2.on(DeleteSecurityGroupCommand).rejects(ec2Error('DependencyViolation', 'resource sg-0in has a dependent object'));
    now = minutes(2);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    now = minutes(6);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(
      /NFS security groups: security group\(s\) sg-0in referenced by rules of sg-0backup \(backup-agents, vpc-0a1b2c3d4e5f60718\), which are not the domain's/);
  });

  test('an app stuck in Pending: fails naming the app', async () => {
    sagemaker.on(ListAppsCommand).resolves({
      Apps: [{ DomainId: DOMAIN, SpaceName: 'shared', AppType: 'CodeEditor', AppName: 'default', Status: AppStatus.Pending, CreationTime: new Date(minutes(-40)) }],
    });
    now = minutes(6);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(
      `cannot finish: apps: CodeEditor app 'default' of space 'shared' has been Pending since ${new Date(minutes(-40)).toISOString()}`);
  });

  test('a space in Delete_Failed since this teardown began: fails naming it', async () => {
    sagemaker.on(ListSpacesCommand).resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'shared', Status: SpaceStatus.Delete_Failed, LastModifiedTime: new Date(minutes(1)) }] });
    now = minutes(7);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(`cannot finish: spaces: space 'shared' is Delete_Failed since ${new Date(minutes(1)).toISOString()}`);
  });

  test('an app stuck in Pending only a few minutes is waited for', async () => {
    sagemaker.on(ListAppsCommand).resolves({
      Apps: [{ DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'default', Status: AppStatus.Pending, CreationTime: new Date(minutes(-3)) }],
    });
    now = minutes(6);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
  });

  test('anything still pending after 45 minutes fails with what it waits for, before the framework\'s timeout', async () => {
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.Deleting });
    now = minutes(44);
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    now = minutes(45);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(
      `Teardown of Studio domain ${DOMAIN} did not finish within 45 minutes; still waiting for domain: domain ${DOMAIN} is Deleting.`);
  });
});

describe('item 4: a domain whose Delete arrives when it is no longer the stack\'s domain is torn down', () => {
  /** The on-event handler's answer, then the is-complete request the framework builds from it. */
  async function afterOnEvent(request: Event): Promise<Event> {
    const answer = await onEvent(request, clients, options);
    return { ...request, ...answer } as Event;
  }

  test('an update replaced the domain: in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS the old domain is torn down', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    currentTemplate({ StudioDomain66AC69E0: domainArn(NEW_DOMAIN) });
    cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolves({ StackEvents: deletionEvents(`teardown-${DOMAIN}`, 'UPDATE_IN_PROGRESS') });
    sagemaker.on(DescribeDomainCommand, { DomainId: DOMAIN }).resolves({ DomainId: DOMAIN, Status: DomainStatus.InService });
    sagemaker.on(DeleteDomainCommand).resolves({});
    const request = await afterOnEvent(deleteRequest(DOMAIN, 'vpc-0old'));
    expect(request.Data).toEqual({ TearDown: 'true' });
    await expect(isComplete(request, clients, options)).resolves.toEqual({ IsComplete: false });
    expect(sagemaker.commandCalls(DeleteDomainCommand).map((c) => c.args[0].input)).toEqual([{ DomainId: DOMAIN, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } }]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0);
  });

  test('the old domain\'s NFS groups are looked up in the old VPC, from the old properties', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    currentTemplate({ StudioDomain66AC69E0: domainArn(NEW_DOMAIN) });
    cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolves({ StackEvents: deletionEvents(`teardown-${DOMAIN}`, 'UPDATE_IN_PROGRESS') });
    const request = await afterOnEvent(deleteRequest(DOMAIN, 'vpc-0old'));
    await expect(isComplete(request, clients, options)).resolves.toEqual({ IsComplete: true });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-0old'] }, { Name: 'group-name', Values: nfsSecurityGroupNames(DOMAIN) },
    ]);
  });

  test('an update that added the domain rolled back: in UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS the new domain is torn down', async () => {
    stackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    currentTemplate({});
    const request = await afterOnEvent(deleteRequest(DOMAIN));
    expect(request.Data).toEqual({ TearDown: 'true' });
  });

  test('the teardown was removed (removal policy no longer DESTROY) while the domain stays: the domain is kept', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    currentTemplate({ StudioDomain66AC69E0: domainArn(DOMAIN) });
    const request = await afterOnEvent(deleteRequest(DOMAIN));
    expect(request.Data).toEqual({ TearDown: 'false' });
    await expect(isComplete(request, clients, options)).resolves.toEqual({ IsComplete: true });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a request naming a domain whose teardown CloudFormation is not deleting tears nothing down', async () => {
    sagemaker.on(ListAppsCommand).resolves({ Apps: [{ DomainId: OTHER, UserProfileName: 'carol', AppType: 'JupyterLab', AppName: 'default', Status: AppStatus.InService }] });
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: OTHER, Status: DomainStatus.InService });
    await expect(isComplete(isCompleteRequest(OTHER), clients, options)).rejects.toThrow(
      `CloudFormation is not deleting ${TYPE} ${LOGICAL_ID} (teardown-${OTHER}) in the current operation of stack ${STACK}; nothing was deleted`);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('the DELETE_IN_PROGRESS event readable only on a second read: the teardown goes on', async () => {
    cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolvesOnce({ StackEvents: deletionEvents().slice(3) })
      .resolves({ StackEvents: deletionEvents() });
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: true });
  });

  test('CloudFormation throttles beyond the retries: not complete yet, and nothing deleted', async () => {
    cloudformation.on(DescribeStackEventsCommand).rejects(new CloudFormationServiceException({
      name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded',
    }));
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.InService });
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: false });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('an is-complete request while the stack is not being deleted or cleaned up tears nothing down', async () => {
    stackStatus('UPDATE_COMPLETE');
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.InService });
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: true });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('hardening: every list call follows its pages', () => {
  test('ListApps', async () => {
    sagemaker.on(ListAppsCommand, { DomainIdEquals: DOMAIN, MaxResults: 100 }).resolves({ Apps: [], NextToken: 'p2' });
    sagemaker.on(ListAppsCommand, { DomainIdEquals: DOMAIN, MaxResults: 100, NextToken: 'p2' })
      .resolves({ Apps: [{ DomainId: DOMAIN, UserProfileName: 'alice', AppType: 'JupyterLab', AppName: 'second-page', Status: AppStatus.InService }] });
    sagemaker.on(DeleteAppCommand).resolves({});
    await isComplete(isCompleteRequest(), clients, options);
    expect(sagemaker.commandCalls(DeleteAppCommand).map((c) => c.args[0].input.AppName)).toEqual(['second-page']);
  });

  test('ListSpaces', async () => {
    sagemaker.on(ListSpacesCommand, { DomainIdEquals: DOMAIN, MaxResults: 100 }).resolves({ Spaces: [], NextToken: 'p2' });
    sagemaker.on(ListSpacesCommand, { DomainIdEquals: DOMAIN, MaxResults: 100, NextToken: 'p2' })
      .resolves({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'second-page', Status: SpaceStatus.InService }] });
    sagemaker.on(DeleteSpaceCommand).resolves({});
    await isComplete(isCompleteRequest(), clients, options);
    expect(sagemaker.commandCalls(DeleteSpaceCommand).map((c) => c.args[0].input.SpaceName)).toEqual(['second-page']);
  });

  test('ListUserProfiles', async () => {
    sagemaker.on(ListUserProfilesCommand, { DomainIdEquals: DOMAIN, MaxResults: 100 }).resolves({ UserProfiles: [], NextToken: 'p2' });
    sagemaker.on(ListUserProfilesCommand, { DomainIdEquals: DOMAIN, MaxResults: 100, NextToken: 'p2' })
      .resolves({ UserProfiles: [{ DomainId: DOMAIN, UserProfileName: 'second-page', Status: UserProfileStatus.InService }] });
    sagemaker.on(DeleteUserProfileCommand).resolves({});
    await isComplete(isCompleteRequest(), clients, options);
    expect(sagemaker.commandCalls(DeleteUserProfileCommand).map((c) => c.args[0].input.UserProfileName)).toEqual(['second-page']);
  });

  test('DescribeMountTargets (Marker / NextMarker)', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: FS, LifeCycleState: LifeCycleState.AVAILABLE } as never] });
    efs.on(DescribeMountTargetsCommand, { FileSystemId: FS }).resolves({ MountTargets: [], NextMarker: 'm2' });
    efs.on(DescribeMountTargetsCommand, { FileSystemId: FS, Marker: 'm2' })
      .resolves({ MountTargets: [{ MountTargetId: 'fsmt-second-page', FileSystemId: FS, SubnetId: 'subnet-2', LifeCycleState: LifeCycleState.AVAILABLE }] });
    efs.on(DeleteMountTargetCommand).resolves({});
    efs.on(DeleteFileSystemCommand).resolves({});
    await isComplete(isCompleteRequest(), clients, options);
    expect(efs.commandCalls(DeleteMountTargetCommand).map((c) => c.args[0].input)).toEqual([{ MountTargetId: 'fsmt-second-page' }]);
    expect(efs.commandCalls(DeleteFileSystemCommand)).toHaveLength(0);
  });

  test('DescribeSecurityGroups (the NFS groups)', async () => {
    const [inbound, outbound] = nfsSecurityGroupNames(DOMAIN);
    const filters = [{ Name: 'vpc-id', Values: [VPC] }, { Name: 'group-name', Values: [inbound, outbound] }];
    ec2.on(DescribeSecurityGroupsCommand, { Filters: filters }).resolves({ SecurityGroups: [{ GroupId: 'sg-0in', GroupName: inbound, VpcId: VPC }], NextToken: 't2' });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: filters, NextToken: 't2' }).resolves({ SecurityGroups: [{ GroupId: 'sg-0out', GroupName: outbound, VpcId: VPC }] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: true });
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((c) => c.args[0].input.GroupId)).toEqual(['sg-0in', 'sg-0out']);
  });

  test('DescribeSecurityGroups (the groups that reference an NFS group)', async () => {
    const [inbound] = nfsSecurityGroupNames(DOMAIN);
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'vpc-id', Values: [VPC] }, { Name: 'group-name', Values: nfsSecurityGroupNames(DOMAIN) }] })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0in', GroupName: inbound, VpcId: VPC }] });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'ip-permission.group-id', Values: ['sg-0in'] }] }).resolves({ SecurityGroups: [], NextToken: 't2' });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'ip-permission.group-id', Values: ['sg-0in'] }], NextToken: 't2' })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0second-page', GroupName: 'monitoring', VpcId: VPC }] });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'egress.ip-permission.group-id', Values: ['sg-0in'] }] }).resolves({ SecurityGroups: [] });
    ec2.on(DeleteSecurityGroupCommand).rejects(ec2Error('DependencyViolation', 'resource sg-0in has a dependent object'));
    now = minutes(6);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(/referenced by rules of sg-0second-page/);
  });

  test('DescribeStackEvents: the custom resource\'s DELETE_IN_PROGRESS on a later page', async () => {
    const [own, ...older] = deletionEvents().slice(1);
    const newer = Array.from({ length: 100 }, (_, i) => ({
      StackId: STACK,
      StackName: STACK_NAME,
      EventId: `e${i}`,
      LogicalResourceId: `Bucket${i}`,
      PhysicalResourceId: `bucket-${i}`,
      ResourceType: 'AWS::S3::Bucket',
      ResourceStatus: 'DELETE_COMPLETE' as const,
      Timestamp: new Date(minutes(1)),
    }));
    cloudformation.on(DescribeStackEventsCommand, { StackName: STACK }).resolves({ StackEvents: newer, NextToken: 'e2' });
    cloudformation.on(DescribeStackEventsCommand, { StackName: STACK, NextToken: 'e2' }).resolves({ StackEvents: [own, ...older] });
    sagemaker.on(DescribeDomainCommand).resolves({ DomainId: DOMAIN, Status: DomainStatus.Deleting });
    now = minutes(45);
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow('did not finish within 45 minutes');
  });
});

describe('hardening: the NFS groups are matched by SageMaker\'s tag as well as name and VPC', () => {
  const [inbound, outbound] = nfsSecurityGroupNames(DOMAIN);
  const group = (GroupId: string, GroupName: string, owner?: string): SecurityGroup => ({
    GroupId,
    GroupName,
    VpcId: VPC,
    IpPermissions: [],
    IpPermissionsEgress: [],
    ...owner ? { Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: owner }] } : {},
  });

  test('groups tagged with this domain\'s ARN, or not tagged, are deleted', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-0in', inbound, domainArn(DOMAIN)), group('sg-0out', outbound)] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    await expect(isComplete(isCompleteRequest(), clients, options)).resolves.toEqual({ IsComplete: true });
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((c) => c.args[0].input.GroupId)).toEqual(['sg-0in', 'sg-0out']);
  });

  test('a group with the name and VPC but another domain\'s tag is refused, and nothing is revoked or deleted', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ ...group('sg-0in', inbound, domainArn(OTHER)), IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049 }] }],
    });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({});
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    await expect(isComplete(isCompleteRequest(), clients, options)).rejects.toThrow(
      `Security group sg-0in (${inbound}) is tagged ManagedByAmazonSageMakerResource=${domainArn(OTHER)}, not domain ${DOMAIN}; not deleted`);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0);
  });
});

test('a CloudFormation error other than "no such resource" while reading the template fails the Delete', async () => {
  stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  cloudformation.on(GetTemplateCommand).rejects(new CloudFormationServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform: cloudformation:GetTemplate',
  }));
  await expect(onEvent(deleteRequest(), clients, options)).rejects.toThrow('cloudformation:GetTemplate');
});
