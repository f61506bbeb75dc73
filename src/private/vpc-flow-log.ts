import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createEncryptedLogGroup } from './encrypted-log-group';

/** Where the flow logs of a VPC go. */
export interface VpcFlowLogOptions {
  /** An S3 bucket; a KMS-encrypted log group when undefined. */
  readonly bucket?: s3.IBucket;
  readonly encryptionKey?: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** The flow log of all traffic of a VPC (`FlowLog`), and its log group when there is one. */
export function createVpcFlowLog(scope: Construct, vpc: ec2.IVpc, options: VpcFlowLogOptions): { flowLog: ec2.FlowLog; logGroup?: logs.LogGroup } {
  const resourceType = ec2.FlowLogResourceType.fromVpc(vpc);
  const trafficType = ec2.FlowLogTrafficType.ALL;
  if (options.bucket) {
    const flowLog = new ec2.FlowLog(scope, 'FlowLog', { resourceType, trafficType, destination: ec2.FlowLogDestination.toS3(options.bucket) });
    return { flowLog };
  }
  const logGroup = createEncryptedLogGroup(scope, 'FlowLog', {
    purpose: 'VPC flow logs',
    encryptionKey: options.encryptionKey,
    retention: options.retention,
    removalPolicy: options.removalPolicy,
  });
  const writer = createFlowLogWriter(scope, logGroup);
  const flowLog = new ec2.FlowLog(scope, 'FlowLog', {
    resourceType,
    trafficType,
    destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, writer.role),
  });
  // The flow log must not be created before its role may write to the log group.
  flowLog.node.addDependency(writer.policy);
  return { flowLog, logGroup };
}

/**
 * The role VPC Flow Logs assumes to write to the log group: trusted only for flow logs
 * of this account and region, with its permissions in a customer-managed policy.
 */
function createFlowLogWriter(scope: Construct, logGroup: logs.ILogGroup): { role: iam.IRole; policy: iam.ManagedPolicy } {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'FlowLogRole', {
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*` },
    }),
    description: `Lets VPC Flow Logs write the flow logs of ${scope.node.path}`,
  });
  const policy = new iam.ManagedPolicy(scope, 'FlowLogPolicy', {
    description: `Writes the VPC flow logs of ${scope.node.path} to their log group`,
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroup.logGroupArn],
    })],
  });
  return { role: role.withoutPolicyUpdates(), policy };
}
