import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureStudio, StudioComplianceMonitor, StudioComplianceMonitorProps, StudioPersona } from '../../src';
import { INSPECTED_EVENT_NAMES } from '../../src/compliance/inspector/inspector';
import { nagErrors } from '../helpers/nag';

const EVENT_NAMES = [
  'CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateCompilationJob', 'CreateModel', 'CreateEndpointConfig', 'CreateEndpoint',
  'CreateCluster', 'CreateNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance',
  'CreateDomain', 'UpdateDomain', 'CreateUserProfile', 'UpdateUserProfile', 'CreateSpace', 'UpdateSpace', 'CreateApp',
];
const STOP_ACTIONS = [
  'sagemaker:StopTrainingJob', 'sagemaker:StopProcessingJob', 'sagemaker:StopHyperParameterTuningJob',
  'sagemaker:StopTransformJob', 'sagemaker:StopAutoMLJob', 'sagemaker:StopCompilationJob', 'sagemaker:StopNotebookInstance',
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
  test('routes exactly the SageMaker create/update/start CloudTrail events of this account and region to the inspector', () => {
    const { template } = build();
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toHaveLength(1);
    const pattern = (Object.values(rules)[0] as any).Properties.EventPattern;
    expect(pattern.source).toEqual(['aws.sagemaker']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(pattern.account).toEqual(['111111111111']);
    expect(pattern.region).toEqual(['eu-west-1']);
    expect([...pattern.detail.eventName].sort()).toEqual([...EVENT_NAMES].sort());
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Inspector'), 'Arn'] } })],
    });
  });

  test('the rule routes exactly the events the inspector handles', () => {
    expect([...EVENT_NAMES].sort()).toEqual([...INSPECTED_EVENT_NAMES].sort());
  });

  test('an environment-agnostic stack filters on its own account and region', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new StudioComplianceMonitor(stack, 'Compliance');
    const pattern = (Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any).Properties.EventPattern;
    expect(pattern.account).toEqual([{ Ref: 'AWS::AccountId' }]);
    expect(pattern.region).toEqual([{ Ref: 'AWS::Region' }]);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ACCOUNT_ID: { Ref: 'AWS::AccountId' } }) },
    });
  });

  test('with stopNonCompliant, a second rule routes notebook instances reaching InService to the same target', () => {
    expect(build().monitor.notebookRule).toBeUndefined();
    const { template, monitor } = build({ stopNonCompliant: true });
    expect(monitor.notebookRule).toBeDefined();
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    expect(rules).toHaveLength(2);
    const notebook = rules.find((rule) => rule.Properties.EventPattern['detail-type'][0] === 'SageMaker Notebook Instance State Change');
    expect(notebook.Properties.EventPattern).toEqual({
      'account': ['111111111111'],
      'region': ['eu-west-1'],
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Notebook Instance State Change'],
      'detail': { NotebookInstanceStatus: ['InService'] },
    });
    expect(notebook.Properties.Targets).toEqual([expect.objectContaining({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/Inspector/), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeliveryDeadLetterQueue/), 'Arn'] } },
    })]);
  });

  test('undeliverable events go to a KMS-encrypted delivery dead-letter queue that EventBridge may write to', () => {
    const { template, stack, monitor } = build({ stopNonCompliant: true });
    const queueId = stack.getLogicalId(monitor.deliveryDeadLetterQueue.node.defaultChild as any);
    for (const rule of Object.values(template.findResources('AWS::Events::Rule')) as any[]) {
      expect(rule.Properties.Targets[0]).toMatchObject({
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' })]) },
    });
    // The key policy names both rules by ARN, built from their fixed names.
    const ruleNames = Object.values(template.findResources('AWS::Events::Rule')).map((rule: any) => rule.Properties.Name);
    const key = Object.values(template.findResources('AWS::KMS::Key')).find((k: any) =>
      k.Properties.KeyPolicy.Statement.some((st: any) => st.Sid === 'AllowEventBridgeDeadLettersOfTheMonitorRules')) as any;
    const statement = key.Properties.KeyPolicy.Statement.find((st: any) => st.Sid === 'AllowEventBridgeDeadLettersOfTheMonitorRules');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
    const sourceArns = JSON.stringify(statement.Condition.ArnEquals['aws:SourceArn']);
    expect(ruleNames).toHaveLength(2);
    for (const name of ruleNames) {
      expect(sourceArns).toContain(`:events:eu-west-1:111111111111:rule/${name}`);
    }
  });

  test('an imported monitor key gets a warning: its policy cannot let EventBridge write to the delivery queue', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    new StudioComplianceMonitor(stack, 'Compliance', { encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/abc') });
    Annotations.fromStack(stack).hasWarning('/Test/Compliance', Match.stringLikeRegexp('encryptionKey is imported'));
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

  test('no reserved concurrency by default (it fails deployments in accounts with a low concurrency quota)', () => {
    build().template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', ReservedConcurrentExecutions: Match.absent() });
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
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ComplianceKey'), 'Arn'] } }, 2);
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

  test('the aliases of the allowed keys, and aliases given as keys, are allowed key names', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'JobKey', { enableKeyRotation: true });
    const imported = kms.Alias.fromAliasName(stack, 'Shared', 'alias/shared-jobs');
    new StudioComplianceMonitor(stack, 'Compliance', { encryptionKeys: [key, imported] });
    // Defined after the monitor: read at synthesis.
    key.addAlias('alias/fraud-jobs');
    new kms.Key(stack, 'Other', { enableKeyRotation: true }).addAlias('alias/not-allowed');
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    const policy = JSON.stringify(stack.resolve(fn.Properties.Environment.Variables.POLICY));
    expect(policy).toContain(':alias/fraud-jobs');
    expect(policy).toContain(':alias/shared-jobs');
    expect(policy).not.toContain('not-allowed');
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

  test('IAM: describe calls for the newly inspected types, and the instance-type lookup', () => {
    const actions = allowedActions(build().template);
    expect(actions).toEqual(expect.arrayContaining([
      'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeCluster', 'sagemaker:DescribeCompilationJob',
      'ec2:DescribeInstanceTypes',
    ]));
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
    [{ reservedConcurrency: 0 }, 'StudioComplianceMonitor reservedConcurrency: 0 is out of range; a whole number from 1 to 100'],
    [{ reservedConcurrency: 1.5 }, 'StudioComplianceMonitor reservedConcurrency: 1.5 is out of range'],
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

  describe('forStudio: the users\' own security groups are allowed', () => {
    function environment() {
      const stack = new Stack(new App(), 'Env', { env: { account: '111111111111', region: 'eu-west-1' } });
      const studio = new SecureStudio(stack, 'Studio', {
        team: 'fraud',
        users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }, { name: 'bob', persona: StudioPersona.MLOPS }],
      });
      return { stack, studio };
    }
    function allowedGroups(stack: Stack): string[] {
      const template = Template.fromStack(stack);
      const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('environment policy') } }))[0] as any;
      const policy = stack.resolve(fn.Properties.Environment.Variables.POLICY);
      // The policy is a Fn::Join of literal JSON and group references: the group's own GroupId,
      // or a nested stack's output named after it (SecureStudio keeps users in nested stacks).
      const text = JSON.stringify(policy);
      return [
        ...text.match(/"Fn::GetAtt":\["(\w+)","GroupId"\]/g)?.map((ref) => ref.split('"')[3]) ?? [],
        ...text.match(/"Fn::GetAtt":\["\w+","Outputs\.(\w+)"\]/g)?.map((ref) => ref.split('"')[5]) ?? [],
      ];
    }
    /** The logical id of each profile's own group without its hash (nested stacks hash ids by their own path). */
    function profileGroupIds(_stack: Stack, studio: SecureStudio): string[] {
      return studio.userProfiles.flatMap((profile) => profile.securityGroups
        .map((group) => Stack.of(group).getLogicalId(group.node.defaultChild as any).replace(/[0-9A-F]{8}$/, '')));
    }
    /** True when one of the allowed references names the group (directly or through an output named after it). */
    const names = (allowed: string[], id: string) => allowed.some((reference) => reference === id || reference.includes(id));

    test('every profile\'s own group, besides the Studio group', () => {
      const { stack, studio } = environment();
      StudioComplianceMonitor.forStudio(stack, 'Compliance', studio);
      const groups = allowedGroups(stack);
      expect(profileGroupIds(stack, studio)).toHaveLength(2);
      expect(groups).toContain(stack.getLogicalId(studio.network.studioSecurityGroup.node.defaultChild as any));
      for (const id of profileGroupIds(stack, studio)) {
        expect(names(groups, id)).toBe(true);
      }
    });

    test('a profile added after the monitor is allowed too, and created after the inspector and its rules', () => {
      const { stack, studio } = environment();
      const monitor = StudioComplianceMonitor.forStudio(stack, 'Compliance', studio, { stopNonCompliant: true });
      const carol = studio.domain.addUserProfile('carol', { executionRole: studio.personas.dataScientistRole, team: 'fraud', ownSecurityGroup: true });
      expect(allowedGroups(stack)).toContain(stack.getLogicalId(carol.securityGroups[0].node.defaultChild as any));
      const template = Template.fromStack(stack);
      const dependsOn = template.toJSON().Resources[stack.getLogicalId(carol.resource)].DependsOn;
      for (const resource of [monitor.inspector, monitor.rule, monitor.notebookRule!]) {
        expect(dependsOn).toContain(stack.getLogicalId(resource.node.defaultChild as any));
      }
    });

    test('a profile in another stack is allowed, without a dependency on the monitor (that would be a cycle)', () => {
      const { stack, studio } = environment();
      const monitorStack = new Stack(stack.node.root as App, 'Monitor', { env: { account: '111111111111', region: 'eu-west-1' } });
      StudioComplianceMonitor.forStudio(monitorStack, 'Compliance', studio);
      const fn = Object.values(Template.fromStack(monitorStack).findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('environment policy') },
      }))[0] as any;
      // The groups come from the studio's stack as imports named after the groups.
      const policy = JSON.stringify(fn.Properties.Environment.Variables.POLICY);
      for (const id of profileGroupIds(stack, studio)) {
        expect(policy).toMatch(new RegExp(`Fn::ImportValue":"Env:ExportsOutputFnGetAtt\\w*${id}[0-9A-F]{8}GroupId`));
      }
      const aliceStack = Stack.of(studio.userProfiles[0]);
      const alice = Template.fromStack(aliceStack).toJSON().Resources[aliceStack.getLogicalId(studio.userProfiles[0].resource)];
      expect(JSON.stringify(alice.DependsOn ?? [])).not.toMatch(/Compliance/);
    });

    test('allowed groups given in props replace the environment\'s; allowSecurityGroups adds to them', () => {
      const { stack, studio } = environment();
      const mine = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Mine', 'sg-0123456789abcdef0');
      const monitor = StudioComplianceMonitor.forStudio(stack, 'Compliance', studio, { allowedSecurityGroups: [studio.network.studioSecurityGroup] });
      monitor.allowSecurityGroups(mine);
      const groups = allowedGroups(stack);
      for (const id of profileGroupIds(stack, studio)) {
        expect(groups).not.toContain(id);
      }
      const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('environment policy') },
      }))[0] as any;
      expect(JSON.stringify(fn.Properties.Environment.Variables.POLICY)).toContain('sg-0123456789abcdef0');
    });
  });

  test('an allowed set that would not fit in Lambda\'s 4 KB of environment variables is a synthesis error', () => {
    const groups = (stack: Stack, from: number, to: number) => Array.from({ length: to - from }, (_, i) =>
      ec2.SecurityGroup.fromSecurityGroupId(stack, `G${from + i}`, `sg-${(from + i).toString(16).padStart(17, '0')}`));
    const fits = new Stack(new App(), 'Fits', { env: { account: '111111111111', region: 'eu-west-1' } });
    new StudioComplianceMonitor(fits, 'Compliance', { allowedSecurityGroups: groups(fits, 0, 150) });
    expect(() => Template.fromStack(fits)).not.toThrow();
    const tooMany = new Stack(new App(), 'TooMany', { env: { account: '111111111111', region: 'eu-west-1' } });
    const monitor = new StudioComplianceMonitor(tooMany, 'Compliance', { allowedSecurityGroups: groups(tooMany, 0, 150) });
    monitor.allowSecurityGroups(...groups(tooMany, 150, 200));
    expect(() => Template.fromStack(tooMany)).toThrow(
      /StudioComplianceMonitor allowedSecurityGroups: the allowed subnets \(0\), security groups \(200\) and keys \(0\) take about 5000 bytes of the inspector's environment; at most 4096/);
  });

  test('allowSecurityGroups on a monitor that allows any group warns and changes nothing', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    const monitor = new StudioComplianceMonitor(stack, 'Compliance');
    monitor.allowSecurityGroups(ec2.SecurityGroup.fromSecurityGroupId(stack, 'G', 'sg-1'));
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    expect(JSON.parse(fn.Properties.Environment.Variables.POLICY).allowedSecurityGroupIds).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/Test/Compliance', Match.stringLikeRegexp('allowSecurityGroups has no effect'));
  });
});
