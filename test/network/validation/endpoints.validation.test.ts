import { Fn, Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureStudioVpc, StudioEndpointService, StudioEndpointSet } from '../../../src';
import { agnosticStack, concreteStack } from '../../helpers/stacks';

const S3_LIST = 'pl-6da54004';

function networkIn(stack = concreteStack(), interfaceEndpoints?: StudioEndpointSet[]): SecureStudioVpc {
  return new SecureStudioVpc(stack, 'Network', { interfaceEndpoints, s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', S3_LIST) });
}

describe('StudioEndpointService.of id (it names the endpoint construct)', () => {
  const FORM = "letters and digits, starting with a letter (e.g. 'Bedrock'): it names the endpoint's construct";
  test.each(['my-service', '1Bedrock', ''])('%p is refused', (id) => {
    expect(() => StudioEndpointService.of(id, ec2.InterfaceVpcEndpointAwsService.BEDROCK, true)).toThrow(
      `StudioEndpointService id: '${id}' is not a valid id; ${FORM}`);
  });

  test('a token is refused, because construct ids cannot hold one', () => {
    expect(() => StudioEndpointService.of(Lazy.string({ produce: () => 'Bedrock' }), ec2.InterfaceVpcEndpointAwsService.BEDROCK, true)).toThrow(
      `StudioEndpointService id: is an unresolved token; a literal id of ${FORM}`);
  });

  test('a one-letter id is accepted and names the endpoint', () => {
    const stack = concreteStack();
    networkIn(stack, [StudioEndpointSet.of(StudioEndpointService.of('B', ec2.InterfaceVpcEndpointAwsService.BEDROCK, true))]);
    expect(stack.node.findChild('Network').node.tryFindChild('BEndpoint')).toBeDefined();
  });
});

describe('interfaceEndpoints and addInterfaceEndpoints', () => {
  const otherRegion = () => StudioEndpointSet.of(StudioEndpointService.of('Remote', new ec2.InterfaceVpcEndpointService('com.amazonaws.us-east-1.bedrock-runtime', 443), true));

  test('a service of another region is refused, in the constructor and on the addInterfaceEndpoints path', () => {
    const message = "SecureStudioVpc interfaceEndpoints: service 'Remote' (com.amazonaws.us-east-1.bedrock-runtime) is in us-east-1 but the stack deploys to eu-west-1; " +
      'endpoint services of eu-west-1: the endpoints are created without a cross-region service region';
    expect(() => networkIn(concreteStack(), [StudioEndpointSet.CORE, otherRegion()])).toThrow(message);
    const network = networkIn();
    expect(() => network.addInterfaceEndpoints(otherRegion())).toThrow(message);
  });

  test('a service asked for twice is refused', () => {
    const twin = StudioEndpointSet.of(StudioEndpointService.of('MyKms', ec2.InterfaceVpcEndpointAwsService.KMS, true));
    expect(() => networkIn(concreteStack(), [StudioEndpointSet.CORE, twin])).toThrow(
      "SecureStudioVpc interfaceEndpoints: service 'MyKms' is asked for twice (also as 'Kms')");
  });

  test('a service of the stack region, and one whose name is an import, synthesize', () => {
    const stack = agnosticStack();
    networkIn(stack, [StudioEndpointSet.of(
      StudioEndpointService.of('Partner', new ec2.InterfaceVpcEndpointService(Fn.importValue('PartnerService'), 443), false),
    )]);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::ImportValue': 'PartnerService' } });
    const concrete = concreteStack();
    networkIn(concrete, [StudioEndpointSet.of(StudioEndpointService.of('Local', new ec2.InterfaceVpcEndpointService('com.amazonaws.eu-west-1.bedrock-runtime', 443), true))]);
    Template.fromStack(concrete).hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.bedrock-runtime' });
  });
});
