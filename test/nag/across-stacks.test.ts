import { App, CfnCondition, CfnOutput, CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { check, COMPLIANT, dnsFirewallAssociation, NON_COMPLIANT, reasons, securityGroup, StudioFixture } from './fixtures';
import { SageMakerStudioChecks } from '../../src';
import { APP_SECURITY_GROUPS_NOT_OPEN } from '../../src/nag/rules/app-security-groups-not-open';
import { DOMAIN_CUSTOMER_MANAGED_KEY } from '../../src/nag/rules/domain-customer-managed-key';
import { DOMAIN_VPC_DNS_FIREWALL } from '../../src/nag/rules/domain-vpc-dns-firewall';
import { DOMAIN_VPC_FLOW_LOGS } from '../../src/nag/rules/domain-vpc-flow-logs';
import { EXECUTION_ROLE_NO_FULL_ACCESS } from '../../src/nag/rules/execution-role-no-full-access';

const FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess';
const CROSS_STACK_RULES = [
  DOMAIN_VPC_FLOW_LOGS, DOMAIN_VPC_DNS_FIREWALL, APP_SECURITY_GROUPS_NOT_OPEN, EXECUTION_ROLE_NO_FULL_ACCESS, DOMAIN_CUSTOMER_MANAGED_KEY,
];

/** The network half of the fixture: VPC, flow log, DNS Firewall association, key, role and app security group. */
function network(stack: Stack) {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const subnet = new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' });
  const flowLog = new ec2.CfnFlowLog(stack, 'FlowLog', {
    resourceId: vpc.ref, resourceType: 'VPC', trafficType: 'ALL', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs',
  });
  const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
  const role = new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  });
  const appGroup = securityGroup(stack, 'AppGroup', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }]);
  return { stack, vpc, subnet, flowLog, key, role, appGroup };
}

type Network = ReturnType<typeof network>;

/** A domain whose inputs are the given values (references of another stack, imports, parameters). */
function domain(stack: Stack, inputs: { vpcId: string; subnetId: string; groupId: string; roleArn: string; keyArn: string }): sagemaker.CfnDomain {
  return new sagemaker.CfnDomain(stack, 'Domain', {
    domainName: 'studio',
    authMode: 'IAM',
    vpcId: inputs.vpcId,
    subnetIds: [inputs.subnetId],
    appNetworkAccessType: 'VpcOnly',
    kmsKeyId: inputs.keyArn,
    domainSettings: { securityGroupIds: [inputs.groupId] },
    defaultUserSettings: { executionRole: inputs.roleArn, securityGroups: [inputs.groupId] },
  });
}

/** The verdicts of the rules that need a resource of the other stack. */
function verdicts(target: sagemaker.CfnDomain): Record<string, string> {
  return Object.fromEntries(CROSS_STACK_RULES.map((rule) => [rule.id, check(rule, target)]));
}

const allCompliant = Object.fromEntries(CROSS_STACK_RULES.map((rule) => [rule.id, COMPLIANT]));

/** Makes each cross-stack input of the network non-compliant in turn: the rules that need it must see it. */
function breakEach(build: (mutate: (net: Network) => void) => sagemaker.CfnDomain) {
  const cases: [string, (net: Network) => void][] = [
    [DOMAIN_VPC_FLOW_LOGS.id, (net) => { net.flowLog.trafficType = 'REJECT'; }],
    [DOMAIN_VPC_DNS_FIREWALL.id, (net) => net.stack.node.tryRemoveChild('DnsFirewall')],
    [APP_SECURITY_GROUPS_NOT_OPEN.id, (net) => { net.appGroup.securityGroupEgress = [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }]; }],
    [EXECUTION_ROLE_NO_FULL_ACCESS.id, (net) => { net.role.managedPolicyArns = [FULL_ACCESS]; }],
  ];
  for (const [ruleId, mutate] of cases) {
    const verdictsOf = verdicts(build(mutate));
    expect([ruleId, verdictsOf[ruleId]]).toEqual([ruleId, NON_COMPLIANT]);
  }
}

describe('a network stack and a domain stack', () => {
  function app(mutate: (net: Network) => void = () => undefined): sagemaker.CfnDomain {
    const root = new App();
    const net = network(new Stack(root, 'Network'));
    dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
    mutate(net);
    const target = domain(new Stack(root, 'Studio'), {
      vpcId: net.vpc.ref, subnetId: net.subnet.ref, groupId: net.appGroup.attrGroupId, roleArn: net.role.attrArn, keyArn: net.key.attrArn,
    });
    root.synth();
    return target;
  }

  test("CDK's cross-stack references (exports and Fn::ImportValue) are followed to the network's resources", () => {
    const target = app();
    expect(Stack.of(target).resolve(target.vpcId)).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Network:ExportsOutputRefVpc/) });
    expect(verdicts(target)).toEqual(allCompliant);
  });

  test('and each weakness of the network stack is found from the domain stack', () => {
    breakEach(app);
  });
});

describe('exports named by the user, imported by name', () => {
  function app(mutate: (net: Network) => void = () => undefined, networkName = 'Network'): sagemaker.CfnDomain {
    const root = new App();
    const net = network(new Stack(root, 'Network', { stackName: networkName }));
    dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
    mutate(net);
    // Export names as the AWS samples write them: Fn::Sub and Fn::Join of AWS::StackName, and a literal.
    new CfnOutput(net.stack, 'VpcId', { value: net.vpc.ref, exportName: Fn.sub('${AWS::StackName}-VpcId') });
    new CfnOutput(net.stack, 'SubnetId', { value: net.subnet.ref, exportName: Fn.join('-', [net.stack.stackName, 'SubnetId']) });
    new CfnOutput(net.stack, 'GroupId', { value: net.appGroup.attrGroupId, exportName: 'studio-app-group' });
    new CfnOutput(net.stack, 'RoleArn', { value: net.role.attrArn, exportName: Fn.sub('${AWS::StackName}-RoleArn') });
    new CfnOutput(net.stack, 'KeyArn', { value: net.key.attrArn, exportName: Fn.sub('${AWS::StackName}-KeyArn') });
    const studio = new Stack(root, 'Studio');
    // The domain stack names the network stack by a parameter with a default.
    const networkStack = new CfnParameter(studio, 'NetworkStackName', { default: 'Network' }).valueAsString;
    const target = domain(studio, {
      vpcId: Fn.importValue(Fn.sub('${NetworkStackName}-VpcId', { NetworkStackName: networkStack })),
      subnetId: Fn.importValue(Fn.join('-', [networkStack, 'SubnetId'])),
      groupId: Fn.importValue('studio-app-group'),
      roleArn: Fn.importValue(`${networkName}-RoleArn`),
      keyArn: Fn.importValue(Fn.sub('${NetworkStackName}-KeyArn')),
    });
    root.synth();
    return target;
  }

  test('are followed to the exported resources', () => {
    expect(verdicts(app())).toEqual(allCompliant);
    breakEach(app);
  });

  test('an export that a condition may leave out does not hide the others from the next rule', () => {
    const root = new App();
    const net = network(new Stack(root, 'Network'));
    dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
    const optional = new CfnOutput(net.stack, 'Optional', { value: 'x', exportName: 'optional' });
    optional.condition = new CfnCondition(net.stack, 'Maybe', { expression: Fn.conditionEquals(net.stack.region, 'eu-west-1') });
    const names = ['VpcId', 'SubnetId', 'GroupId', 'RoleArn', 'KeyArn'];
    [net.vpc.ref, net.subnet.ref, net.appGroup.attrGroupId, net.role.attrArn, net.key.attrArn]
      .forEach((value, i) => new CfnOutput(net.stack, names[i], { value, exportName: names[i] }));
    const studio = new Stack(root, 'Studio');
    const [vpcId, subnetId, groupId, roleArn, keyArn] = names.map((name) => Fn.importValue(name));
    domain(studio, { vpcId, subnetId, groupId, roleArn, keyArn });
    root.synth();
    // The fixture's VPC has no internet route and no package source: DomainPackageSource warns too.
    expect(new SageMakerStudioChecks().validateScope(studio).violations.map((v) => `${v.ruleName} (${v.severity})`)).toEqual([
      'SageMakerStudio-IdleShutdownEnabled (warning)',
      'SageMakerStudio-DomainPackageSource (warning)',
    ]);
  });

  test('an import that no stack of the app exports is reported as not evaluated, with its name', () => {
    const target = app(undefined, 'OtherNetwork');
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, target)).toBe(COMPLIANT);
    expect(reasons(DOMAIN_VPC_FLOW_LOGS, target)).toEqual(["VpcId is the import of 'Network-VpcId', which no stack of the app (or more than one) exports"]);
  });
});

describe('nested stacks', () => {
  test("a domain in a nested stack sees the parent's network through the parameters CDK passes", () => {
    const build = (mutate: (net: Network) => void) => {
      const root = new App();
      const parent = new Stack(root, 'Parent');
      const net = network(parent);
      dnsFirewallAssociation({ stack: parent, vpc: net.vpc } as StudioFixture);
      mutate(net);
      const child = new NestedStack(parent, 'Studio');
      const target = domain(child, {
        vpcId: net.vpc.ref, subnetId: net.subnet.ref, groupId: net.appGroup.attrGroupId, roleArn: net.role.attrArn, keyArn: net.key.attrArn,
      });
      root.synth();
      return target;
    };
    const target = build(() => undefined);
    expect(Stack.of(target).resolve(target.vpcId)).toEqual({ Ref: expect.stringMatching(/^referencetoParentVpc/) });
    expect(verdicts(target)).toEqual(allCompliant);
    breakEach(build);
  });

  test("a domain in the parent sees a nested network stack's resources through its outputs", () => {
    const build = (mutate: (net: Network) => void) => {
      const root = new App();
      const parent = new Stack(root, 'Parent');
      const net = network(new NestedStack(parent, 'Network'));
      dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
      mutate(net);
      const target = domain(parent, {
        vpcId: net.vpc.ref, subnetId: net.subnet.ref, groupId: net.appGroup.attrGroupId, roleArn: net.role.attrArn, keyArn: net.key.attrArn,
      });
      root.synth();
      return target;
    };
    const target = build(() => undefined);
    expect(Stack.of(target).resolve(target.vpcId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NetworkNestedStack/), expect.stringMatching(/^Outputs\./)] });
    expect(verdicts(target)).toEqual(allCompliant);
    breakEach(build);
  });

  test('parameters that the parent passes by name, and a sibling nested stack, are followed', () => {
    const build = (mutate: (net: Network) => void) => {
      const root = new App();
      const parent = new Stack(root, 'Parent');
      const net = network(new NestedStack(parent, 'Network'));
      dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
      mutate(net);
      const names = ['VpcId', 'SubnetId', 'GroupId', 'RoleArn', 'KeyArn'];
      const values = [net.vpc.ref, net.subnet.ref, net.appGroup.attrGroupId, net.role.attrArn, net.key.attrArn];
      const child = new NestedStack(parent, 'Studio', { parameters: Object.fromEntries(names.map((name, i) => [name, values[i]])) });
      const [vpcId, subnetId, groupId, roleArn, keyArn] = names.map((name) => new CfnParameter(child, name).valueAsString);
      const target = domain(child, { vpcId, subnetId, groupId, roleArn, keyArn });
      root.synth();
      return target;
    };
    expect(verdicts(build(() => undefined))).toEqual(allCompliant);
    breakEach(build);
  });
});

test('a parameter of the domain stack with a default is taken as its value; without one, the rule says which parameter it lacks', () => {
  const root = new App();
  const net = network(new Stack(root, 'Network'));
  dnsFirewallAssociation({ stack: net.stack, vpc: net.vpc } as StudioFixture);
  const studio = new Stack(root, 'Studio');
  const group = new CfnParameter(studio, 'GroupId', { type: 'AWS::EC2::SecurityGroup::Id', default: 'sg-0123456789abcdef0' }).valueAsString;
  const subnets = new CfnParameter(studio, 'SubnetIds', { type: 'List<AWS::EC2::Subnet::Id>', default: 'subnet-1,subnet-2' }).valueAsList;
  const target = domain(studio, {
    vpcId: new CfnParameter(studio, 'VpcId', { type: 'AWS::EC2::VPC::Id' }).valueAsString,
    subnetId: Fn.select(0, subnets),
    groupId: group,
    roleArn: net.role.attrArn,
    keyArn: net.key.attrArn,
  });
  root.synth();
  expect(reasons(DOMAIN_VPC_FLOW_LOGS, target)).toEqual(['VpcId is parameter VpcId of Studio, which has no default']);
  expect(reasons(APP_SECURITY_GROUPS_NOT_OPEN, target)).toEqual([
    'DomainSettings.SecurityGroupIds holds the security group sg-0123456789abcdef0, which the app does not define',
    'DefaultUserSettings.SecurityGroups holds the security group sg-0123456789abcdef0, which the app does not define',
  ]);
});
