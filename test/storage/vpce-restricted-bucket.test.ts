import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsServiceAccess, SecureStudioVpc, VpceRestrictedBucket, VpceRestrictedBucketProps } from '../../src';
import { nagErrors } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const MANAGEMENT_ACTIONS = ['s3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucket*', 's3:Get*Configuration', 's3:Put*Configuration',
  's3:TagResource', 's3:UntagResource', 's3:ListTagsForResource'];
const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Data'), 'Arn'] };
const objectsArn = { 'Fn::Join': ['', [bucketArn, '/*']] };

function build(props: Partial<VpceRestrictedBucketProps> = {}, stack: Stack = agnosticStack()) {
  const network = new SecureStudioVpc(stack, 'Network');
  const data = new VpceRestrictedBucket(stack, 'Data', { network, ...props });
  return { stack, network, data, template: Template.fromStack(stack) };
}

/** The statement of the data bucket's policy with the given Sid. */
function statement(template: Template, sid: string): any {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', {
    Properties: { Bucket: { Ref: Match.stringLikeRegexp('^Data2') } },
  }));
  return (policies[0] as any).Properties.PolicyDocument.Statement.find((s: any) => s.Sid === sid);
}

describe('default settings', () => {
  const { template, data, network, stack } = build();

  test('a versioned, private, retained bucket with KMS encryption by its own key and a bucket key', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
          }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^DataAccessLogs') },
          TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(stack.resolve(data.bucket.bucketArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Data2/), 'Arn'] });
  });

  test('the key rotates, is retained, and only the account admins manage it', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Action: Match.arrayWith(['kms:Put*', 'kms:Disable*', 'kms:ScheduleKeyDeletion']),
            Resource: '*',
          }]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the key policy lets principals use the key only through S3 of the region, and has no kms:* statement', () => {
    const key: any = Object.values(template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the objects of Test/Data' } }))[0];
    const statements = key.Properties.KeyPolicy.Statement;
    expect(statements).toHaveLength(2);
    expect(statements.some((s: any) => [s.Action].flat().some((a: string) => a === 'kms:*' || a.startsWith('kms:Decrypt') && !s.Condition))).toBe(false);
    expect(statements).toContainEqual({
      Sid: 'AllowUseThroughS3ByThisAccount',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          'kms:CallerAccount': { Ref: 'AWS::AccountId' },
        },
      },
    });
  });

  test('access logs go to a private, SSE-S3, TLS-only, versioned bucket that the S3 logging service writes through its policy', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        AccessControl: Match.absent(),
        LoggingConfiguration: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^DataAccessLogs') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { ArnLike: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    expect(data.serverAccessLogsBucket).toBeInstanceOf(s3.Bucket);
  });

  test('the bucket policy denies requests without TLS, or with TLS older than 1.2', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Data2') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('the bucket policy denies every action but bucket configuration to every principal outside the S3 endpoint', () => {
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints')).toEqual({
      Sid: 'DenyDataAccessOutsideTheVpcEndpoints',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      NotAction: MANAGEMENT_ACTIONS,
      Resource: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Data2/), 'Arn'] }), expect.objectContaining({ 'Fn::Join': expect.anything() })],
      Condition: { StringNotEquals: { 'aws:SourceVpce': [{ Ref: expect.stringMatching(/^NetworkS3Endpoint/) }] } },
    });
    // No spared pattern matches an object, listing or replication action.
    const spared = MANAGEMENT_ACTIONS.map((pattern) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`));
    for (const dataAction of ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObjectVersion', 's3:ListBucket',
      's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:ReplicateObject', 's3:InitiateReplication', 's3:RestoreObject',
      's3:GetObjectAttributes', 's3:PutObjectAcl', 's3:UpdateObjectEncryption']) {
      expect(spared.some((pattern) => pattern.test(dataAction))).toBe(false);
    }
  });

  test('the bucket registers on the S3 endpoint, which then reaches it and the ECR image layers only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowRegisteredBuckets',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucketArn, objectsArn],
            Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
          },
          Match.objectLike({ Sid: 'AllowEcrImageLayersOfThisRegion', Action: 's3:GetObject' }),
        ],
      },
    });
    expect(data.endpoints).toEqual([network.s3Endpoint]);
  });

  test('no auto-delete custom resource and no Lambda function', () => {
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).some((id) => id.startsWith('CustomS3AutoDelete'))).toBe(false);
  });

  test('no tag-based access (ABAC) unless asked for', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { AbacStatus: Match.absent(), LoggingConfiguration: Match.anyValue() });
  });
});

describe('choices', () => {
  test('exempt roles escape the endpoint rule by role ARN, which covers all their sessions', () => {
    const stack = agnosticStack();
    const ingest = iam.Role.fromRoleArn(stack, 'Ingest', 'arn:aws:iam::111122223333:role/data/Ingest');
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    const { template } = build({ exemptRoles: [ingest, breakGlass] }, stack);
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints').Condition).toEqual({
      StringNotEquals: { 'aws:SourceVpce': [s3EndpointRef(template)] },
      ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/data/Ingest', { 'Fn::GetAtt': [expect.stringMatching(/^BreakGlass/), 'Arn'] }] },
    });
  });

  test.each([
    [AwsServiceAccess.SERVICE_PRINCIPALS, { 'aws:PrincipalIsAWSService': 'false' }],
    [AwsServiceAccess.SERVICE_PRINCIPALS_AND_FORWARDED_REQUESTS, { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' }],
  ])('AWS service access %s lifts the rule for those requests only', (awsServiceAccess, bools) => {
    const { template } = build({ awsServiceAccess });
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints').Condition).toEqual({
      StringNotEquals: { 'aws:SourceVpce': [s3EndpointRef(template)] },
      BoolIfExists: bools,
    });
  });

  test('DESTROY with auto-delete: the auto-delete handler role is exempt, and the key and log bucket go too', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    const roleArn = { 'Fn::GetAtt': [expect.stringMatching(/^CustomS3AutoDeleteObjectsCustomResourceProviderRole/), 'Arn'] };
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints').Condition.ArnNotEquals).toEqual({ 'aws:PrincipalArn': [roleArn] });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Data2') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { AWS: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) } })]) },
    });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { Properties: { Description: 'Encrypts the objects of Test/Data' }, DeletionPolicy: 'Delete' });
  });

  test('a given key, log bucket and name are used, and no key or log bucket is created', () => {
    const stack = agnosticStack();
    const key = kms.Key.fromKeyArn(stack, 'SharedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const logs = s3.Bucket.fromBucketName(stack, 'SharedLogs', 'central-access-logs');
    const { template, data } = build({ encryptionKey: key, serverAccessLogsBucket: logs, bucketName: 'studio-data-eu' }, stack);
    template.resourceCountIs('AWS::KMS::Key', 1); // the flow log key of the network
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'studio-data-eu',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
        }],
      },
      LoggingConfiguration: { DestinationBucketName: 'central-access-logs' },
    });
    expect(data.encryptionKey).toBe(key);
    expect(data.serverAccessLogsBucket).toBe(logs);
  });

  test('a standalone gateway endpoint, in a VPC of your own, works like the network', () => {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const endpoint = vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    new VpceRestrictedBucket(stack, 'Data', { endpoints: [endpoint] });
    const template = Template.fromStack(stack);
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints').Condition).toEqual({
      StringNotEquals: { 'aws:SourceVpce': [{ Ref: expect.stringMatching(/^VpcS3/) }] },
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'AllowRegisteredBuckets' }), Match.objectLike({ Sid: 'AllowEcrImageLayersOfThisRegion' })] },
    });
  });

  test('an imported endpoint is allowed in the bucket policy, and a warning says its policy is not managed here', () => {
    const stack = agnosticStack();
    const imported = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, 'Shared', 'vpce-0a1b2c3d4e5f60718');
    const { template } = build({ endpoints: [imported] }, stack);
    expect(statement(template, 'DenyDataAccessOutsideTheVpcEndpoints').Condition.StringNotEquals).toEqual({
      'aws:SourceVpce': [s3EndpointRef(template), 'vpce-0a1b2c3d4e5f60718'],
    });
    Annotations.fromStack(stack).hasWarning('/Test/Data', Match.stringLikeRegexp("the policy of endpoint 'Test/Shared' is not defined in this app"));
  });

  test('tagBasedAccess enables ABAC on the bucket, not on its log bucket', () => {
    const { template } = build({ tagBasedAccess: true });
    template.hasResourceProperties('AWS::S3::Bucket', { AbacStatus: 'Enabled', LoggingConfiguration: Match.anyValue() });
    template.hasResourceProperties('AWS::S3::Bucket', { AbacStatus: Match.absent(), LoggingConfiguration: Match.absent() });
  });

  test('buckets sharing a log bucket are its log sources in one statement, so that its policy stays small', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    const first = new VpceRestrictedBucket(stack, 'Data', { network });
    for (let i = 1; i < 100; i++) {
      new VpceRestrictedBucket(stack, `Data${i}`, { network, encryptionKey: first.encryptionKey, serverAccessLogsBucket: first.serverAccessLogsBucket });
    }
    const template = Template.fromStack(stack);
    const [logsPolicy] = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: Match.stringLikeRegexp('^DataAccessLogs') } } })) as any[];
    const deliveries = logsPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'logging.s3.amazonaws.com');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].Condition.ArnLike['aws:SourceArn']).toHaveLength(100);
    expect(JSON.stringify(logsPolicy.Properties.PolicyDocument).length).toBeLessThan(8_000);
  });

  test('the network endpoint given twice counts once', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    const data = new VpceRestrictedBucket(stack, 'Data', { network, endpoints: [network.s3Endpoint] });
    expect(data.endpoints).toEqual([network.s3Endpoint]);
  });
});

describe('grants', () => {
  test.each([
    ['grantRead', ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], ['kms:Decrypt', 'kms:DescribeKey']],
    ['grantWrite', ['s3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*',
      's3:DeleteObject'], Match.arrayWith(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'])],
    ['grantReadWrite', ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention',
      's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*', 's3:DeleteObject'],
    Match.arrayWith(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'])],
  ])('%s covers the bucket, its objects and the key, in the grantee policy', (method, s3Actions, kmsActions) => {
    const stack = agnosticStack();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const network = new SecureStudioVpc(stack, 'Network');
    const data = new VpceRestrictedBucket(stack, 'Data', { network });
    const grant: iam.Grant = (data as any)[method](role);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Analyst') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: s3Actions, Resource: [bucketArn, objectsArn] },
          { Effect: 'Allow', Action: kmsActions, Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
        ],
      },
    });
  });

  test('grantPermanentDelete is the only grant of s3:DeleteObjectVersion', () => {
    const stack = agnosticStack();
    const role = new iam.Role(stack, 'Retention', { assumedBy: new iam.AccountRootPrincipal() });
    const data = new VpceRestrictedBucket(stack, 'Data', { network: new SecureStudioVpc(stack, 'Network') });
    data.grantPermanentDelete(role, 'scratch/*');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Retention') }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: ['s3:DeleteObjectVersion', 's3:DeleteObjectVersionTagging'], Resource: { 'Fn::Join': ['', [bucketArn, '/scratch/*']] } }],
      },
    });
  });

  test('a key pattern narrows the object grant', () => {
    const stack = agnosticStack();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    new VpceRestrictedBucket(stack, 'Data', { network: new SecureStudioVpc(stack, 'Network') }).grantRead(role, 'team-a/*');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/team-a/*']] }] })]) },
    });
  });
});

describe('validation', () => {
  const cases: [string, Partial<VpceRestrictedBucketProps>, string][] = [
    ['auto-delete without DESTROY', { autoDeleteObjects: true },
      'VpceRestrictedBucket autoDeleteObjects: set without removalPolicy DESTROY; removalPolicy: RemovalPolicy.DESTROY with it, or no autoDeleteObjects to keep the data'],
    ['a snapshot removal policy', { removalPolicy: RemovalPolicy.SNAPSHOT },
      'VpceRestrictedBucket removalPolicy: S3 buckets and KMS keys cannot be snapshotted; RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY'],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('no endpoint at all', () => {
    expect(() => new VpceRestrictedBucket(agnosticStack(), 'Data', {})).toThrow(
      'VpceRestrictedBucket endpoints: no VPC endpoint given; network (a SecureStudioVpc), endpoints (S3 gateway endpoints), or both');
  });

  test('a session ARN given as exempt role', () => {
    const stack = agnosticStack();
    const session = iam.Role.fromRoleArn(stack, 'Session', 'arn:aws:sts::111122223333:assumed-role/Ingest/nightly');
    expect(() => build({ exemptRoles: [session] }, stack)).toThrow(
      "VpceRestrictedBucket exemptRoles: 'arn:aws:sts::111122223333:assumed-role/Ingest/nightly' is not the ARN of an IAM role; " +
      'a role ARN with its path, e.g. arn:aws:iam::111122223333:role/data/Ingest, which exempts every session of the role');
  });

  test('a KMS-encrypted log bucket', () => {
    const stack = agnosticStack();
    const logs = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.KMS });
    expect(() => build({ serverAccessLogsBucket: logs }, stack)).toThrow(
      'VpceRestrictedBucket serverAccessLogsBucket: the bucket is encrypted with a KMS key; ' +
      'a bucket with SSE-S3 default encryption, because S3 delivers no server access logs to an SSE-KMS bucket');
  });

  test('an endpoint of another service than S3', () => {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const dynamo = vpc.addGatewayEndpoint('Dynamo', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    expect(() => new VpceRestrictedBucket(stack, 'Data', { endpoints: [dynamo] })).toThrow(
      "VpceRestrictedBucket endpoints: 'Test/Vpc/Dynamo' is an endpoint of service 'dynamodb'; a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3");
  });

  test('a bucket policy over 20 KB fails synthesis', () => {
    const stack = agnosticStack();
    const roles = Array.from({ length: 400 }, (_, i) => iam.Role.fromRoleArn(stack, `Role${i}`, `arn:aws:iam::111122223333:role/ingest/IngestionRole${i}`));
    new VpceRestrictedBucket(stack, 'Data', { network: new SecureStudioVpc(stack, 'Network'), exemptRoles: roles });
    expect(() => Template.fromStack(stack)).toThrow(/VpceRestrictedBucket: the bucket policy has \d+ characters, over the limit of 20480; exempt fewer roles/);
  });

  test('a shared access-log bucket whose policy could pass 20 KB once deployed fails synthesis', () => {
    const stack = agnosticStack();
    const first = new VpceRestrictedBucket(stack, 'Data', { network: new SecureStudioVpc(stack, 'Network') });
    const endpoints = Array.from({ length: 3 }, (_, i) => new SecureStudioVpc(stack, `Network${i}`).s3Endpoint);
    for (let i = 1; i < 240; i++) {
      new VpceRestrictedBucket(stack, `D${i}`, { endpoints: [endpoints[i % 3]], encryptionKey: first.encryptionKey, serverAccessLogsBucket: first.serverAccessLogsBucket });
    }
    expect(() => Template.fromStack(stack)).toThrow(
      /VpceRestrictedBucket: the policy of access-log bucket 'Test\/Data\/AccessLogs' can reach \d+ characters, over the limit of 20480; let fewer buckets share it \(serverAccessLogsBucket\)/);
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([
    ['default settings', {}],
    ['DESTROY with auto-delete', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }],
    ['AWS service access', { awsServiceAccess: AwsServiceAccess.SERVICE_PRINCIPALS }],
  ])('%s: no unacknowledged error', (_name, props) => {
    const { stack } = build(props, concreteStack());
    expect(nagErrors(stack)).toEqual([]);
  });

  test("checkov skips, with reasons, only the log bucket's logging and, once, the auto-delete provider's Lambda checks", () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') });
    for (const id of ['Data', 'Scratch']) {
      new VpceRestrictedBucket(stack, id, { network, removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    }
    const resources = Template.fromStack(stack).toJSON().Resources;
    const skipped = Object.entries<any>(resources)
      .filter(([id, r]) => r.Metadata?.checkov && !/^(CustomVpcRestrictDefaultSG|SecureStudioManagedDomainListsLookup)/.test(id)) // the network's own
      .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Metadata.checkov.skip.map((skip: any) => skip.id)]);
    expect(skipped).toEqual([
      ['DataAccessLogs', ['CKV_AWS_18']],
      ['CustomS3AutoDeleteObjectsCustomResourceProviderHandler', ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']],
      ['ScratchAccessLogs', ['CKV_AWS_18']],
    ]);
    const comments = Object.values<any>(resources).flatMap((r) => r.Metadata?.checkov?.skip ?? []).map((skip: any) => skip.comment);
    expect(comments.every((comment: string) => comment.length > 80)).toBe(true);
  });

  test('the acknowledged findings are real: a plain SSE-S3 bucket has them', () => {
    const stack = agnosticStack();
    new s3.Bucket(stack, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true });
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual(expect.arrayContaining([
      'AwsSolutions-S1 @ Test/Plain/Resource',
      'NIST.800.53.R5-S3DefaultEncryptionKMS @ Test/Plain/Resource',
      'HIPAA.Security-S3BucketReplicationEnabled @ Test/Plain/Resource',
    ]));
  });
});

function s3EndpointRef(template: Template): { Ref: string } {
  const [id] = Object.keys(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
  return { Ref: id };
}
