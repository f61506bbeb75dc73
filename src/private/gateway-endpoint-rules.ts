import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { invalid } from './validation';

/** The service of a gateway endpoint defined in the app (the last part of its service name, e.g. 's3'), when known. */
export function gatewayEndpointService(endpoint: ec2.GatewayVpcEndpoint): string | undefined {
  const serviceName = (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).serviceName;
  return typeof serviceName === 'string' ? /\.([a-z0-9-]+)$/.exec(serviceName)?.[1] : undefined;
}

/** Refuses an endpoint defined in the app whose service is known and is not S3 (an imported one cannot be told). */
export function checkS3GatewayEndpoint(construct: string, prop: string, endpoint: ec2.IGatewayVpcEndpoint): void {
  if (!(endpoint instanceof ec2.GatewayVpcEndpoint)) {
    return;
  }
  const service = gatewayEndpointService(endpoint);
  if (service !== undefined && service !== 's3') {
    invalid(construct, prop, `'${endpoint.node.path}' is an endpoint of service '${service}'`, 'a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3');
  }
}
