/**
 * The teardown's is-complete handler with real SDK v3 clients over a fake HTTP transport: the
 * services' error and list responses, in each service's own protocol (CloudFormation awsQuery,
 * EC2 query, EFS REST-JSON, SageMaker JSON 1.1), go through the SDK's own deserializers, so the
 * error names and dates the handler reads are the ones it will see in AWS.
 */
import { Readable } from 'stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isComplete, nfsSecurityGroupNames } from '../../src/studio/teardown/handler';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Studio/5b918d10-cd98-11ea-90d5-0a9cd3354c10`;
const LOGICAL_ID = 'StudioDomainTeardown4F3E1C52';
const TYPE = 'Custom::StudioDomainTeardown';
const DOMAIN = 'd-mine0000000a';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const FS = 'fs-0123456789abcdef0';
const STARTED = Date.parse('2025-06-02T09:00:00Z');

interface Call { readonly service: string; readonly operation: string; readonly body: string }
interface Reply { readonly status?: number; readonly headers?: Record<string, string>; readonly body: string }
type Route = (call: Call) => Reply | undefined;

const calls: Call[] = [];

/** A transport that answers each request from the routes, in the service's own wire format. */
function transport(service: string, routes: Route[]) {
  return {
    handle: async (request: { headers: Record<string, string>; body?: unknown; method: string; path: string }) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const operation = request.headers['x-amz-target']?.split('.')[1]
        ?? new URLSearchParams(body).get('Action')
        ?? `${request.method} ${request.path}`;
      const call = { service, operation, body };
      calls.push(call);
      const reply = routes.map((route) => route(call)).find((r) => r !== undefined);
      if (!reply) throw new Error(`no fake reply for ${service} ${operation} ${body}`);
      return {
        response: {
          statusCode: reply.status ?? 200,
          reason: undefined,
          headers: { 'x-amzn-requestid': 'req-1', ...reply.headers },
          body: Readable.from([Buffer.from(reply.body)]),
        },
      };
    },
  };
}

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
const xml = (body: string): Reply => ({ headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>${body}` });
const json11 = (body: unknown, status = 200): Reply => ({ status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });

/** CloudFormation: the stack is being deleted; its newest events show the teardown's DELETE_IN_PROGRESS. */
const cloudformationRoutes: Route[] = [
  (c) => c.operation === 'DescribeStacks' ? xml(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>
    <Stacks><member><StackName>Studio</StackName><StackId>${STACK}</StackId><StackStatus>DELETE_IN_PROGRESS</StackStatus>
    <CreationTime>2025-01-01T00:00:00.000Z</CreationTime></member></Stacks></DescribeStacksResult>
    <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`) : undefined,
  (c) => c.operation === 'DescribeStackEvents' ? xml(`<DescribeStackEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStackEventsResult>
    <StackEvents>
      <member><StackId>${STACK}</StackId><EventId>${LOGICAL_ID}-DELETE_IN_PROGRESS-2025-06-02T09:00:00.000Z</EventId><StackName>Studio</StackName>
        <LogicalResourceId>${LOGICAL_ID}</LogicalResourceId><PhysicalResourceId>teardown-${DOMAIN}</PhysicalResourceId><ResourceType>${TYPE}</ResourceType>
        <Timestamp>2025-06-02T09:00:00.000Z</Timestamp><ResourceStatus>DELETE_IN_PROGRESS</ResourceStatus></member>
      <member><StackId>${STACK}</StackId><EventId>e0</EventId><StackName>Studio</StackName><LogicalResourceId>Studio</LogicalResourceId>
        <PhysicalResourceId>${STACK}</PhysicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType>
        <Timestamp>2025-06-02T08:59:50.000Z</Timestamp><ResourceStatus>DELETE_IN_PROGRESS</ResourceStatus><ResourceStatusReason>User Initiated</ResourceStatusReason></member>
    </StackEvents></DescribeStackEventsResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></DescribeStackEventsResponse>`) : undefined,
];

const emptySageMaker: Route[] = [
  (c) => c.operation === 'ListApps' ? json11({ Apps: [] }) : undefined,
  (c) => c.operation === 'ListSpaces' ? json11({ Spaces: [] }) : undefined,
  (c) => c.operation === 'ListUserProfiles' ? json11({ UserProfiles: [] }) : undefined,
  (c) => c.operation === 'DescribeDomain' ? json11({ __type: 'ResourceNotFound', Message: `Cannot find Domain with id ${DOMAIN}` }, 400) : undefined,
];

const efsNotFound: Route = (c) => c.operation.startsWith('GET /2015-02-01/file-systems') ? {
  status: 404,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'FileSystemNotFound:http://internal.amazon.com/coral/com.amazonaws.efs/' },
  body: JSON.stringify({ ErrorCode: 'FileSystemNotFound', Message: `File system '${FS}' does not exist.` }),
} : undefined;

function clients(routes: { sagemaker: Route[]; ec2: Route[]; efs: Route[] }) {
  return {
    cloudformation: new CloudFormationClient({ region: REGION, credentials, requestHandler: transport('cloudformation', cloudformationRoutes) as never }),
    sagemaker: new SageMakerClient({ region: REGION, credentials, requestHandler: transport('sagemaker', routes.sagemaker) as never }),
    ec2: new EC2Client({ region: REGION, credentials, requestHandler: transport('ec2', routes.ec2) as never }),
    efs: new EFSClient({ region: REGION, credentials, requestHandler: transport('efs', routes.efs) as never }),
  };
}

const request = {
  RequestType: 'Delete',
  StackId: STACK,
  RequestId: 'ef70561d-d4ba-42a4-801b-33ad88dafc37',
  LogicalResourceId: LOGICAL_ID,
  PhysicalResourceId: `teardown-${DOMAIN}`,
  ResourceType: TYPE,
  ResourceProperties: { DomainId: DOMAIN, VpcId: VPC, HomeEfsFileSystemId: FS },
  Data: { TearDown: 'true' },
} as Parameters<typeof isComplete>[0];

beforeEach(() => {
  calls.length = 0;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

test('SageMaker\'s ResourceInUse (JSON 1.1 __type) on DeleteSpace means "not complete yet"', async () => {
  const sagemaker: Route[] = [
    (c) => c.operation === 'ListSpaces' ? json11({ Spaces: [{ DomainId: DOMAIN, SpaceName: 'shared', Status: 'InService' }] }) : undefined,
    (c) => c.operation === 'DeleteSpace' ? json11({ __type: 'ResourceInUse', Message: 'Space shared has running apps' }, 400) : undefined,
    ...emptySageMaker,
  ];
  await expect(isComplete(request, clients({ sagemaker, ec2: [], efs: [] }), { now: () => STARTED + 60_000, attempts: 1 }))
    .resolves.toEqual({ IsComplete: false });
  expect(calls.map((c) => `${c.service} ${c.operation}`)).toEqual([
    'cloudformation DescribeStacks', 'cloudformation DescribeStackEvents', 'sagemaker ListApps', 'sagemaker ListSpaces', 'sagemaker DeleteSpace',
  ]);
});

test('EFS\'s FileSystemInUse (REST-JSON x-amzn-errortype) on DeleteFileSystem means "not complete yet"', async () => {
  const efs: Route[] = [
    (c) => c.operation === 'GET /2015-02-01/file-systems' ? {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        FileSystems: [{
          FileSystemId: FS,
          LifeCycleState: 'available',
          OwnerId: ACCOUNT,
          CreationToken: 't',
          CreationTime: 1.7e9,
          NumberOfMountTargets: 0,
          SizeInBytes: { Value: 6144 },
          PerformanceMode: 'generalPurpose',
          Tags: [{ Key: 'ManagedByAmazonSageMakerResource', Value: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/${DOMAIN}` }],
        }],
      }),
    } : undefined,
    (c) => c.operation === 'GET /2015-02-01/mount-targets' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ MountTargets: [] }) } : undefined,
    (c) => c.operation === `DELETE /2015-02-01/file-systems/${FS}` ? {
      status: 409,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'FileSystemInUse:http://internal.amazon.com/coral/com.amazonaws.efs/' },
      body: JSON.stringify({ ErrorCode: 'FileSystemInUse', Message: 'File system is in use' }),
    } : undefined,
  ];
  await expect(isComplete(request, clients({ sagemaker: emptySageMaker, ec2: [], efs }), { now: () => STARTED + 60_000, attempts: 1 }))
    .resolves.toEqual({ IsComplete: false });
  expect(calls.map((c) => `${c.service} ${c.operation}`).slice(-1)).toEqual([`efs DELETE /2015-02-01/file-systems/${FS}`]);
});

test('EC2\'s DependencyViolation (query XML error) with a referencing group outside the domain fails, after the grace, naming it', async () => {
  const [inbound] = nfsSecurityGroupNames(DOMAIN);
  const ec2: Route[] = [
    (c) => c.operation === 'DescribeSecurityGroups' && c.body.includes('group-name') ? xml(`<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <requestId>r3</requestId><securityGroupInfo><item><ownerId>${ACCOUNT}</ownerId><groupId>sg-0in</groupId><groupName>${inbound}</groupName>
      <groupDescription>[DO NOT DELETE] Security Group that allows inbound NFS traffic for SageMaker Notebooks Domain [${DOMAIN}]</groupDescription>
      <vpcId>${VPC}</vpcId><ipPermissions/><ipPermissionsEgress/>
      <tagSet><item><key>ManagedByAmazonSageMakerResource</key><value>arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/${DOMAIN}</value></item></tagSet>
      </item></securityGroupInfo></DescribeSecurityGroupsResponse>`) : undefined,
    (c) => c.operation === 'DeleteSecurityGroup' ? {
      status: 400,
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>DependencyViolation</Code>'
        + '<Message>resource sg-0in has a dependent object</Message></Error></Errors><RequestID>r4</RequestID></Response>',
    } : undefined,
    (c) => c.operation === 'DescribeSecurityGroups' && c.body.includes('Filter.1.Name=ip-permission.group-id') ? xml(`<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <requestId>r5</requestId><securityGroupInfo><item><ownerId>${ACCOUNT}</ownerId><groupId>sg-0backup</groupId><groupName>backup-agents</groupName>
      <groupDescription>backup</groupDescription><vpcId>${VPC}</vpcId></item></securityGroupInfo></DescribeSecurityGroupsResponse>`) : undefined,
    (c) => c.operation === 'DescribeSecurityGroups' ? xml(`<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <requestId>r6</requestId><securityGroupInfo/></DescribeSecurityGroupsResponse>`) : undefined,
  ];
  const world = clients({ sagemaker: emptySageMaker, ec2, efs: [efsNotFound] });
  await expect(isComplete(request, world, { now: () => STARTED + 2 * 60_000, attempts: 1 })).resolves.toEqual({ IsComplete: false });
  await expect(isComplete(request, world, { now: () => STARTED + 5 * 60_000, attempts: 1 })).rejects.toThrow(
    'NFS security groups: security group(s) sg-0in referenced by rules of sg-0backup (backup-agents, vpc-0a1b2c3d4e5f60718), which are not the domain\'s');
});
