import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3EndpointPolicy } from '../../../src';
import { agnosticStack, concreteStack } from '../../helpers/stacks';

function gatewayEndpoint(stack: Stack, service = ec2.GatewayVpcEndpointAwsService.S3): ec2.GatewayVpcEndpoint {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return vpc.addGatewayEndpoint('Gateway', { service });
}

function policyDocument(stack: Stack): any {
  const [endpoint] = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')) as any[];
  return endpoint.Properties.PolicyDocument;
}

describe('endpointPolicyOrganizationId', () => {
  test('a malformed id is refused; a parameter synthesizes into the condition', () => {
    expect(() => S3EndpointPolicy.of(gatewayEndpoint(agnosticStack()), { endpointPolicyOrganizationId: 'o-short' })).toThrow(
      "S3EndpointPolicy endpointPolicyOrganizationId: 'o-short' is not an AWS Organization id; 'o-' followed by 10 to 32 lower-case letters or digits");
    const stack = agnosticStack();
    const organization = new CfnParameter(stack, 'Organization').valueAsString;
    S3EndpointPolicy.of(gatewayEndpoint(stack), { endpointPolicyOrganizationId: organization });
    expect(policyDocument(stack).Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': { Ref: 'Organization' } } });
  });

  test('the organization set on a later call than the first is refused on that path', () => {
    const endpoint = gatewayEndpoint(agnosticStack());
    S3EndpointPolicy.of(endpoint);
    expect(() => S3EndpointPolicy.of(endpoint, { endpointPolicyOrganizationId: 'o-a1b2c3d4e5' })).toThrow(
      /^S3EndpointPolicy endpointPolicyOrganizationId: the policy of '.*' already exists with another scope; set the organization on the first S3EndpointPolicy.of call/);
  });
});

describe('endpoint', () => {
  test('an endpoint of another service is refused', () => {
    expect(() => S3EndpointPolicy.of(gatewayEndpoint(agnosticStack(), ec2.GatewayVpcEndpointAwsService.DYNAMODB))).toThrow(
      "S3EndpointPolicy endpoint: 'Test/Vpc/Gateway' is an endpoint of service 'dynamodb'; a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3");
  });
});

describe('allowBucket', () => {
  test('a bucket of another region is refused: a gateway endpoint reaches only its own region', () => {
    const stack = concreteStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Far', { bucketName: 'far-away-data', region: 'us-east-1' });
    expect(() => policy.allowBucket(bucket)).toThrow(
      "S3EndpointPolicy allowBucket: bucket 'Test/Far' is in us-east-1 but the stack deploys to eu-west-1; " +
      'a bucket of eu-west-1, because a gateway endpoint reaches only the buckets of its own region');
  });

  test('a bucket of another partition is refused', () => {
    const stack = concreteStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    expect(() => policy.allowBucket(s3.Bucket.fromBucketArn(stack, 'China', 'arn:aws-cn:s3:::data'))).toThrow(
      "S3EndpointPolicy allowBucket: bucket 'arn:aws-cn:s3:::data' is in partition aws-cn but the stack deploys to aws; a bucket of partition aws");
  });

  test('a bucket of the stack region, and one whose name is an import, synthesize', () => {
    const stack = concreteStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    policy.allowBucket(s3.Bucket.fromBucketAttributes(stack, 'Near', { bucketName: 'near-data', region: 'eu-west-1' }));
    policy.allowBucket(s3.Bucket.fromBucketName(stack, 'Imported', Fn.importValue('DataBucketName')));
    expect(JSON.stringify(policyDocument(stack).Statement[0].Resource)).toContain('{"Fn::ImportValue":"DataBucketName"}');
    expect(JSON.stringify(policyDocument(stack).Statement[0].Resource)).toContain('near-data');
  });

  test('a bucket defined in another stack is refused', () => {
    const app = new App();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(new Stack(app, 'Network')));
    const bucket = new s3.Bucket(new Stack(app, 'Data'), 'Bucket');
    expect(() => policy.allowBucket(bucket)).toThrow(/^S3EndpointPolicy allowBucket: bucket 'Data\/Bucket' is defined in another stack .*; define the bucket in the stack of the endpoint/);
  });
});

describe('allowCodeArtifactAssets', () => {
  test('a bucket name S3 would refuse is refused; a token synthesizes', () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    expect(() => policy.allowCodeArtifactAssets('-assets')).toThrow(
      "S3EndpointPolicy allowCodeArtifactAssets: '-assets' is not an S3 bucket name; the name of CodeArtifact's assets bucket of the region");
    policy.allowCodeArtifactAssets(Fn.importValue('AssetsBucket'));
    expect(JSON.stringify(policyDocument(stack))).toContain('{"Fn::ImportValue":"AssetsBucket"}');
  });

  test('a region without a known assets bucket is refused with the command that finds it', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'xx-nowhere-1' } });
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    expect(() => policy.allowCodeArtifactAssets()).toThrow(
      /^S3EndpointPolicy allowCodeArtifactAssets: no CodeArtifact assets bucket is known for region xx-nowhere-1; the bucket's name as bucketName/);
  });
});
