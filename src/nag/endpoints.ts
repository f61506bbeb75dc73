import { AppResources, ResolvedResource } from './app-resources';
import { notEvaluated, NotEvaluated } from './rule';
import { flatten } from './values';

/** The kinds of VPC endpoints that the endpoint rules check. */
export type EndpointKind = 'aws-interface' | 's3-gateway';

/** Service names of AWS services (interface endpoints of `com.amazonaws.vpce.*` are PrivateLink endpoint services, not AWS's). */
const AWS_SERVICE = /^(com\.amazonaws\.|aws\.sagemaker\.)/;
const ENDPOINT_SERVICE = /^com\.amazonaws\.vpce\./;

/**
 * Whether a VPC endpoint is of a kind: `aws-interface`, an interface endpoint of an AWS
 * service (service name `com.amazonaws.<region>.<service>` or
 * `aws.sagemaker.<region>.<service>`, not a PrivateLink endpoint service of a customer
 * or partner, `com.amazonaws.vpce.*` or any other name, which takes no endpoint policy);
 * `s3-gateway`, a gateway endpoint (type `Gateway`, the default) whose service name ends
 * in `.s3`. Not evaluated when the type, or the service name of an endpoint of the
 * kind's type, is only known at deploy time (a parameter may name a PrivateLink service).
 */
export function isEndpointOf(kind: EndpointKind, endpoint: ResolvedResource, resources: AppResources): boolean | NotEvaluated {
  const type = endpoint.properties.VpcEndpointType ?? 'Gateway';
  if (typeof type !== 'string') {
    return resources.unknown('VpcEndpointType', type);
  }
  if (type !== (kind === 's3-gateway' ? 'Gateway' : 'Interface')) {
    return false;
  }
  const name = endpoint.properties.ServiceName;
  const service = flatten(name);
  if (kind === 's3-gateway') {
    if (service === undefined || (!service.endsWith('.s3') && service.endsWith('}'))) {
      return resources.unknown('ServiceName', name);
    }
    return service.endsWith('.s3');
  }
  if (service === undefined || service.startsWith('${')) {
    return notEvaluated(`ServiceName is ${resources.describe(name)}; it may name a PrivateLink endpoint service, which takes no endpoint policy`);
  }
  return AWS_SERVICE.test(service) && !ENDPOINT_SERVICE.test(service);
}
