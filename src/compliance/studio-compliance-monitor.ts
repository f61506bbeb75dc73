import { Annotations, ArnFormat, Aspects, CfnResource, Duration, IAspect, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { Construct, IConstruct } from 'constructs';
import { ComplianceInspectorFunction } from './inspector/compliance-inspector-function';
import { acknowledgeFindings, skipCheckovChecks } from '../private/acknowledge';
import { checkChoice, checkRemovalPolicy } from '../private/choice-rules';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { checkIntegerRange, checkRegionalArn, invalid, isUnresolved } from '../private/validation';
import { wildcardFindingIds } from '../private/wildcard-findings';
import { SecureStudio } from '../secure-studio';
import { StudioDomain } from '../studio/studio-domain';
import { StudioUserProfile } from '../studio/studio-user-profile';

const NAME = 'StudioComplianceMonitor';

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
   * Add groups later with `allowSecurityGroups`.
   *
   * @default - any security group
   */
  readonly allowedSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * The environment's KMS keys: volume, output, notebook, endpoint, cluster and domain keys must be
   * one of them. A key may be named by key ARN, key id, or the name or ARN of an alias: the aliases
   * of these keys defined in the same app (`kms.Alias`, `key.addAlias`) count, and so does an
   * alias given here (a `kms.IAlias` is a key). A missing volume key is not a finding on instance
   * types with instance store volumes (e.g. ml.m5d, ml.g4dn, ml.g5, ml.p4d): SageMaker refuses a
   * volume key there, and the instance's hardware module encrypts those volumes.
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
   * Whether the inspector stops a non-compliant training, processing, tuning, transform, AutoML or
   * compilation job or notebook instance (it always reports it). Grants the inspector the matching
   * `sagemaker:Stop*` actions. A job is stopped while it is in progress; a notebook instance when
   * it is InService, which SageMaker's notebook state-change event (routed to the inspector by a
   * second rule, `notebookRule`) reports after a create or start.
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
   * The customer-managed key that encrypts the findings topic, the two dead-letter queues, the
   * inspector's logs and its environment. EventBridge must be able to use it for the delivery
   * dead-letter queue: the construct adds that to the key policy of a key defined in the app,
   * and warns when it cannot (an imported key).
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
   * The reserved concurrency of the inspector (1 to 100). Reserved concurrency comes out of the
   * account's unreserved concurrency, of which Lambda keeps a minimum (the Lambda developer guide:
   * up to the unreserved account concurrency minus 100 can be reserved), so in an account with a
   * low concurrency quota, as new accounts have, a deployment that reserves any fails.
   *
   * @default - none reserved: the inspector uses the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;

  /**
   * What happens to the key, the log group and the dead-letter queues when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The CloudTrail management events of SageMaker create/update/start calls the inspector checks
 * (the same list as the inspector's INSPECTED_EVENT_NAMES, which this file cannot import: the
 * inspector imports the AWS SDK, which is no dependency of the library).
 */
const EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateCompilationJob', 'CreateModel', 'CreateEndpointConfig', 'CreateEndpoint',
  'CreateCluster', 'CreateNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];

/** SageMaker's notebook instance state-change event (EventBridge events reference, "Amazon SageMaker AI events"). */
const NOTEBOOK_STATE_CHANGE = 'SageMaker Notebook Instance State Change';

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
 * management events of SageMaker create/update/start calls of this account and region invokes an
 * inspector Lambda that describes the new resource, checks it against the environment's policy
 * (allowed subnets and security groups, KMS keys, inter-container encryption, network isolation,
 * no direct internet access, VpcOnly domains), publishes each finding as JSON to a KMS-encrypted
 * SNS topic and, only when opted in, stops a non-compliant job or notebook instance (a notebook
 * instance when SageMaker reports it InService). Events EventBridge cannot deliver go to a
 * dead-letter queue, and so do events the inspector fails on. AWS Config managed rules add the
 * detective layer (they need the account's configuration recorder, not created here). See
 * docs/decisions/050-compliance-monitor.md.
 */
export class StudioComplianceMonitor extends Construct {
  /**
   * A monitor for a SecureStudio environment, in one line: the allowed subnets are the studio
   * subnets; the allowed security groups the Studio and domain groups and the groups of every
   * user profile of the domain, read when the app is synthesized (so that profiles added later
   * are allowed too); the allowed keys the environment's job, domain and bucket keys and their
   * aliases. Profiles in the monitor's stack are created after the inspector and its rules, so
   * that the inspector that checks a new profile already knows its group; a profile in another
   * stack cannot wait for the monitor (that would be a dependency cycle), and its first check may
   * come before the monitor's stack is updated. Other props are taken from `props`; allowed sets
   * given there replace the environment's.
   */
  public static forStudio(scope: Construct, id: string, studio: SecureStudio, props: StudioComplianceMonitorProps = {}): StudioComplianceMonitor {
    const studioRegion = Stack.of(studio).region;
    const monitorRegion = Stack.of(scope).region;
    if (!isUnresolved(studioRegion) && !isUnresolved(monitorRegion) && studioRegion !== monitorRegion) {
      invalid(NAME, 'forStudio', `the studio deploys to ${studioRegion} but the monitor to ${monitorRegion}`,
        'a monitor in the region of the studio, as its rules receive the SageMaker events of their own region only');
    }
    const network = studio.network;
    const keys = [studio.jobEncryptionKey, studio.domain.encryptionKey, ...studio.buckets.map((bucket) => bucket.encryptionKey)];
    const monitor = new StudioComplianceMonitor(scope, id, {
      ...props,
      allowedSubnets: props.allowedSubnets ?? network.vpc.selectSubnets(network.studioSubnets).subnets,
      allowedSecurityGroups: props.allowedSecurityGroups ?? unique([network.studioSecurityGroup, ...studio.domain.securityGroups]),
      encryptionKeys: props.encryptionKeys ?? unique(keys),
    });
    if (props.allowedSecurityGroups === undefined) {
      const domain = studio.domain;
      monitor.allowedGroupSources.push(() => profilesOf(domain).flatMap((profile) => profile.securityGroups));
      Aspects.of(Stack.of(monitor)).add(new CreateProfilesAfterMonitor(domain, monitor));
    }
    return monitor;
  }

  /** The topic findings are published to (JSON, one message per non-compliant resource). */
  public readonly findingsTopic: sns.Topic;
  /** The customer-managed key of the topic, dead-letter queues and logs. */
  public readonly encryptionKey: kms.IKey;
  /** The inspector Lambda function. */
  public readonly inspector: lambda.Function;
  /** The EventBridge rule that routes SageMaker CloudTrail events to the inspector. */
  public readonly rule: events.Rule;
  /**
   * The EventBridge rule that routes SageMaker's notebook instance state-change events (to
   * InService) to the inspector, so that it can stop a non-compliant notebook instance; only with
   * `stopNonCompliant`.
   */
  public readonly notebookRule?: events.Rule;
  /** The inspector's dead-letter queue: events the inspector failed on after Lambda's retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The dead-letter queue of the rules' target: events EventBridge could not deliver to the inspector. */
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  /** The inspector's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The AWS Config managed rules (empty when `configRules` is false). */
  public readonly configRules: config.ManagedRule[];

  private readonly allowedGroups?: ec2.ISecurityGroup[];
  private readonly allowedGroupSources: (() => ec2.ISecurityGroup[])[] = [];

  constructor(scope: Construct, id: string, props: StudioComplianceMonitorProps = {}) {
    super(scope, id);
    validate(this, props);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stopNonCompliant = props.stopNonCompliant ?? false;
    this.allowedGroups = props.allowedSecurityGroups && [...props.allowedSecurityGroups];

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the SageMaker compliance findings, dead-letter queues and logs of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.findingsTopic = new sns.Topic(this, 'Findings', {
      displayName: 'SageMaker compliance findings',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    this.deadLetterQueue = this.createQueue('DeadLetterQueue', removalPolicy);
    this.deliveryDeadLetterQueue = this.createQueue('DeliveryDeadLetterQueue', removalPolicy);
    this.logGroup = createEncryptedLogGroup(this, 'Log', {
      purpose: 'compliance inspector logs',
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    const encryptionKeys = props.encryptionKeys ? [...props.encryptionKeys] : undefined;
    // Read at synthesis, when the allowed groups and the keys' aliases are complete.
    const policy = (): InspectorPolicy => ({
      allowedSubnetIds: props.allowedSubnets?.map((subnet) => subnet.subnetId),
      allowedSecurityGroupIds: this.allowedSecurityGroupIds(),
      kmsKeyArns: encryptionKeys && unique([...encryptionKeys, ...aliasesOf(this, encryptionKeys)].map((key) => key.keyArn)),
      requireNetworkIsolation: props.requireNetworkIsolation ?? false,
    });
    this.node.addValidation({ validate: () => validateEnvironmentSize(policy()) });
    this.inspector = new ComplianceInspectorFunction(this, 'Inspector', {
      description: 'Checks new SageMaker resources against the environment policy and reports findings',
      timeout: Duration.minutes(1),
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrency,
      deadLetterQueue: this.deadLetterQueue,
      logGroup: this.logGroup,
      environmentEncryption: this.encryptionKey,
      environment: {
        POLICY: Lazy.string({ produce: () => stack.toJsonString(policy()) }),
        TOPIC_ARN: this.findingsTopic.topicArn,
        STOP_NON_COMPLIANT: String(stopNonCompliant),
        ACCOUNT_ID: stack.account,
      },
    });
    this.findingsTopic.grantPublish(this.inspector);
    const statements = inspectorStatements(stack, stopNonCompliant);
    for (const statement of statements) {
      this.inspector.addToRolePolicy(statement);
    }

    const target = new targets.LambdaFunction(this.inspector, {
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: this.deliveryDeadLetterQueue,
    });
    // Only this account and region: an event forwarded from elsewhere names another account's resource.
    const origin = { account: [stack.account], region: [stack.region] };
    this.rule = new events.Rule(this, 'SageMakerApiCalls', {
      ruleName: this.ruleName('SageMakerApiCalls'),
      description: 'SageMaker create/update/start calls (CloudTrail) to the compliance inspector',
      eventPattern: {
        ...origin,
        source: ['aws.sagemaker'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['sagemaker.amazonaws.com'], eventName: [...EVENT_NAMES] },
      },
      targets: [target],
    });
    if (stopNonCompliant) {
      this.notebookRule = new events.Rule(this, 'NotebookInstanceInService', {
        ruleName: this.ruleName('NotebookInstanceInService'),
        description: 'SageMaker notebook instances reaching InService to the compliance inspector, which stops non-compliant ones',
        eventPattern: {
          ...origin,
          source: ['aws.sagemaker'],
          detailType: [NOTEBOOK_STATE_CHANGE],
          detail: { NotebookInstanceStatus: ['InService'] },
        },
        targets: [target],
      });
    }
    this.allowEventBridgeDeadLetters(stack, [this.rule, this.notebookRule].filter((rule): rule is events.Rule => rule !== undefined));

    this.configRules = props.configRules === false ? [] : CONFIG_RULES.map(([ruleId, identifier]) =>
      new config.ManagedRule(this, ruleId, { identifier }));

    acknowledgeMonitorFindings(this, statements, props.reservedConcurrency === undefined);
  }

  /**
   * Adds security groups to the allowed set (e.g. the groups of profiles created outside the
   * environment's domain). Has no effect when `allowedSecurityGroups` was not given: any group is
   * allowed then.
   */
  public allowSecurityGroups(...groups: ec2.ISecurityGroup[]): void {
    if (this.allowedGroups === undefined) {
      Annotations.of(this).addWarningV2('cdk-secure-studio:monitorAllowsAnyGroup',
        'allowSecurityGroups has no effect: the monitor allows any security group (no allowedSecurityGroups given).');
      return;
    }
    this.allowedGroups.push(...groups);
  }

  private allowedSecurityGroupIds(): string[] | undefined {
    if (this.allowedGroups === undefined) {
      return undefined;
    }
    const groups = [...this.allowedGroups, ...this.allowedGroupSources.flatMap((source) => source())];
    return unique(groups.map((group) => group.securityGroupId));
  }

  private createQueue(id: string, removalPolicy: RemovalPolicy): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
  }

  /**
   * A fixed rule name, so that the key policy can name the rule's ARN without referring to the
   * rule (the rule refers to the queue, which refers to the key: a reference back is a cycle).
   */
  private ruleName(id: string): string {
    return Names.uniqueResourceName(this, { maxLength: 64 - id.length - 1, separator: '-' }) + `-${id}`;
  }

  /** Lets EventBridge use the key to write undeliverable events of the rules to the encrypted delivery dead-letter queue. */
  private allowEventBridgeDeadLetters(stack: Stack, rules: events.Rule[]): void {
    const { statementAdded } = this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeDeadLettersOfTheMonitorRules',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        ArnEquals: {
          'aws:SourceArn': rules.map((rule) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: this.ruleName(rule.node.id) })),
        },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }), true);
    if (!statementAdded) {
      Annotations.of(this).addWarningV2('cdk-secure-studio:monitorKeyPolicy',
        'The monitor\'s encryptionKey is imported, so its key policy cannot be changed here: allow events.amazonaws.com ' +
        'kms:GenerateDataKey and kms:Decrypt for the monitor\'s rules (aws:SourceArn), or EventBridge cannot write undeliverable events ' +
        'to the delivery dead-letter queue.');
    }
  }
}

/** The user profiles of a domain anywhere in the app, read when called (at synthesis). */
function profilesOf(domain: StudioDomain): StudioUserProfile[] {
  return domain.node.root.node.findAll()
    .filter((node): node is StudioUserProfile => node instanceof StudioUserProfile && node.resource.domainId === domain.domainId);
}

/** The aliases, defined anywhere in the app, of the given keys. */
function aliasesOf(scope: Construct, keys: kms.IKey[]): kms.IKey[] {
  return scope.node.root.node.findAll()
    .filter((node): node is kms.Alias => node instanceof kms.Alias && keys.includes(node.aliasTargetKey));
}

/**
 * Makes every user profile of the domain in the monitor's stack depend on the inspector and its
 * rules: CloudFormation then updates the inspector's allowed groups (and creates the rules) before
 * it creates the profile whose creation the inspector checks. A profile in another stack cannot
 * wait for the monitor without a dependency cycle (the monitor reads its group).
 */
class CreateProfilesAfterMonitor implements IAspect {
  constructor(private readonly domain: StudioDomain, private readonly monitor: StudioComplianceMonitor) {}

  public visit(node: IConstruct): void {
    if (node instanceof StudioUserProfile && node.resource.domainId === this.domain.domainId && Stack.of(node) === Stack.of(this.monitor)) {
      node.node.addDependency(this.monitor.inspector, this.monitor.rule, ...this.monitor.notebookRule ? [this.monitor.notebookRule] : []);
    }
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The policy the construct writes, as JSON, into the inspector's POLICY variable (the inspector's CompliancePolicy). */
interface InspectorPolicy {
  readonly allowedSubnetIds?: string[];
  readonly allowedSecurityGroupIds?: string[];
  readonly kmsKeyArns?: string[];
  readonly requireNetworkIsolation: boolean;
}

/** Lambda's limit on the total size of a function's environment variables (names and values). */
const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** Room for the other variables (topic ARN, stop flag, account, connection reuse) and the JSON around the lists. */
const ENVIRONMENT_OVERHEAD_BYTES = 400;

/**
 * The allowed sets travel in the inspector's environment, which Lambda limits to 4 KB; an
 * environment with many users (one security group each) could exceed it at deploy time. The
 * estimate counts a value known only at deploy time at its longest usual length.
 */
function validateEnvironmentSize(policy: InspectorPolicy): string[] {
  const size = (values: string[] | undefined, unresolvedLength: number) =>
    (values ?? []).reduce((sum, value) => sum + (isUnresolved(value) ? unresolvedLength : value.length) + 3, 0);
  const estimate = ENVIRONMENT_OVERHEAD_BYTES + size(policy.allowedSubnetIds, 24) + size(policy.allowedSecurityGroupIds, 20) +
    size(policy.kmsKeyArns, 100);
  if (estimate <= LAMBDA_ENVIRONMENT_MAX_BYTES) {
    return [];
  }
  return [`StudioComplianceMonitor allowedSecurityGroups: the allowed subnets (${policy.allowedSubnetIds?.length ?? 0}), security groups ` +
    `(${policy.allowedSecurityGroupIds?.length ?? 0}) and keys (${policy.kmsKeyArns?.length ?? 0}) take about ${estimate} bytes of the ` +
    `inspector's environment; at most ${LAMBDA_ENVIRONMENT_MAX_BYTES} (Lambda's limit on environment variables): allow fewer ` +
    'security groups (e.g. profiles that share a group) or keys'];
}

function validate(scope: Construct, props: StudioComplianceMonitorProps): void {
  checkIntegerRange(NAME, 'reservedConcurrency', props.reservedConcurrency, 1, 100);
  if (props.allowedSubnets !== undefined && props.allowedSubnets.length === 0) {
    invalid(NAME, 'allowedSubnets', 'the list is empty (every resource would be a finding)', 'at least one subnet, or undefined for any subnet');
  }
  if (props.allowedSecurityGroups !== undefined && props.allowedSecurityGroups.length === 0) {
    invalid(NAME, 'allowedSecurityGroups', 'the list is empty (every resource would be a finding)',
      'at least one security group, or undefined for any group');
  }
  if (props.encryptionKeys !== undefined && props.encryptionKeys.length === 0) {
    invalid(NAME, 'encryptionKeys', 'the list is empty (every key would be a finding)', 'at least one key, or undefined for any key');
  }
  // The inspector checks resources of its own region: a key of another region can never be named by one of them.
  for (const key of props.encryptionKeys ?? []) {
    checkRegionalArn(scope, NAME, 'encryptionKeys', key.keyArn, 'kms');
  }
  checkRegionalArn(scope, NAME, 'encryptionKey', props.encryptionKey?.keyArn, 'kms');
  checkRemovalPolicy(NAME, 'removalPolicy', props.removalPolicy, 'KMS keys, log groups and SQS queues');
  if (props.logRetention !== undefined && !isUnresolved(props.logRetention)) {
    checkChoice(NAME, 'logRetention', props.logRetention, Object.values(logs.RetentionDays).filter((days) => typeof days === 'number'),
      'a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_YEAR');
  }
}

function sagemakerArn(stack: Stack, resource: string, resourceName: string): string {
  return stack.formatArn({ service: 'sagemaker', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** Describe calls for the inspected types, the instance-type lookup, and the stop calls only when opted in. */
function inspectorStatements(stack: Stack, stopNonCompliant: boolean): iam.PolicyStatement[] {
  const stoppable = ['training-job', 'processing-job', 'hyper-parameter-tuning-job', 'transform-job', 'automl-job', 'compilation-job',
    'notebook-instance'].map((type) => sagemakerArn(stack, type, '*'));
  const statements = [
    new iam.PolicyStatement({
      sid: 'DescribeInspectedSageMakerResources',
      actions: [
        'sagemaker:DescribeTrainingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:DescribeHyperParameterTuningJob',
        'sagemaker:DescribeTransformJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:DescribeAutoMLJobV2', 'sagemaker:DescribeCompilationJob',
        'sagemaker:DescribeModel', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeCluster',
        'sagemaker:DescribeNotebookInstance', 'sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace',
        'sagemaker:DescribeApp',
      ],
      resources: [
        ...stoppable,
        sagemakerArn(stack, 'model', '*'),
        sagemakerArn(stack, 'endpoint-config', '*'),
        sagemakerArn(stack, 'endpoint', '*'),
        sagemakerArn(stack, 'cluster', '*'),
        sagemakerArn(stack, 'domain', '*'),
        sagemakerArn(stack, 'user-profile', '*/*'),
        sagemakerArn(stack, 'space', '*/*'),
        sagemakerArn(stack, 'app', '*/*'),
      ],
    }),
    // Whether an instance type has instance store volumes (then SageMaker refuses a volume key).
    // DescribeInstanceTypes supports no resource-level permissions.
    new iam.PolicyStatement({
      sid: 'LookUpInstanceStorageOfInstanceTypes',
      actions: ['ec2:DescribeInstanceTypes'],
      resources: ['*'],
    }),
  ];
  if (stopNonCompliant) {
    statements.push(new iam.PolicyStatement({
      sid: 'StopNonCompliantJobsAndNotebooks',
      actions: [
        'sagemaker:StopTrainingJob', 'sagemaker:StopProcessingJob', 'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:StopTransformJob', 'sagemaker:StopAutoMLJob', 'sagemaker:StopCompilationJob', 'sagemaker:StopNotebookInstance',
      ],
      resources: stoppable,
    }));
  }
  return statements;
}

function acknowledgeMonitorFindings(monitor: StudioComplianceMonitor, statements: iam.PolicyStatement[], noReservedConcurrency: boolean): void {
  const role = monitor.inspector.role!;
  acknowledgeFindings(role, 'AWSLambdaBasicExecutionRole lets the compliance inspector write only its own logs.', [
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  ]);
  const policy = role.node.findChild('DefaultPolicy');
  acknowledgeFindings(policy,
    'The inspector describes (and, only when stopNonCompliant is set, stops) SageMaker resources that anyone in the account ' +
    'may create under any name, so their ARNs carry a name wildcard in this account and region; ec2:DescribeInstanceTypes, a ' +
    'read-only lookup of the public instance-type catalogue, supports no resource-level permissions; kms:GenerateDataKey* (to ' +
    'publish to the encrypted topic and dead-letter queue) is on the monitor\'s own key only. The policy is inline on the role of ' +
    'the one function it serves.', [
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
  if (noReservedConcurrency) {
    const concurrency = 'Reserving concurrency fails the deployment in an account with a low Lambda concurrency quota (Lambda keeps a ' +
      'minimum of unreserved concurrency), so it is opt-in (reservedConcurrency); the inspector handles one event per SageMaker ' +
      'create/update call, and an event it cannot run for is retried by Lambda and EventBridge and then kept in a dead-letter queue.';
    acknowledgeFindings(monitor.inspector, concurrency, ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency']);
    skipCheckovChecks(monitor.inspector.node.defaultChild as CfnResource, concurrency, ['CKV_AWS_115']);
  }
  acknowledgeFindings(monitor.deadLetterQueue,
    'This queue is itself the dead-letter queue of the compliance inspector; a dead-letter queue of a dead-letter queue adds nothing.', [
      'AwsSolutions-SQS3',
    ]);
  acknowledgeFindings(monitor.deliveryDeadLetterQueue,
    'This queue is itself the dead-letter queue of the monitor\'s EventBridge target; a dead-letter queue of a dead-letter queue adds nothing.', [
      'AwsSolutions-SQS3',
    ]);
}
