import { Stack } from 'aws-cdk-lib';
import { registerModelVersion, sagemakerArn, sameTeamRequest } from './persona-permissions';
import { allow, ScopedStatement } from './scoped-policy';

/** The network and keys jobs run with. */
export interface JobEnvironment {
  readonly stack: Stack;
  readonly keyArns: string[];
  readonly vpcArn?: string;
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
}

/** What a job, pipeline step or model container needs at run time: logs, metrics, images, VPC network interfaces, keys. */
export function jobRuntimeStatements(env: JobEnvironment): ScopedStatement[] {
  const { stack } = env;
  const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const statements = [
    allow('WriteJobLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      [arn('logs', 'log-group:/aws/sagemaker/*'), arn('logs', 'log-group:/aws/sagemaker/*:log-stream:*')], {
        wildcardReason: 'SageMaker writes to one log group per job type (/aws/sagemaker/TrainingJobs, ...) and one stream per ' +
          'job instance, named at run time; limited to the /aws/sagemaker/ groups of this account and region.',
      }),
    allow('PutJobMetrics', ['cloudwatch:PutMetricData'], ['*'], {
      conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      wildcardReason: 'cloudwatch:PutMetricData has no resource type for metric data (its optional dataset type is unrelated), so the ' +
        'resource must be *; the condition limits it to SageMaker namespaces.',
    }),
    allow('PullImages', ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      [arn('ecr', 'repository/*')], {
        wildcardReason: 'Custom job and model images are pushed to repositories created after deployment; read-only pulls from ' +
          'repositories of this account and region (SageMaker pulls its own images itself).',
      }),
    allow('LogInToEcr', ['ecr:GetAuthorizationToken'], ['*'], {
      wildcardReason: 'ecr:GetAuthorizationToken supports no resource-level permissions; the token grants nothing beyond the pull statement.',
    }),
    allow('CreateJobNetworkInterfaces', ['ec2:CreateNetworkInterface'], [
      arn('ec2', 'network-interface/*'),
      ...(env.subnetIds ?? ['*']).map((id) => arn('ec2', `subnet/${id}`)),
      ...(env.securityGroupIds ?? ['*']).map((id) => arn('ec2', `security-group/${id}`)),
    ], {
      wildcardReason: 'SageMaker creates the network interfaces of VPC jobs with this role at run time, so their ids cannot be ' +
        'known; subnets and security groups are the environment\'s when given, else any of this account and region.',
    }),
    allow('ManageJobNetworkInterfaces',
      ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      [arn('ec2', 'network-interface/*')], {
        conditions: env.vpcArn ? { ArnEquals: { 'ec2:Vpc': env.vpcArn } } : undefined,
        wildcardReason: 'Network interfaces of VPC jobs are created at run time; limited to the environment\'s VPC when given.',
      }),
    allow('DescribeJobNetwork', [
      'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
    ], ['*'], { wildcardReason: 'EC2 Describe actions support no resource-level permissions; they are read-only.' }),
  ];
  if (env.keyArns.length > 0) {
    statements.push(
      allow('UseEnvironmentKeys',
        ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'], env.keyArns),
      allow('GrantEnvironmentKeysToVolumes', ['kms:CreateGrant'], env.keyArns, {
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  return statements;
}

/** What pipeline steps running as the job role create beyond jobs: models, and model versions pending approval. */
export function pipelineStepStatements(stack: Stack, teamTagKey: string): ScopedStatement[] {
  return [
    allow('CreateTeamModels', ['sagemaker:CreateModel'], [sagemakerArn(stack, 'model/*')], {
      conditions: sameTeamRequest(teamTagKey),
      wildcardReason: "Model names are chosen at run time; the request must tag the model with the caller's team (ABAC).",
    }),
    registerModelVersion(stack),
  ];
}
