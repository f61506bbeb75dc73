import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  MlflowTrackingServer, MlflowTrackingServerProps, MlflowTrackingServerSize, PersonaRoles, SecureStudioVpc, StudioEndpointService,
} from '../../src';
import { agnosticStack, concreteStack } from '../helpers/stacks';

function build(props: Partial<MlflowTrackingServerProps> = {}, stack: Stack = agnosticStack()) {
  const network = new SecureStudioVpc(stack, 'Network');
  const server = new MlflowTrackingServer(stack, 'Mlflow', { network, ...props });
  return { stack, network, server, template: () => Template.fromStack(stack) };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: any } }) => stack.getLogicalId(construct.node.defaultChild);

describe('MlflowTrackingServer', () => {
  test('creates a small server whose artifact store is its own restricted bucket, run by its own role, without automatic registration', () => {
    const { stack, server, template } = build({ team: 'fraud' });
    const t = template();
    t.resourceCountIs('AWS::SageMaker::MlflowTrackingServer', 1);
    t.hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', {
      TrackingServerSize: 'Small',
      AutomaticModelRegistration: false,
      ArtifactStoreUri: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, server.artifactBucket.bucket) }]] },
      RoleArn: { 'Fn::GetAtt': [logicalId(stack, server.role as any), 'Arn'] },
      Tags: [{ Key: 'team', Value: 'fraud' }],
    });
  });

  test('keeps the server (the runs) and the artifacts when they leave the stack, unless told otherwise', () => {
    build().template().hasResource('AWS::SageMaker::MlflowTrackingServer', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    build().template().hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    build({ removalPolicy: RemovalPolicy.DESTROY }).template().hasResource('AWS::SageMaker::MlflowTrackingServer', { DeletionPolicy: 'Delete' });
  });

  test('the role trusts only SageMaker acting for this account', () => {
    const { stack, server, template } = build();
    const role = template().toJSON().Resources[stack.getLogicalId((server.role as any).node.defaultChild)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'sagemaker.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
  });

  test('the role may use its artifact bucket and key only, in one managed policy, and waits for it', () => {
    const { stack, server, template } = build();
    const t = template().toJSON();
    const roleId = stack.getLogicalId((server.role as any).node.defaultChild);
    const policies = Object.entries<any>(t.Resources)
      .filter(([, r]) => ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type) && JSON.stringify(r.Properties.Roles ?? []).includes(roleId));
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0];
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    const bucketId = logicalId(stack, server.artifactBucket.bucket);
    const keyId = logicalId(stack, server.artifactBucket.encryptionKey as any);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ListArtifactBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } },
      {
        Sid: 'ReadWriteArtifacts',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
      { Sid: 'ArtifactKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    ]);
    expect(t.Resources[stack.getLogicalId(server.resource)].DependsOn).toContain(policyId);
  });

  test('the artifact bucket exempts the server role from its endpoint rule, and no one else', () => {
    const { stack, server, template } = build();
    const roleArn = { 'Fn::GetAtt': [stack.getLogicalId((server.role as any).node.defaultChild), 'Arn'] };
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack, server.artifactBucket.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyDataAccessOutsideTheVpcEndpoints',
          Effect: 'Deny',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn] }, StringNotEquals: Match.anyValue() },
        })]),
      },
    });
  });

  test('adds the MLflow endpoint (aws.sagemaker.<region>.experiments) with the account-scoped policy, and the SageMaker API endpoint', () => {
    const { network, template } = build({}, concreteStack());
    expect(network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_MLFLOW)).toBeDefined();
    expect(network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_API)).toBeDefined();
    template().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'aws.sagemaker.eu-west-1.experiments',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'AllowPrincipalsOfThisAccount', Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } })] },
    });
  });

  test("the network's DNS Firewall resolves the region's MLflow names", () => {
    const { template } = build({}, concreteStack());
    template().hasResourceProperties('AWS::Route53Resolver::FirewallDomainList', {
      Domains: Match.arrayWith(['eu-west-1.experiments.sagemaker.aws', '*.eu-west-1.experiments.sagemaker.aws']),
    });
  });

  test('two servers in one network share the endpoint', () => {
    const { stack, network, template } = build();
    new MlflowTrackingServer(stack, 'Other', { network });
    const services = Object.values<any>(template().findResources('AWS::EC2::VPCEndpoint'))
      .map((r) => JSON.stringify(r.Properties.ServiceName)).filter((name) => name.includes('experiments'));
    expect(services).toHaveLength(1);
  });

  test('size, version and maintenance window reach the template', () => {
    const { template } = build({
      trackingServerName: 'team-a-tracking',
      trackingServerSize: MlflowTrackingServerSize.LARGE,
      mlflowVersion: '3.0',
      weeklyMaintenanceWindowStart: 'TUE:03:30',
    });
    template().hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', {
      TrackingServerName: 'team-a-tracking', TrackingServerSize: 'Large', MlflowVersion: '3.0', WeeklyMaintenanceWindowStart: 'TUE:03:30',
    });
  });

  test('grants: log and read on this server only; model management only to whom it is granted; sign-in from the given VPC', () => {
    const { stack, network, server, template } = build();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    server.grantLogAndRead(personas.dataScientistRole);
    server.grantManageModels(personas.mlopsRole);
    server.grantSignIn(personas.dataScientistRole, { sourceVpcs: [network.vpc] });
    const serverArn = { 'Fn::GetAtt': [stack.getLogicalId(server.resource), 'TrackingServerArn'] };
    const t = template();
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId((personas.dataScientistRole as any).node.defaultChild) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['sagemaker-mlflow:Get*', 'sagemaker-mlflow:Search*', 'sagemaker-mlflow:Log*']), Resource: serverArn }),
          Match.objectLike({
            Action: 'sagemaker:CreatePresignedMlflowTrackingServerUrl',
            Resource: serverArn,
            Condition: { StringEquals: { 'aws:SourceVpc': [{ Ref: stack.getLogicalId(network.vpc.node.defaultChild as any) }] } },
          }),
          Match.objectLike({ Action: 'sagemaker-mlflow:AccessUI', Resource: '*' }),
        ]),
      },
    });
    const statements = Object.values<any>(t.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((r) => r.Properties.PolicyDocument.Statement
        .map((s: any) => ({ roles: JSON.stringify(r.Properties.Roles), actions: [s.Action].flat() })));
    const holders = statements.filter((s) => s.actions.includes('sagemaker-mlflow:*RegisteredModel*')).map((s) => s.roles);
    expect(holders).toEqual([JSON.stringify([{ Ref: stack.getLogicalId((personas.mlopsRole as any).node.defaultChild) }])]);
  });

  describe('bad input', () => {
    test.each([
      ['-starts-with-hyphen'], ['ends-with-hyphen-'], ['has_underscore'], ['has space'], [''], ['a'.repeat(257)],
    ])('refuses the tracking server name %j', (trackingServerName) => {
      expect(() => build({ trackingServerName })).toThrow(
        `MlflowTrackingServer trackingServerName: '${trackingServerName}' is not allowed; 1 to 256 letters and digits, with hyphens only between them`);
    });

    test('accepts every name of the documented pattern (property-based)', () => {
      const part = fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/);
      fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        expect(() => build({ trackingServerName: parts.join('--') })).not.toThrow();
      }), { numRuns: 10 });
    });

    test('skips the name check for a token', () => {
      expect(() => build({ trackingServerName: Lazy.string({ produce: () => '-not-checked-' }) })).not.toThrow();
    });

    test('refuses a size outside the allowed set', () => {
      expect(() => MlflowTrackingServerSize.of('Huge')).toThrow(
        "MlflowTrackingServer trackingServerSize: 'Huge' is not a tracking server size; 'Small', 'Medium' or 'Large'");
      expect(MlflowTrackingServerSize.of('Medium')).toBe(MlflowTrackingServerSize.MEDIUM);
      expect(() => build({ trackingServerSize: 'Large' as any })).toThrow(
        "MlflowTrackingServer trackingServerSize: 'Large' is not a tracking server size; MlflowTrackingServerSize.SMALL, MEDIUM or LARGE");
    });

    test.each([['3'], ['v3.0'], ['3.0-rc1'], ['1.2.3.4.5.6.7.8.9']])('refuses the MLflow version %j', (mlflowVersion) => {
      expect(() => build({ mlflowVersion })).toThrow(
        `MlflowTrackingServer mlflowVersion: '${mlflowVersion}' is not allowed; a version of at most 16 characters, e.g. '3.0' or '2.16.2'`);
    });

    test.each([['TUE 03:30'], ['Tuesday:03:30'], ['TUE:24:00'], ['TUE:03:60']])('refuses the maintenance window %j', (weeklyMaintenanceWindowStart) => {
      expect(() => build({ weeklyMaintenanceWindowStart })).toThrow(
        `MlflowTrackingServer weeklyMaintenanceWindowStart: '${weeklyMaintenanceWindowStart}' is not allowed; a day and UTC time, e.g. 'TUE:03:30'`);
    });

    test('sign-in needs exactly one kind of source', () => {
      const { network, server, stack } = build();
      const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
      expect(() => server.grantSignIn(personas.dataScientistRole, {})).toThrow(
        'MlflowTrackingServer grantSignIn: 0 kinds of source given; exactly one of sourceVpcEndpoints, sourceVpcs or sourceIpRanges');
      expect(() => server.grantSignIn(personas.dataScientistRole, { sourceVpcs: [network.vpc], sourceIpRanges: ['203.0.113.0/24'] })).toThrow(
        'MlflowTrackingServer grantSignIn: 2 kinds of source given');
    });
  });
});
