import {
  DescribeDomainCommand, DescribeModelCommand, DescribeNotebookInstanceCommand, DescribeProcessingJobCommand, DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput, SageMakerClient, StopNotebookInstanceCommand, StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { CloudTrailEvent, configFromEnvironment, inspect, InspectorClients, InspectorConfig } from '../../src/compliance/inspector/inspector';

const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/env-key';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:findings';
const JOB_ARN = 'arn:aws:sagemaker:eu-west-1:111111111111:training-job/train-1';
const CALLER = 'arn:aws:sts::111111111111:assumed-role/DataScientist/alice';

const config = (overrides: Partial<InspectorConfig> = {}): InspectorConfig => ({
  policy: { allowedSubnetIds: ['subnet-a', 'subnet-b'], allowedSecurityGroupIds: ['sg-studio'], kmsKeyArns: [KEY], requireNetworkIsolation: true },
  topicArn: TOPIC,
  stopNonCompliant: false,
  ...overrides,
});

const event = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> = {}): CloudTrailEvent => ({
  account: '111111111111',
  region: 'eu-west-1',
  detail: { eventName, eventTime: '2026-01-01T00:00:00Z', userIdentity: { arn: CALLER }, requestParameters, responseElements },
});

const compliantTrainingJob: Partial<DescribeTrainingJobCommandOutput> = {
  TrainingJobArn: JOB_ARN,
  VpcConfig: { Subnets: ['subnet-a'], SecurityGroupIds: ['sg-studio'] },
  ResourceConfig: { VolumeKmsKeyId: KEY, InstanceCount: 1, VolumeSizeInGB: 10 },
  OutputDataConfig: { KmsKeyId: 'env-key', S3OutputPath: 's3://bucket/out' },
  EnableInterContainerTrafficEncryption: true,
  EnableNetworkIsolation: true,
};

let sagemaker: AwsClientStub<SageMakerClient>;
let sns: AwsClientStub<SNSClient>;
let clients: InspectorClients;
let logs: string[];

beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
  sagemaker = mockClient(SageMakerClient);
  sns = mockClient(SNSClient);
  clients = { sagemaker: new SageMakerClient({ region: 'eu-west-1' }), sns: new SNSClient({ region: 'eu-west-1' }) };
});

afterEach(() => {
  sagemaker.restore();
  sns.restore();
  jest.restoreAllMocks();
});

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
    ['no volume key', { ResourceConfig: { InstanceCount: 1, VolumeSizeInGB: 10 } }, 'VolumeKmsKeyId: no KMS key configured'],
    ['no output key', { OutputDataConfig: { S3OutputPath: 's3://bucket/out' } }, 'OutputKmsKeyId: no KMS key configured'],
    ['another output key', { OutputDataConfig: { S3OutputPath: 's3://b', KmsKeyId: 'other-key' } }, "OutputKmsKeyId: KMS key other-key is not the environment's key"],
    ['inter-container encryption off', { EnableInterContainerTrafficEncryption: false }, 'inter-container traffic encryption is off'],
    ['network isolation off', { EnableNetworkIsolation: undefined }, 'network isolation is off'],
  ])('%s produces exactly that finding', async (_name, change, violation) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, ...change });
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const result = await inspect(trainingEvent, clients, config());
    const expected = {
      resourceArn: JOB_ARN,
      resourceType: 'TrainingJob',
      eventName: 'CreateTrainingJob',
      caller: CALLER,
      eventTime: '2026-01-01T00:00:00Z',
      account: '111111111111',
      region: 'eu-west-1',
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

  test('stops a non-compliant job only when opted in', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(StopTrainingJobCommand).resolves({});
    const result = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(result.finding?.stopped).toBe(true);
    expect(sagemaker.commandCalls(StopTrainingJobCommand).map((call) => call.args[0].input)).toEqual([{ TrainingJobName: 'train-1' }]);
  });

  test('a failing stop is reported, not thrown', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ ...compliantTrainingJob, EnableInterContainerTrafficEncryption: false });
    sagemaker.on(StopTrainingJobCommand).rejects(Object.assign(new Error('in progress'), { name: 'ValidationException' }));
    const result = await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(result.finding?.stopped).toBe(false);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  test('a compliant job is never stopped, even when opted in', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(compliantTrainingJob);
    await inspect(trainingEvent, clients, config({ stopNonCompliant: true }));
    expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
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

  test('notebook instance with direct internet access is stopped when opted in', async () => {
    sagemaker.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'nb' }).resolves({
      NotebookInstanceArn: 'arn:nb', SubnetId: 'subnet-a', SecurityGroups: ['sg-studio'], KmsKeyId: KEY, DirectInternetAccess: 'Enabled',
    });
    sagemaker.on(StopNotebookInstanceCommand).resolves({});
    const result = await inspect(event('UpdateNotebookInstance', { notebookInstanceName: 'nb' }), clients, config({ stopNonCompliant: true }));
    expect(result.finding).toMatchObject({ resourceType: 'NotebookInstance', violations: ['DirectInternetAccess is Enabled, must be Disabled'], stopped: true });
    expect(sagemaker.commandCalls(StopNotebookInstanceCommand)).toHaveLength(1);
  });

  test('domain not VpcOnly, found by the domain ARN of the CreateDomain response', async () => {
    sagemaker.on(DescribeDomainCommand, { DomainId: 'd-123' }).resolves({
      DomainArn: 'arn:aws:sagemaker:eu-west-1:111111111111:domain/d-123',
      SubnetIds: ['subnet-a'],
      KmsKeyId: KEY,
      AppNetworkAccessType: 'PublicInternetOnly',
      DefaultUserSettings: { SecurityGroups: ['sg-studio'] },
    });
    const result = await inspect(event('CreateDomain', { domainName: 'studio' }, { domainArn: 'arn:aws:sagemaker:eu-west-1:111111111111:domain/d-123' }), clients, config());
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
    ['no request parameters', { detail: { eventName: 'CreateTrainingJob', requestParameters: null } }],
    ['a name of the wrong type', event('CreateTrainingJob', { trainingJobName: 42 })],
    ['a failed call', { detail: { eventName: 'CreateTrainingJob', errorCode: 'AccessDenied', requestParameters: { trainingJobName: 't' } } }],
  ])('%s', async (_name, input) => {
    const result = await inspect(input as CloudTrailEvent, clients, config());
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
  expect(configFromEnvironment({ POLICY: '{"requireNetworkIsolation":true}', TOPIC_ARN: TOPIC, STOP_NON_COMPLIANT: 'true' }))
    .toEqual({ policy: { requireNetworkIsolation: true }, topicArn: TOPIC, stopNonCompliant: true });
  expect(configFromEnvironment({})).toEqual({ policy: {}, topicArn: undefined, stopNonCompliant: false });
});
