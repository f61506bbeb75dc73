import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureStudioVpc, SecureStudioVpcProps, StudioEgress, StudioEndpointService, StudioEndpointSet } from '../../src';
import { nagErrors } from '../helpers/nag';
import { natGatewayAz, routesOf, routeTableOf, subnetsOfGroup } from '../helpers/routing';
import { SecurityGroupRules } from '../helpers/security-groups';
import { agnosticStack, concreteStack } from '../helpers/stacks';

function build(props: SecureStudioVpcProps = {}, stack: Stack = agnosticStack()) {
  const network = new SecureStudioVpc(stack, 'Network', props);
  return { stack, network, template: Template.fromStack(stack) };
}

const CORE_SERVICES = ['sagemaker.api', 'sagemaker.runtime', 'sts', 'logs', 'monitoring', 'kms', 'ecr.api', 'ecr.dkr', 'ssm'];

describe('internet-free (default)', () => {
  const { template, network, stack } = build();

  test('two isolated studio subnets in two AZs, no public IPs', () => {
    const studio = subnetsOfGroup(template, 'Studio');
    expect(studio).toHaveLength(2);
    expect(new Set(studio.map((s) => s.az)).size).toBe(2);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
  });

  test('no route to the internet exists', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    expect(network.natSubnets).toBeUndefined();
    expect(network.firewallSubnets).toBeUndefined();
  });

  test('the default security group is restricted', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('S3 gateway endpoint on every studio route table, scoped to the account, with the ECR image layers of the region', () => {
    const tables = subnetsOfGroup(template, 'Studio').map((s) => ({ Ref: routeTableOf(template, s.logicalId) }));
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      RouteTableIds: Match.arrayWith(tables),
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Principal: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
        }, {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] },
          Principal: '*',
          Condition: Match.absent(),
        }],
      },
    });
    expect(network.s3EndpointPolicy.endpoint).toBe(network.s3Endpoint);
  });

  test('core interface endpoints with private DNS, the endpoint group and an account-scoped policy', () => {
    const endpoints = template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
    expect(Object.keys(endpoints)).toHaveLength(CORE_SERVICES.length);
    const names = Object.values(endpoints).map((e: any) => JSON.stringify(e.Properties.ServiceName));
    for (const service of CORE_SERVICES) {
      expect(names.some((name) => name.endsWith(`.${service}"]]}`))).toBe(true);
    }
    const studioSubnets = subnetsOfGroup(template, 'Studio').map((s) => ({ Ref: s.logicalId }));
    for (const endpoint of Object.values(endpoints) as any[]) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
      expect(endpoint.Properties.SubnetIds).toEqual(expect.arrayContaining(studioSubnets));
      expect(endpoint.Properties.SubnetIds).toHaveLength(2);
      expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^NetworkEndpointSecurityGroup/), 'GroupId'] }]);
      expect(endpoint.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
        Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
      })]);
    }
  });

  test('studio security group: NFS and app ports from and to itself, 443 to endpoints and S3, nothing to the internet', () => {
    const studioSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkStudioSecurityGroup'), 'GroupId'] };
    const endpointSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkEndpointSecurityGroup'), 'GroupId'] };
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 4);
    for (const [from, to] of [[2049, 2049], [8192, 65535]]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: studioSg, SourceSecurityGroupId: studioSg, IpProtocol: 'tcp', FromPort: from, ToPort: to,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: studioSg, DestinationSecurityGroupId: studioSg, IpProtocol: 'tcp', FromPort: from, ToPort: to,
      });
    }
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 4);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: studioSg, DestinationSecurityGroupId: endpointSg, IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: studioSg,
      DestinationPrefixListId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkS3PrefixListLookup'), 'PrefixLists.0.PrefixListId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
    // No inline rule, in particular none to 0.0.0.0/0: CloudFormation removes EC2's default
    // allow-all egress rule when an AWS::EC2::SecurityGroupEgress is added to the group.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^SageMaker Studio apps: NFS'),
      SecurityGroupEgress: Match.absent(),
    });
  });

  test('user-app security group: HTTPS to the endpoints and S3 in rules of its own (inline), no ingress, nothing to the internet', () => {
    const userSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkUserAppSecurityGroup'), 'GroupId'] };
    const [userGroup] = Object.values(template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker Studio apps of every user') },
    })) as any[];
    expect(userGroup.Properties.SecurityGroupIngress).toBeUndefined();
    expect(userGroup.Properties.SecurityGroupEgress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: expect.any(String),
        DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkEndpointSecurityGroup/), 'GroupId'] },
      },
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: expect.any(String),
        DestinationPrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkS3PrefixListLookup/), 'PrefixLists.0.PrefixListId'] },
      },
    ]);
    // No separate rule of the group either: its ingress is empty, so no app can connect to it.
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: userSg } })).toEqual({});
    expect(template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: userSg } })).toEqual({});
    const rules = SecurityGroupRules.of(stack);
    expect(rules.rulesOf(network.userAppSecurityGroup, 'ingress')).toEqual([]);
    expect(rules.canConnect([network.userAppSecurityGroup], [network.endpointSecurityGroup], 443)).toBe(true);
    expect(rules.canConnect([network.userAppSecurityGroup], [network.endpointSecurityGroup], 80)).toBe(false);
    expect(rules.canConnect([network.userAppSecurityGroup], [network.userAppSecurityGroup], 8192)).toBe(false);
    expect(rules.canConnect([network.userAppSecurityGroup], [network.studioSecurityGroup], 2049)).toBe(false);
  });

  test('no dependency cycle: the user-app group names the endpoint group inline, the endpoint group admits it in a separate rule', () => {
    // Template.fromStack refuses a template with a dependency cycle, which CloudFormation would reject.
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a group cannot name itself in its own properties: the template has a dependency cycle', () => {
    const selfStack = agnosticStack();
    const vpc = new SecureStudioVpc(selfStack, 'Network').vpc;
    const group = new ec2.SecurityGroup(selfStack, 'SelfInline', { vpc, allowAllOutbound: false });
    // ec2.Peer.securityGroupId writes the rule inline, even for the group itself.
    group.addIngressRule(ec2.Peer.securityGroupId(group.securityGroupId), ec2.Port.tcpRange(8192, 65535));
    const id = selfStack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup);
    expect(() => Template.fromStack(selfStack)).toThrow(`these resources have a dependency cycle: ${id} -> ${id}`);
  });

  test('endpoint security group admits 443 from the studio and user-app groups only, never from the VPC CIDR', () => {
    const studioSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkStudioSecurityGroup'), 'GroupId'] };
    const userSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkUserAppSecurityGroup'), 'GroupId'] };
    const endpointSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkEndpointSecurityGroup'), 'GroupId'] };
    for (const source of [studioSg, userSg]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: endpointSg, SourceSecurityGroupId: source, IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
      });
    }
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: endpointSg } }))).toHaveLength(2);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Interface VPC endpoints'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('the S3 prefix list is looked up at deploy time with a read-only call', () => {
    const lookups = Object.values(template.findResources('Custom::AWS'));
    expect(lookups).toHaveLength(1);
    const create = JSON.stringify(lookups[0].Properties.Create);
    expect(create).toContain('\\"service\\":\\"EC2\\",\\"action\\":\\"describeManagedPrefixLists\\"');
    expect(create).toContain('\\"Values\\":[\\"com.amazonaws.');
    expect(create).toContain('.s3\\"]');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ec2:DescribeManagedPrefixLists', Effect: 'Allow', Resource: '*' }] },
    });
  });

  test('flow logs of all traffic go to a KMS-encrypted, retained log group with one year retention', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('^NetworkFlowLogGroup') },
      DeliverLogsPermissionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogRole'), 'Arn'] },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          })]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the flow log role trusts only flow logs of this account and holds a managed policy, created before the flow log', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogGroup'), 'Arn'] },
        }],
      },
    });
    const flowLog = Object.values(template.findResources('AWS::EC2::FlowLog'))[0];
    expect(flowLog.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^NetworkFlowLogPolicy/)]));
  });

  test('exposes the network pieces', () => {
    expect(network.connections.securityGroups).toEqual([network.studioSecurityGroup]);
    expect(network.flowLogGroup).toBeDefined();
    expect(network.vpc.selectSubnets(network.studioSubnets).subnets).toHaveLength(2);
    expect(network.findInterfaceEndpoint(StudioEndpointService.SSM)).toBeInstanceOf(ec2.InterfaceVpcEndpoint);
    expect(network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_STUDIO)).toBeUndefined();
    expect(stack.resolve(network.s3Endpoint.vpcEndpointId)).toEqual({ Ref: expect.stringMatching(/^NetworkS3Endpoint/) });
  });
});

describe('NAT per AZ', () => {
  const { template, network } = build({ egress: StudioEgress.NAT_PER_AZ, maxAzs: 3 }, concreteStack());

  test('three studio and three NAT subnets, one NAT gateway per AZ', () => {
    expect(subnetsOfGroup(template, 'Studio')).toHaveLength(3);
    expect(subnetsOfGroup(template, 'Nat')).toHaveLength(3);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    expect(network.natSubnets).toEqual({ subnetGroupName: 'Nat' });
  });

  test("each studio subnet's default route goes to the NAT gateway of its own AZ", () => {
    for (const subnet of subnetsOfGroup(template, 'Studio')) {
      const routes = routesOf(template, routeTableOf(template, subnet.logicalId));
      expect(routes).toHaveLength(1);
      expect(routes[0].DestinationCidrBlock).toBe('0.0.0.0/0');
      expect(natGatewayAz(template, routes[0].NatGatewayId.Ref)).toBe(subnet.az);
    }
  });

  test("each NAT subnet's default route goes to the internet gateway", () => {
    for (const subnet of subnetsOfGroup(template, 'Nat')) {
      const routes = routesOf(template, routeTableOf(template, subnet.logicalId));
      expect(routes).toEqual([expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: expect.stringMatching(/IGW/) } })]);
    }
  });

  test('the studio group may reach the internet on 443 only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^SageMaker Studio apps: NFS'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
  });

  test('the user-app group may reach the internet on 443 only, in an inline rule', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker Studio apps of every user') } });
    const internet = (Object.values(groups)[0] as any).Properties.SecurityGroupEgress.filter((rule: any) => rule.CidrIp !== undefined);
    expect(internet).toEqual([{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: expect.any(String) }]);
  });
});

describe('shared NAT', () => {
  test('one NAT gateway, every studio subnet routes to it, and a warning says what that costs', () => {
    const { template, stack } = build({ egress: StudioEgress.SHARED_NAT });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const nat = Object.keys(template.findResources('AWS::EC2::NatGateway'))[0];
    for (const subnet of subnetsOfGroup(template, 'Studio')) {
      expect(routesOf(template, routeTableOf(template, subnet.logicalId))).toEqual([
        expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: nat } }),
      ]);
    }
    Annotations.fromStack(stack).hasWarning('/Test/Network', Match.stringLikeRegexp('share one NAT gateway'));
  });
});

describe('firewall-ready layout', () => {
  const { template, network } = build({ egress: StudioEgress.FIREWALL_READY, maxAzs: 3 }, concreteStack());

  test('a /28 firewall subnet and a /28 NAT subnet per AZ beside each studio subnet', () => {
    const studioAzs = subnetsOfGroup(template, 'Studio').map((s) => s.az).sort();
    for (const group of ['Nat', 'Firewall']) {
      const subnets = subnetsOfGroup(template, group);
      expect(subnets.map((s) => s.az).sort()).toEqual(studioAzs);
      expect(subnets.every((s) => s.cidr.endsWith('/28'))).toBe(true);
    }
    expect(network.firewallSubnets).toEqual({ subnetGroupName: 'Firewall' });
  });

  test('NAT gateways stand in the NAT subnets, never in the firewall subnets', () => {
    const natSubnets = new Set(subnetsOfGroup(template, 'Nat').map((s) => s.logicalId));
    const nats = Object.values(template.findResources('AWS::EC2::NatGateway'));
    expect(nats).toHaveLength(3);
    expect(nats.every((nat: any) => natSubnets.has(nat.Properties.SubnetId.Ref))).toBe(true);
  });

  test('studio subnets route to the NAT gateway of their own AZ', () => {
    for (const subnet of subnetsOfGroup(template, 'Studio')) {
      const [route] = routesOf(template, routeTableOf(template, subnet.logicalId));
      expect(natGatewayAz(template, route.NatGatewayId.Ref)).toBe(subnet.az);
    }
  });
});

describe('app security groups and egress routing', () => {
  test('createAppSecurityGroup gives a group of one resource without rules, which no other group admits', () => {
    const resourceCount = (stack: Stack) => Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    const withoutGroup = agnosticStack();
    new SecureStudioVpc(withoutGroup, 'Network', { egress: StudioEgress.NAT_PER_AZ });
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network', { egress: StudioEgress.NAT_PER_AZ });
    const alice = network.createAppSecurityGroup(stack, 'AliceApps', 'Apps of one user');
    expect(resourceCount(stack) - resourceCount(withoutGroup)).toBe(1);
    const template = Template.fromStack(stack);
    const aliceSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^AliceApps'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Apps of one user',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })],
    });
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { SourceSecurityGroupId: aliceSg } })).toEqual({});
    const rules = SecurityGroupRules.of(stack);
    // With the user-app group (which the domain adds to every user's apps), alice's apps reach the endpoints.
    expect(rules.canConnect([alice, network.userAppSecurityGroup], [network.endpointSecurityGroup], 443)).toBe(true);
    expect(rules.canConnect([alice], [network.endpointSecurityGroup], 443)).toBe(false);
  });

  test('allowTrafficWithinAppGroup: apps carrying the group reach each other on 8192-65535, apps of other groups do not', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    const alice = network.createAppSecurityGroup(stack, 'AliceApps', 'Apps of alice');
    const bob = network.createAppSecurityGroup(stack, 'BobApps', 'Apps of bob');
    network.allowTrafficWithinAppGroup(alice);
    network.allowTrafficWithinAppGroup(bob);
    const template = Template.fromStack(stack);
    const aliceSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^AliceApps'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: aliceSg, SourceSecurityGroupId: aliceSg, IpProtocol: 'tcp', FromPort: 8192, ToPort: 65535,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Apps of alice',
      SecurityGroupEgress: [{
        IpProtocol: 'tcp',
        FromPort: 8192,
        ToPort: 65535,
        Description: Match.anyValue(),
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkUserAppSecurityGroup'), 'GroupId'] },
      }],
    });
    const rules = SecurityGroupRules.of(stack);
    const apps = (group: ec2.ISecurityGroup) => [group, network.userAppSecurityGroup];
    expect(rules.canConnect(apps(alice), apps(alice), 8888)).toBe(true);
    expect(rules.canConnect(apps(alice), apps(alice), 2049)).toBe(false);
    expect(rules.canConnect(apps(bob), apps(alice), 8888)).toBe(false);
    expect(rules.canConnect(apps(alice), apps(bob), 8888)).toBe(false);
  });

  test('routeNatEgressThrough needs the firewall-ready layout', () => {
    const { network } = build({ egress: StudioEgress.NAT_PER_AZ });
    expect(() => network.routeNatEgressThrough(network.vpc.availabilityZones[0], 'vpce-1')).toThrow(
      /^SecureStudioVpc routeNatEgressThrough: no NAT subnet of a firewall-ready layout in AZ .*; a network created with egress: StudioEgress.FIREWALL_READY, and one of its AZs$/);
  });
});

describe('endpoint choices and policies', () => {
  test('an organization id scopes every endpoint policy to the organization', () => {
    const { template } = build({ endpointPolicyOrganizationId: 'o-a1b2c3d4e5' });
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints).toHaveLength(CORE_SERVICES.length + 1);
    for (const endpoint of endpoints as any[]) {
      // The S3 endpoint adds the ECR image layers, which no principal condition can match.
      const statements = endpoint.Properties.VpcEndpointType === 'Gateway'
        ? endpoint.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid !== 'AllowEcrImageLayersOfThisRegion')
        : endpoint.Properties.PolicyDocument.Statement;
      expect(statements).toEqual([expect.objectContaining({
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      })]);
    }
  });

  test('optional sets add their endpoints; a service without policy support gets no policy', () => {
    const { template, network } = build({
      interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.CANVAS, StudioEndpointSet.STUDIO_UI, StudioEndpointSet.PROJECTS],
    });
    const expected = StudioEndpointSet.CORE.services.length + StudioEndpointSet.CANVAS.services.length + 2;
    template.resourceCountIs('AWS::EC2::VPCEndpoint', expected + 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['aws.sagemaker.', { Ref: 'AWS::Region' }, '.studio']] },
      PrivateDnsEnabled: true,
      PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { AWS: '*' } })] }),
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.redshift-data']] },
      PolicyDocument: Match.absent(),
    });
    expect(network.findInterfaceEndpoint(StudioEndpointService.SAGEMAKER_STUDIO)).toBeDefined();
  });

  test('addInterfaceEndpoints adds only the missing services, still checking the quota', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    network.addInterfaceEndpoints(StudioEndpointSet.of(StudioEndpointService.SAGEMAKER_API, StudioEndpointService.SAGEMAKER_STUDIO));
    network.addInterfaceEndpoints(StudioEndpointSet.STUDIO_UI);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', CORE_SERVICES.length + 2);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['aws.sagemaker.', { Ref: 'AWS::Region' }, '.studio']] },
      PrivateDnsEnabled: true,
      PolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } } })] },
    });
    const many = StudioEndpointSet.of(...Array.from({ length: 42 }, (_, i) =>
      StudioEndpointService.of(`Extra${i}`, new ec2.InterfaceVpcEndpointService(`com.example.extra${i}`), false)));
    expect(() => new SecureStudioVpc(agnosticStack(), 'Other').addInterfaceEndpoints(many)).toThrow(
      'SecureStudioVpc interfaceEndpoints: 51 interface endpoints requested; at most 50 per VPC (the default quota)');
  });

  test('addToEndpointPolicy adds a statement to one endpoint only', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    network.addToEndpointPolicy(StudioEndpointService.SSM, new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['ssm:*'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/Operator' } },
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.ssm']] },
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Allow' }), Match.objectLike({ Effect: 'Deny', Action: 'ssm:*' })] },
    });
    const withDeny = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
      .filter((e: any) => e.Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Deny'));
    expect(withDeny).toHaveLength(1);
  });

  test('addToEndpointPolicy refuses a missing endpoint and a service without policy support', () => {
    const statement = new iam.PolicyStatement({ actions: ['sagemaker:*'], resources: ['*'], principals: [new iam.AnyPrincipal()] });
    const { network } = build();
    expect(() => network.addToEndpointPolicy(StudioEndpointService.SAGEMAKER_STUDIO, statement)).toThrow(
      "SecureStudioVpc addToEndpointPolicy: no interface endpoint for service 'SageMakerStudio'; add its StudioEndpointSet to interfaceEndpoints first");
    const canvas = build({ interfaceEndpoints: [StudioEndpointSet.CANVAS] }).network;
    expect(() => canvas.addToEndpointPolicy(StudioEndpointService.REDSHIFT_DATA, statement)).toThrow(
      "SecureStudioVpc addToEndpointPolicy: service 'RedshiftData' does not accept a VPC endpoint policy; control access to it with identity policies and the endpoint security group");
  });

  test('an endpoint policy over 20,480 characters fails synthesis', () => {
    const stack = agnosticStack();
    const network = new SecureStudioVpc(stack, 'Network');
    for (let i = 0; i < 120; i++) {
      network.addToEndpointPolicy(StudioEndpointService.KMS, new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: [`arn:aws:kms:eu-west-1:111111111111:key/${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`],
        conditions: { StringEquals: { 'aws:PrincipalTag/team': `team-${i}` } },
      }));
    }
    expect(() => Template.fromStack(stack)).toThrow(/endpoint policy of 'Kms': \d+ characters exceed the limit of 20480/);
  });

  test('the S3 prefix list can be given, which removes the deploy-time lookup', () => {
    const stack = agnosticStack();
    const prefixList = ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004');
    const { template } = build({ s3PrefixList: prefixList }, stack);
    template.resourceCountIs('Custom::AWS', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationPrefixListId: 'pl-6da54004', FromPort: 443, ToPort: 443 });
  });
});

describe('flow log destinations', () => {
  test('to an S3 bucket instead of a log group', () => {
    const stack = agnosticStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Logs', 'central-flow-logs');
    const { template, network } = build({ flowLogBucket: bucket }, stack);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 's3',
      TrafficType: 'ALL',
      LogDestination: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::central-flow-logs']] },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(network.flowLogGroup).toBeUndefined();
  });

  test('retention and removal policy are configurable', () => {
    const { template } = build({ flowLogRetention: logs.RetentionDays.TEN_YEARS, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 3653 }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('adopting an existing VPC', () => {
  function existingVpc(stack: Stack, cidrs = ['10.1.0.0/20', '10.1.16.0/20']): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-aaaa', 'subnet-bbbb'],
      isolatedSubnetRouteTableIds: ['rtb-aaaa', 'rtb-bbbb'],
      isolatedSubnetIpv4CidrBlocks: cidrs,
    });
  }

  test('adds security groups, endpoints and flow logs but no network', () => {
    const stack = agnosticStack();
    const { template } = build({ vpc: existingVpc(stack) }, stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 3);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-aaaa', 'rtb-bbbb'] });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SubnetIds: ['subnet-aaaa', 'subnet-bbbb'] });
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: 'vpc-0123456789abcdef0', TrafficType: 'ALL' });
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 4);
  });

  test('refuses props that shape a new VPC', () => {
    const stack = agnosticStack();
    expect(() => new SecureStudioVpc(stack, 'Network', { vpc: existingVpc(stack), egress: StudioEgress.NAT_PER_AZ })).toThrow(
      'SecureStudioVpc egress: set together with vpc; egress shapes a new VPC; leave it unset when adopting an existing vpc');
  });

  test('refuses studio subnets in a single AZ', () => {
    const stack = agnosticStack();
    const vpc = existingVpc(stack);
    expect(() => new SecureStudioVpc(stack, 'Network', { vpc, studioSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-aaaa'])] } })).toThrow(
      'SecureStudioVpc studioSubnets: the studio subnets span 1 Availability Zone(s); studioSubnets in at least 2 AZs, so that Studio survives the loss of one AZ');
  });

  test('refuses subnets too small for the expected users', () => {
    const stack = agnosticStack();
    const vpc = existingVpc(stack, ['10.1.0.0/26', '10.1.0.64/26']);
    expect(() => new SecureStudioVpc(stack, 'Network', { vpc, expectedUsers: 30 })).toThrow(
      'SecureStudioVpc expectedUsers: 30 users need up to 138 addresses (4 per user plus one per interface endpoint and subnet) ' +
      'but the studio subnets hold 118; a larger cidr or studioSubnetCidrMask (or, for an adopted VPC, larger studioSubnets), or fewer expectedUsers');
  });
});

describe('validation', () => {
  const cases: [string, SecureStudioVpcProps, string][] = [
    ['one AZ', { maxAzs: 1 },
      'SecureStudioVpc maxAzs: 1 Availability Zone(s) requested; at least 2 AZs, so that Studio survives the loss of one AZ'],
    ['one explicit AZ', { availabilityZones: ['eu-west-1a'] },
      'SecureStudioVpc availabilityZones: 1 Availability Zone(s) requested; at least 2 AZs, so that Studio survives the loss of one AZ'],
    ['maxAzs and availabilityZones', { maxAzs: 2, availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      'SecureStudioVpc maxAzs: set together with availabilityZones; either maxAzs or availabilityZones'],
    ['malformed CIDR', { cidr: '10.0.0/16' },
      "SecureStudioVpc cidr: '10.0.0/16' is not of the form a.b.c.d/n; an IPv4 network address with a prefix length from /16 to /28, e.g. 10.0.0.0/16"],
    ['host bits set', { cidr: '10.0.0.1/16' },
      "SecureStudioVpc cidr: '10.0.0.1/16' has host bits set (its network address is 10.0.0.0/16); an IPv4 network address with a prefix length from /16 to /28, e.g. 10.0.0.0/16"],
    ['VPC larger than /16', { cidr: '10.0.0.0/8' },
      "SecureStudioVpc cidr: '10.0.0.0/8' has a prefix length of /8; an IPv4 network address with a prefix length from /16 to /28, e.g. 10.0.0.0/16"],
    ['studio subnets that do not fit', { cidr: '10.0.0.0/20', studioSubnetCidrMask: 20 },
      'SecureStudioVpc studioSubnetCidrMask: /20 studio subnets in 2 AZs do not fit in 10.0.0.0/20; a prefix length from /21 to /28'],
    ['no room left for egress subnets', { cidr: '10.0.0.0/20', studioSubnetCidrMask: 21, egress: StudioEgress.NAT_PER_AZ },
      'SecureStudioVpc studioSubnetCidrMask: /21 studio subnets in 2 AZs with the egress subnets do not fit in 10.0.0.0/20; a prefix length from /22 to /28'],
    ['a VPC too small for the AZs', { cidr: '10.0.0.0/28', egress: StudioEgress.FIREWALL_READY },
      'SecureStudioVpc cidr: 10.0.0.0/28 cannot hold a studio subnet and the egress subnets in each of 2 AZs; a larger VPC CIDR block, e.g. 10.0.0.0/16'],
    ['a studio mask out of range', { studioSubnetCidrMask: 30 },
      'SecureStudioVpc studioSubnetCidrMask: /30 studio subnets in 2 AZs do not fit in 10.0.0.0/16; a prefix length from /17 to /28'],
    ['too many users for the subnets', { cidr: '10.0.0.0/24', expectedUsers: 100 },
      'SecureStudioVpc expectedUsers: 100 users need up to 418 addresses (4 per user plus one per interface endpoint and subnet) ' +
      'but the studio subnets hold 118; a larger cidr or studioSubnetCidrMask (or, for an adopted VPC, larger studioSubnets), or fewer expectedUsers'],
    ['no users', { expectedUsers: 0 }, 'SecureStudioVpc expectedUsers: got 0; a whole number of at least 1'],
    ['a service twice', { interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.of(StudioEndpointService.KMS)] },
      "SecureStudioVpc interfaceEndpoints: service 'Kms' is asked for twice (also as 'Kms'); each service once; " +
      'the preset sets are disjoint, so list a single service only when no chosen set holds it'],
    ['a service twice under another id',
      { interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.of(StudioEndpointService.of('MyKms', ec2.InterfaceVpcEndpointAwsService.KMS, true))] },
      "SecureStudioVpc interfaceEndpoints: service 'MyKms' is asked for twice (also as 'Kms'); each service once; " +
      'the preset sets are disjoint, so list a single service only when no chosen set holds it'],
    ['a service twice under another id and instance',
      { interfaceEndpoints: [StudioEndpointSet.CANVAS, StudioEndpointSet.of(StudioEndpointService.of('Rsd', new ec2.InterfaceVpcEndpointAwsService('redshift-data'), true))] },
      "SecureStudioVpc interfaceEndpoints: service 'Rsd' is asked for twice (also as 'RedshiftData'); each service once; " +
      'the preset sets are disjoint, so list a single service only when no chosen set holds it'],
    ['more than 50 interface endpoints',
      {
        interfaceEndpoints: [StudioEndpointSet.of(...Array.from({ length: 51 }, (_, i) =>
          StudioEndpointService.of(`Service${i}`, new ec2.InterfaceVpcEndpointService(`com.example.service${i}`), false)))],
      },
      'SecureStudioVpc interfaceEndpoints: 51 interface endpoints requested; at most 50 per VPC (the default quota)'],
    ['studioSubnets without vpc', { studioSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
      'SecureStudioVpc studioSubnets: given without vpc; select subnets only of an adopted vpc'],
    ['flow log bucket and log group options', { flowLogBucket: s3.Bucket.fromBucketName(new Stack(), 'B', 'logs'), flowLogRetention: logs.RetentionDays.ONE_MONTH },
      'SecureStudioVpc flowLogBucket: set together with flowLogRetention or flowLogEncryptionKey; ' +
      'either flowLogBucket (the bucket governs retention and encryption) or the log-group options'],
    ['malformed organization id', { endpointPolicyOrganizationId: 'org-123' },
      "SecureStudioVpc endpointPolicyOrganizationId: 'org-123' is not an AWS Organization id; 'o-' followed by 10 to 32 lower-case letters or digits"],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    expect(() => new SecureStudioVpc(agnosticStack(), 'Network', props)).toThrow(message);
  });

  test('a custom endpoint service needs a usable id', () => {
    expect(() => StudioEndpointService.of('my-service', ec2.InterfaceVpcEndpointAwsService.BEDROCK, true)).toThrow(
      "StudioEndpointService id: 'my-service' is not a valid id; letters and digits, starting with a letter (e.g. 'Bedrock'): it names the endpoint's construct");
  });

  test('an environment-agnostic stack that cannot give the AZs asked for is refused, not narrowed', () => {
    expect(() => new SecureStudioVpc(agnosticStack(), 'Network', { maxAzs: 3 })).toThrow(
      'SecureStudioVpc maxAzs: 3 AZs were asked for but the stack resolves only 2 (an environment-agnostic stack sees 2); ' +
      'at most 2, or give the stack an env (account and region) or list availabilityZones');
  });

  test('a concrete stack gets the three AZs it asks for, without warning', () => {
    const stack = concreteStack();
    new SecureStudioVpc(stack, 'Network', { maxAzs: 3 });
    expect(subnetsOfGroup(Template.fromStack(stack), 'Studio').map((s) => s.az).sort()).toEqual(['"eu-west-1a"', '"eu-west-1b"', '"eu-west-1c"']);
    Annotations.fromStack(stack).hasNoWarning('/Test/Network', Match.anyValue());
  });
});

describe('cdk-nag: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1', () => {
  test.each([
    ['internet-free', StudioEgress.NONE],
    ['NAT per AZ', StudioEgress.NAT_PER_AZ],
    ['shared NAT', StudioEgress.SHARED_NAT],
    ['firewall-ready', StudioEgress.FIREWALL_READY],
  ])('%s: no unacknowledged error', (_name, egress) => {
    const { stack } = build({ egress, maxAzs: 3 }, concreteStack());
    expect(nagErrors(stack)).toEqual([]);
  });

  test('an adopted VPC with a given S3 prefix list: no unacknowledged error', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-1', availabilityZones: ['a', 'b'], isolatedSubnetIds: ['s-1', 's-2'], isolatedSubnetRouteTableIds: ['r-1', 'r-2'],
    });
    build({ vpc, s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', 'pl-6da54004') }, stack);
    expect(nagErrors(stack)).toEqual([]);
  });

  test("checkov's Lambda checks are skipped, with a reason, only on the deploy-time providers", () => {
    const template = build().template;
    const skipped = Object.entries(template.findResources('AWS::Lambda::Function'))
      .map(([id, fn]: [string, any]) => [id, (fn.Metadata?.checkov?.skip ?? []).map((skip: any) => skip.id)]);
    const providerChecks = ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'];
    expect(skipped).toEqual([
      [expect.stringMatching(/^CustomVpcRestrictDefaultSG/), providerChecks],
      [expect.stringMatching(/^AWS679f53fac002430cb0da5b7982bd2287/), providerChecks],
      // The DNS Firewall's managed-list lookup: its handler and the Provider framework's function.
      [expect.stringMatching(/^SecureStudioManagedDomainListsLookupOnEvent/), [...providerChecks, 'CKV_AWS_173']],
      [expect.stringMatching(/^SecureStudioManagedDomainListsLookupProviderframeworkonEvent/), [...providerChecks, 'CKV_AWS_173']],
    ]);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as any[]) {
      expect(fn.Metadata.checkov.skip.every((skip: any) => skip.comment.length > 80)).toBe(true);
    }
  });

  test('the gate can fail: a plain VPC with default settings has unacknowledged errors', () => {
    const stack = new Stack(new App(), 'Plain');
    new ec2.Vpc(stack, 'Vpc');
    Template.fromStack(stack);
    expect(nagErrors(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-VPC7 @ Plain\/Vpc/)]));
  });
});
