import { App, CfnCondition, CfnParameter, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { check, COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED } from './fixtures';
import { BUCKET_POLICY_SOURCE_VPCE_DENIES } from '../../src/nag/rules/bucket-policy-source-vpce-denies';
import { FIREWALL_POLICY_STRICT_DROP } from '../../src/nag/rules/firewall-policy-strict-drop';
import { FIREWALL_ROUTE_BY_AZ } from '../../src/nag/rules/firewall-route-by-az';
import { INTERFACE_ENDPOINT_POLICY } from '../../src/nag/rules/interface-endpoint-policy';
import { S3_GATEWAY_ENDPOINT_POLICY } from '../../src/nag/rules/s3-gateway-endpoint-policy';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

/** A value chosen at deploy time by a condition of the stack, which the rules must not guess. */
function deployTimeChoice(stack: Stack, ifTrue: unknown, ifFalse: unknown) {
  const condition = new CfnCondition(stack, `Choice${stack.node.children.length}`, { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
  return Fn.conditionIf(condition.logicalId, ifTrue, ifFalse);
}

function policy(...statements: Record<string, unknown>[]) {
  return { Version: '2012-10-17', Statement: statements };
}

const THIS_ACCOUNT = { StringEquals: { 'aws:PrincipalAccount': '111122223333' } };

describe('SageMakerStudio-InterfaceEndpointPolicy', () => {
  function endpoint(policyDocument?: unknown, type = 'Interface'): ec2.CfnVPCEndpoint {
    return new ec2.CfnVPCEndpoint(newStack(), 'Endpoint', {
      vpcId: 'vpc-12345678',
      serviceName: 'com.amazonaws.eu-west-1.sagemaker.api',
      vpcEndpointType: type,
      policyDocument,
    });
  }

  test('a policy limited to the principals of this account is compliant, and so is full access narrowed by a Deny', () => {
    expect(check(INTERFACE_ENDPOINT_POLICY, endpoint(policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*', Condition: THIS_ACCOUNT }))))
      .toBe(COMPLIANT);
    const narrowed = policy(
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } },
    );
    expect(check(INTERFACE_ENDPOINT_POLICY, endpoint(narrowed))).toBe(COMPLIANT);
  });

  test('no policy, or one equal to the default full access, is not', () => {
    expect(check(INTERFACE_ENDPOINT_POLICY, endpoint())).toBe(NON_COMPLIANT);
    expect(check(INTERFACE_ENDPOINT_POLICY, endpoint(policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })))).toBe(NON_COMPLIANT);
  });

  test('gateway endpoints are left to the S3 rule', () => {
    expect(check(INTERFACE_ENDPOINT_POLICY, endpoint(undefined, 'Gateway'))).toBe(NOT_APPLICABLE);
  });

  describe("an endpoint to a PrivateLink endpoint service (a customer's or a partner's), which takes no policy", () => {
    function to(serviceName: string, stack: Stack = newStack()): ec2.CfnVPCEndpoint {
      return new ec2.CfnVPCEndpoint(stack, 'Endpoint', { vpcId: 'vpc-12345678', serviceName, vpcEndpointType: 'Interface' });
    }

    test('is not flagged for lacking one: com.amazonaws.vpce.*, a service of the app, or a name that is not an AWS service\'s', () => {
      expect(check(INTERFACE_ENDPOINT_POLICY, to('com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0'))).toBe(NOT_APPLICABLE);
      const stack = newStack();
      const service = new ec2.CfnVPCEndpointService(stack, 'Service', { networkLoadBalancerArns: ['arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/x/1'] });
      expect(check(INTERFACE_ENDPOINT_POLICY, to(Fn.join('.', ['com.amazonaws.vpce', stack.region, service.ref]), stack))).toBe(NOT_APPLICABLE);
      expect(check(INTERFACE_ENDPOINT_POLICY, to('com.example.inference'))).toBe(NOT_APPLICABLE);
    });

    test('is not guessed when the service name is a parameter', () => {
      const stack = newStack();
      expect(check(INTERFACE_ENDPOINT_POLICY, to(new CfnParameter(stack, 'ServiceName').valueAsString, stack))).toBe(NOT_EVALUATED);
    });

    test('while AWS services, SageMaker Studio UI endpoints included, still need one', () => {
      expect(check(INTERFACE_ENDPOINT_POLICY, to('aws.sagemaker.eu-west-1.studio'))).toBe(NON_COMPLIANT);
      expect(check(INTERFACE_ENDPOINT_POLICY, to(Fn.join('', ['com.amazonaws.', newStack().region, '.sagemaker.api'])))).toBe(NON_COMPLIANT);
    });
  });
});

describe('SageMakerStudio-S3GatewayEndpointPolicy', () => {
  const s3Service = Fn.join('', ['com.amazonaws.', Stack.of(newStack()).region, '.s3']);

  function gateway(policyDocument?: unknown, serviceName: string = s3Service, type?: string): ec2.CfnVPCEndpoint {
    return new ec2.CfnVPCEndpoint(newStack(), 'Endpoint', { vpcId: 'vpc-12345678', serviceName, vpcEndpointType: type, policyDocument });
  }

  test('a policy that lists buckets, or allows everything only under a condition, is compliant', () => {
    const buckets = policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'] });
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(buckets))).toBe(COMPLIANT);
    const conditioned = policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '111122223333' } } });
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(conditioned, 'com.amazonaws.eu-west-1.s3', 'Gateway'))).toBe(COMPLIANT);
  });

  test('no policy (S3 allows everything), s3:* or * on every bucket, or NotResource, without a condition, is not', () => {
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway())).toBe(NON_COMPLIANT);
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(policy({ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 'S3:*'], Resource: '*' }))))
      .toBe(NON_COMPLIANT);
    const everyBucket = policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: Fn.join('', ['arn:', Stack.of(newStack()).partition, ':s3:::*']) });
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(everyBucket))).toBe(NON_COMPLIANT);
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }))))
      .toBe(NON_COMPLIANT);
  });

  test('interface S3 endpoints and other gateway services are not concerned', () => {
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(undefined, 'com.amazonaws.eu-west-1.s3', 'Interface'))).toBe(NOT_APPLICABLE);
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway(undefined, 'com.amazonaws.eu-west-1.dynamodb'))).toBe(NOT_APPLICABLE);
  });
});

describe('SageMakerStudio-BucketPolicySourceVpceDenies', () => {
  function bucketPolicy(...statements: Record<string, unknown>[]): s3.CfnBucketPolicy {
    return new s3.CfnBucketPolicy(newStack(), 'Policy', { bucket: 'data', policyDocument: policy(...statements) });
  }
  const data = ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'];

  test('a Deny of requests that do not come through the endpoint is compliant', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: data, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } };
    expect(check(BUCKET_POLICY_SOURCE_VPCE_DENIES, bucketPolicy(deny))).toBe(COMPLIANT);
  });

  test('an Allow conditioned on the endpoint is not, whatever the case of the key', () => {
    const allow = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: data, Condition: { StringEquals: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } } };
    expect(check(BUCKET_POLICY_SOURCE_VPCE_DENIES, bucketPolicy(allow))).toBe(NON_COMPLIANT);
  });

  test('a policy that does not mention aws:SourceVpce is not concerned', () => {
    const tls = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: data, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(check(BUCKET_POLICY_SOURCE_VPCE_DENIES, bucketPolicy(tls))).toBe(NOT_APPLICABLE);
  });
});

describe('SageMakerStudio-FirewallPolicyStrictDrop', () => {
  function firewallPolicy(options: Partial<nfw.CfnFirewallPolicy.FirewallPolicyProperty>): nfw.CfnFirewallPolicy {
    return new nfw.CfnFirewallPolicy(newStack(), 'Policy', {
      firewallPolicyName: 'egress',
      firewallPolicy: { statelessDefaultActions: ['aws:forward_to_sfe'], statelessFragmentDefaultActions: ['aws:forward_to_sfe'], ...options },
    });
  }

  test('strict order with a drop default action is compliant', () => {
    const strict = { statefulEngineOptions: { ruleOrder: 'STRICT_ORDER' } };
    expect(check(FIREWALL_POLICY_STRICT_DROP, firewallPolicy({ ...strict, statefulDefaultActions: ['aws:drop_established', 'aws:alert_established'] })))
      .toBe(COMPLIANT);
    expect(check(FIREWALL_POLICY_STRICT_DROP, firewallPolicy({ ...strict, statefulDefaultActions: ['aws:drop_strict'] }))).toBe(COMPLIANT);
  });

  test('the default action order, or strict order that only alerts, is not', () => {
    expect(check(FIREWALL_POLICY_STRICT_DROP, firewallPolicy({}))).toBe(NON_COMPLIANT);
    expect(check(FIREWALL_POLICY_STRICT_DROP, firewallPolicy({ statefulEngineOptions: { ruleOrder: 'STRICT_ORDER' }, statefulDefaultActions: ['aws:alert_strict'] })))
      .toBe(NON_COMPLIANT);
  });
});

describe('SageMakerStudio-FirewallRouteByAz', () => {
  function firewall(stack: Stack, id: string, subnets: number): nfw.CfnFirewall {
    return new nfw.CfnFirewall(stack, id, {
      firewallName: id.toLowerCase(),
      firewallPolicyArn: 'arn:aws:network-firewall:eu-west-1:111122223333:firewall-policy/egress',
      vpcId: 'vpc-12345678',
      subnetMappings: Array.from({ length: subnets }, (_, i) => ({ subnetId: `subnet-${i}` })),
    });
  }
  function routeTo(stack: Stack, id: string, target: nfw.CfnFirewall, index: number): ec2.CfnRoute {
    return new ec2.CfnRoute(stack, id, {
      routeTableId: 'rtb-12345678',
      destinationCidrBlock: '0.0.0.0/0',
      vpcEndpointId: Fn.select(1, Fn.split(':', Fn.select(index, target.attrEndpointIds))),
    });
  }

  test('entry 0 of a firewall with one subnet mapping (one firewall per AZ) is compliant', () => {
    const stack = newStack();
    expect(check(FIREWALL_ROUTE_BY_AZ, routeTo(stack, 'Route', firewall(stack, 'FirewallA', 1), 0))).toBe(COMPLIANT);
  });

  test('an entry of a firewall with several subnet mappings is not, index 1 as much as index 0', () => {
    const stack = newStack();
    const shared = firewall(stack, 'Shared', 2);
    expect(check(FIREWALL_ROUTE_BY_AZ, routeTo(stack, 'RouteB', shared, 1))).toBe(NON_COMPLIANT);
    expect(check(FIREWALL_ROUTE_BY_AZ, routeTo(stack, 'RouteA', shared, 0))).toBe(NON_COMPLIANT);
  });

  test('routes to other targets are not concerned', () => {
    const route = new ec2.CfnRoute(newStack(), 'Route', { routeTableId: 'rtb-12345678', destinationCidrBlock: '0.0.0.0/0', natGatewayId: 'nat-12345678' });
    expect(check(FIREWALL_ROUTE_BY_AZ, route)).toBe(NOT_APPLICABLE);
  });
});

test('a policy or target chosen by a condition that the templates do not decide is checked in each branch', () => {
  const stack = newStack();
  const fullAccess = policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
  const endpoint = new ec2.CfnVPCEndpoint(stack, 'Endpoint', {
    vpcId: 'vpc-12345678', serviceName: 'com.amazonaws.eu-west-1.sts', vpcEndpointType: 'Interface', policyDocument: deployTimeChoice(stack, fullAccess, fullAccess),
  });
  expect(check(INTERFACE_ENDPOINT_POLICY, endpoint)).toBe(NON_COMPLIANT);
  const gateway = new ec2.CfnVPCEndpoint(stack, 'Gateway', {
    vpcId: 'vpc-12345678', serviceName: 'com.amazonaws.eu-west-1.s3', policyDocument: deployTimeChoice(stack, fullAccess, fullAccess),
  });
  expect(check(S3_GATEWAY_ENDPOINT_POLICY, gateway)).toBe(NON_COMPLIANT);
  const allow = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } });
  const bucketPolicy = new s3.CfnBucketPolicy(stack, 'BucketPolicy', { bucket: 'data', policyDocument: deployTimeChoice(stack, fullAccess, allow) });
  expect(check(BUCKET_POLICY_SOURCE_VPCE_DENIES, bucketPolicy)).toBe(NON_COMPLIANT);
  const firewallPolicy = new nfw.CfnFirewallPolicy(stack, 'FirewallPolicy', {
    firewallPolicyName: 'egress',
    firewallPolicy: {
      statelessDefaultActions: ['aws:forward_to_sfe'],
      statelessFragmentDefaultActions: ['aws:forward_to_sfe'],
      statefulDefaultActions: ['aws:drop_established'],
      statefulEngineOptions: deployTimeChoice(stack, { RuleOrder: 'STRICT_ORDER' }, { RuleOrder: 'DEFAULT_ACTION_ORDER' }),
    },
  });
  expect(check(FIREWALL_POLICY_STRICT_DROP, firewallPolicy)).toBe(NON_COMPLIANT);
});

test('a route to the endpoints of a firewall that the app does not define is not evaluated', () => {
  const route = new ec2.CfnRoute(newStack(), 'Route', {
    routeTableId: 'rtb-12345678',
    destinationCidrBlock: '0.0.0.0/0',
    vpcEndpointId: Fn.select(1, Fn.split(':', Fn.select(0, Token.asList(Fn.getAtt('NotInThisStack', 'EndpointIds'))))),
  });
  expect(check(FIREWALL_ROUTE_BY_AZ, route)).toBe(NOT_EVALUATED);
});
