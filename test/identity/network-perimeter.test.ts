import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  denyEnvironmentVpcIdInOtherRegions, denyOutsideEnvironmentNetwork, IN_VPC_RESOURCE_ACTIONS, networkPerimeterStatements,
  PERIMETER_EXEMPT_ACTIONS, PersonaNetworkPerimeter,
} from '../../src/identity/network-perimeter';
import { SAMPLE_ACCOUNT, SAMPLE_REGION, simulate } from '../helpers/iam-simulation';

/**
 * The network perimeter statements alone, next to an allow-all policy, so that only the
 * perimeter can deny. Each claim is a pair: the request from outside the environment's
 * network that must be denied, and the nearest request that must still be allowed.
 */

const PRINCIPAL = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DataScientist`;
const VPC = 'vpc-0example';
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const PERIMETER = {
  Version: '2012-10-17',
  Statement: networkPerimeterStatements(VPC, SAMPLE_REGION).map((statement) => new Stack().resolve(statement.toStatementJson())),
};
/** A key policy that leaves the decision to IAM policies of this account, as the environment's keys do. */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SAMPLE_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

const PROCESSING_JOB = `arn:aws:sagemaker:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:processing-job/p`;
const KEY = `arn:aws:kms:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`;
const OBJECT = 'arn:aws:s3:::fraud-data/train.csv';

/** A direct call from a laptop: a public source IP, no VPC endpoint, not made by a service. */
const FROM_INTERNET = { 'aws:SourceIp': '203.0.113.7', 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false' };
/** A call from a Studio app through an endpoint of the environment's VPC. */
const FROM_VPC = { 'aws:SourceVpc': VPC, 'aws:SourceVpce': 'vpce-0sagemakerapi', 'aws:VpcSourceIp': '10.0.1.23', 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false' };

function decide(action: string, resource: string, context: Record<string, string | string[]>, resourcePolicy?: unknown): Promise<string> {
  return simulate({ principal: PRINCIPAL, action, resource, context, identityPolicies: [ALLOW_ALL, PERIMETER], resourcePolicy });
}

describe('PersonaNetworkPerimeter', () => {
  test('OFF does not enforce, ENFORCE does', () => {
    expect(PersonaNetworkPerimeter.OFF.enforced).toBe(false);
    expect(PersonaNetworkPerimeter.ENFORCE.enforced).toBe(true);
  });
});

describe('statement shapes', () => {
  test('deny everything but the exempt actions outside the VPC, unless a service makes the request', () => {
    expect(denyOutsideEnvironmentNetwork(VPC, SAMPLE_REGION).toStatementJson()).toEqual({
      Sid: 'DenyOutsideEnvironmentNetwork',
      Effect: 'Deny',
      NotAction: [...IN_VPC_RESOURCE_ACTIONS, 'iam:PassRole'],
      Resource: '*',
      Condition: {
        StringNotEqualsIfExists: { 'aws:SourceVpc': VPC, 'kms:ViaService': `sagemaker.${SAMPLE_REGION}.amazonaws.com` },
        BoolIfExists: { 'aws:ViaAWSService': 'false' },
      },
    });
  });

  test('deny a VPC of the same id in another Region', () => {
    expect(denyEnvironmentVpcIdInOtherRegions(VPC, SAMPLE_REGION).toStatementJson()).toEqual({
      Sid: 'DenyEnvironmentVpcIdInOtherRegions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceVpc': VPC }, StringNotEquals: { 'aws:RequestedRegion': SAMPLE_REGION } },
    });
  });

  test('the exemptions are the data perimeter guidance\'s in-VPC resource actions and iam:PassRole, nothing else', () => {
    expect(PERIMETER_EXEMPT_ACTIONS).toEqual([
      'dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:PutItem', 'dax:UpdateItem', 'dax:DeleteItem',
      'dax:BatchWriteItem', 'dax:ConditionCheckItem',
      'neptune-db:*', 'elasticfilesystem:Client*', 'rds-db:connect', 'kafka-cluster:*', 'es:ES*', 's3-outposts:*',
      'iam:PassRole',
    ]);
    expect(networkPerimeterStatements(VPC, SAMPLE_REGION).map((s: iam.PolicyStatement) => s.sid))
      .toEqual(['DenyOutsideEnvironmentNetwork', 'DenyEnvironmentVpcIdInOtherRegions']);
  });
});

describe('offline IAM evaluation of the perimeter', () => {
  test('a processing job started from a laptop is denied; from the environment\'s VPC it is allowed', async () => {
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, FROM_INTERNET)).resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, FROM_VPC)).resolves.toBe('Allowed');
  });

  test('fails closed: a request without any network or service key is denied', async () => {
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, { 'aws:SourceVpc': VPC, 'aws:RequestedRegion': SAMPLE_REGION }))
      .resolves.toBe('Allowed');
  });

  test('an object read from a laptop is denied; through the S3 gateway endpoint of the VPC it is allowed', async () => {
    await expect(decide('s3:GetObject', OBJECT, FROM_INTERNET)).resolves.toBe('ExplicitlyDenied');
    await expect(decide('s3:GetObject', OBJECT, { ...FROM_VPC, 'aws:SourceVpce': 'vpce-0s3gateway' })).resolves.toBe('Allowed');
  });

  test('through an endpoint of another VPC: denied', async () => {
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, { ...FROM_VPC, 'aws:SourceVpc': 'vpc-0attacker' }))
      .resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, FROM_VPC)).resolves.toBe('Allowed');
  });

  test('through a VPC of the same id in another Region: denied', async () => {
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, { ...FROM_VPC, 'aws:RequestedRegion': 'us-east-1' }))
      .resolves.toBe('ExplicitlyDenied');
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, FROM_VPC)).resolves.toBe('Allowed');
  });

  test('KMS decrypting for S3 with the caller\'s credentials (aws:ViaAWSService) is allowed; the same call made directly is denied', async () => {
    const viaS3 = { 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'true', 'aws:CalledVia': ['s3.amazonaws.com'], 'kms:ViaService': `s3.${SAMPLE_REGION}.amazonaws.com` };
    await expect(decide('kms:Decrypt', KEY, viaS3, KEY_POLICY)).resolves.toBe('Allowed');
    await expect(decide('kms:Decrypt', KEY, FROM_INTERNET, KEY_POLICY)).resolves.toBe('ExplicitlyDenied');
  });

  test('KMS requests SageMaker makes with the role (kms:ViaService) are allowed; through another service without FAS they are denied', async () => {
    const viaSageMaker = { 'aws:RequestedRegion': SAMPLE_REGION, 'aws:ViaAWSService': 'false', 'kms:ViaService': `sagemaker.${SAMPLE_REGION}.amazonaws.com` };
    await expect(decide('kms:CreateGrant', KEY, viaSageMaker, KEY_POLICY)).resolves.toBe('Allowed');
    await expect(decide('kms:CreateGrant', KEY, { ...viaSageMaker, 'kms:ViaService': `ec2.${SAMPLE_REGION}.amazonaws.com` }, KEY_POLICY))
      .resolves.toBe('ExplicitlyDenied');
    await expect(decide('kms:CreateGrant', KEY, { ...viaSageMaker, 'kms:ViaService': 'sagemaker.us-east-1.amazonaws.com' }, KEY_POLICY))
      .resolves.toBe('ExplicitlyDenied');
  });

  test('resources reached inside the VPC through their own interfaces are not held to the perimeter; their control planes are', async () => {
    const table = `arn:aws:dax:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:cache/features`;
    await expect(decide('dax:GetItem', table, FROM_INTERNET)).resolves.toBe('Allowed');
    await expect(decide('dax:CreateCluster', table, FROM_INTERNET)).resolves.toBe('ExplicitlyDenied');
    const database = `arn:aws:rds-db:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:dbuser:db-ABCDEFGHIJKL01234/analyst`;
    await expect(decide('rds-db:connect', database, FROM_INTERNET)).resolves.toBe('Allowed');
    const fileSystem = `arn:aws:elasticfilesystem:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:file-system/fs-0123456789abcdef0`;
    await expect(decide('elasticfilesystem:ClientMount', fileSystem, FROM_INTERNET)).resolves.toBe('Allowed');
    await expect(decide('elasticfilesystem:DeleteFileSystem', fileSystem, FROM_INTERNET)).resolves.toBe('ExplicitlyDenied');
  });

  test('passing a role is not held to the perimeter by itself; the call that passes it is', async () => {
    const jobRole = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Job`;
    await expect(decide('iam:PassRole', jobRole, { ...FROM_INTERNET, 'iam:PassedToService': 'sagemaker.amazonaws.com' })).resolves.toBe('Allowed');
    await expect(decide('sagemaker:CreateProcessingJob', PROCESSING_JOB, FROM_INTERNET)).resolves.toBe('ExplicitlyDenied');
  });
});
