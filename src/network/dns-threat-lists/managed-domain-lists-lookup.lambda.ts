import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { LookupEvent, onEvent } from './handler';

const route53resolver = new Route53ResolverClient({});

/** The on-event handler of the AWS-managed DNS Firewall domain list lookup. */
export async function handler(event: LookupEvent) {
  return onEvent(event, { route53resolver });
}
