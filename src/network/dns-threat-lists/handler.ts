/**
 * The logic of the deploy-time lookup of the AWS-managed Route 53 Resolver DNS Firewall domain
 * lists: their ids (`rslvr-fdl-...`) differ per region and CloudFormation cannot reference
 * them by name, so the custom resource pages through `ListFirewallDomainLists` and answers
 * the id of every wanted list by its name.
 *
 * Not part of the public API: bundled into the handler asset, never exported from the index.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle, so it is
// a devDependency (for types and tests), never a dependency of the library.
/* eslint-disable import/no-extraneous-dependencies */
import { FirewallDomainListMetadata, ListFirewallDomainListsCommand, Route53ResolverClient } from '@aws-sdk/client-route53resolver';

/** The physical id of the lookup: constant, so that an update never replaces the resource. */
export const PHYSICAL_RESOURCE_ID = 'managed-domain-lists';

/** The largest page ListFirewallDomainLists returns. */
const PAGE_SIZE = 100;

/** The SDK clients the lookup uses. */
export interface LookupClients {
  readonly route53resolver: Route53ResolverClient;
}

/** The custom resource's properties, as CloudFormation sends them. */
export interface LookupResourceProperties {
  /** The names of the AWS-managed domain lists to look up. */
  readonly ListNames: string[];
}

/** The subset of the CloudFormation custom-resource event the handler reads. */
export interface LookupEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: LookupResourceProperties;
}

/** The answer to the Provider framework. */
export interface LookupResponse {
  readonly PhysicalResourceId: string;
  /** The id of each wanted list, by its name (read with `Fn::GetAtt`). */
  readonly Data?: Record<string, string>;
}

/**
 * On Create and Update, answers the id of every wanted AWS-managed domain list of the region;
 * fails, naming the lists and the region, when one of them does not exist there. On Delete,
 * does nothing: the lookup created nothing.
 */
export async function onEvent(event: LookupEvent, clients: LookupClients): Promise<LookupResponse> {
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_RESOURCE_ID };
  }
  const names = wantedNames(event.ResourceProperties);
  const ids = await managedDomainListIds(clients.route53resolver);
  const missing = names.filter((name) => !ids.has(name));
  if (missing.length > 0) {
    const region = await clients.route53resolver.config.region();
    throw new Error(`Route 53 Resolver DNS Firewall has no AWS-managed domain list ${missing.join(', ')} in region ${region}; ` +
      'the managed lists are offered only in some regions (see "Managed domain lists" in the Route 53 Developer Guide)');
  }
  const data = Object.fromEntries(names.map((name) => [name, ids.get(name)!]));
  console.log(JSON.stringify({ message: 'AWS-managed domain lists', ...data }));
  return { PhysicalResourceId: PHYSICAL_RESOURCE_ID, Data: data };
}

function wantedNames(properties: LookupResourceProperties): string[] {
  const names = properties?.ListNames;
  if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new Error(`ListNames: expected a non-empty list of domain list names, got: ${JSON.stringify(names)}`);
  }
  return names;
}

/**
 * The id of every AWS-managed domain list of the client's region, by name. Lists the account
 * created itself carry no ManagedOwnerName and are ignored, even when they reuse a managed name.
 */
export async function managedDomainListIds(route53resolver: Route53ResolverClient): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await route53resolver.send(new ListFirewallDomainListsCommand({ MaxResults: PAGE_SIZE, NextToken: nextToken }));
    for (const list of page.FirewallDomainLists ?? []) {
      if (isManaged(list) && !ids.has(list.Name)) {
        ids.set(list.Name, list.Id);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return ids;
}

function isManaged(list: FirewallDomainListMetadata): list is FirewallDomainListMetadata & { Name: string; Id: string } {
  return !!list.ManagedOwnerName && !!list.Name && !!list.Id;
}
