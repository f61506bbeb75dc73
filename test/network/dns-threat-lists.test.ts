import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { lookupManagedDomainListIds, MANAGED_THREAT_LIST_NAMES } from '../../src/network/dns-threat-lists/managed-domain-lists';
import { nagErrors, nagFindings } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const LOOKUP = 'Custom::ManagedDomainListsLookup';

function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

describe('lookupManagedDomainListIds', () => {
  test('the managed lists blocked are the aggregate threat, malware and botnet command-and-control lists, by their documented names', () => {
    expect([...MANAGED_THREAT_LIST_NAMES]).toEqual([
      'AWSManagedDomainsAggregateThreatList',
      'AWSManagedDomainsMalwareDomainList',
      'AWSManagedDomainsBotnetCommandandControl',
    ]);
  });

  test('answers every managed list name with an Fn::GetAtt of the lookup custom resource', () => {
    const stack = agnosticStack();
    const ids = lookupManagedDomainListIds(stack);
    const [lookup] = logicalIds(Template.fromStack(stack), LOOKUP);
    expect(Object.keys(ids)).toEqual([...MANAGED_THREAT_LIST_NAMES]);
    expect(stack.resolve(ids)).toEqual(Object.fromEntries(MANAGED_THREAT_LIST_NAMES.map((name) => [name, { 'Fn::GetAtt': [lookup, name] }])));
  });

  test('one custom resource and one provider per stack, even when called twice from different scopes', () => {
    const stack = agnosticStack();
    const first = lookupManagedDomainListIds(new Construct(stack, 'A'));
    const second = lookupManagedDomainListIds(new Construct(new Construct(stack, 'B'), 'C'));
    expect(stack.resolve(second)).toEqual(stack.resolve(first));
    const template = Template.fromStack(stack);
    template.resourceCountIs(LOOKUP, 1);
    // The lookup handler and the Provider framework's onEvent function: no waiter, no third function.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    const [framework] = logicalIds(template, 'AWS::Lambda::Function').filter((id) => id.includes('Providerframework'));
    template.hasResourceProperties(LOOKUP, { ServiceToken: { 'Fn::GetAtt': [framework, 'Arn'] } });
  });

  test('each stack gets its own lookup', () => {
    const app = new App();
    const one = new Stack(app, 'One');
    const two = new Stack(app, 'Two');
    lookupManagedDomainListIds(one);
    lookupManagedDomainListIds(two);
    Template.fromStack(one).resourceCountIs(LOOKUP, 1);
    Template.fromStack(two).resourceCountIs(LOOKUP, 1);
  });

  test('the custom resource passes the wanted names, so changing them re-runs the lookup', () => {
    const stack = agnosticStack();
    lookupManagedDomainListIds(stack);
    Template.fromStack(stack).hasResource(LOOKUP, {
      Properties: { ServiceToken: Match.anyValue(), ListNames: [...MANAGED_THREAT_LIST_NAMES] },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('handler', () => {
  const stack = agnosticStack();
  lookupManagedDomainListIds(stack);
  const template = Template.fromStack(stack);
  const handlerId = logicalIds(template, 'AWS::Lambda::Function').find((id) => !id.includes('Providerframework'))!;
  const handler = template.toJSON().Resources[handlerId];

  test('runs on Node.js 24 from the bundled asset', () => {
    expect(handler.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { S3Key: expect.stringMatching(/\.zip$/) },
      Timeout: 60,
    });
  });

  test('its role may call only route53resolver:ListFirewallDomainLists (no resource-level permission: Resource *)', () => {
    const role = handler.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
    expect(policies.map((policy) => policy.Properties.PolicyDocument.Statement)).toEqual([[
      { Sid: 'ListFirewallDomainLists', Effect: 'Allow', Action: 'route53resolver:ListFirewallDomainLists', Resource: '*' },
    ]]);
    // Besides its logs (AWSLambdaBasicExecutionRole), nothing else is attached.
    expect(template.toJSON().Resources[role].Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] },
    ]);
  });

  test('the Provider framework may only invoke the lookup handler', () => {
    const framework = logicalIds(template, 'AWS::Lambda::Function').find((id) => id.includes('Providerframework'))!;
    const role = template.toJSON().Resources[framework].Properties.Role['Fn::GetAtt'][0];
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
    const arn = { 'Fn::GetAtt': [handlerId, 'Arn'] };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [arn, { 'Fn::Join': ['', [arn, ':*']] }] },
      { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: arn },
    ]);
  });

  test('checkov\'s Lambda checks are skipped with a reason on both functions', () => {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      expect({ id, skipped: fn.Metadata.checkov.skip.map((s: { id: string }) => s.id) }).toEqual({ id, skipped: ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173'] });
      expect(fn.Metadata.checkov.skip[0].comment).toMatch(/CloudFormation only/);
    }
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([['a concrete', concreteStack], ['an environment-agnostic', agnosticStack]])('the lookup in %s stack has no unacknowledged finding', (_, makeStack) => {
    const stack = makeStack();
    lookupManagedDomainListIds(stack);
    lookupManagedDomainListIds(new Construct(stack, 'Again'));
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual([]);
    expect(nagFindings(stack)).toEqual([]);
  });
});
