import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The explicit Deny statements attached to every persona and job role. One builder per
 * statement, so that each can be tested and simulated alone. The action lists follow
 * the condition keys each action supports in the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
 * and, for the network guardrails, list_amazonec2.html, list_awsnetworkfirewall.html,
 * list_amazonroute53resolver.html and list_amazoncloudwatchlogs.html in the same folder.
 */

/** Create calls that name VPC subnets and security groups. Transform jobs run in the VPC of their model. */
export const VPC_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob',
  'sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2', 'sagemaker:CreateModel',
];

/** Create calls that name a volume and an output KMS key (`sagemaker:VolumeKmsKeyArn`, `sagemaker:OutputKmsKeyArn`). */
export const ENCRYPTED_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob',
  'sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2', 'sagemaker:CreateTransformJob',
];

/** Create calls of jobs that may run on several instances (`sagemaker:InterContainerTrafficEncryption`). */
export const DISTRIBUTED_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob',
  'sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2',
];

/** Create calls whose containers can be cut off from the network (`sagemaker:NetworkIsolation`). */
export const ISOLATABLE_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateModel',
];

/**
 * Endpoint configurations. Per the Service Authorization Reference (link above),
 * `sagemaker:CreateEndpointConfig` carries `sagemaker:VolumeKmsKeyArn`, `sagemaker:VpcSubnets`,
 * `sagemaker:VpcSecurityGroupIds` and `sagemaker:NetworkIsolation` (plus tag, instance type,
 * accelerator, model and serverless keys), but no output key: the KMS keys of data capture
 * (`DataCaptureConfig.KmsKeyId`) and of asynchronous inference output
 * (`AsyncInferenceConfig.OutputConfig.KmsKeyId`) reach no condition key, so no policy can
 * check them (docs/decisions/012-endpoint-config-and-network-guardrails.md).
 */
export const ENDPOINT_CONFIG_ACTIONS = ['sagemaker:CreateEndpointConfig'];

/** Calls that can turn on remote debugging of a training job (`sagemaker:EnableRemoteDebug`). */
export const REMOTE_DEBUG_ACTIONS = ['sagemaker:CreateTrainingJob', 'sagemaker:UpdateTrainingJob'];

/** Calls that can turn on remote IDE access to a Studio space (`sagemaker:RemoteAccess`, ENABLED or DISABLED). */
export const SPACE_SETTINGS_ACTIONS = ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace'];

/**
 * EC2 calls that change how traffic enters or leaves a VPC, or who records it: routes and
 * route tables, security groups and their rules (and the groups of a network interface),
 * network ACLs, VPC endpoints and their policies, flow logs, subnets, the VPC's CIDR blocks,
 * attributes and DHCP options, block-public-access exclusions, internet, egress-only, NAT and
 * VPN gateways, peering and transit gateway VPC attachments, and Client VPN ingress. Exact
 * names and prefix or suffix patterns only: a test expands each pattern over the Service
 * Authorization Reference data and finds no Read or List action among its matches (every
 * Describe* stays allowed), and finds the network-interface calls of SageMaker jobs outside it.
 */
export const VPC_NETWORK_CHANGE_ACTIONS = [
  'ec2:CreateRoute*', 'ec2:DeleteRoute*', 'ec2:ReplaceRoute*', 'ec2:AssociateRoute*', 'ec2:DisassociateRoute*',
  'ec2:ModifyRouteServer', 'ec2:*VgwRoutePropagation', 'ec2:*RouteServerPropagation',
  'ec2:CreateSecurityGroup', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroup*', 'ec2:RevokeSecurityGroup*',
  'ec2:UpdateSecurityGroupRuleDescriptions*', 'ec2:ModifySecurityGroupRules', 'ec2:*SecurityGroupVpc',
  'ec2:ModifyNetworkInterfaceAttribute',
  'ec2:CreateNetworkAcl*', 'ec2:DeleteNetworkAcl*', 'ec2:ReplaceNetworkAcl*',
  'ec2:CreateVpcEndpoint*', 'ec2:DeleteVpcEndpoint*', 'ec2:ModifyVpcEndpoint*', 'ec2:AcceptVpcEndpointConnections',
  'ec2:RejectVpcEndpointConnections',
  'ec2:CreateFlowLogs', 'ec2:DeleteFlowLogs',
  'ec2:CreateSubnet*', 'ec2:DeleteSubnet*', 'ec2:ModifySubnetAttribute', 'ec2:*SubnetCidrBlock',
  'ec2:*VpcCidrBlock', 'ec2:ModifyVpcAttribute', 'ec2:AssociateDhcpOptions',
  'ec2:*VpcBlockPublicAccessExclusion', 'ec2:ModifyVpcBlockPublicAccessOptions',
  'ec2:*InternetGateway', 'ec2:*NatGateway', 'ec2:*NatGatewayAddress', 'ec2:*VpnGateway',
  'ec2:*VpcPeeringConnection', 'ec2:ModifyVpcPeeringConnectionOptions', 'ec2:*TransitGatewayVpcAttachment',
  'ec2:CreateClientVpn*', 'ec2:AssociateClientVpnTargetNetwork', 'ec2:AuthorizeClientVpnIngress',
];

/** Every AWS Network Firewall action that is not Read or List: the verbs of its mutating actions. */
export const NETWORK_FIREWALL_CHANGE_ACTIONS = [
  'network-firewall:Accept*', 'network-firewall:Associate*', 'network-firewall:Attach*', 'network-firewall:Create*',
  'network-firewall:Delete*', 'network-firewall:Detach*', 'network-firewall:Disassociate*', 'network-firewall:Put*',
  'network-firewall:Reject*', 'network-firewall:Start*', 'network-firewall:Update*', 'network-firewall:TagResource',
  'network-firewall:UntagResource',
];

/**
 * Every Route 53 Resolver action that is not Read or List: DNS Firewall rule groups, domain
 * lists, rules, associations and its configuration (`UpdateFirewallConfig`), query logging,
 * and resolver rules and endpoints (a forwarding rule or an outbound endpoint is a way out too).
 */
export const RESOLVER_CHANGE_ACTIONS = [
  'route53resolver:Associate*', 'route53resolver:Create*', 'route53resolver:Delete*', 'route53resolver:Disassociate*',
  'route53resolver:Import*', 'route53resolver:Put*', 'route53resolver:Update*', 'route53resolver:TagResource',
  'route53resolver:UntagResource',
];

/** CloudWatch Logs calls that destroy or shorten the record: log groups, streams, retention, the key. */
export const LOG_DELETION_ACTIONS = [
  'logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
  'logs:AssociateKmsKey', 'logs:DisassociateKmsKey',
];

const NOTEBOOK_INSTANCE_ACTIONS = [
  'sagemaker:CreateNotebookInstance', 'sagemaker:UpdateNotebookInstance', 'sagemaker:StartNotebookInstance',
  'sagemaker:CreatePresignedNotebookInstanceUrl', 'sagemaker:CreateNotebookInstanceLifecycleConfig',
  'sagemaker:UpdateNotebookInstanceLifecycleConfig',
];

const DOMAIN_AND_PROFILE_ACTIONS = [
  'sagemaker:CreateDomain', 'sagemaker:UpdateDomain', 'sagemaker:DeleteDomain',
  'sagemaker:CreateUserProfile', 'sagemaker:UpdateUserProfile', 'sagemaker:DeleteUserProfile',
];

function deny(sid: string, actions: string[], conditions?: Record<string, Record<string, unknown>>): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, actions, resources: ['*'], conditions });
}

/** Deny jobs and models outside a VPC: the documented check is a Null condition on `sagemaker:VpcSubnets`. */
export function denyJobsWithoutVpcSubnets(): iam.PolicyStatement {
  return deny('DenyJobsWithoutVpcSubnets', VPC_JOB_ACTIONS, { Null: { 'sagemaker:VpcSubnets': 'true' } });
}

/** Deny jobs and models without security groups. */
export function denyJobsWithoutSecurityGroups(): iam.PolicyStatement {
  return deny('DenyJobsWithoutSecurityGroups', VPC_JOB_ACTIONS, { Null: { 'sagemaker:VpcSecurityGroupIds': 'true' } });
}

/** Deny jobs and models that name any subnet but the environment's. */
export function denyJobsOutsideSubnets(subnetIds: string[]): iam.PolicyStatement {
  return deny('DenyJobsOutsideEnvironmentSubnets', VPC_JOB_ACTIONS, { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': subnetIds } });
}

/** Deny jobs and models that name any security group but the environment's. */
export function denyJobsWithOtherSecurityGroups(securityGroupIds: string[]): iam.PolicyStatement {
  return deny('DenyJobsWithOtherSecurityGroups', VPC_JOB_ACTIONS,
    { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': securityGroupIds } });
}

/** Deny jobs whose storage volumes are not encrypted with a customer KMS key. */
export function denyJobsWithoutVolumeKey(): iam.PolicyStatement {
  return deny('DenyJobsWithoutVolumeKey', ENCRYPTED_JOB_ACTIONS, { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } });
}

/** Deny jobs whose storage volumes use any key but the environment's (given as a key ARN in the request). */
export function denyJobsWithOtherVolumeKey(keyArn: string): iam.PolicyStatement {
  return deny('DenyJobsWithOtherVolumeKey', ENCRYPTED_JOB_ACTIONS, { ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': keyArn } });
}

/** Deny jobs whose output is not encrypted with a customer KMS key. */
export function denyJobsWithoutOutputKey(): iam.PolicyStatement {
  return deny('DenyJobsWithoutOutputKey', ENCRYPTED_JOB_ACTIONS, { Null: { 'sagemaker:OutputKmsKeyArn': 'true' } });
}

/** Deny jobs whose output uses any key but the environment's (given as a key ARN in the request). */
export function denyJobsWithOtherOutputKey(keyArn: string): iam.PolicyStatement {
  return deny('DenyJobsWithOtherOutputKey', ENCRYPTED_JOB_ACTIONS, { ArnNotEquals: { 'sagemaker:OutputKmsKeyArn': keyArn } });
}

/** Deny distributed jobs unless inter-container traffic encryption is explicitly on (absent counts as off). */
export function denyUnencryptedInterContainerTraffic(): iam.PolicyStatement {
  return deny('DenyUnencryptedInterContainerTraffic', DISTRIBUTED_JOB_ACTIONS,
    { BoolIfExists: { 'sagemaker:InterContainerTrafficEncryption': 'false' } });
}

/** Deny jobs and models unless network isolation is explicitly on (absent counts as off). */
export function denyJobsWithoutNetworkIsolation(): iam.PolicyStatement {
  return deny('DenyJobsWithoutNetworkIsolation', ISOLATABLE_JOB_ACTIONS, { BoolIfExists: { 'sagemaker:NetworkIsolation': 'false' } });
}

/**
 * Deny training jobs with remote debugging on (`sagemaker:EnableRemoteDebug` true), at
 * creation or by update: it opens an SSM session into the training container. Absent means off.
 */
export function denyRemoteDebugging(): iam.PolicyStatement {
  return deny('DenyRemoteDebugging', REMOTE_DEBUG_ACTIONS, { Bool: { 'sagemaker:EnableRemoteDebug': 'true' } });
}

/** Deny endpoint configurations whose storage volumes are not encrypted with a customer KMS key. */
export function denyEndpointConfigsWithoutVolumeKey(): iam.PolicyStatement {
  return deny('DenyEndpointConfigsWithoutVolumeKey', ENDPOINT_CONFIG_ACTIONS, { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } });
}

/**
 * Deny endpoint configurations whose volume key is any but the environment's (another
 * account's key included). Data capture and asynchronous output keys cannot be checked.
 */
export function denyEndpointConfigsWithOtherVolumeKey(keyArn: string): iam.PolicyStatement {
  return deny('DenyEndpointConfigsWithOtherVolumeKey', ENDPOINT_CONFIG_ACTIONS, { ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': keyArn } });
}

/**
 * Deny endpoint configurations that name any subnet but the environment's. A configuration
 * without a VPC is not denied: classic endpoints run in the VPC of their model.
 */
export function denyEndpointConfigsOutsideSubnets(subnetIds: string[]): iam.PolicyStatement {
  return deny('DenyEndpointConfigsOutsideEnvironmentSubnets', ENDPOINT_CONFIG_ACTIONS,
    { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': subnetIds } });
}

/** Deny endpoint configurations that name any security group but the environment's. */
export function denyEndpointConfigsWithOtherSecurityGroups(securityGroupIds: string[]): iam.PolicyStatement {
  return deny('DenyEndpointConfigsWithOtherSecurityGroups', ENDPOINT_CONFIG_ACTIONS,
    { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': securityGroupIds } });
}

/**
 * Deny remote IDE access to Studio spaces (`sagemaker:RemoteAccess` present and anything but
 * DISABLED): a remote connection is authenticated with IAM credentials, outside the Studio
 * sign-in policy. A request without the setting is not denied: a new space then has it off,
 * and an update leaves it as it is.
 */
export function denySpaceRemoteAccess(): iam.PolicyStatement {
  return deny('DenySpaceRemoteAccess', SPACE_SETTINGS_ACTIONS, {
    Null: { 'sagemaker:RemoteAccess': 'false' },
    StringNotEquals: { 'sagemaker:RemoteAccess': 'DISABLED' },
  });
}

/**
 * Deny creating a space unless it is private (`sagemaker:SpaceSharingType` is `Private`; a
 * request without it is denied too), and creating an app in a shared space: the two calls
 * that carry the key besides UpdateSpace and DeleteSpace (the type is fixed at creation). A shared space runs
 * as the domain's default space role and carries the domain's Studio security group, which
 * SageMaker jobs also carry, rather than the user's own groups (docs/decisions/081-private-spaces.md).
 * Apps of the user profile itself, outside any space, carry no sharing type and are not denied.
 */
export function denySharedSpaces(): iam.PolicyStatement[] {
  return [
    deny('DenySpacesButPrivate', ['sagemaker:CreateSpace'], { StringNotEquals: { 'sagemaker:SpaceSharingType': 'Private' } }),
    deny('DenyAppsInSharedSpaces', ['sagemaker:CreateApp'], { StringEquals: { 'sagemaker:SpaceSharingType': 'Shared' } }),
  ];
}

/** Deny changes to the VPC's network perimeter (see `VPC_NETWORK_CHANGE_ACTIONS`). */
export function denyVpcNetworkChanges(): iam.PolicyStatement {
  return deny('DenyVpcNetworkChanges', VPC_NETWORK_CHANGE_ACTIONS);
}

/** Deny every change to AWS Network Firewall firewalls, policies, rule groups and their logging. */
export function denyNetworkFirewallChanges(): iam.PolicyStatement {
  return deny('DenyNetworkFirewallChanges', NETWORK_FIREWALL_CHANGE_ACTIONS);
}

/** Deny every change to Route 53 Resolver: DNS Firewall, query logging, resolver rules and endpoints. */
export function denyResolverChanges(): iam.PolicyStatement {
  return deny('DenyResolverChanges', RESOLVER_CHANGE_ACTIONS);
}

/** Deny deleting log groups and streams, changing their retention, and changing their key. */
export function denyLogDeletion(): iam.PolicyStatement {
  return deny('DenyLogDeletion', LOG_DELETION_ACTIONS);
}

/** Deny notebook instances altogether: Studio is the only notebook environment. */
export function denyNotebookInstances(): iam.PolicyStatement {
  return deny('DenyNotebookInstances', NOTEBOOK_INSTANCE_ACTIONS);
}

/** Deny changes to domains and user profiles: a user who can update a profile can give it a stronger role. */
export function denyDomainAndProfileChanges(): iam.PolicyStatement {
  return deny('DenyDomainAndProfileChanges', DOMAIN_AND_PROFILE_ACTIONS);
}

/** Deny passing any role but the job execution roles. */
export function denyPassingOtherRoles(jobRoleArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'DenyPassingOtherRoles', effect: iam.Effect.DENY, actions: ['iam:PassRole'], notResources: jobRoleArns });
}

/** Deny passing the job execution roles to any service but SageMaker. */
export function denyPassingJobRolesOutsideSageMaker(jobRoleArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyPassingJobRolesOutsideSageMaker',
    effect: iam.Effect.DENY,
    actions: ['iam:PassRole'],
    resources: jobRoleArns,
    conditions: { StringNotEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  });
}

/** The ECR calls that pull an image: its manifest and its layers. */
export const IMAGE_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/**
 * Deny pulling images from repositories of the given account other than the approved ones
 * (`aws:ResourceAccount`; when the key is missing the denial applies to every account, so
 * it fails closed). Repositories of other accounts, AWS's own images among them, are left
 * to other controls (the domain's trusted accounts for Docker).
 */
export function denyImagePullsOutsideApprovedRepositories(account: string, approvedRepositoryArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyImagePullsOutsideApprovedRepositories',
    effect: iam.Effect.DENY,
    actions: IMAGE_PULL_ACTIONS,
    notResources: approvedRepositoryArns,
    conditions: { StringEqualsIfExists: { 'aws:ResourceAccount': account } },
  });
}

/** The environment that job guardrails hold jobs to; what is not given is only required to be present. */
export interface JobGuardrailSettings {
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
  readonly volumeKeyArn?: string;
  readonly outputKeyArn?: string;
  readonly requireNetworkIsolation: boolean;
}

/** Network and encryption guardrails of SageMaker jobs and models. */
export function jobGuardrails(settings: JobGuardrailSettings): iam.PolicyStatement[] {
  return [
    denyJobsWithoutVpcSubnets(),
    denyJobsWithoutSecurityGroups(),
    ...(settings.subnetIds ? [denyJobsOutsideSubnets(settings.subnetIds)] : []),
    ...(settings.securityGroupIds ? [denyJobsWithOtherSecurityGroups(settings.securityGroupIds)] : []),
    denyJobsWithoutVolumeKey(),
    ...(settings.volumeKeyArn ? [denyJobsWithOtherVolumeKey(settings.volumeKeyArn)] : []),
    denyJobsWithoutOutputKey(),
    ...(settings.outputKeyArn ? [denyJobsWithOtherOutputKey(settings.outputKeyArn)] : []),
    denyUnencryptedInterContainerTraffic(),
    ...(settings.requireNetworkIsolation ? [denyJobsWithoutNetworkIsolation()] : []),
    denyRemoteDebugging(),
  ];
}

/**
 * Guardrails of endpoint configurations: a volume key always, the environment's when
 * given; the environment's subnets and security groups when a configuration names a VPC.
 */
export function endpointConfigGuardrails(settings: JobGuardrailSettings): iam.PolicyStatement[] {
  return [
    denyEndpointConfigsWithoutVolumeKey(),
    ...(settings.volumeKeyArn ? [denyEndpointConfigsWithOtherVolumeKey(settings.volumeKeyArn)] : []),
    ...(settings.subnetIds ? [denyEndpointConfigsOutsideSubnets(settings.subnetIds)] : []),
    ...(settings.securityGroupIds ? [denyEndpointConfigsWithOtherSecurityGroups(settings.securityGroupIds)] : []),
  ];
}

/** Guardrails on the environment itself: notebook instances, the domain and profiles, role passing, remote access to spaces. */
export function adminGuardrails(jobRoleArns: string[]): iam.PolicyStatement[] {
  return [
    denyNotebookInstances(),
    denyDomainAndProfileChanges(),
    denyPassingOtherRoles(jobRoleArns),
    denyPassingJobRolesOutsideSageMaker(jobRoleArns),
    denySpaceRemoteAccess(),
  ];
}

/** Guardrails on the network perimeter: the VPC, the network firewall, Route 53 Resolver, and the logs that record them. */
export function networkGuardrails(): iam.PolicyStatement[] {
  return [
    denyVpcNetworkChanges(),
    denyNetworkFirewallChanges(),
    denyResolverChanges(),
    denyLogDeletion(),
  ];
}
