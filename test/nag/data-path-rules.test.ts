import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { check, COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED, reasons, studioFixture, StudioFixture, userProfile } from './fixtures';
import { admitsSharedStorage, FIREWALL_NO_SHARED_STORAGE_DOMAINS } from '../../src/nag/rules/firewall-no-shared-storage-domains';
import { S3_ENDPOINT_NO_WILDCARD_WRITES } from '../../src/nag/rules/s3-endpoint-no-wildcard-writes';
import { STUDIO_BUCKET_ENDPOINT_RESTRICTED } from '../../src/nag/rules/studio-bucket-endpoint-restricted';
import { STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC } from '../../src/nag/rules/studio-vpc-flow-log-all-traffic';

const policy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const THIS_ACCOUNT = { StringEquals: { 'aws:ResourceAccount': '111122223333' } };

describe('SageMakerStudio-S3EndpointNoWildcardWrites', () => {
  function gateway(policyDocument?: unknown, stack: Stack = new Stack(new App(), 'Test')): ec2.CfnVPCEndpoint {
    return new ec2.CfnVPCEndpoint(stack, 'Endpoint', { vpcId: 'vpc-12345678', serviceName: 'com.amazonaws.eu-west-1.s3', policyDocument });
  }
  const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: '*', Action, Resource, ...extra });

  test('writes to named buckets, reads from wildcard buckets, and wildcard writes bound to this account are compliant', () => {
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, gateway(policy(
      allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::data/*', 'arn:aws:s3:::sagemaker-eu-west-1-111122223333/*']),
      allow('s3:GetObject', 'arn:aws:s3:::jumpstart-cache-prod-*/*'),
      allow('s3:PutObject', 'arn:aws:s3:::*sagemaker*/*', { Condition: THIS_ACCOUNT }),
    )))).toBe(COMPLIANT);
    const denied = policy(
      allow('s3:*', '*'),
      { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceAccount': '111122223333' } } },
    );
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, gateway(denied))).toBe(COMPLIANT);
  });

  test.each([
    ['no policy (S3 allows everything)', undefined],
    ['PutObject to *sagemaker* buckets', policy(allow('s3:PutObject', 'arn:aws:s3:::*sagemaker*/*'))],
    ['s3:Put* to every bucket', policy(allow('s3:Put*', 'arn:aws:s3:::*/*'))],
    ['* on *, even for principals of this account', policy(allow('*', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }))],
    ['s3:* to sagemaker-* buckets', policy(allow('S3:*', ['arn:aws:s3:::sagemaker-*', 'arn:aws:s3:::sagemaker-*/*']))],
    ['NotAction that spares only reads, on *', policy({ Effect: 'Allow', Principal: '*', NotAction: 's3:GetObject', Resource: '*' })],
  ])('%s is not', (_, document) => {
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, gateway(document))).toBe(NON_COMPLIANT);
  });

  test('Fn::Sub JSON and Fn::If branches are read; an action only known at deploy time is not guessed', () => {
    const stack = new Stack(new App(), 'Test');
    const json = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:${AWS::Partition}:s3:::*sagemaker*/*"}]}';
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, gateway({ 'Fn::Sub': json }, stack))).toBe(NON_COMPLIANT);
    const other = new Stack(new App(), 'Test');
    const action = new CfnParameter(other, 'Action').valueAsString;
    const endpoint = gateway(policy(allow(action, 'arn:aws:s3:::*sagemaker*/*')), other);
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, endpoint)).toBe(NOT_EVALUATED);
    expect(reasons(S3_ENDPOINT_NO_WILDCARD_WRITES, endpoint)).toEqual(['the actions of Statement[0] of PolicyDocument is parameter Action of Test, which has no default']);
  });

  test('interface endpoints and other services are not concerned', () => {
    const stack = new Stack(new App(), 'Test');
    const dynamo = new ec2.CfnVPCEndpoint(stack, 'Dynamo', { vpcId: 'vpc-12345678', serviceName: 'com.amazonaws.eu-west-1.dynamodb' });
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, dynamo)).toBe(NOT_APPLICABLE);
    const iface = new ec2.CfnVPCEndpoint(stack, 'Interface', { vpcId: 'vpc-12345678', serviceName: 'com.amazonaws.eu-west-1.s3', vpcEndpointType: 'Interface' });
    expect(check(S3_ENDPOINT_NO_WILDCARD_WRITES, iface)).toBe(NOT_APPLICABLE);
  });
});

describe('SageMakerStudio-StudioVpcFlowLogAllTraffic', () => {
  test('a flow log of all traffic on a Studio VPC is compliant, and so is a REJECT-only one next to it', () => {
    const fixture = studioFixture();
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, fixture.flowLog)).toBe(COMPLIANT);
    const rejects = new ec2.CfnFlowLog(fixture.stack, 'Rejects', {
      resourceId: fixture.vpc.ref, resourceType: 'VPC', trafficType: 'REJECT', logDestinationType: 's3', logDestination: 'arn:aws:s3:::alarms',
    });
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, rejects)).toBe(COMPLIANT);
  });

  test('a REJECT-only (or ACCEPT-only) flow log of a Studio VPC, defined in the app or by its literal id, is not', () => {
    const fixture = studioFixture();
    fixture.flowLog.trafficType = 'REJECT';
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, fixture.flowLog)).toBe(NON_COMPLIANT);
    const literal = studioFixture();
    literal.domain.vpcId = 'vpc-0123456789abcdef0';
    literal.flowLog.resourceId = 'vpc-0123456789abcdef0';
    literal.flowLog.trafficType = 'ACCEPT';
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, literal.flowLog)).toBe(NON_COMPLIANT);
  });

  test('found from the network stack when the domain is in another stack', () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.CfnVPC(network, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const flowLog = new ec2.CfnFlowLog(network, 'FlowLog', {
      resourceId: vpc.ref, resourceType: 'VPC', trafficType: 'REJECT', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs',
    });
    const studio = studioFixture(new Stack(app, 'Studio'));
    studio.domain.vpcId = vpc.ref;
    app.synth();
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, flowLog)).toBe(NON_COMPLIANT);
  });

  test('flow logs of other VPCs or of subnets are not concerned; one whose VPC is a parameter is not guessed', () => {
    const fixture = studioFixture();
    const other = new ec2.CfnFlowLog(fixture.stack, 'Other', {
      resourceId: new ec2.CfnVPC(fixture.stack, 'OtherVpc', { cidrBlock: '10.1.0.0/16' }).ref,
      resourceType: 'VPC',
      trafficType: 'REJECT',
      logDestinationType: 's3',
      logDestination: 'arn:aws:s3:::flow-logs',
    });
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, other)).toBe(NOT_APPLICABLE);
    const subnet = new ec2.CfnFlowLog(fixture.stack, 'SubnetLog', {
      resourceId: 'subnet-1', resourceType: 'Subnet', trafficType: 'REJECT', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs',
    });
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, subnet)).toBe(NOT_APPLICABLE);
    const unknown = new ec2.CfnFlowLog(fixture.stack, 'Unknown', {
      resourceId: new CfnParameter(fixture.stack, 'VpcId').valueAsString,
      resourceType: 'VPC',
      trafficType: 'REJECT',
      logDestinationType: 's3',
      logDestination: 'arn:aws:s3:::flow-logs',
    });
    expect(check(STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC, unknown)).toBe(NOT_EVALUATED);
  });
});

describe('SageMakerStudio-FirewallNoSharedStorageDomains', () => {
  function allowList(targets: unknown, stack: Stack = new Stack(new App(), 'Test'), type = 'ALLOWLIST'): nfw.CfnRuleGroup {
    return new nfw.CfnRuleGroup(stack, 'Rules', {
      ruleGroupName: 'allow',
      type: 'STATEFUL',
      capacity: 100,
      ruleGroup: { rulesSource: { rulesSourceList: { generatedRulesType: type, targetTypes: ['TLS_SNI', 'HTTP_HOST'], targets: targets as string[] } } },
    });
  }
  const rulesString = (...rules: string[]) => new nfw.CfnRuleGroup(new Stack(new App(), 'Test'), 'Rules', {
    ruleGroupName: 'allow', type: 'STATEFUL', capacity: 100, ruleGroup: { rulesSource: { rulesString: rules.join('\n') } },
  });

  test('exact download hosts and the hosts of named buckets are compliant, and so is a deny list of anything', () => {
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, allowList(['pypi.org', 'files.pythonhosted.org', '.anaconda.org', 'github.com',
      'data.s3.eu-west-1.amazonaws.com', 'api.sagemaker.eu-west-1.amazonaws.com', '.sagemaker.eu-west-1.amazonaws.com']))).toBe(COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, allowList(['.amazonaws.com'], undefined, 'DENYLIST'))).toBe(COMPLIANT);
  });

  test.each([
    ['.amazonaws.com'], ['.com'], ['.s3.amazonaws.com'], ['s3.amazonaws.com'], ['s3.us-west-2.amazonaws.com'], ['.s3.us-west-2.amazonaws.com'],
    ['.us-west-2.amazonaws.com'], ['.execute-api.eu-west-1.amazonaws.com'], ['.cloudfront.net'], ['.blob.core.windows.net'], ['storage.googleapis.com'],
    ['.on.aws'],
  ])('an allow-list with %s is not', (target) => {
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, allowList(['pypi.org', target]))).toBe(NON_COMPLIANT);
  });

  test('Suricata pass rules are read by their SNI or Host match: suffix, dotprefix, exact or substring', () => {
    const sni = (content: string, modifiers = 'endswith;') =>
      `pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"${content}"; ${modifiers} nocase; flow:to_server; sid:1;)`;
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString(sni('pypi.org', 'startswith; endswith;'), sni('.pythonhosted.org')))).toBe(COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString('drop tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:".amazonaws.com"; endswith; sid:1;)')))
      .toBe(COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString(sni('.amazonaws.com')))).toBe(NON_COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString(sni('amazonaws.com')))).toBe(NON_COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString('pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; dotprefix; content:".cloudfront.net"; endswith; sid:1;)')))
      .toBe(NON_COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString('pass http $HOME_NET any -> $EXTERNAL_NET 80 (http.host; content:"s3."; sid:1;)'))).toBe(NON_COMPLIANT);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, rulesString(sni('s3.eu-west-1.amazonaws.com', 'startswith; endswith;')))).toBe(NON_COMPLIANT);
  });

  test('targets chosen by a condition are checked in each branch; a target only known at deploy time is not guessed', () => {
    const stack = new Stack(new App(), 'Test');
    const wide = new CfnCondition(stack, 'Wide', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
    const group = allowList(['pypi.org'], stack);
    group.addPropertyOverride('RuleGroup.RulesSource.RulesSourceList.Targets', Fn.conditionIf(wide.logicalId, ['.amazonaws.com'], ['pypi.org']));
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, group)).toBe(NON_COMPLIANT);
    const param = new Stack(new App(), 'Test');
    const unknown = allowList(['pypi.org', new CfnParameter(param, 'ExtraDomain').valueAsString], param);
    expect(check(FIREWALL_NO_SHARED_STORAGE_DOMAINS, unknown)).toBe(NOT_EVALUATED);
    expect(reasons(FIREWALL_NO_SHARED_STORAGE_DOMAINS, unknown)).toEqual(['a target of RulesSourceList is parameter ExtraDomain of Test, which has no default']);
  });

  test('the shared-storage test itself', () => {
    expect(admitsSharedStorage({ text: 'bucket.s3.amazonaws.com', how: 'exact' })).toBe(false);
    expect(admitsSharedStorage({ text: 'bucket.s3.amazonaws.com', how: 'domain' })).toBe(false);
    expect(admitsSharedStorage({ text: 's3.amazonaws.com', how: 'exact' })).toBe(true);
    expect(admitsSharedStorage({ text: 'amazonaws.com.cn', how: 'domain' })).toBe(true);
    expect(admitsSharedStorage({ text: 'githubusercontent.com', how: 'domain' })).toBe(false);
  });
});

describe('SageMakerStudio-StudioBucketEndpointRestricted', () => {
  const DENY_OUTSIDE_ENDPOINT = {
    Effect: 'Deny',
    Principal: { AWS: '*' },
    NotAction: ['s3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucket*'],
    Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
    Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
  };

  /** A bucket that the fixture's execution role is granted, as CDK's bucket.grantReadWrite writes it. */
  function grantedBucket(fixture: StudioFixture, statements?: Record<string, unknown>[]): s3.CfnBucket {
    const bucket = new s3.CfnBucket(fixture.stack, 'Data');
    new iam.CfnPolicy(fixture.stack, 'Grant', {
      policyName: 'grant',
      roles: [fixture.role.ref],
      policyDocument: policy({ Effect: 'Allow', Action: ['s3:GetObject*', 's3:PutObject'], Resource: [bucket.attrArn, Fn.join('', [bucket.attrArn, '/*'])] }),
    });
    if (statements) {
      new s3.CfnBucketPolicy(fixture.stack, 'DataPolicy', { bucket: bucket.ref, policyDocument: policy(...statements) });
    }
    return bucket;
  }

  test('a bucket granted to an execution role, with a Deny of data access outside the endpoint, is compliant', () => {
    const fixture = studioFixture();
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(fixture, [DENY_OUTSIDE_ENDPOINT]))).toBe(COMPLIANT);
    const byAction = studioFixture();
    const deny = { ...DENY_OUTSIDE_ENDPOINT, NotAction: undefined, Action: 's3:*', Condition: { StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } } };
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(byAction, [deny]))).toBe(COMPLIANT);
  });

  test('without a bucket policy, with a TLS-only policy, or with an Allow conditioned on the endpoint, it is not', () => {
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(studioFixture()))).toBe(NON_COMPLIANT);
    const tlsOnly = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(studioFixture(), [tlsOnly]))).toBe(NON_COMPLIANT);
    const allowOnly = { ...DENY_OUTSIDE_ENDPOINT, Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } };
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(studioFixture(), [allowOnly]))).toBe(NON_COMPLIANT);
    const sparesReads = { ...DENY_OUTSIDE_ENDPOINT, NotAction: ['s3:Get*'] };
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, grantedBucket(studioFixture(), [sparesReads]))).toBe(NON_COMPLIANT);
  });

  test("a domain's notebook sharing bucket, and a bucket a wildcard grant of a profile's role matches by name, are used by Studio", () => {
    const sharing = studioFixture();
    const shared = new s3.CfnBucket(sharing.stack, 'Shared');
    sharing.domain.addPropertyOverride('DefaultUserSettings.SharingSettings', {
      NotebookOutputOption: 'Allowed', S3OutputPath: Fn.join('', ['s3://', shared.ref, '/notebooks']), S3KmsKeyId: sharing.key.attrArn,
    });
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, shared)).toBe(NON_COMPLIANT);
    const wildcard = studioFixture();
    const defaultBucket = new s3.CfnBucket(wildcard.stack, 'DefaultBucket', { bucketName: Fn.sub('sagemaker-${AWS::Region}-${AWS::AccountId}') });
    const role = new iam.CfnRole(wildcard.stack, 'AliceRole', {
      assumeRolePolicyDocument: {},
      policies: [{ policyName: 'default-bucket', policyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*sagemaker*/*' }) }],
    });
    userProfile(wildcard, 'Alice', { executionRole: role.attrArn });
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, defaultBucket)).toBe(NON_COMPLIANT);
  });

  test('a bucket that no Studio role or sharing setting names, or only * does, is not concerned', () => {
    const fixture = studioFixture();
    const logs = new s3.CfnBucket(fixture.stack, 'Logs');
    new iam.CfnPolicy(fixture.stack, 'Everything', { policyName: 'all', roles: [fixture.role.ref], policyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) });
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, logs)).toBe(NOT_APPLICABLE);
  });

  test('a grant on every bucket limited by aws:ResourceTag (S3 ABAC) names the buckets carrying the tag, and only those', () => {
    const fixture = studioFixture();
    const tag = { key: 'cdk-secure-studio:environment', value: 'eu-west-1/Studio' };
    const tagged = new s3.CfnBucket(fixture.stack, 'Tagged', { tags: [tag] });
    const restricted = new s3.CfnBucket(fixture.stack, 'Restricted', { tags: [tag] });
    new s3.CfnBucketPolicy(fixture.stack, 'RestrictedPolicy', {
      bucket: restricted.ref, policyDocument: policy({ ...DENY_OUTSIDE_ENDPOINT, Resource: [restricted.attrArn, Fn.join('', [restricted.attrArn, '/*'])] }),
    });
    const untagged = new s3.CfnBucket(fixture.stack, 'Untagged', { tags: [{ key: tag.key, value: 'another-environment' }] });
    new iam.CfnPolicy(fixture.stack, 'Abac', {
      policyName: 'abac',
      roles: [fixture.role.ref],
      policyDocument: policy({
        Effect: 'Allow',
        Action: ['s3:GetObject*'],
        Resource: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'],
        Condition: { StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
      }),
    });
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, tagged)).toBe(NON_COMPLIANT);
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, restricted)).toBe(COMPLIANT);
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, untagged)).toBe(NOT_APPLICABLE);
  });

  test('a bucket of a data stack granted to the role of a domain stack is found across the stacks', () => {
    const app = new App();
    const data = new Stack(app, 'Data');
    const bucket = new s3.CfnBucket(data, 'Bucket');
    const studio = studioFixture(new Stack(app, 'Studio'));
    new iam.CfnPolicy(studio.stack, 'Grant', {
      policyName: 'grant', roles: [studio.role.ref], policyDocument: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: Fn.join('', [bucket.attrArn, '/*']) }),
    });
    app.synth();
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, bucket)).toBe(NON_COMPLIANT);
  });

  test('a bucket policy written as Fn::Sub JSON is read', () => {
    const fixture = studioFixture();
    const bucket = grantedBucket(fixture);
    new s3.CfnBucketPolicy(fixture.stack, 'DataPolicy', {
      bucket: bucket.ref,
      policyDocument: {
        'Fn::Sub': '{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:${AWS::Partition}:s3:::${Data}/*",' +
          '"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}',
      },
    });
    expect(check(STUDIO_BUCKET_ENDPOINT_RESTRICTED, bucket)).toBe(COMPLIANT);
  });
});
