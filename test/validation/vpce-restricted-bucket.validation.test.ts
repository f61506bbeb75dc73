import { App, CfnParameter, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { AwsServiceAccess, VpceRestrictedBucket, VpceRestrictedBucketProps } from '../../src';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const NAME_FORM = "3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, " +
  'not starting with xn--, sthree-, amzn-s3-demo- nor ending with -s3alias, --ol-s3, .mrap, --x-s3, --table-s3';

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Test', region ? { env: { account: ACCOUNT, region } } : {});
}

let count = 0;
/** A bucket behind an imported S3 endpoint (a new id each time: a construct that threw is still in the tree). */
function bucket(props: Partial<VpceRestrictedBucketProps>, stack: Stack = stackIn()): VpceRestrictedBucket {
  const endpoint = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, `Endpoint${++count}`, 'vpce-0123456789abcdef0');
  return new VpceRestrictedBucket(stack, `Data${count}`, { endpoints: [endpoint], ...props });
}

/** The S3 naming rules, as a predicate independent of the construct's code. */
function validBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !['xn--', 'sthree-', 'amzn-s3-demo-'].some((prefix) => name.startsWith(prefix)) &&
    !['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].some((suffix) => name.endsWith(suffix));
}

describe('VpceRestrictedBucket refuses bad input, naming VpceRestrictedBucket, the prop and the allowed form', () => {
  test.each<[string, Partial<VpceRestrictedBucketProps>, string]>([
    ['a bucket name of 2 characters', { bucketName: 'ab' }, `VpceRestrictedBucket bucketName: 'ab' has 2 characters; ${NAME_FORM}`],
    ['a bucket name in upper case', { bucketName: 'Data-Bucket' }, "VpceRestrictedBucket bucketName: 'Data-Bucket' holds a character S3 does not allow there"],
    ['a bucket name with two dots', { bucketName: 'data..bucket' }, "VpceRestrictedBucket bucketName: 'data..bucket' holds '..'"],
    ['a bucket name like an IP address', { bucketName: '192.168.5.4' }, "VpceRestrictedBucket bucketName: '192.168.5.4' is formatted as an IP address"],
    ['a reserved prefix', { bucketName: 'xn--data' }, "VpceRestrictedBucket bucketName: 'xn--data' starts with the reserved prefix 'xn--'"],
    ['a reserved suffix', { bucketName: 'data-s3alias' }, "VpceRestrictedBucket bucketName: 'data-s3alias' ends with the reserved suffix '-s3alias'"],
    ['an unknown service access', { awsServiceAccess: 'none' as AwsServiceAccess },
      "VpceRestrictedBucket awsServiceAccess: 'none' is not one of the choices; AwsServiceAccess.NONE, SERVICE_PRINCIPALS or SERVICE_PRINCIPALS_AND_FORWARDED_REQUESTS"],
    ['a snapshot removal policy', { removalPolicy: RemovalPolicy.SNAPSHOT },
      'VpceRestrictedBucket removalPolicy: S3 buckets and KMS keys cannot be snapshotted; RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY'],
    ['an unknown removal policy', { removalPolicy: 'delete' as RemovalPolicy }, "VpceRestrictedBucket removalPolicy: 'delete' is not one of the choices"],
  ])('%s', (_name, props, message) => {
    expect(() => bucket(props)).toThrow(message);
  });

  test('an endpoint of another service than S3', () => {
    const stack = stackIn();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const dynamo = vpc.addGatewayEndpoint('Dynamo', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    expect(() => bucket({ endpoints: [dynamo] }, stack)).toThrow(
      "VpceRestrictedBucket endpoints: 'Test/Vpc/Dynamo' is an endpoint of service 'dynamodb'; a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3");
  });

  test('an encryption key of another region or partition', () => {
    const stack = stackIn('eu-west-1');
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => bucket({ encryptionKey: foreign }, stack)).toThrow(
      `VpceRestrictedBucket encryptionKey: 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    const gov = kms.Key.fromKeyArn(stack, 'Gov', `arn:aws-us-gov:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => bucket({ encryptionKey: gov }, stack)).toThrow(
      `VpceRestrictedBucket encryptionKey: 'arn:aws-us-gov:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}' is in partition aws-us-gov but the stack deploys to aws; an ARN of partition aws`);
  });
});

describe('VpceRestrictedBucket bucket names, property-based', () => {
  test('every name S3 takes is accepted; every other is refused with the naming rules', () => {
    const stack = stackIn('eu-west-1');
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    const names = fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
      fc.string({ maxLength: 70 }),
      fc.constantFrom('xn--a1', 'sthree-x', 'amzn-s3-demo-x', 'a-s3alias', 'a--ol-s3', 'a.mrap', 'a--x-s3', 'a--table-s3', '10.0.0.1', 'a..b'),
    );
    fc.assert(fc.property(names, (bucketName) => {
      const call = () => bucket({ bucketName, encryptionKey: foreign }, stack);
      // encryptionKey is checked after bucketName: its error proves the name passed.
      expect(call).toThrow(validBucketName(bucketName) ? 'VpceRestrictedBucket encryptionKey' : `VpceRestrictedBucket bucketName: '${bucketName}'`);
    }));
  });
});

describe('VpceRestrictedBucket valid edge cases synthesize', () => {
  test('tokens: bucket name, key, exempt role', () => {
    const stack = stackIn('eu-west-1');
    bucket({
      bucketName: new CfnParameter(stack, 'BucketName').valueAsString,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', Fn.importValue('KeyArn')),
      exemptRoles: [iam.Role.fromRoleArn(stack, 'Ingest', Fn.importValue('IngestRoleArn'))],
    }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { BucketName: { Ref: 'BucketName' } });
  });

  test('the limits: names of 3 and 63 characters, a key of the stack\'s region, every service access', () => {
    const stack = stackIn('eu-west-1');
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`);
    bucket({ bucketName: 'a.b', encryptionKey: key, awsServiceAccess: AwsServiceAccess.SERVICE_PRINCIPALS_AND_FORWARDED_REQUESTS }, stack);
    bucket({ bucketName: `a${'-'.repeat(61)}b`, awsServiceAccess: AwsServiceAccess.NONE, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { BucketName: 'a.b' });
  });
});
