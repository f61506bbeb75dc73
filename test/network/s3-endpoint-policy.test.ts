import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3EndpointPolicy, SecureStudioVpc, VpceRestrictedBucket } from '../../src';
import { concretize } from '../helpers/iam-simulation';
import { agnosticStack } from '../helpers/stacks';

const LIMIT = 20_480;
const accountCondition = { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } };

function gatewayEndpoint(stack: Stack): ec2.GatewayVpcEndpoint {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
}

function endpointPolicy(template: Template): any {
  const [endpoint] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } })) as any[];
  return endpoint.Properties.PolicyDocument;
}

/** `count` buckets on the network's S3 endpoint, sharing the key and log bucket of the first (500 resources per stack). */
function bucketsOnOneEndpoint(count: number) {
  const stack = agnosticStack();
  const network = new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') });
  const first = new VpceRestrictedBucket(stack, 'Data0', { network });
  const buckets = [first, ...Array.from({ length: count - 1 }, (_, i) => new VpceRestrictedBucket(stack, `Data${i + 1}`, {
    network, encryptionKey: first.encryptionKey, serverAccessLogsBucket: first.serverAccessLogsBucket,
  }))];
  return { stack, buckets, template: Template.fromStack(stack) };
}

/** The endpoint policy as deployed, with every bucket at the longest name S3 allows (63 characters). */
function deployedLength(stack: Stack, template: Template, buckets: VpceRestrictedBucket[]): number {
  const ids = Object.fromEntries(buckets.map((b, i) => [
    `${stack.getLogicalId(b.bucket.node.defaultChild as s3.CfnBucket)}.Arn`,
    `arn:aws:s3:::${String(i).padStart(63, 'x')}`,
  ]));
  return JSON.stringify(concretize(endpointPolicy(template), ids)).length;
}

describe('before any bucket registers', () => {
  test("the endpoint reaches any bucket for the account's principals, and the ECR image layers of the region", () => {
    const stack = agnosticStack();
    S3EndpointPolicy.of(gatewayEndpoint(stack));
    expect(endpointPolicy(Template.fromStack(stack))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AllowPrincipalsOfThisAccount', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: accountCondition },
        {
          Sid: 'AllowEcrImageLayersOfThisRegion',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] },
        },
      ],
    });
  });

  test('of() returns the one policy of an endpoint', () => {
    const endpoint = gatewayEndpoint(agnosticStack());
    expect(S3EndpointPolicy.of(endpoint)).toBe(S3EndpointPolicy.of(endpoint));
  });
});

describe('registered buckets', () => {
  test('replace the allow-all statement: a registered bucket is all the endpoint reaches besides the ECR layers', () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    policy.allowBucket(s3.Bucket.fromBucketName(stack, 'Default', 'sagemaker-eu-west-1-111122223333'));
    const statements = endpointPolicy(Template.fromStack(stack)).Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0]).toEqual({
      Sid: 'AllowRegisteredBuckets',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:*',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sagemaker-eu-west-1-111122223333']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sagemaker-eu-west-1-111122223333/*']] },
      ],
      Condition: accountCondition,
    });
    expect(statements.some((s: any) => s.Resource === '*')).toBe(false);
  });

  test('two buckets share one statement; the deployed policy stays far under the limit', () => {
    const { stack, buckets, template } = bucketsOnOneEndpoint(2);
    const statements = endpointPolicy(template).Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['AllowRegisteredBuckets', 'AllowEcrImageLayersOfThisRegion']);
    expect(statements[0].Resource).toHaveLength(4);
    expect(deployedLength(stack, template, buckets)).toBeLessThan(1_000);
  });

  test('one hundred buckets share one statement of 200 ARNs, synthesize, and stay under 20,480 characters at the longest names', () => {
    const { stack, buckets, template } = bucketsOnOneEndpoint(100);
    const statements = endpointPolicy(template).Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0].Resource).toHaveLength(200);
    expect(new Set(statements[0].Resource.map((r: unknown) => JSON.stringify(r))).size).toBe(200);
    expect(deployedLength(stack, template, buckets)).toBeLessThan(LIMIT);
    template.resourceCountIs('AWS::S3::Bucket', 101);
  });

  test('the 116th bucket without a name could overflow the policy: refused at construction, with what to do', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') });
    const first = new VpceRestrictedBucket(stack, 'Data0', { network });
    const more = (i: number) => new VpceRestrictedBucket(stack, `Data${i}`, {
      network, encryptionKey: first.encryptionKey, serverAccessLogsBucket: first.serverAccessLogsBucket,
    });
    for (let i = 1; i < 115; i++) {
      more(i);
    }
    expect(() => more(115)).toThrow(
      "S3EndpointPolicy allowBucket: with bucket 'Test/Data115/Resource' the policy of endpoint 'Test/Network/S3Endpoint' can reach 20621 characters, " +
      'over the limit of 20480; keep the data reached through one endpoint in fewer buckets (separate it by prefix), ' +
      'or give the buckets short names (a bucket without a name counts with the longest possible name, 63 characters)');
  });

  test('known names of 63 characters count like unnamed buckets: the 116th is refused too', () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    const longName = (i: number) => `${String(i).padStart(3, '0')}-${'x'.repeat(59)}`;
    for (let i = 0; i < 115; i++) {
      policy.allowBucket(s3.Bucket.fromBucketName(stack, `Bucket${i}`, longName(i)));
    }
    expect(() => policy.allowBucket(s3.Bucket.fromBucketName(stack, 'Bucket115', longName(115)))).toThrow(
      "S3EndpointPolicy allowBucket: with bucket 'Test/Bucket115' the policy of endpoint 'Test/Vpc/S3' can reach 20621 characters");
  });

  test('buckets with short known names count at their own length', () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    for (let i = 0; i < 200; i++) {
      policy.allowBucket(s3.Bucket.fromBucketName(stack, `Bucket${i}`, `team-data-${i}`));
    }
    expect(endpointPolicy(Template.fromStack(stack)).Statement[0].Resource).toHaveLength(400);
  });

  test('a bucket registered twice counts once', () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    const bucket = s3.Bucket.fromBucketName(stack, 'Default', 'shared-data');
    policy.allowBucket(bucket);
    policy.allowBucket(bucket);
    expect(endpointPolicy(Template.fromStack(stack)).Statement[0].Resource).toHaveLength(2);
  });

  test('statements added with addToPolicy are kept, and an overflow through them fails synthesis', () => {
    const stack = agnosticStack();
    const endpoint = gatewayEndpoint(stack);
    S3EndpointPolicy.of(endpoint).allowBucket(s3.Bucket.fromBucketName(stack, 'Default', 'shared-data'));
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'DenyDeletes', effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], actions: ['s3:DeleteBucket'], resources: ['*'],
    }));
    expect(endpointPolicy(Template.fromStack(stack)).Statement.map((s: any) => s.Sid))
      .toEqual(['AllowRegisteredBuckets', 'AllowEcrImageLayersOfThisRegion', 'DenyDeletes']);

    const other = agnosticStack();
    const crowded = gatewayEndpoint(other);
    S3EndpointPolicy.of(crowded);
    for (let i = 0; i < 200; i++) {
      crowded.addToPolicy(new iam.PolicyStatement({ principals: [new iam.StarPrincipal()], actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-${i}-${'x'.repeat(60)}/*`] }));
    }
    expect(() => Template.fromStack(other)).toThrow(/S3EndpointPolicy: the policy of endpoint 'Test\/Vpc\/S3' can reach \d+ characters, over the limit of 20480; register fewer buckets or add fewer statements to the endpoint/);
  });

  test('a bucket of another stack is refused: each stack would reference the other', () => {
    const app = new App();
    const network = new SecureStudioVpc(new Stack(app, 'Network'), 'Network');
    expect(() => new VpceRestrictedBucket(new Stack(app, 'Data'), 'Data', { network })).toThrow(
      "S3EndpointPolicy allowBucket: bucket 'Data/Data/Resource' is defined in another stack than endpoint 'Network/Network/S3Endpoint', " +
      'and each stack would reference the other; define the bucket in the stack of the endpoint, or register an imported bucket (s3.Bucket.fromBucketName)');
  });
});

describe('options', () => {
  test("JumpStart: opting in adds a read-only statement for objects tagged SageMaker=true, for the account's principals", () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    policy.allowJumpStartObjects();
    expect(endpointPolicy(Template.fromStack(stack)).Statement).toContainEqual({
      Sid: 'AllowJumpStartPublicObjects',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { ...accountCondition, StringEqualsIgnoreCase: { 's3:ExistingObjectTag/SageMaker': 'true' } },
    });
  });

  test('without opting in, no statement reaches tagged objects of other buckets', () => {
    const stack = agnosticStack();
    S3EndpointPolicy.of(gatewayEndpoint(stack)).allowBucket(s3.Bucket.fromBucketName(stack, 'Default', 'shared-data'));
    expect(JSON.stringify(endpointPolicy(Template.fromStack(stack)))).not.toContain('ExistingObjectTag');
  });

  test('the organization scope of SecureStudioVpc applies to the registered buckets', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { endpointPolicyOrganizationId: 'o-a1b2c3d4e5' });
    new VpceRestrictedBucket(stack, 'Data', { network });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowRegisteredBuckets', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } })]),
      },
    });
  });

  test('a later call cannot change the scope, and a malformed organization is refused', () => {
    const network = new SecureStudioVpc(agnosticStack(), 'Network');
    expect(() => S3EndpointPolicy.of(network.s3Endpoint, { endpointPolicyOrganizationId: 'o-a1b2c3d4e5' })).toThrow(
      "S3EndpointPolicy endpointPolicyOrganizationId: the policy of 'Test/Network/S3Endpoint' already exists with another scope; " +
      'set the organization on the first S3EndpointPolicy.of call for an endpoint (SecureStudioVpc makes that call for its s3Endpoint)');
    expect(() => S3EndpointPolicy.of(gatewayEndpoint(agnosticStack()), { endpointPolicyOrganizationId: 'org-1' })).toThrow(
      "S3EndpointPolicy endpointPolicyOrganizationId: 'org-1' is not an AWS Organization id; 'o-' followed by 10 to 32 lower-case letters or digits");
  });
});

describe('CodeArtifact assets', () => {
  test("allowCodeArtifactAssets admits the region's assets bucket, read only, without a condition; a bucket of your own by name", () => {
    const stack = agnosticStack();
    const policy = S3EndpointPolicy.of(gatewayEndpoint(stack));
    policy.allowCodeArtifactAssets('assets-123456789012-ca-central-1');
    const statement = endpointPolicy(Template.fromStack(stack)).Statement.find((s: any) => s.Sid === 'AllowCodeArtifactAssetsOfThisRegion');
    expect(statement).toEqual({
      Sid: 'AllowCodeArtifactAssetsOfThisRegion',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::assets-123456789012-ca-central-1/*']] },
    });
  });

  test('refuses a bucket name S3 would refuse', () => {
    const policy = S3EndpointPolicy.of(gatewayEndpoint(agnosticStack()));
    expect(() => policy.allowCodeArtifactAssets('Assets_Bucket')).toThrow(
      "S3EndpointPolicy allowCodeArtifactAssets: 'Assets_Bucket' is not an S3 bucket name; the name of CodeArtifact's assets bucket of the region, e.g. 'assets-438097961670-eu-west-1'");
  });
});
