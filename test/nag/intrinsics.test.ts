import { CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { check, COMPLIANT, dnsFirewallAssociation, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED, reasons, studioFixture, StudioFixture } from './fixtures';
import { StudioRule } from '../../src/nag/rule';
import { APP_SECURITY_GROUPS_NOT_OPEN } from '../../src/nag/rules/app-security-groups-not-open';
import { BUCKET_POLICY_SOURCE_VPCE_DENIES } from '../../src/nag/rules/bucket-policy-source-vpce-denies';
import { DOCKER_ACCESS_DISABLED } from '../../src/nag/rules/docker-access-disabled';
import { DOMAIN_CUSTOMER_MANAGED_KEY } from '../../src/nag/rules/domain-customer-managed-key';
import { DOMAIN_VPC_DNS_FIREWALL } from '../../src/nag/rules/domain-vpc-dns-firewall';
import { DOMAIN_VPC_FLOW_LOGS } from '../../src/nag/rules/domain-vpc-flow-logs';
import { DOMAIN_VPC_ONLY } from '../../src/nag/rules/domain-vpc-only';
import { EXECUTION_ROLE_NO_FULL_ACCESS } from '../../src/nag/rules/execution-role-no-full-access';
import { FIREWALL_NO_SHARED_STORAGE_DOMAINS } from '../../src/nag/rules/firewall-no-shared-storage-domains';
import { FIREWALL_POLICY_STRICT_DROP } from '../../src/nag/rules/firewall-policy-strict-drop';
import { FIREWALL_ROUTE_BY_AZ } from '../../src/nag/rules/firewall-route-by-az';
import { FIREWALL_TLS_SNI_CHECKED } from '../../src/nag/rules/firewall-tls-sni-checked';
import { IDLE_SHUTDOWN_ENABLED } from '../../src/nag/rules/idle-shutdown-enabled';
import { INTERFACE_ENDPOINT_POLICY } from '../../src/nag/rules/interface-endpoint-policy';
import { NOTEBOOK_SHARING_ENCRYPTED } from '../../src/nag/rules/notebook-sharing-encrypted';
import { S3_ENDPOINT_NO_WILDCARD_WRITES } from '../../src/nag/rules/s3-endpoint-no-wildcard-writes';
import { S3_GATEWAY_ENDPOINT_POLICY } from '../../src/nag/rules/s3-gateway-endpoint-policy';
import { STUDIO_BUCKET_ENDPOINT_RESTRICTED } from '../../src/nag/rules/studio-bucket-endpoint-restricted';
import { STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC } from '../../src/nag/rules/studio-vpc-flow-log-all-traffic';

const NO_VALUE = { Ref: 'AWS::NoValue' };
const IDLE = { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60 } } };
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/**
 * One input of a rule: the resource whose property holds it, the resource the rule
 * checks (often the same), and a compliant and a non-compliant value as CloudFormation
 * writes them. `json` marks a policy document, which samples also write as Fn::Sub JSON.
 */
interface RuleInput {
  readonly rule: StudioRule;
  readonly path: string;
  readonly good: unknown;
  readonly bad: unknown;
  readonly json?: boolean;
  /** Builds the environment; returns the resource that holds the input and the one the rule checks. */
  build(fixture: StudioFixture): { holder: CfnResource; checked: CfnResource };
}

const onDomain = (fixture: StudioFixture) => ({ holder: fixture.domain, checked: fixture.domain });

function firewall(stack: Stack): nfw.CfnFirewall {
  return new nfw.CfnFirewall(stack, 'Firewall', {
    firewallName: 'egress',
    firewallPolicyArn: 'arn:aws:network-firewall:eu-west-1:111122223333:firewall-policy/egress',
    vpcId: 'vpc-12345678',
    subnetMappings: [{ subnetId: 'subnet-1' }],
  });
}

const INPUTS: RuleInput[] = [
  { rule: DOMAIN_VPC_ONLY, path: 'AppNetworkAccessType', good: 'VpcOnly', bad: 'PublicInternetOnly', build: onDomain },
  { rule: DOMAIN_CUSTOMER_MANAGED_KEY, path: 'KmsKeyId', good: { 'Fn::GetAtt': ['Key', 'Arn'] }, bad: NO_VALUE, build: onDomain },
  {
    rule: NOTEBOOK_SHARING_ENCRYPTED,
    path: 'DefaultUserSettings.SharingSettings',
    good: { NotebookOutputOption: 'Disabled' },
    bad: { NotebookOutputOption: 'Allowed', S3OutputPath: 's3://shared/notebooks' },
    build: onDomain,
  },
  { rule: IDLE_SHUTDOWN_ENABLED, path: 'DefaultUserSettings.CodeEditorAppSettings', good: IDLE, bad: NO_VALUE, build: onDomain },
  { rule: DOCKER_ACCESS_DISABLED, path: 'DomainSettings.DockerSettings.EnableDockerAccess', good: 'DISABLED', bad: 'ENABLED', build: onDomain },
  {
    rule: EXECUTION_ROLE_NO_FULL_ACCESS,
    path: 'ManagedPolicyArns',
    good: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    bad: ['arn:aws:iam::aws:policy/AmazonSageMakerFullAccess'],
    build: (fixture) => ({ holder: fixture.role, checked: fixture.domain }),
  },
  {
    rule: APP_SECURITY_GROUPS_NOT_OPEN,
    path: 'SecurityGroupEgress',
    good: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }],
    bad: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }],
    build: (fixture) => ({ holder: fixture.appGroup, checked: fixture.domain }),
  },
  {
    rule: DOMAIN_VPC_FLOW_LOGS,
    path: 'TrafficType',
    good: 'ALL',
    bad: 'REJECT',
    build: (fixture) => ({ holder: fixture.flowLog, checked: fixture.domain }),
  },
  {
    rule: DOMAIN_VPC_DNS_FIREWALL,
    path: 'VpcId',
    good: { Ref: 'Vpc' },
    bad: 'vpc-0fedcba9876543210',
    build: (fixture) => ({ holder: fixture.stack.node.findChild('DnsFirewall') as CfnResource, checked: fixture.domain }),
  },
  {
    rule: INTERFACE_ENDPOINT_POLICY,
    path: 'PolicyDocument',
    json: true,
    good: policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }),
    bad: policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }),
    build: (fixture) => {
      const endpoint = new ec2.CfnVPCEndpoint(fixture.stack, 'Endpoint', { vpcId: fixture.vpc.ref, serviceName: 'com.amazonaws.eu-west-1.sts', vpcEndpointType: 'Interface' });
      return { holder: endpoint, checked: endpoint };
    },
  },
  {
    rule: S3_GATEWAY_ENDPOINT_POLICY,
    path: 'PolicyDocument',
    json: true,
    good: policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'] }),
    bad: policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }),
    build: (fixture) => {
      const endpoint = new ec2.CfnVPCEndpoint(fixture.stack, 'Endpoint', { vpcId: fixture.vpc.ref, serviceName: 'com.amazonaws.eu-west-1.s3' });
      return { holder: endpoint, checked: endpoint };
    },
  },
  {
    rule: BUCKET_POLICY_SOURCE_VPCE_DENIES,
    path: 'PolicyDocument',
    json: true,
    good: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::data/*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
    bad: policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::data/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
    build: (fixture) => {
      const bucketPolicy = new s3.CfnBucketPolicy(fixture.stack, 'BucketPolicy', { bucket: 'data', policyDocument: {} });
      return { holder: bucketPolicy, checked: bucketPolicy };
    },
  },
  {
    rule: FIREWALL_POLICY_STRICT_DROP,
    path: 'FirewallPolicy.StatefulEngineOptions',
    good: { RuleOrder: 'STRICT_ORDER' },
    bad: NO_VALUE,
    build: (fixture) => {
      const firewallPolicy = new nfw.CfnFirewallPolicy(fixture.stack, 'FirewallPolicy', {
        firewallPolicyName: 'egress',
        firewallPolicy: { statelessDefaultActions: ['aws:forward_to_sfe'], statelessFragmentDefaultActions: ['aws:forward_to_sfe'], statefulDefaultActions: ['aws:drop_established'] },
      });
      return { holder: firewallPolicy, checked: firewallPolicy };
    },
  },
  {
    rule: FIREWALL_ROUTE_BY_AZ,
    path: 'SubnetMappings',
    good: [{ SubnetId: 'subnet-1' }],
    bad: [{ SubnetId: 'subnet-1' }, { SubnetId: 'subnet-2' }],
    build: (fixture) => {
      const target = firewall(fixture.stack);
      const route = new ec2.CfnRoute(fixture.stack, 'Route', {
        routeTableId: 'rtb-12345678', destinationCidrBlock: '0.0.0.0/0', vpcEndpointId: Fn.select(1, Fn.split(':', Fn.select(0, target.attrEndpointIds))),
      });
      return { holder: target, checked: route };
    },
  },
  {
    rule: FIREWALL_TLS_SNI_CHECKED,
    path: 'RuleGroup.RulesSource.RulesString',
    good: 'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"pypi.org"; endswith; sid:1;)',
    bad: 'pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;)',
    build: (fixture) => {
      const group = new nfw.CfnRuleGroup(fixture.stack, 'Rules', { ruleGroupName: 'egress', type: 'STATEFUL', capacity: 100, ruleGroup: { rulesSource: {} } });
      return { holder: group, checked: group };
    },
  },
  {
    rule: S3_ENDPOINT_NO_WILDCARD_WRITES,
    path: 'PolicyDocument',
    json: true,
    good: policy({ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::data/*' }),
    bad: policy({ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::*sagemaker*/*' }),
    build: (fixture) => {
      const endpoint = new ec2.CfnVPCEndpoint(fixture.stack, 'Endpoint', { vpcId: fixture.vpc.ref, serviceName: 'com.amazonaws.eu-west-1.s3' });
      return { holder: endpoint, checked: endpoint };
    },
  },
  {
    rule: STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC,
    path: 'TrafficType',
    good: 'ALL',
    bad: 'REJECT',
    build: (fixture) => ({ holder: fixture.flowLog, checked: fixture.flowLog }),
  },
  {
    rule: FIREWALL_NO_SHARED_STORAGE_DOMAINS,
    path: 'RuleGroup.RulesSource.RulesString',
    good: 'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"pypi.org"; startswith; endswith; sid:1;)',
    bad: 'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:".amazonaws.com"; endswith; sid:1;)',
    build: (fixture) => {
      const group = new nfw.CfnRuleGroup(fixture.stack, 'Rules', { ruleGroupName: 'egress', type: 'STATEFUL', capacity: 100, ruleGroup: { rulesSource: {} } });
      return { holder: group, checked: group };
    },
  },
  {
    rule: STUDIO_BUCKET_ENDPOINT_RESTRICTED,
    path: 'PolicyDocument',
    json: true,
    good: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::data/*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
    bad: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::data/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    build: (fixture) => {
      const bucket = new s3.CfnBucket(fixture.stack, 'Data', { bucketName: 'data' });
      fixture.role.policies = [{ policyName: 'data', policyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data/*' }) }];
      return { holder: new s3.CfnBucketPolicy(fixture.stack, 'DataPolicy', { bucket: bucket.ref, policyDocument: {} }), checked: bucket };
    },
  },
];

/** The verdict when the input is the given value (written with addPropertyOverride, as CloudFormation writes it). */
function verdictWith(input: RuleInput, value: (fixture: StudioFixture) => unknown): string {
  const fixture = studioFixture();
  dnsFirewallAssociation(fixture);
  const { holder, checked } = input.build(fixture);
  holder.addPropertyOverride(input.path, value(fixture));
  return check(input.rule, checked);
}

/** A condition of the stack that the templates do not decide (the region of an environment-agnostic stack). */
function undecided(stack: Stack): string {
  return new CfnCondition(stack, `Undecided${stack.node.children.length}`, { expression: Fn.conditionEquals(stack.region, 'eu-west-1') }).logicalId;
}

/** A condition decided by a parameter's default. */
function decided(stack: Stack, truth: boolean): string {
  const choice = new CfnParameter(stack, `Choice${stack.node.children.length}`, { default: truth ? 'yes' : 'no' });
  return new CfnCondition(stack, `Decided${stack.node.children.length}`, { expression: Fn.conditionEquals(choice.valueAsString, 'yes') }).logicalId;
}

const ifOf = (condition: string, whenTrue: unknown, whenFalse: unknown) => ({ 'Fn::If': [condition, whenTrue, whenFalse] });

describe.each(INPUTS.map((input) => [input.rule.id, input.path, input] as const))('%s, input %s', (_, __, input) => {
  test('as a literal: compliant and non-compliant', () => {
    expect(verdictWith(input, () => input.good)).toBe(COMPLIANT);
    expect(verdictWith(input, () => input.bad)).toBe(NON_COMPLIANT);
  });

  test('under Fn::If of a condition that the templates do not decide: non-compliant if either branch is', () => {
    expect(verdictWith(input, (f) => ifOf(undecided(f.stack), input.good, input.bad))).toBe(NON_COMPLIANT);
    expect(verdictWith(input, (f) => ifOf(undecided(f.stack), input.bad, input.good))).toBe(NON_COMPLIANT);
    expect(verdictWith(input, (f) => ifOf(undecided(f.stack), input.good, input.good))).toBe(COMPLIANT);
  });

  test("under Fn::If of a condition decided by a parameter's default: the branch it selects", () => {
    expect(verdictWith(input, (f) => ifOf(decided(f.stack, true), input.good, input.bad))).toBe(COMPLIANT);
    expect(verdictWith(input, (f) => ifOf(decided(f.stack, false), input.good, input.bad))).toBe(NON_COMPLIANT);
  });

  test('through Fn::Sub: a string with a parameter, or a policy document as JSON text', () => {
    const sub = (f: StudioFixture, value: unknown): unknown => {
      if (input.json) {
        return { 'Fn::Sub': JSON.stringify(value) };
      }
      if (typeof value !== 'string') {
        return value;
      }
      const parameter = new CfnParameter(f.stack, `Value${f.stack.node.children.length}`, { default: value });
      return { 'Fn::Sub': `\${${parameter.logicalId}}` };
    };
    expect(verdictWith(input, (f) => sub(f, input.good))).toBe(COMPLIANT);
    expect(verdictWith(input, (f) => sub(f, input.bad))).toBe(NON_COMPLIANT);
  });
});

describe("a resource's Condition", () => {
  test('a domain that a decided condition leaves out is not concerned; one an undecided condition may create is checked', () => {
    const left = studioFixture();
    left.domain.appNetworkAccessType = 'PublicInternetOnly';
    left.domain.cfnOptions.condition = new CfnCondition(left.stack, 'CreateDomain', { expression: Fn.conditionEquals('a', 'b') });
    expect(check(DOMAIN_VPC_ONLY, left.domain)).toBe(NOT_APPLICABLE);
    const maybe = studioFixture();
    maybe.domain.appNetworkAccessType = 'PublicInternetOnly';
    maybe.domain.cfnOptions.condition = new CfnCondition(maybe.stack, 'CreateDomain', { expression: Fn.conditionEquals(maybe.stack.region, 'b') });
    expect(check(DOMAIN_VPC_ONLY, maybe.domain)).toBe(NON_COMPLIANT);
  });

  test('a flow log that a condition may leave out does not count for the branch without it', () => {
    const fixture = studioFixture();
    fixture.flowLog.cfnOptions.condition = new CfnCondition(fixture.stack, 'Logging', { expression: Fn.conditionEquals(fixture.stack.region, 'eu-west-1') });
    expect(check(DOMAIN_VPC_FLOW_LOGS, fixture.domain)).toBe(NON_COMPLIANT);
    const always = studioFixture();
    const enabled = new CfnParameter(always.stack, 'Logging', { default: 'true' });
    always.flowLog.cfnOptions.condition = new CfnCondition(always.stack, 'LoggingOn', { expression: Fn.conditionEquals(enabled.valueAsString, 'true') });
    expect(check(DOMAIN_VPC_FLOW_LOGS, always.domain)).toBe(COMPLIANT);
  });

  test('a rule that would need more than 64 choices of conditions is not evaluated, and says so', () => {
    const fixture = studioFixture();
    fixture.flowLog.cfnOptions.condition = new CfnCondition(fixture.stack, 'Log0', { expression: Fn.conditionEquals(fixture.stack.region, 'r0') });
    for (let i = 1; i <= 6; i++) {
      const log = new ec2.CfnFlowLog(fixture.stack, `Log${i}Resource`, {
        resourceId: fixture.vpc.ref, resourceType: 'VPC', trafficType: 'ALL', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs',
      });
      log.cfnOptions.condition = new CfnCondition(fixture.stack, `Log${i}`, { expression: Fn.conditionEquals(fixture.stack.region, `r${i}`) });
    }
    expect(check(DOMAIN_VPC_FLOW_LOGS, fixture.domain)).toBe(NOT_EVALUATED);
    expect(reasons(DOMAIN_VPC_FLOW_LOGS, fixture.domain)).toEqual(['it depends on more than 64 choices of conditions that the templates do not decide']);
  });

  test('conditions that depend on each other are chosen consistently (Fn::Not of the other)', () => {
    const fixture = studioFixture();
    const on = new CfnCondition(fixture.stack, 'On', { expression: Fn.conditionEquals(fixture.stack.region, 'eu-west-1') });
    const off = new CfnCondition(fixture.stack, 'Off', { expression: Fn.conditionNot(on) });
    fixture.flowLog.cfnOptions.condition = on;
    const rejectOnly = new ec2.CfnFlowLog(fixture.stack, 'RejectOnly', {
      resourceId: fixture.vpc.ref, resourceType: 'VPC', trafficType: 'REJECT', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs',
    });
    rejectOnly.addPropertyOverride('TrafficType', Fn.conditionIf(off.logicalId, 'ALL', 'REJECT'));
    expect(check(DOMAIN_VPC_FLOW_LOGS, fixture.domain)).toBe(COMPLIANT);
  });
});
