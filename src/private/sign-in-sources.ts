import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkCidrList } from './studio-validation';
import { invalid } from './validation';

/** Where a presigned-URL call (Studio or MLflow sign-in) may come from: exactly one kind of source. */
export interface SignInSources {
  readonly sourceVpcEndpoints?: ec2.IInterfaceVpcEndpoint[];
  readonly sourceVpcs?: ec2.IVpc[];
  readonly sourceIpRanges?: string[];
}

type Condition = Record<string, Record<string, string[]>>;

/**
 * The condition that limits a sign-in call to the given endpoints (`aws:SourceVpce`), VPCs
 * (`aws:SourceVpc`) or public IP ranges (`aws:SourceIp`). Refuses none or more than one kind.
 */
export function signInSourceCondition(owner: string, prop: string, sources: SignInSources): Condition {
  checkNotEmpty(owner, 'sourceVpcEndpoints', sources.sourceVpcEndpoints, 'interface endpoints');
  checkNotEmpty(owner, 'sourceVpcs', sources.sourceVpcs, 'VPCs');
  if (sources.sourceIpRanges) {
    checkCidrList(owner, 'sourceIpRanges', sources.sourceIpRanges);
  }
  const conditions: Condition[] = [];
  if (sources.sourceVpcEndpoints) {
    conditions.push({ StringEquals: { 'aws:SourceVpce': sources.sourceVpcEndpoints.map((e) => e.vpcEndpointId) } });
  }
  if (sources.sourceVpcs) {
    conditions.push({ StringEquals: { 'aws:SourceVpc': sources.sourceVpcs.map((v) => v.vpcId) } });
  }
  if (sources.sourceIpRanges) {
    conditions.push({ IpAddress: { 'aws:SourceIp': sources.sourceIpRanges } });
  }
  if (conditions.length !== 1) {
    invalid(owner, prop, `${conditions.length} kinds of source given`, 'exactly one of sourceVpcEndpoints, sourceVpcs or sourceIpRanges');
  }
  return conditions[0];
}

function checkNotEmpty(owner: string, prop: string, values: readonly unknown[] | undefined, what: string): void {
  if (values !== undefined && values.length === 0) {
    invalid(owner, prop, 'an empty list (a condition on no value matches no request)', `at least one of the ${what} to allow sign-in from, or leave ${prop} out`);
  }
}
