import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { check, COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED, reasons } from './fixtures';
import { SageMakerStudioChecks } from '../../src';
import { DOMAIN_CUSTOMER_MANAGED_KEY } from '../../src/nag/rules/domain-customer-managed-key';
import { DOMAIN_VPC_FLOW_LOGS } from '../../src/nag/rules/domain-vpc-flow-logs';
import { EXECUTION_ROLE_NO_FULL_ACCESS } from '../../src/nag/rules/execution-role-no-full-access';
import { INTERFACE_ENDPOINT_POLICY } from '../../src/nag/rules/interface-endpoint-policy';
import { S3_GATEWAY_ENDPOINT_POLICY } from '../../src/nag/rules/s3-gateway-endpoint-policy';

/**
 * Templates written the way the public secure-Studio samples write them: a parent that
 * creates the network and deploys the Studio template as a nested stack, passing the
 * VPC, role and key as parameters; conditions on parameters; policies as Fn::Sub JSON.
 */
function parentTemplate(options: { flowLogTraffic?: string; s3Policy?: unknown; keyArn?: unknown } = {}) {
  return {
    Parameters: {
      EnvironmentName: { Type: 'String', Default: 'studio' },
      UseCustomerKey: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] },
    },
    Conditions: { CreateKey: { 'Fn::Equals': [{ Ref: 'UseCustomerKey' }, 'true'] } },
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
      FlowLog: {
        Type: 'AWS::EC2::FlowLog',
        Properties: { ResourceId: { Ref: 'Vpc' }, ResourceType: 'VPC', TrafficType: options.flowLogTraffic ?? 'ALL', LogDestination: 'arn:aws:s3:::logs', LogDestinationType: 's3' },
      },
      Key: { Type: 'AWS::KMS::Key', Condition: 'CreateKey', Properties: { EnableKeyRotation: true } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess' }],
        },
      },
      S3Endpoint: {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcId: { Ref: 'Vpc' },
          ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
          PolicyDocument: options.s3Policy ?? {
            'Fn::Sub': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}',
          },
        },
      },
      StudioStack: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: 'https://example-bucket.s3.amazonaws.com/studio.yaml',
          Parameters: {
            VpcId: { Ref: 'Vpc' },
            SubnetIds: { 'Fn::Join': [',', [{ Ref: 'Subnet' }]] },
            ExecutionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
            KeyArn: options.keyArn ?? { 'Fn::If': ['CreateKey', { 'Fn::GetAtt': ['Key', 'Arn'] }, ''] },
            EnvironmentName: { Ref: 'EnvironmentName' },
          },
        },
      },
    },
  };
}

const STUDIO_TEMPLATE = {
  Parameters: {
    VpcId: { Type: 'AWS::EC2::VPC::Id' },
    SubnetIds: { Type: 'List<AWS::EC2::Subnet::Id>' },
    ExecutionRoleArn: { Type: 'String' },
    KeyArn: { Type: 'String', Default: '' },
    EnvironmentName: { Type: 'String' },
    EndpointService: { Type: 'String' },
  },
  Conditions: { HasKey: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'KeyArn' }, ''] }] } },
  Resources: {
    Domain: {
      Type: 'AWS::SageMaker::Domain',
      Properties: {
        DomainName: { 'Fn::Sub': '${EnvironmentName}-domain' },
        AuthMode: 'IAM',
        AppNetworkAccessType: 'VpcOnly',
        VpcId: { Ref: 'VpcId' },
        SubnetIds: { Ref: 'SubnetIds' },
        KmsKeyId: { 'Fn::If': ['HasKey', { Ref: 'KeyArn' }, { Ref: 'AWS::NoValue' }] },
        DefaultUserSettings: { ExecutionRole: { Ref: 'ExecutionRoleArn' } },
      },
    },
    SageMakerApiEndpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: { Ref: 'VpcId' },
        VpcEndpointType: 'Interface',
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.sagemaker.api' },
        PolicyDocument: {
          'Fn::Sub': '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"${AWS::AccountId}"}}}]}',
        },
      },
    },
    PartnerEndpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcId: { Ref: 'VpcId' }, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' },
    },
    ParameterEndpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcId: { Ref: 'VpcId' }, VpcEndpointType: 'Interface', ServiceName: { Ref: 'EndpointService' } },
    },
  },
};

function include(parent: object = parentTemplate()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-include-'));
  fs.writeFileSync(path.join(dir, 'parent.json'), JSON.stringify(parent));
  fs.writeFileSync(path.join(dir, 'studio.json'), JSON.stringify(STUDIO_TEMPLATE));
  const app = new App();
  const stack = new Stack(app, 'Sample');
  const template = new CfnInclude(stack, 'Parent', {
    templateFile: path.join(dir, 'parent.json'),
    loadNestedStacks: { StudioStack: { templateFile: path.join(dir, 'studio.json') } },
  });
  const studio = template.getNestedStack('StudioStack').includedTemplate;
  app.synth();
  return { app, parent: template, studio };
}

describe('a sample loaded with CfnInclude, its Studio template as a nested stack', () => {
  test('the domain sees the parent\'s VPC, role and key through the parameters the parent passes', () => {
    const { studio } = include();
    const domain = studio.getResource('Domain');
    expect(check(DOMAIN_VPC_FLOW_LOGS, domain)).toBe(COMPLIANT);
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, domain)).toBe(NON_COMPLIANT);
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(COMPLIANT);
    expect(check(DOMAIN_VPC_FLOW_LOGS, include(parentTemplate({ flowLogTraffic: 'REJECT' })).studio.getResource('Domain'))).toBe(NON_COMPLIANT);
  });

  test('a key left out by a condition the parent decides (AWS::NoValue) is found, and so is one the parent leaves to deploy time', () => {
    const noKey = parentTemplate();
    noKey.Parameters.UseCustomerKey.Default = 'false';
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, include(noKey).studio.getResource('Domain'))).toBe(NON_COMPLIANT);
    const undecided = parentTemplate();
    delete (undecided.Parameters.UseCustomerKey as { Default?: string }).Default;
    const { app, studio } = include(undecided);
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, studio.getResource('Domain'))).toBe(NON_COMPLIANT);
    const [finding] = new SageMakerStudioChecks().validateScope(app).violations.filter((v) => v.ruleName === DOMAIN_CUSTOMER_MANAGED_KEY.id);
    expect(finding.ruleMetadata).toEqual({ 'Sample/Parent/StudioStack/StudioStack/Domain': 'non-compliant when CreateKey of Sample is false' });
  });

  test('an S3 endpoint policy written as Fn::Sub JSON is read: s3:* on * is found', () => {
    const { parent } = include();
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, parent.getResource('S3Endpoint'))).toBe(NON_COMPLIANT);
    const listed = parentTemplate({
      s3Policy: { 'Fn::Sub': '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:${AWS::Partition}:s3:::${EnvironmentName}-data/*"]}]}' },
    });
    expect(check(S3_GATEWAY_ENDPOINT_POLICY, include(listed).parent.getResource('S3Endpoint'))).toBe(COMPLIANT);
  });

  test('an interface endpoint with a Fn::Sub JSON policy is read; endpoints to PrivateLink services are not flagged for lacking one', () => {
    const { studio } = include();
    expect(check(INTERFACE_ENDPOINT_POLICY, studio.getResource('SageMakerApiEndpoint'))).toBe(COMPLIANT);
    expect(check(INTERFACE_ENDPOINT_POLICY, studio.getResource('PartnerEndpoint'))).toBe(NOT_APPLICABLE);
    const parameter = studio.getResource('ParameterEndpoint');
    expect(check(INTERFACE_ENDPOINT_POLICY, parameter)).toBe(NOT_EVALUATED);
    expect(reasons(INTERFACE_ENDPOINT_POLICY, parameter)).toEqual([
      'ServiceName is parameter EndpointService of Sample/Parent/StudioStack, which has no default and no value from its parent stack; ' +
      'it may name a PrivateLink endpoint service, which takes no endpoint policy',
    ]);
  });
});
