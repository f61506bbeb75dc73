import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AwsLimits } from './aws-limits';
import { invalid, isUnresolved } from './validation';
import { StudioEndpointService, StudioEndpointSet } from '../network/endpoints';

const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** The region of an AWS endpoint service name: com.amazonaws.<region>.<service> or aws.sagemaker.<region>.<ui>. */
const SERVICE_NAME_REGION = /^(?:cn\.)?(?:com\.amazonaws|aws\.sagemaker)\.([a-z]{2}(?:-[a-z]+)+-\d+)\./;

/**
 * The default policy of every endpoint the library creates: any action, but only by
 * principals of this account (or of the given AWS Organization). It keeps stolen
 * credentials of other accounts from being used through the environment's endpoints.
 */
export function principalScopedEndpointStatement(account: string, organizationId?: string): iam.PolicyStatement {
  const condition = organizationId
    ? { 'aws:PrincipalOrgID': organizationId }
    : { 'aws:PrincipalAccount': account };
  return new iam.PolicyStatement({
    sid: organizationId ? 'AllowPrincipalsOfThisOrganization' : 'AllowPrincipalsOfThisAccount',
    principals: [new iam.AnyPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: { StringEquals: condition },
  });
}

/** Refuses a malformed AWS Organization id. */
export function validateOrganizationId(owner: string, organizationId?: string): void {
  if (organizationId !== undefined && !isUnresolved(organizationId) && !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    invalid(owner, 'endpointPolicyOrganizationId', `'${organizationId}' is not an AWS Organization id`, "'o-' followed by 10 to 32 lower-case letters or digits");
  }
}

/** The services of the chosen sets, each once, at most the per-VPC quota. */
export function collectEndpointServices(scope: Construct, owner: string, sets: StudioEndpointSet[]): StudioEndpointService[] {
  const byId = new Map<string, StudioEndpointService>();
  const byName = new Map<string, StudioEndpointService>();
  const stackRegion = Stack.of(scope).region;
  for (const service of sets.flatMap((set) => set.services)) {
    // Names hold region tokens that differ per instance: compare them resolved.
    const resolved = Stack.of(scope).resolve(service.service.name);
    const serviceRegion = typeof resolved === 'string' ? SERVICE_NAME_REGION.exec(resolved)?.[1] : undefined;
    if (serviceRegion !== undefined && !isUnresolved(stackRegion) && serviceRegion !== stackRegion) {
      invalid(owner, 'interfaceEndpoints', `service '${service.id}' (${resolved}) is in ${serviceRegion} but the stack deploys to ${stackRegion}`,
        `endpoint services of ${stackRegion}: the endpoints are created without a cross-region service region`);
    }
    const name = JSON.stringify(resolved);
    const twin = byId.get(service.id) ?? byName.get(name);
    if (twin) {
      invalid(owner, 'interfaceEndpoints', `service '${service.id}' is asked for twice (also as '${twin.id}')`,
        'each service once; the preset sets are disjoint, so list a single service only when no chosen set holds it');
    }
    byId.set(service.id, service);
    byName.set(name, service);
  }
  if (byId.size > AwsLimits.INTERFACE_ENDPOINTS_PER_VPC) {
    invalid(owner, 'interfaceEndpoints', `${byId.size} interface endpoints requested`,
      `at most ${AwsLimits.INTERFACE_ENDPOINTS_PER_VPC} per VPC (the default quota)`);
  }
  return [...byId.values()];
}
