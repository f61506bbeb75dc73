import { ArnFormat, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DomainTeardownIsCompleteFunction } from './domain-teardown-is-complete-function';
import { DomainTeardownOnEventFunction } from './domain-teardown-on-event-function';
import { FRAMEWORK_TIMEOUT_SECONDS, PASS_FUNCTION_TIMEOUT_SECONDS, PASS_INTERVAL_SECONDS, SERVICE_TIMEOUT_SECONDS } from './timing';
import { acknowledgeFindings, acknowledgeProviderFramework, CHECKOV_PROVIDER_LAMBDA_CHECKS, PROVIDER_LAMBDA_RULES, skipCheckovChecks, skipEnvironmentKeyCheck } from '../../private/acknowledge';
import { wildcardFindingIds } from '../../private/wildcard-findings';

/** Properties of the internal DomainTeardown construct. */
export interface DomainTeardownProps {
  /** The domain id. */
  readonly domainId: string;
  /** The id of the domain's home EFS file system. */
  readonly homeEfsFileSystemId: string;
  /** The domain's VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Constructs the custom resource must be deleted before: the domain, its network (VPC,
   * subnets, security groups) and the stack's user profiles.
   */
  readonly dependsOn: IConstruct[];
}

/**
 * The Provider framework's total timeout: below CloudFormation's service timeout, and above the
 * handler's own limit, so that the handler fails first and says what it waits for (timing.ts).
 */
export const TEARDOWN_TIMEOUT = Duration.seconds(FRAMEWORK_TIMEOUT_SECONDS);

/** CloudFormation's service timeout of the custom resource, set explicitly to its maximum. */
export const TEARDOWN_SERVICE_TIMEOUT = Duration.seconds(SERVICE_TIMEOUT_SECONDS);

/**
 * Deletes a Studio domain and what SageMaker created for it when the stack is deleted, or
 * when an update replaces or removes the domain (the old domain, in the update's cleanup
 * phase): apps, spaces, user profiles, the domain with its home EFS file system, and the two
 * NFS security groups of the domain (docs/decisions/040-domain-teardown.md). Waits while
 * SageMaker, EFS and EC2 are busy; fails with the reason when a condition cannot clear by
 * itself or the teardown runs out of time. Internal: created by StudioDomain when its
 * removal policy is DESTROY.
 */
export class DomainTeardown extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DomainTeardownProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const onEventHandler = new DomainTeardownOnEventFunction(this, 'OnEvent', {
      description: 'Studio domain teardown: tells a stack deletion from a resource removal',
      timeout: Duration.minutes(1),
    });
    onEventHandler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadThisStackStatusAndTemplate',
      actions: STACK_READS,
      resources: [stack.stackId],
    }));
    const isCompleteHandler = new DomainTeardownIsCompleteFunction(this, 'IsComplete', {
      description: 'Studio domain teardown: deletes apps, spaces, profiles, the domain, its EFS and NFS security groups',
      timeout: Duration.seconds(PASS_FUNCTION_TIMEOUT_SECONDS),
    });
    const statements = teardownStatements(stack, props);
    for (const statement of statements) {
      isCompleteHandler.addToRolePolicy(statement);
    }

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      queryInterval: Duration.seconds(PASS_INTERVAL_SECONDS),
      totalTimeout: TEARDOWN_TIMEOUT,
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      serviceTimeout: TEARDOWN_SERVICE_TIMEOUT,
      resourceType: 'Custom::StudioDomainTeardown',
      properties: {
        DomainId: props.domainId,
        VpcId: props.vpc.vpcId,
        HomeEfsFileSystemId: props.homeEfsFileSystemId,
      },
    });
    // CloudFormation deletes in reverse dependency order: depending on the domain and its
    // network makes the teardown run (and finish) before any of them is deleted.
    this.resource.node.addDependency(...props.dependsOn);
    acknowledgeTeardownFindings([onEventHandler, isCompleteHandler], statements, provider);
  }

  /** Makes the teardown run before this construct's resources are deleted. */
  public runBefore(construct: IConstruct): void {
    this.resource.node.addDependency(construct);
  }
}

/** What both handlers read of their own stack: its status, its template and a resource's physical id. */
const STACK_READS = ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:DescribeStackResource'];

/**
 * The is-complete handler's permissions. SageMaker and EFS deletes name every domain of this
 * account and region, not only the current one: when an update replaces the domain, this policy
 * already names the new domain when CloudFormation asks to delete the old one. The handler acts
 * only on a domain CloudFormation is deleting the teardown of (its DELETE_IN_PROGRESS event).
 */
function teardownStatements(stack: Stack, props: DomainTeardownProps): iam.PolicyStatement[] {
  const sagemakerArn = (resource: string) =>
    stack.formatArn({ service: 'sagemaker', resource, resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const vpcArn = stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpc.vpcId });
  // The tag SageMaker puts on the home file system and the NFS groups it creates: the domain's ARN.
  const sageMakerManaged = { StringLike: { 'aws:ResourceTag/ManagedByAmazonSageMakerResource': sagemakerArn('domain') } };
  return [
    new iam.PolicyStatement({
      sid: 'ReadThisStackStatusTemplateAndEvents',
      actions: [...STACK_READS, 'cloudformation:DescribeStackEvents'],
      resources: [stack.stackId],
    }),
    new iam.PolicyStatement({
      sid: 'DeleteStudioDomainsAndTheirAppsSpacesProfiles',
      actions: ['sagemaker:DescribeDomain', 'sagemaker:DeleteDomain', 'sagemaker:DeleteApp', 'sagemaker:DeleteSpace', 'sagemaker:DeleteUserProfile'],
      resources: [sagemakerArn('domain'), sagemakerArn('app'), sagemakerArn('space'), sagemakerArn('user-profile')],
    }),
    new iam.PolicyStatement({
      sid: 'ListAppsSpacesProfiles',
      actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'DeleteNfsSecurityGroupsInTheDomainVpc',
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' })],
      conditions: { ArnEquals: { 'ec2:Vpc': vpcArn } },
    }),
    new iam.PolicyStatement({
      sid: 'DeleteSageMakerNfsSecurityGroups',
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' })],
      conditions: sageMakerManaged,
    }),
    new iam.PolicyStatement({
      sid: 'DeleteTheHomeFileSystem',
      actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets', 'elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: props.homeEfsFileSystemId })],
    }),
    new iam.PolicyStatement({
      sid: 'DescribeFileSystems',
      actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: '*' })],
    }),
    new iam.PolicyStatement({
      sid: 'DeleteSageMakerHomeFileSystems',
      actions: ['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: '*' })],
      conditions: sageMakerManaged,
    }),
    new iam.PolicyStatement({
      sid: 'DeleteMountTargetInterfacesInTheDomainVpc',
      actions: ['ec2:DeleteNetworkInterface'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' })],
      conditions: { ArnEquals: { 'ec2:Vpc': vpcArn } },
    }),
  ];
}

function acknowledgeTeardownFindings(handlers: lambda.Function[], statements: iam.PolicyStatement[], provider: cr.Provider): void {
  for (const handler of handlers) {
    acknowledgeFindings(handler.role!,
      'AWSLambdaBasicExecutionRole lets the Studio teardown handler write only its own logs.', [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ]);
  }
  acknowledgeFindings(handlers[1].role!.node.findChild('DefaultPolicy'),
    'sagemaker:ListApps/ListSpaces/ListUserProfiles and ec2:DescribeSecurityGroups support no resource-level permissions ' +
    '(the handler filters by domain id, names, VPC and tag). SageMaker deletes name the Studio domains, apps, spaces and ' +
    'profiles of this account and region, because a domain replaced by an update must be torn down after this policy names ' +
    'its successor; the handler acts only on the domain whose teardown CloudFormation is deleting (proven by the stack\'s own ' +
    'DELETE_IN_PROGRESS event). Security groups are limited to the domain VPC (ec2:Vpc) or to groups SageMaker tagged as a ' +
    'domain\'s (ManagedByAmazonSageMakerResource), EFS deletes to this domain\'s file system or file systems SageMaker tagged ' +
    'so, network interfaces to the domain VPC: their ids are only known once SageMaker has created them.', [
      ...statements.flatMap((statement) => wildcardFindingIds(provider, statement)),
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  acknowledgeFindings(handlers[0].role!.node.findChild('DefaultPolicy'),
    'The policy allows cloudformation:DescribeStacks, GetTemplate and DescribeStackResource on this stack only, inline on the ' +
    'role of the teardown handler it serves.', [
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  const reason = 'Teardown run by CloudFormation only, on stack deletion or an update\'s cleanup (no event source, no data): CloudFormation and the ' +
    'Provider framework retry and report failures (no DLQ needed), it needs no reserved concurrency, and it runs outside ' +
    'the VPC because the VPC it tears down may have no endpoints for the SageMaker, EC2, EFS and CloudFormation APIs.';
  for (const handler of handlers) {
    skipCheckovChecks(handler.node.defaultChild as CfnResource, reason, CHECKOV_PROVIDER_LAMBDA_CHECKS);
    skipEnvironmentKeyCheck(handler.node.defaultChild as CfnResource);
    acknowledgeFindings(handler, reason, PROVIDER_LAMBDA_RULES);
  }
  // The Provider framework of aws-cdk-lib: its functions, roles and waiter state machine.
  const frameworkReason = 'Provider framework of aws-cdk-lib (runtime and policies chosen by aws-cdk-lib): it only invokes ' +
    'the teardown handlers and its waiter state machine; it is run by CloudFormation only, outside the VPC, with no data.';
  acknowledgeProviderFramework(provider, frameworkReason);
}

