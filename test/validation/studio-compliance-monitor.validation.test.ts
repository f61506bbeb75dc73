import { App, CfnParameter, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import { SecureStudio, StudioComplianceMonitor, StudioComplianceMonitorProps } from '../../src';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function stackIn(region?: string, app = new App()): Stack {
  return new Stack(app, `Stack${region ?? ''}`, region ? { env: { account: ACCOUNT, region } } : {});
}

let count = 0;
/** A monitor (a new id each time: a construct that threw is still in the tree). */
function monitor(props: StudioComplianceMonitorProps, stack: Stack = stackIn()): StudioComplianceMonitor {
  return new StudioComplianceMonitor(stack, `Monitor${++count}`, props);
}

const keyIn = (stack: Stack, id: string, region: string, partition = 'aws') =>
  kms.Key.fromKeyArn(stack, id, `arn:${partition}:kms:${region}:${ACCOUNT}:key/${KEY_ID}`);

describe('StudioComplianceMonitor refuses bad input, naming StudioComplianceMonitor, the prop and the allowed form', () => {
  test.each<[string, StudioComplianceMonitorProps, string]>([
    ['no reserved concurrency', { reservedConcurrency: 0 }, 'StudioComplianceMonitor reservedConcurrency: 0 is out of range; a whole number from 1 to 100'],
    ['a retention Logs does not offer', { logRetention: 8 as logs.RetentionDays },
      'StudioComplianceMonitor logRetention: 8 is not one of the choices; a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_YEAR'],
    ['a snapshot removal policy', { removalPolicy: RemovalPolicy.SNAPSHOT },
      'StudioComplianceMonitor removalPolicy: KMS keys, log groups and SQS queues cannot be snapshotted; RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY'],
    ['no allowed key', { encryptionKeys: [] }, 'StudioComplianceMonitor encryptionKeys: the list is empty (every key would be a finding); at least one key, or undefined for any key'],
  ])('%s', (_name, props, message) => {
    expect(() => monitor(props)).toThrow(message);
  });

  test('an allowed key or the monitor\'s key of another region or partition', () => {
    const stack = stackIn('eu-west-1');
    expect(() => monitor({ encryptionKeys: [keyIn(stack, 'Own', 'eu-west-1'), keyIn(stack, 'Foreign', 'us-east-1')] }, stack)).toThrow(
      `StudioComplianceMonitor encryptionKeys: 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    expect(() => monitor({ encryptionKey: keyIn(stack, 'China', 'eu-west-1', 'aws-cn') }, stack)).toThrow(
      `StudioComplianceMonitor encryptionKey: 'arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}' is in partition aws-cn but the stack deploys to aws; an ARN of partition aws`);
  });

  test('forStudio with a studio of another region, whose SageMaker events the monitor would never see', () => {
    const app = new App();
    const studio = new SecureStudio(stackIn('us-east-1', app), 'Studio', { team: 'fraud' });
    expect(() => StudioComplianceMonitor.forStudio(stackIn('eu-west-1', app), 'Compliance', studio)).toThrow(
      'StudioComplianceMonitor forStudio: the studio deploys to us-east-1 but the monitor to eu-west-1; ' +
      'a monitor in the region of the studio, as its rules receive the SageMaker events of their own region only');
  });
});

describe('StudioComplianceMonitor ranges, property-based', () => {
  test('reserved concurrency: a whole number from 1 to 100', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -50, max: 200 }), fc.double({ min: 1, max: 100, noInteger: true })), (reservedConcurrency) => {
      // encryptionKeys is checked after reservedConcurrency: its error proves the value passed.
      const call = () => monitor({ reservedConcurrency, encryptionKeys: [] });
      expect(call).toThrow(Number.isInteger(reservedConcurrency) && reservedConcurrency >= 1 && reservedConcurrency <= 100
        ? 'StudioComplianceMonitor encryptionKeys'
        : `StudioComplianceMonitor reservedConcurrency: ${reservedConcurrency} is out of range; a whole number from 1 to 100`);
    }));
  });
});

describe('StudioComplianceMonitor valid edge cases synthesize', () => {
  test('tokens: reserved concurrency, keys; the limits 1 and 100', () => {
    const stack = stackIn('eu-west-1');
    monitor({
      reservedConcurrency: new CfnParameter(stack, 'Concurrency', { type: 'Number' }).valueAsNumber,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', Fn.importValue('MonitorKeyArn')),
      encryptionKeys: [kms.Key.fromKeyArn(stack, 'Allowed', Fn.importValue('AllowedKeyArn')), keyIn(stack, 'Own', 'eu-west-1')],
      logRetention: logs.RetentionDays.INFINITE,
    }, stack);
    monitor({ reservedConcurrency: 1, configRules: false }, stack);
    monitor({ reservedConcurrency: 100, configRules: false, removalPolicy: RemovalPolicy.DESTROY }, stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: { Ref: 'Concurrency' } });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 100 });
  });
});
