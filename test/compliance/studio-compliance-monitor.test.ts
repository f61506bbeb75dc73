import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureStudio, StudioComplianceMonitor, StudioComplianceMonitorProps } from '../../src';
import { nagErrors } from '../helpers/nag';

const EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateModel', 'CreateNotebookInstance', 'UpdateNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];
const STOP_ACTIONS = [
  'sagemaker:StopTrainingJob', 'sagemaker:StopProcessingJob', 'sagemaker:StopHyperParameterTuningJob',
  'sagemaker:StopTransformJob', 'sagemaker:StopAutoMLJob', 'sagemaker:StopNotebookInstance',
];

function build(props: StudioComplianceMonitorProps = {}): { stack: Stack; template: Template; monitor: StudioComplianceMonitor } {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const monitor = new StudioComplianceMonitor(stack, 'Compliance', props);
  return { stack, monitor, template: Template.fromStack(stack) };
}

/** Every action allowed by the inline policies of the template. */
function allowedActions(template: Template): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) =>
    policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
}

describe('StudioComplianceMonitor', () => {
  test('routes exactly the SageMaker create/update CloudTrail events to the inspector', () => {
    const { template } = build();
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toHaveLength(1);
    const pattern = (Object.values(rules)[0] as any).Properties.EventPattern;
    expect(pattern.source).toEqual(['aws.sagemaker']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect([...pattern.detail.eventName].sort()).toEqual([...EVENT_NAMES].sort());
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Inspector'), 'Arn'] } })],
    });
  });

  test('the findings topic is encrypted with the customer-managed key and TLS only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the inspector: Node.js 24, KMS DLQ, reserved concurrency, KMS log group with retention', () => {
    const { template } = build({ reservedConcurrency: 3 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 3,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') } },
      Environment: { Variables: Match.objectLike({ STOP_NON_COMPLIANT: 'false' }) },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] },
    });
  });

  test('the policy reaches the inspector as JSON', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Env', 'arn:aws:kms:eu-west-1:111111111111:key/abc');
    new StudioComplianceMonitor(stack, 'Compliance', {
      allowedSubnets: [ec2.Subnet.fromSubnetId(stack, 'S', 'subnet-1')],
      allowedSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'G', 'sg-1')],
      encryptionKeys: [key],
      requireNetworkIsolation: true,
    });
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    expect(JSON.parse(fn.Properties.Environment.Variables.POLICY)).toEqual({
      allowedSubnetIds: ['subnet-1'],
      allowedSecurityGroupIds: ['sg-1'],
      kmsKeyArns: ['arn:aws:kms:eu-west-1:111111111111:key/abc'],
      requireNetworkIsolation: true,
    });
  });

  test('IAM: describe scoped to SageMaker ARNs of this account and region; no Stop* by default', () => {
    const { template } = build();
    const actions = allowedActions(template);
    expect(actions).toEqual(expect.arrayContaining(['sagemaker:DescribeTrainingJob', 'sagemaker:DescribeNotebookInstance', 'sagemaker:DescribeDomain']));
    expect(actions.filter((action) => action.startsWith('sagemaker:Stop'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('sagemaker:') && !action.startsWith('sagemaker:Describe'))).toEqual([]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const describe = statements.find((statement: any) => statement.Sid === 'DescribeInspectedSageMakerResources');
    for (const resource of describe.Resource) {
      expect(JSON.stringify(resource)).toMatch(/:sagemaker:eu-west-1:111111111111:[a-z-]+\//);
    }
    expect(statements.every((statement: any) => statement.Resource !== '*' || !String(statement.Action).startsWith('sagemaker:'))).toBe(true);
  });

  test('IAM: Stop* for jobs and notebook instances only when opted in', () => {
    const { template } = build({ stopNonCompliant: true });
    expect(allowedActions(template).filter((action) => action.startsWith('sagemaker:Stop')).sort()).toEqual([...STOP_ACTIONS].sort());
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STOP_NON_COMPLIANT: 'true' }) } });
  });

  test('AWS Config managed rules as a set, and none when configRules is false', () => {
    const { template } = build();
    const identifiers = Object.values(template.findResources('AWS::Config::ConfigRule'))
      .map((rule: any) => rule.Properties.Source.SourceIdentifier).sort();
    expect(identifiers).toEqual([
      'S3_BUCKET_SSL_REQUESTS_ONLY',
      'SAGEMAKER_DOMAIN_IN_VPC',
      'SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED',
      'SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED',
      'SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS',
      'VPC_FLOW_LOGS_ENABLED',
    ]);
    build({ configRules: false }).template.resourceCountIs('AWS::Config::ConfigRule', 0);
    // The account-wide configuration recorder is never created.
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
  });

  test('uses a given key for the topic, queue and logs', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'Mine', { enableKeyRotation: true });
    new StudioComplianceMonitor(stack, 'Compliance', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Mine'), 'Arn'] } });
  });

  test.each([
    [{ reservedConcurrency: 0 }, 'StudioComplianceMonitor reservedConcurrency: 0 is not allowed; an integer from 1 to 100'],
    [{ reservedConcurrency: 1.5 }, 'StudioComplianceMonitor reservedConcurrency: 1.5 is not allowed'],
    [{ allowedSubnets: [] }, 'StudioComplianceMonitor allowedSubnets: the list is empty'],
    [{ allowedSecurityGroups: [] }, 'StudioComplianceMonitor allowedSecurityGroups: the list is empty'],
    [{ encryptionKeys: [] }, 'StudioComplianceMonitor encryptionKeys: the list is empty'],
  ])('rejects %j', (props, message) => {
    expect(() => build(props as StudioComplianceMonitorProps)).toThrow(message);
  });

  test.each([false, true])('the four cdk-nag packs report no unacknowledged error (stopNonCompliant %s)', (stopNonCompliant) => {
    const { stack } = build({ stopNonCompliant });
    expect(nagErrors(stack)).toEqual([]);
  });

  test('forStudio: one line for a SecureStudio environment, with its subnets, groups and keys; nag-clean', () => {
    const stack = new Stack(new App(), 'Env', { env: { account: '111111111111', region: 'eu-west-1' } });
    const studio = new SecureStudio(stack, 'Studio', { team: 'fraud' });
    const monitor = StudioComplianceMonitor.forStudio(stack, 'Compliance', studio, { stopNonCompliant: true });
    const template = Template.fromStack(stack);
    const fn = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { STOP_NON_COMPLIANT: 'true' } } } });
    const policy = JSON.stringify(stack.resolve((Object.values(fn)[0] as any).Properties.Environment.Variables.POLICY));
    for (const subnet of studio.network.vpc.selectSubnets(studio.network.studioSubnets).subnets) {
      expect(policy).toContain(stack.resolve(subnet.subnetId).Ref);
    }
    expect(policy).toContain(stack.getLogicalId(studio.network.studioSecurityGroup.node.defaultChild as any));
    expect(policy).toContain(stack.getLogicalId(studio.jobEncryptionKey.node.defaultChild as any));
    expect(monitor.configRules).toHaveLength(6);
    expect(nagErrors(monitor)).toEqual([]);
  });
});
