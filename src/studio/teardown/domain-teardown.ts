import { ArnFormat, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DomainTeardownIsCompleteFunction } from './domain-teardown-is-complete-function';
import { DomainTeardownOnEventFunction } from './domain-teardown-on-event-function';
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

/** How long app, space, profile, domain and EFS deletion may take in all. */
export const TEARDOWN_TIMEOUT = Duration.hours(1);

/**
 * Deletes a Studio domain and what SageMaker created for it when the stack is deleted:
 * apps, spaces, user profiles, the domain with its home EFS file system, and the two NFS
 * security groups of the domain (docs/decisions/040-domain-teardown.md). Internal: created
 * by StudioDomain when its removal policy is DESTROY.
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
      sid: 'ReadThisStackStatus',
      actions: ['cloudformation:DescribeStacks'],
      resources: [stack.stackId],
    }));
    const isCompleteHandler = new DomainTeardownIsCompleteFunction(this, 'IsComplete', {
      description: 'Studio domain teardown: deletes apps, spaces, profiles, the domain, its EFS and NFS security groups',
      timeout: Duration.minutes(5),
    });
    const statements = teardownStatements(stack, props);
    for (const statement of statements) {
      isCompleteHandler.addToRolePolicy(statement);
    }

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      queryInterval: Duration.seconds(30),
      totalTimeout: TEARDOWN_TIMEOUT,
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
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

function teardownStatements(stack: Stack, props: DomainTeardownProps): iam.PolicyStatement[] {
  const sagemakerArn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'sagemaker', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const vpcArn = stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpc.vpcId });
  return [
    new iam.PolicyStatement({
      sid: 'DeleteThisDomainAndItsAppsSpacesProfiles',
      actions: ['sagemaker:DescribeDomain', 'sagemaker:DeleteDomain', 'sagemaker:DeleteApp', 'sagemaker:DeleteSpace', 'sagemaker:DeleteUserProfile'],
      resources: [
        sagemakerArn('domain', props.domainId),
        sagemakerArn('app', `${props.domainId}/*`),
        sagemakerArn('space', `${props.domainId}/*`),
        sagemakerArn('user-profile', `${props.domainId}/*`),
      ],
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
      sid: 'DeleteTheHomeFileSystem',
      actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets', 'elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: props.homeEfsFileSystemId })],
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
    '(the handler filters by this domain id and VPC); app, space and profile ARNs carry the domain id and a wildcard for the ' +
    'names SageMaker users choose; security groups and network interfaces are limited to the domain VPC by ec2:Vpc, as their ' +
    'ids are only known once SageMaker has created them.', [
      ...statements.flatMap((statement) => wildcardFindingIds(provider, statement)),
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  acknowledgeFindings(handlers[0].role!.node.findChild('DefaultPolicy'),
    'The policy allows cloudformation:DescribeStacks on this stack only, inline on the role of the teardown handler it serves.', [
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  const reason = 'Teardown run by CloudFormation only on stack deletion (no event source, no data): CloudFormation and the ' +
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

