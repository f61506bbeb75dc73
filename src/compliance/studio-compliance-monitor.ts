import { ArnFormat, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ComplianceInspectorFunction } from './inspector/compliance-inspector-function';
import { acknowledgeFindings, skipCheckovChecks } from '../private/acknowledge';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { invalid, isUnresolved } from '../private/validation';
import { wildcardFindingIds } from '../private/wildcard-findings';
import { SecureStudio } from '../secure-studio';

/** Properties of a StudioComplianceMonitor. */
export interface StudioComplianceMonitorProps {
  /**
   * The subnets SageMaker jobs, models, notebook instances and domains may use. A resource in
   * any other subnet is a finding.
   *
   * @default - any subnet (a resource with no VPC at all is still a finding)
   */
  readonly allowedSubnets?: ec2.ISubnet[];

  /**
   * The security groups SageMaker resources may use. A resource with any other group is a finding.
   *
   * @default - any security group
   */
  readonly allowedSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * The environment's KMS keys: volume, output, notebook and domain keys must be one of them.
   *
   * @default - any KMS key, as long as one is configured
   */
  readonly encryptionKeys?: kms.IKey[];

  /**
   * Whether training, processing and tuning jobs and models must run with network isolation.
   *
   * @default false
   */
  readonly requireNetworkIsolation?: boolean;

  /**
   * Whether the inspector stops a non-compliant training, processing, tuning, transform or
   * AutoML job or notebook instance (it always reports it). Grants the inspector the matching
   * `sagemaker:Stop*` actions.
   *
   * @default false
   */
  readonly stopNonCompliant?: boolean;

  /**
   * Whether to add the AWS Config managed rules (detective controls). They need an AWS Config
   * configuration recorder in the account and region, which this construct does not create.
   *
   * @default true
   */
  readonly configRules?: boolean;

  /**
   * The customer-managed key that encrypts the findings topic, the dead-letter queue, the
   * inspector's logs and its environment.
   *
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the inspector's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The reserved concurrency of the inspector (1 to 100).
   *
   * @default 5
   */
  readonly reservedConcurrency?: number;

  /**
   * What happens to the key, the log group and the dead-letter queue when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The CloudTrail management events of SageMaker create/update calls the inspector checks. */
const EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateModel', 'CreateNotebookInstance', 'UpdateNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];

/** The AWS Config managed rules of the detective layer. */
const CONFIG_RULES: [string, string][] = [
  ['NotebookNoDirectInternetAccess', config.ManagedRuleIdentifiers.SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS],
  ['NotebookInstanceKmsKeyConfigured', config.ManagedRuleIdentifiers.SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED],
  ['EndpointConfigurationKmsKeyConfigured', config.ManagedRuleIdentifiers.SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED],
  // Not (yet) in ManagedRuleIdentifiers of aws-cdk-lib's floor version.
  ['DomainInVpc', 'SAGEMAKER_DOMAIN_IN_VPC'],
  ['VpcFlowLogsEnabled', config.ManagedRuleIdentifiers.VPC_FLOW_LOGS_ENABLED],
  ['S3BucketSslRequestsOnly', config.ManagedRuleIdentifiers.S3_BUCKET_SSL_REQUESTS_ONLY],
];

/**
 * Detective and responsive controls for SageMaker: an EventBridge rule on the CloudTrail
 * management events of SageMaker create/update calls invokes an inspector Lambda that
 * describes the new resource, checks it against the environment's policy (allowed subnets and
 * security groups, KMS keys, inter-container encryption, network isolation, no direct internet
 * access, VpcOnly domains), publishes each finding as JSON to a KMS-encrypted SNS topic and,
 * only when opted in, stops a non-compliant job or notebook instance. AWS Config managed rules
 * add the detective layer (they need the account's configuration recorder, not created here).
 */
export class StudioComplianceMonitor extends Construct {
  /**
   * A monitor for a SecureStudio environment, in one line: the allowed subnets are the studio
   * subnets, the allowed security groups the Studio and domain groups, and the allowed keys the
   * environment's job, domain and bucket keys. Other props are taken from `props`; allowed sets
   * given there replace the environment's.
   */
  public static forStudio(scope: Construct, id: string, studio: SecureStudio, props: StudioComplianceMonitorProps = {}): StudioComplianceMonitor {
    const network = studio.network;
    const keys = [studio.jobEncryptionKey, studio.domain.encryptionKey, ...studio.buckets.map((bucket) => bucket.encryptionKey)];
    return new StudioComplianceMonitor(scope, id, {
      ...props,
      allowedSubnets: props.allowedSubnets ?? network.vpc.selectSubnets(network.studioSubnets).subnets,
      allowedSecurityGroups: props.allowedSecurityGroups ?? unique([network.studioSecurityGroup, ...studio.domain.securityGroups]),
      encryptionKeys: props.encryptionKeys ?? unique(keys),
    });
  }

  /** The topic findings are published to (JSON, one message per non-compliant resource). */
  public readonly findingsTopic: sns.Topic;
  /** The customer-managed key of the topic, dead-letter queue and logs. */
  public readonly encryptionKey: kms.IKey;
  /** The inspector Lambda function. */
  public readonly inspector: lambda.Function;
  /** The EventBridge rule that routes SageMaker CloudTrail events to the inspector. */
  public readonly rule: events.Rule;
  /** The inspector's dead-letter queue. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The inspector's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The AWS Config managed rules (empty when `configRules` is false). */
  public readonly configRules: config.ManagedRule[];

  constructor(scope: Construct, id: string, props: StudioComplianceMonitorProps = {}) {
    super(scope, id);
    validate(props);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stopNonCompliant = props.stopNonCompliant ?? false;

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the SageMaker compliance findings, dead-letter queue and logs of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.findingsTopic = new sns.Topic(this, 'Findings', {
      displayName: 'SageMaker compliance findings',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.logGroup = createEncryptedLogGroup(this, 'Log', {
      purpose: 'compliance inspector logs',
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    const policy = {
      allowedSubnetIds: props.allowedSubnets?.map((subnet) => subnet.subnetId),
      allowedSecurityGroupIds: props.allowedSecurityGroups?.map((group) => group.securityGroupId),
      kmsKeyArns: props.encryptionKeys?.map((key) => key.keyArn),
      requireNetworkIsolation: props.requireNetworkIsolation ?? false,
    };
    this.inspector = new ComplianceInspectorFunction(this, 'Inspector', {
      description: 'Checks new SageMaker resources against the environment policy and reports findings',
      timeout: Duration.minutes(1),
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      deadLetterQueue: this.deadLetterQueue,
      logGroup: this.logGroup,
      environmentEncryption: this.encryptionKey,
      environment: {
        POLICY: stack.toJsonString(policy),
        TOPIC_ARN: this.findingsTopic.topicArn,
        STOP_NON_COMPLIANT: String(stopNonCompliant),
      },
    });
    this.findingsTopic.grantPublish(this.inspector);
    const statements = inspectorStatements(stack, stopNonCompliant);
    for (const statement of statements) {
      this.inspector.addToRolePolicy(statement);
    }

    this.rule = new events.Rule(this, 'SageMakerApiCalls', {
      description: 'SageMaker create/update calls (CloudTrail) to the compliance inspector',
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['sagemaker.amazonaws.com'], eventName: [...EVENT_NAMES] },
      },
      targets: [new targets.LambdaFunction(this.inspector, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    this.configRules = props.configRules === false ? [] : CONFIG_RULES.map(([ruleId, identifier]) =>
      new config.ManagedRule(this, ruleId, { identifier }));

    acknowledgeMonitorFindings(this, statements);
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function validate(props: StudioComplianceMonitorProps): void {
  const concurrency = props.reservedConcurrency;
  if (concurrency !== undefined && !isUnresolved(concurrency) && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100)) {
    invalid('StudioComplianceMonitor', 'reservedConcurrency', `${concurrency} is not allowed`, 'an integer from 1 to 100');
  }
  if (props.allowedSubnets !== undefined && props.allowedSubnets.length === 0) {
    invalid('StudioComplianceMonitor', 'allowedSubnets', 'the list is empty (every resource would be a finding)', 'at least one subnet, or undefined for any subnet');
  }
  if (props.allowedSecurityGroups !== undefined && props.allowedSecurityGroups.length === 0) {
    invalid('StudioComplianceMonitor', 'allowedSecurityGroups', 'the list is empty (every resource would be a finding)',
      'at least one security group, or undefined for any group');
  }
  if (props.encryptionKeys !== undefined && props.encryptionKeys.length === 0) {
    invalid('StudioComplianceMonitor', 'encryptionKeys', 'the list is empty (every key would be a finding)', 'at least one key, or undefined for any key');
  }
}

function sagemakerArn(stack: Stack, resource: string, resourceName: string): string {
  return stack.formatArn({ service: 'sagemaker', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** Describe calls for the inspected types, and the stop calls only when opted in. */
function inspectorStatements(stack: Stack, stopNonCompliant: boolean): iam.PolicyStatement[] {
  const stoppable = ['training-job', 'processing-job', 'hyper-parameter-tuning-job', 'transform-job', 'automl-job', 'notebook-instance']
    .map((type) => sagemakerArn(stack, type, '*'));
  const statements = [
    new iam.PolicyStatement({
      sid: 'DescribeInspectedSageMakerResources',
      actions: [
        'sagemaker:DescribeTrainingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:DescribeHyperParameterTuningJob',
        'sagemaker:DescribeTransformJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:DescribeAutoMLJobV2', 'sagemaker:DescribeModel',
        'sagemaker:DescribeNotebookInstance', 'sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace',
        'sagemaker:DescribeApp',
      ],
      resources: [
        ...stoppable,
        sagemakerArn(stack, 'model', '*'),
        sagemakerArn(stack, 'domain', '*'),
        sagemakerArn(stack, 'user-profile', '*/*'),
        sagemakerArn(stack, 'space', '*/*'),
        sagemakerArn(stack, 'app', '*/*'),
      ],
    }),
  ];
  if (stopNonCompliant) {
    statements.push(new iam.PolicyStatement({
      sid: 'StopNonCompliantJobsAndNotebooks',
      actions: [
        'sagemaker:StopTrainingJob', 'sagemaker:StopProcessingJob', 'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:StopTransformJob', 'sagemaker:StopAutoMLJob', 'sagemaker:StopNotebookInstance',
      ],
      resources: stoppable,
    }));
  }
  return statements;
}

function acknowledgeMonitorFindings(monitor: StudioComplianceMonitor, statements: iam.PolicyStatement[]): void {
  const role = monitor.inspector.role!;
  acknowledgeFindings(role, 'AWSLambdaBasicExecutionRole lets the compliance inspector write only its own logs.', [
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  ]);
  const policy = role.node.findChild('DefaultPolicy');
  acknowledgeFindings(policy,
    'The inspector describes (and, only when stopNonCompliant is set, stops) SageMaker resources that anyone in the account ' +
    'may create under any name, so their ARNs carry a name wildcard in this account and region; kms:GenerateDataKey* (to publish ' +
    'to the encrypted topic and dead-letter queue) is on the monitor\'s own key only. The policy is inline on the role of the one ' +
    'function it serves.', [
      ...statements.flatMap((statement) => wildcardFindingIds(policy, statement)),
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  const outsideVpc = 'The inspector calls only the SageMaker and SNS APIs, handles no data (only resource settings), and must ' +
    'work in an account without this library\'s VPC, which may have no endpoints for those APIs; it runs outside any VPC.';
  acknowledgeFindings(monitor.inspector, outsideVpc, [
    'HIPAA.Security-LambdaInsideVPC',
    'NIST.800.53.R5-LambdaInsideVPC',
    'PCI.DSS.321-LambdaInsideVPC',
  ]);
  skipCheckovChecks(monitor.inspector.node.defaultChild as CfnResource, outsideVpc, ['CKV_AWS_117']);
  acknowledgeFindings(monitor.deadLetterQueue,
    'This queue is itself the dead-letter queue of the compliance inspector; a dead-letter queue of a dead-letter queue adds nothing.', [
      'AwsSolutions-SQS3',
    ]);
}
