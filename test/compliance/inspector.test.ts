import { readFileSync } from 'fs';
import * as path from 'path';
import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand, DescribeCompilationJobCommand, DescribeDomainCommand, DescribeEndpointCommand, DescribeEndpointConfigCommand,
  DescribeHyperParameterTuningJobCommand, DescribeModelCommand, DescribeNotebookInstanceCommand, DescribeNotebookInstanceCommandOutput,
  DescribeProcessingJobCommand, DescribeTrainingJobCommand, DescribeTrainingJobCommandOutput, DescribeTransformJobCommand, NotebookInstanceStatus,
  SageMakerClient, StopCompilationJobCommand, StopNotebookInstanceCommand, StopTrainingJobCommand, TrainingJobStatus,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import {
  configFromEnvironment, hasLocalStorageByName, inspect, InspectorClients, InspectorConfig, InspectorEvent,
} from '../../src/compliance/inspector/inspector';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEY_ALIAS = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/fraud-jobs`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:findings`;
const JOB_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/train-1`;
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/DataScientist/alice`;

const config = (overrides: Partial<InspectorConfig> = {}): InspectorConfig => ({
  policy: { allowedSubnetIds: ['subnet-a', 'subnet-b'], allowedSecurityGroupIds: ['sg-studio'], kmsKeyArns: [KEY], requireNetworkIsolation: true },
  topicArn: TOPIC,
  stopNonCompliant: false,
  account: ACCOUNT,
  region: REGION,
  ...overrides,
});

/**
 * An "AWS API Call via CloudTrail" event as EventBridge delivers it: the EventBridge envelope
 * around a CloudTrail record shaped like the documented SageMaker log entries
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/understanding-sagemaker-entries.html).
 */
const event = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null,
  origin: { account?: string; region?: string } = {}): InspectorEvent => ({
  'version': '0',
  'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'AWS API Call via CloudTrail',
  'source': 'aws.sagemaker',
  'account': origin.account ?? ACCOUNT,
  'time': '2026-01-01T00:00:00Z',
  'region': origin.region ?? REGION,
  'resources': [],
  'detail': {
    eventVersion: '1.08',
    userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:alice', arn: CALLER, accountId: origin.account ?? ACCOUNT },
    eventTime: '2026-01-01T00:00:00Z',
    eventSource: 'sagemaker.amazonaws.com',
    eventName,
    awsRegion: origin.region ?? REGION,
    sourceIPAddress: '10.0.1.17',
    userAgent: 'Boto3/1.35.0',
    requestParameters,
    responseElements,
    requestID: '6b1b42b9-EXAMPLE',
    eventID: 'a6f85b21-EXAMPLE',
    eventType: 'AwsApiCall',
    recipientAccountId: origin.account ?? ACCOUNT,
  },
} as InspectorEvent);

/**
 * SageMaker's notebook instance state-change event (EventBridge schema
 * aws.sagemaker@SageMakerNotebookInstanceStateChange: the fields of DescribeNotebookInstance;
 * the ARN is in lower case, the name as created).
 */
const notebookStateChange = (status: string, origin: { account?: string } = {}): InspectorEvent => ({
  'version': '0',
  'id': 'c52a2573-8588-a7f6-1bfb-42542a01fcb2',
  'detail-type': 'SageMaker Notebook Instance State Change',
  'source': 'aws.sagemaker',
  'account': origin.account ?? ACCOUNT,
  'time': '2026-01-01T00:05:00Z',
  'region': REGION,
  'resources': [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/research-nb`],
  'detail': {
    NotebookInstanceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/research-nb`,
    NotebookInstanceName: 'Research-NB',
    NotebookInstanceStatus: status,
    InstanceType: 'ml.t3.medium',
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/NotebookRole`,
    LastModifiedTime: 1767225900000,
    CreationTime: 1767225600000,
    Tags: {},
  },
} as InspectorEvent);

const compliantTrainingJob: Partial<DescribeTrainingJobCommandOutput> = {
  TrainingJobArn: JOB_ARN,
  TrainingJobStatus: TrainingJobStatus.IN_PROGRESS,
  VpcConfig: { Subnets: ['subnet-a'], SecurityGroupIds: ['sg-studio'] },
  ResourceConfig: { VolumeKmsKeyId: KEY, InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
  OutputDataConfig: { KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', S3OutputPath: 's3://bucket/out' },
  EnableInterContainerTrafficEncryption: true,
  EnableNetworkIsolation: true,
};

const nonCompliantNotebook = (status: string): Partial<DescribeNotebookInstanceCommandOutput> => ({
  NotebookInstanceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/research-nb`,
  NotebookInstanceName: 'Research-NB',
  NotebookInstanceStatus: status as NotebookInstanceStatus,
  InstanceType: 'ml.t3.medium',
  SubnetId: 'subnet-a',
  SecurityGroups: ['sg-studio'],
  KmsKeyId: KEY,
  DirectInternetAccess: 'Enabled',
});

let sagemaker: AwsClientStub<SageMakerClient>;
let sns: AwsClientStub<SNSClient>;
let ec2: AwsClientStub<EC2Client>;
let clients: InspectorClients;
let logs: string[];

beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
  sagemaker = mockClient(SageMakerClient);
  sns = mockClient(SNSClient);
  ec2 = mockClient(EC2Client);
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  clients = { sagemaker: new SageMakerClient({ region: REGION }), sns: new SNSClient({ region: REGION }), ec2: new EC2Client({ region: REGION }) };
});

afterEach(() => {
  sagemaker.restore();
  sns.restore();
  ec2.restore();
  jest.restoreAllMocks();
});

/** EC2's answer for one instance type (as DescribeInstanceTypes returns it, without the `ml.` prefix). */
function ec2InstanceType(instanceType: string, instanceStorage: boolean): void {
  ec2.on(DescribeInstanceTypesCommand, { InstanceTypes: [instanceType as never] })
    .resolves({ InstanceTypes: [{ InstanceType: instanceType as never, InstanceStorageSupported: instanceStorage }] });
}

const trainingEvent = event('CreateTrainingJob', { trainingJobName: 'train-1' }, { trainingJobArn: JOB_ARN });

describe('inspector: training jobs', () => {
  test('a compliant training job produces no finding', async () => {
    sagemaker.on(DescribeTrainingJobCommand, { TrainingJobName: 'train-1' }).resolves(compliantTrainingJob);
    const result = await inspect(trainingEvent, clients, config());
    expect(result).toEqual({});
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });

  test.each<[string, Partial<DescribeTrainingJobCommandOutput>, string]>([
    ['no VPC', { VpcConfig: undefined }, 'not in a VPC: no subnets configured'],
    ['a subnet outside the allowed set', { VpcConfig: { Subnets: ['subnet-a', 'subnet-x'], SecurityGroupIds: ['sg-studio'] } }, 'subnet subnet-x is not in the allowed set'],
    ['a security group outside the allowed set', { VpcConfig: { Subnets: ['subnet-a'], SecurityGroupIds: ['sg-open'] } }, 'security group sg-open is not in the allowed set'],
    ['no volume key', { ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } }, 'VolumeKmsKeyId: no KMS key configured'],
    ['no output key', { OutputDataConfig: { S3OutputPath: 's3://bucket/out' } }, 'OutputKmsKeyId: no KMS key configured'],
    ['another output key', { OutputDataConfig: { S3OutputPath: 's3://b', KmsKeyId: 'other-key' } }, "OutputKmsKeyId: KMS key other-key is not the environment's key"],
    ['inter-container encryption off', { EnableInterContainerTrafficEncryption: false }, 'inter-container traffic encryption is off'],
    ['network isolation off', { EnableNetworkIsolation: undefined }, 'network isolation is off'],
  ])('%s produces exactly that finding', async (_name, change, violation) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, ...change });
    ec2InstanceType('m5.xlarge', false);
    const result = await inspect(trainingEvent, clients, config());
    const expected = {
      resourceArn: JOB_ARN,
      resourceType: 'TrainingJob',
      eventName: 'CreateTrainingJob',
      caller: CALLER,
      eventTime: '2026-01-01T00:00:00Z',
      account: ACCOUNT,
      region: REGION,
      violations: [violation],
      stopped: false,
    };
    expect(result.finding).toEqual(expected);
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    expect(published[0].args[0].input.TopicArn).toBe(TOPIC);
    expect(JSON.parse(published[0].args[0].input.Message!)).toEqual(expected);
    expect(logs.map((line) => JSON.parse(line)).find((entry) => entry.finding)?.finding).toEqual(expected);
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });

  test('network isolation is not required unless the policy says so', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableNetworkIsolation: false });
    const result = await inspect(trainingEvent, clients, config({ policy: { ...config().policy, requireNetworkIsolation: false } }));
    expect(result).toEqual({});
  });

  test('any key passes when the policy names no keys', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, OutputDataConfig: { S3OutputPath: 's3://b', KmsKeyId: 'other' } });
    expect(await inspect(trainingEvent, clients, config({ policy: { ...config().policy, kmsKeyArns: undefined } }))).toEqual({});
  });

  test('stops a non-compliant job in progress only when opted in', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(StopTrainingJobCommand).resolves({});
    await inspect(trainingEvent, clients, config());
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
    const result = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ stopped: true, stopNote: 'stopped by the inspector' });
    expect(sagemaker.commandCalls(StopTrainingJobCommand).map((call) => call.args[0].input)).toEqual([{ TrainingJobName: 'train-1' }]);
  });

  test('a failing stop is reported, not thrown', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(StopTrainingJobCommand).rejects(Object.assign(new Error('in progress'), { name: 'ValidationException' }));
    const result = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ stopped: false, stopNote: 'stop failed: ValidationException' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  test('a job that has already completed is reported, not stopped', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      ...compliantTrainingJob, TrainingJobStatus: TrainingJobStatus.COMPLETED, EnableInterContainerTrafficEncryption: false,
    });
    const result = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ stopped: false, stopNote: 'not stopped: status Completed' });
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });

  test('a compliant job is never stopped, even when opted in', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(compliantTrainingJob);
    await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });

  test('a stop that succeeded is not repeated when the event is retried after a failed publish', async () => {
    sagemaker.on(DescribeTrainingJobCommand)
      .resolvesOnce({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false })
      // What SageMaker reports once StopTrainingJob has been accepted.
      .resolves({ ...compliantTrainingJob, TrainingJobStatus: TrainingJobStatus.STOPPING, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(StopTrainingJobCommand).resolves({});
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' })).resolves({ MessageId: 'm' });
    // First delivery: stopped, publish fails, the error goes back to Lambda for a retry.
    await expect(inspect(trainingEvent, clients, config({ stopNonCompliant: true }))).rejects.toThrow('KMS key disabled');
    // Lambda's retry of the same event.
    const retry = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(1);
    expect(retry.finding).toMatchObject({ stopped: true, stopNote: 'already Stopping; not stopped again' });
    expect(JSON.parse(sns.commandCalls(PublishCommand)[1].args[0].input.Message!)).toMatchObject({ stopped: true });
  });
});

describe('inspector: notebook instances are stopped when they reach InService', () => {
  test.each([
    ['CreateNotebookInstance', NotebookInstanceStatus.Pending],
    ['StartNotebookInstance', NotebookInstanceStatus.Pending],
    ['UpdateNotebookInstance', NotebookInstanceStatus.Updating],
  ])('%s (instance %s) is reported, and the stop is left for InService', async (eventName, status) => {
    sagemaker.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'Research-NB' }).resolves(nonCompliantNotebook(status));
    // What SageMaker answers to a stop of an instance that is not InService (as reported in
    // aws/amazon-sagemaker-examples#1094 and hashicorp/terraform-provider-aws#16767).
    sagemaker.on(StopNotebookInstanceCommand).rejects(Object.assign(new Error(`Status (${status}) not in ([InService]). Unable to transition to ` +
      `(Stopping) for Notebook Instance (arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/research-nb).`), { name: 'ValidationException' }));
    const result = await inspect(event(eventName, { notebookInstanceName: 'Research-NB' }), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({
      resourceType: 'NotebookInstance',
      eventName,
      violations: ['DirectInternetAccess is Enabled, must be Disabled'],
      stopped: false,
      stopNote: `${status}: not running yet; it is stopped when it reaches InService`,
    });
    expect(sagemaker.commandCalls(StopNotebookInstanceCommand)).toHaveLength(0);
  });

  test('the InService state-change event stops a non-compliant instance', async () => {
    sagemaker.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'Research-NB' }).resolves(nonCompliantNotebook(NotebookInstanceStatus.InService));
    sagemaker.on(StopNotebookInstanceCommand).resolves({});
    const result = await inspect(notebookStateChange('InService'), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toEqual({
      resourceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/research-nb`,
      resourceType: 'NotebookInstance',
      eventName: 'SageMaker Notebook Instance State Change',
      caller: 'unknown',
      eventTime: '2026-01-01T00:05:00Z',
      account: ACCOUNT,
      region: REGION,
      violations: ['DirectInternetAccess is Enabled, must be Disabled'],
      stopped: true,
      stopNote: 'stopped by the inspector',
    });
    expect(sagemaker.commandCalls(StopNotebookInstanceCommand).map((call) => call.args[0].input)).toEqual([{ NotebookInstanceName: 'Research-NB' }]);
  });

  test('a repeated InService event does not stop the instance twice', async () => {
    // SageMaker may send several events for one state change; by the second, the instance is stopping.
    sagemaker.on(DescribeNotebookInstanceCommand).resolves(nonCompliantNotebook(NotebookInstanceStatus.Stopping));
    const result = await inspect(notebookStateChange('InService'), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ stopped: true, stopNote: 'already Stopping; not stopped again' });
    expect(sagemaker.commandCalls(StopNotebookInstanceCommand)).toHaveLength(0);
  });

  test('a compliant instance reaching InService is left alone', async () => {
    sagemaker.on(DescribeNotebookInstanceCommand).resolves({ ...nonCompliantNotebook(NotebookInstanceStatus.InService), DirectInternetAccess: 'Disabled' });
    expect(await inspect(notebookStateChange('InService'), clients, config({ stopNonCompliant: true }))).toEqual({});
    expect(sagemaker.commandCalls(StopNotebookInstanceCommand)).toHaveLength(0);
  });

  test.each(['Pending', 'Stopping', 'Stopped', 'Updating', 'Failed', 'Deleting'])('a state change to %s is ignored', async (status) => {
    const result = await inspect(notebookStateChange(status), clients, config({ stopNonCompliant: true }));
    expect(result.ignored).toBe('notebook state change other than InService');
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('inspector: events of another account or region are ignored', () => {
  test.each<[string, InspectorEvent]>([
    ['another account (CloudTrail)', event('CreateTrainingJob', { trainingJobName: 'train-1' }, null, { account: '222222222222' })],
    ['another region (CloudTrail)', event('CreateTrainingJob', { trainingJobName: 'train-1' }, null, { region: 'us-east-1' })],
    ['another account (notebook state change)', notebookStateChange('InService', { account: '222222222222' })],
  ])('%s: nothing is described or stopped', async (_name, input) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(DescribeNotebookInstanceCommand).resolves(nonCompliantNotebook(NotebookInstanceStatus.InService));
    const result = await inspect(input, clients, config({ stopNonCompliant: true }));
    expect(result.ignored).toMatch(/^event of (account|region) /);
    expect(sagemaker.calls()).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('inspector: instance types with instance store volumes need no volume key', () => {
  const jobOn = (instanceType: string, volumeKey?: string): Partial<DescribeTrainingJobCommandOutput> => ({
    ...compliantTrainingJob, ResourceConfig: { InstanceType: instanceType as never, InstanceCount: 1, VolumeSizeInGB: 0, VolumeKmsKeyId: volumeKey },
  });

  test('a job on an instance type EC2 reports with instance storage has no finding for the missing volume key', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(jobOn('ml.g5.2xlarge'));
    ec2InstanceType('g5.2xlarge', true);
    sagemaker.on(StopTrainingJobCommand).resolves({});
    expect(await inspect(trainingEvent, clients, config({ stopNonCompliant: true }))).toEqual({});
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });

  test('a job on an EBS-only instance type without a volume key is a finding', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(jobOn('ml.c5.xlarge'));
    ec2InstanceType('c5.xlarge', false);
    expect((await inspect(trainingEvent, clients, config())).finding?.violations).toEqual(['VolumeKmsKeyId: no KMS key configured']);
  });

  test('a key that is given must still be the environment\'s, whatever the instance type', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(jobOn('ml.g5.2xlarge', 'arn:aws:kms:eu-west-1:111111111111:key/other'));
    expect((await inspect(trainingEvent, clients, config())).finding?.violations)
      .toEqual(["VolumeKmsKeyId: KMS key arn:aws:kms:eu-west-1:111111111111:key/other is not the environment's key"]);
    expect(ec2.calls()).toHaveLength(0);
  });

  test.each([
    ['ml.p4d.24xlarge', []],
    ['ml.c5.xlarge', ['VolumeKmsKeyId: no KMS key configured']],
  ])('when EC2 does not know %s, the naming rule decides', async (instanceType, violations) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(jobOn(instanceType));
    ec2.on(DescribeInstanceTypesCommand).rejects(Object.assign(new Error('The following supplied instance types do not exist'), { name: 'InvalidInstanceType' }));
    expect((await inspect(trainingEvent, clients, config())).finding?.violations ?? []).toEqual(violations);
  });

  test('a heterogeneous cluster with one instance-store group needs no volume key', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      ...compliantTrainingJob,
      ResourceConfig: {
        InstanceGroups: [
          { InstanceGroupName: 'cpu', InstanceType: 'ml.c5.xlarge', InstanceCount: 2 },
          { InstanceGroupName: 'gpu', InstanceType: 'ml.p4d.24xlarge', InstanceCount: 1 },
        ],
        VolumeSizeInGB: 0,
      },
    });
    ec2InstanceType('c5.xlarge', false);
    ec2InstanceType('p4d.24xlarge', true);
    expect(await inspect(trainingEvent, clients, config())).toEqual({});
  });

  test('processing and transform jobs on instance-store types', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({
      ProcessingJobArn: 'arn:proc',
      ProcessingJobStatus: 'InProgress',
      NetworkConfig: { VpcConfig: { Subnets: ['subnet-b'], SecurityGroupIds: ['sg-studio'] }, EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.r5d.large', VolumeSizeInGB: 0 } },
      ProcessingOutputConfig: { KmsKeyId: KEY, Outputs: [] },
    });
    sagemaker.on(DescribeTransformJobCommand).resolves({
      TransformJobArn: 'arn:transform',
      TransformJobStatus: 'InProgress',
      TransformResources: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1 },
      TransformOutput: { S3OutputPath: 's3://b/out', KmsKeyId: KEY },
    });
    ec2InstanceType('r5d.large', true);
    ec2InstanceType('g4dn.xlarge', true);
    expect(await inspect(event('CreateProcessingJob', { processingJobName: 'proc' }), clients, config())).toEqual({});
    expect(await inspect(event('CreateTransformJob', { transformJobName: 'tr' }), clients, config())).toEqual({});
  });

  test('a tuning job whose volume key is in HyperParameterTuningResourceConfig', async () => {
    sagemaker.on(DescribeHyperParameterTuningJobCommand).resolves({
      HyperParameterTuningJobArn: 'arn:hpo',
      HyperParameterTuningJobStatus: 'InProgress',
      TrainingJobDefinition: {
        AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: 'image' },
        RoleArn: 'arn:role',
        OutputDataConfig: { S3OutputPath: 's3://b', KmsKeyId: KEY },
        StoppingCondition: {},
        VpcConfig: { Subnets: ['subnet-a'], SecurityGroupIds: ['sg-studio'] },
        HyperParameterTuningResourceConfig: { InstanceConfigs: [{ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 }], VolumeKmsKeyId: KEY },
        EnableInterContainerTrafficEncryption: true,
        EnableNetworkIsolation: true,
      },
    });
    expect(await inspect(event('CreateHyperParameterTuningJob', { hyperParameterTuningJobName: 'hpo' }), clients, config())).toEqual({});
  });

  test.each([
    ['ml.m5d.large', true], ['ml.c5d.xlarge', true], ['ml.r5d.large', true], ['ml.g4dn.xlarge', true], ['ml.p3dn.24xlarge', true],
    ['ml.p4d.24xlarge', true], ['ml.p4de.24xlarge', true], ['ml.g5.xlarge', true], ['ml.g6.xlarge', true], ['ml.g6e.xlarge', true],
    ['ml.p5.48xlarge', true], ['ml.p6-b200.48xlarge', true], ['ml.trn1.32xlarge', true], ['ml.trn1n.32xlarge', true],
    ['ml.m5.large', false], ['ml.c5.xlarge', false], ['ml.p3.2xlarge', false], ['ml.inf2.xlarge', false], ['ml.t3.medium', false],
    ['ml.m7i.large', false], ['not-an-instance-type', false],
  ])('by name, %s has instance store volumes: %s', (instanceType, expected) => {
    expect(hasLocalStorageByName(instanceType)).toBe(expected);
  });
});

describe('inspector: KMS keys by id, ARN, alias name and alias ARN', () => {
  test.each<[string, string, string[]]>([
    ['the key ARN', KEY, []],
    ['the key id', '1234abcd-12ab-34cd-56ef-1234567890ab', []],
    ['the alias name of an allowed alias', 'alias/fraud-jobs', []],
    ['the ARN of an allowed alias', KEY_ALIAS, []],
    ['another alias', 'alias/someone-elses', ["OutputKmsKeyId: KMS key alias/someone-elses is not the environment's key"]],
    ['an alias ARN of another account', 'arn:aws:kms:eu-west-1:222222222222:alias/fraud-jobs',
      ["OutputKmsKeyId: KMS key arn:aws:kms:eu-west-1:222222222222:alias/fraud-jobs is not the environment's key"]],
    ['an alias named like the key id', 'alias/1234abcd-12ab-34cd-56ef-1234567890ab',
      ["OutputKmsKeyId: KMS key alias/1234abcd-12ab-34cd-56ef-1234567890ab is not the environment's key"]],
  ])('output key given as %s', async (_name, outputKey, violations) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, OutputDataConfig: { S3OutputPath: 's3://b', KmsKeyId: outputKey } });
    const result = await inspect(trainingEvent, clients, config({ policy: { ...config().policy, kmsKeyArns: [KEY, KEY_ALIAS] } }));
    expect(result.finding?.violations ?? []).toEqual(violations);
  });
});

describe('inspector: endpoints, endpoint configurations, HyperPod clusters and compilation jobs', () => {
  const endpointConfig = {
    EndpointConfigName: 'ExampleEndpointConfig',
    EndpointConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/exampleendpointconfig`,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'fraud-model', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' as const }],
    KmsKeyId: KEY,
    CreationTime: new Date(),
  };

  test('an endpoint configuration without a storage key, and with data capture under another key', async () => {
    sagemaker.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'ExampleEndpointConfig' }).resolves({
      ...endpointConfig,
      KmsKeyId: undefined,
      DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 10, DestinationS3Uri: 's3://b/capture', KmsKeyId: 'alias/other', CaptureOptions: [{ CaptureMode: 'Input' }] },
    });
    ec2InstanceType('m5.large', false);
    const result = await inspect(event('CreateEndpointConfig', { endpointConfigName: 'ExampleEndpointConfig' }), clients, config());
    expect(result.finding).toMatchObject({
      resourceType: 'EndpointConfig',
      violations: ['KmsKeyId: no KMS key configured', "DataCaptureConfig.KmsKeyId: KMS key alias/other is not the environment's key"],
    });
  });

  test('an endpoint configuration on an instance-store type needs no storage key', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      ...endpointConfig, KmsKeyId: undefined, ProductionVariants: [{ ...endpointConfig.ProductionVariants[0], InstanceType: 'ml.g5.xlarge' }],
    });
    ec2InstanceType('g5.xlarge', true);
    expect(await inspect(event('CreateEndpointConfig', { endpointConfigName: 'ExampleEndpointConfig' }), clients, config())).toEqual({});
  });

  test('an endpoint (the documented CreateEndpoint log entry) is checked by its configuration and its models', async () => {
    const documented = event('CreateEndpoint', { endpointName: 'ExampleEndpoint', endpointConfigName: 'ExampleEndpointConfig' },
      { endpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/exampleendpoint` });
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'ExampleEndpoint' }).resolves({
      EndpointName: 'ExampleEndpoint',
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/exampleendpoint`,
      EndpointConfigName: 'ExampleEndpointConfig',
      EndpointStatus: 'Creating',
    });
    sagemaker.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'ExampleEndpointConfig' }).resolves(endpointConfig);
    sagemaker.on(DescribeModelCommand, { ModelName: 'fraud-model' }).resolves({ ModelArn: 'arn:model', EnableNetworkIsolation: true });
    const result = await inspect(documented, clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({
      resourceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/exampleendpoint`,
      resourceType: 'Endpoint',
      violations: ['model fraud-model: not in a VPC: no subnets configured'],
      stopped: false,
      stopNote: 'Endpoint has no stop call',
    });
  });

  test('a HyperPod cluster outside the VPC, one group without a volume key', async () => {
    sagemaker.on(DescribeClusterCommand, { ClusterName: 'training-cluster' }).resolves({
      ClusterArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:cluster/abcd1234`,
      ClusterName: 'training-cluster',
      ClusterStatus: 'Creating',
      InstanceGroups: [
        { InstanceGroupName: 'controller', InstanceType: 'ml.m5.xlarge', InstanceStorageConfigs: [{ EbsVolumeConfig: { VolumeSizeInGB: 100, VolumeKmsKeyId: KEY } }] },
        { InstanceGroupName: 'workers', InstanceType: 'ml.p5.48xlarge' },
      ],
    });
    const result = await inspect(event('CreateCluster', { clusterName: 'training-cluster' },
      { clusterArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:cluster/abcd1234` }), clients, config());
    expect(result.finding).toMatchObject({
      resourceType: 'Cluster',
      violations: ['not in a VPC: no subnets configured', 'InstanceGroups[workers].VolumeKmsKeyId: no KMS key configured'],
    });
  });

  test('a compilation job outside the VPC is stopped while it runs', async () => {
    sagemaker.on(DescribeCompilationJobCommand, { CompilationJobName: 'neo-1' }).resolves({
      CompilationJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:compilation-job/neo-1`,
      CompilationJobStatus: 'INPROGRESS',
      OutputConfig: { S3OutputLocation: 's3://b/out', TargetDevice: 'ml_c5', KmsKeyId: KEY },
    });
    sagemaker.on(StopCompilationJobCommand).resolves({});
    const result = await inspect(event('CreateCompilationJob', { compilationJobName: 'neo-1' }), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ resourceType: 'CompilationJob', violations: ['not in a VPC: no subnets configured'], stopped: true });
    expect(sagemaker.commandCalls(StopCompilationJobCommand).map((call) => call.args[0].input)).toEqual([{ CompilationJobName: 'neo-1' }]);
  });
});

describe('inspector: other resource types', () => {
  test('processing job without inter-container encryption', async () => {
    sagemaker.on(DescribeProcessingJobCommand, { ProcessingJobName: 'proc' }).resolves({
      ProcessingJobArn: 'arn:proc',
      NetworkConfig: { VpcConfig: { Subnets: ['subnet-b'], SecurityGroupIds: ['sg-studio'] }, EnableNetworkIsolation: true },
      ProcessingResources: { ClusterConfig: { VolumeKmsKeyId: KEY, InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
      ProcessingOutputConfig: { KmsKeyId: KEY, Outputs: [] },
    });
    const result = await inspect(event('CreateProcessingJob', { processingJobName: 'proc' }), clients, config());
    expect(result.finding?.violations).toEqual(['inter-container traffic encryption is off']);
  });

  test('domain not VpcOnly, found by the domain ARN of the CreateDomain response', async () => {
    sagemaker.on(DescribeDomainCommand, { DomainId: 'd-123' }).resolves({
      DomainArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/d-123`,
      SubnetIds: ['subnet-a'],
      KmsKeyId: KEY,
      AppNetworkAccessType: 'PublicInternetOnly',
      DefaultUserSettings: { SecurityGroups: ['sg-studio'] },
    });
    const result = await inspect(event('CreateDomain', { domainName: 'studio' }, { domainArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/d-123` }), clients, config());
    expect(result.finding).toMatchObject({ resourceType: 'Domain', violations: ['AppNetworkAccessType is PublicInternetOnly, must be VpcOnly'] });
  });

  test('model without network isolation when required; no stop call exists for models', async () => {
    sagemaker.on(DescribeModelCommand).resolves({ ModelArn: 'arn:model', VpcConfig: { Subnets: ['subnet-a'], SecurityGroupIds: ['sg-studio'] } });
    const result = await inspect(event('CreateModel', { modelName: 'm' }), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ violations: ['network isolation is off'], stopped: false });
  });
});

describe('inspector: unknown event shapes are logged and ignored', () => {
  test.each<[string, unknown]>([
    ['no detail', {}],
    ['null event', null],
    ['another event name', event('DeleteDomain', { domainId: 'd-1' })],
    ['no request parameters', { account: ACCOUNT, region: REGION, detail: { eventName: 'CreateTrainingJob', requestParameters: null } }],
    ['a name of the wrong type', event('CreateTrainingJob', { trainingJobName: 42 })],
    ['a failed call', { account: ACCOUNT, region: REGION, detail: { eventName: 'CreateTrainingJob', errorCode: 'AccessDenied', requestParameters: { trainingJobName: 't' } } }],
    ['another detail type', { ...event('CreateTrainingJob', { trainingJobName: 't' }), 'detail-type': 'SageMaker Training Job State Change' }],
  ])('%s', async (_name, input) => {
    const result = await inspect(input as InspectorEvent, clients, config());
    expect(result.ignored).toBeDefined();
    expect(result.finding).toBeUndefined();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logs.length).toBeGreaterThan(0);
  });

  test('a describe error is logged, not thrown', async () => {
    sagemaker.on(DescribeTrainingJobCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFound' }));
    const result = await inspect(trainingEvent, clients, config());
    expect(result.ignored).toMatch(/not describable/);
  });

  test('a throttled describe or a failed publish is thrown, for the retry and the dead-letter queue', async () => {
    sagemaker.on(DescribeTrainingJobCommand).rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    await expect(inspect(trainingEvent, clients, config())).rejects.toThrow('slow down');
    sns.on(PublishCommand).rejects(new Error('KMS access denied'));
    await expect(inspect(trainingEvent, clients, config())).rejects.toThrow('KMS access denied');
  });
});

test('configuration from the environment', () => {
  expect(configFromEnvironment({
    POLICY: '{"requireNetworkIsolation":true}', TOPIC_ARN: TOPIC, STOP_NON_COMPLIANT: 'true', ACCOUNT_ID: ACCOUNT, AWS_REGION: REGION,
  })).toEqual({ policy: { requireNetworkIsolation: true }, topicArn: TOPIC, stopNonCompliant: true, account: ACCOUNT, region: REGION });
  expect(configFromEnvironment({})).toEqual({ policy: {}, topicArn: undefined, stopNonCompliant: false });
});

test('the inspector makes no list calls (nothing to paginate): it describes the one resource an event names', () => {
  const source = readFileSync(path.join(__dirname, '../../src/compliance/inspector/inspector.ts'), 'utf8');
  expect(source.match(/\b(List\w+Command|paginate\w*)\b/g)).toBeNull();
});
