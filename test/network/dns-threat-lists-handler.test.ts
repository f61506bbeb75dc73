import {
  FirewallDomainListMetadata,
  ListFirewallDomainListsCommand,
  ListFirewallDomainListsCommandInput,
  ListFirewallDomainListsCommandOutput,
  Route53ResolverClient,
} from '@aws-sdk/client-route53resolver';
import { mockClient } from 'aws-sdk-client-mock';
import { LookupClients, LookupEvent, managedDomainListIds, onEvent, PHYSICAL_RESOURCE_ID } from '../../src/network/dns-threat-lists/handler';
import { MANAGED_THREAT_LIST_NAMES } from '../../src/network/dns-threat-lists/managed-domain-lists';

const MANAGED_OWNER = 'Route 53 Resolver DNS Firewall';
const ListNames = [...MANAGED_THREAT_LIST_NAMES];

const managed = (Name: string, Id: string): FirewallDomainListMetadata => ({ Name, Id, Arn: `arn:aws:route53resolver:eu-west-1::firewall-domain-list/${Id}`, ManagedOwnerName: MANAGED_OWNER });
const own = (Name: string, Id: string): FirewallDomainListMetadata => ({ Name, Id, Arn: `arn:aws:route53resolver:eu-west-1:111111111111:firewall-domain-list/${Id}` });

/**
 * aws-sdk-client-mock's stub of the client, seen through the client's own types. The client
 * (3.654.0, the newest release the npm registry serves) is typed with an older @smithy/types
 * than the one aws-sdk-client-mock resolves (that of the other SDK clients), so its
 * `AwsClientStub<Route53ResolverClient>` type does not apply; the stub itself works the same.
 */
interface ResolverStub {
  on(command: typeof ListFirewallDomainListsCommand, input?: Partial<ListFirewallDomainListsCommandInput>): {
    resolves(output: Partial<ListFirewallDomainListsCommandOutput>): unknown;
    rejects(error: Error): unknown;
  };
  commandCalls(command: typeof ListFirewallDomainListsCommand): { args: [ListFirewallDomainListsCommand] }[];
  calls(): unknown[];
  restore(): void;
}

let route53resolver: ResolverStub;
let clients: LookupClients;

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  route53resolver = mockClient(Route53ResolverClient as any) as unknown as ResolverStub;
  clients = { route53resolver: new Route53ResolverClient({ region: 'eu-west-1' }) };
});

afterEach(() => {
  route53resolver.restore();
  jest.restoreAllMocks();
});

/** The inputs of every ListFirewallDomainLists call, in order. */
function listCalls() {
  return route53resolver.commandCalls(ListFirewallDomainListsCommand).map((call) => call.args[0].input);
}

const event = (RequestType: 'Create' | 'Update'): LookupEvent => ({ RequestType, ResourceProperties: { ListNames } });

describe('Create and Update', () => {
  test.each(['Create', 'Update'] as const)('%s pages through every list (wanted lists split across two pages) and answers their ids by name', async (requestType) => {
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: undefined }).resolves({
      FirewallDomainLists: [managed('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-aggregate'), managed('AWSManagedDomainsAmazonGuardDutyThreatList', 'rslvr-fdl-guardduty')],
      NextToken: 'page-2',
    });
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: 'page-2' }).resolves({
      FirewallDomainLists: [managed('AWSManagedDomainsMalwareDomainList', 'rslvr-fdl-malware'), managed('AWSManagedDomainsBotnetCommandandControl', 'rslvr-fdl-botnet')],
    });

    expect(await onEvent(event(requestType), clients)).toEqual({
      PhysicalResourceId: 'managed-domain-lists',
      Data: {
        AWSManagedDomainsAggregateThreatList: 'rslvr-fdl-aggregate',
        AWSManagedDomainsMalwareDomainList: 'rslvr-fdl-malware',
        AWSManagedDomainsBotnetCommandandControl: 'rslvr-fdl-botnet',
      },
    });
    expect(listCalls()).toEqual([{ MaxResults: 100, NextToken: undefined }, { MaxResults: 100, NextToken: 'page-2' }]);
  });

  test('the physical id is the same constant on Create and Update, so an update never replaces the resource', async () => {
    route53resolver.on(ListFirewallDomainListsCommand).resolves({
      FirewallDomainLists: ListNames.map((name, index) => managed(name, `rslvr-fdl-${index}`)),
    });
    const created = await onEvent(event('Create'), clients);
    const updated = await onEvent({ ...event('Update'), PhysicalResourceId: created.PhysicalResourceId }, clients);
    expect([created.PhysicalResourceId, updated.PhysicalResourceId]).toEqual([PHYSICAL_RESOURCE_ID, PHYSICAL_RESOURCE_ID]);
  });

  test('customer-owned lists with the same names (no ManagedOwnerName) are ignored, before and after the managed ones', async () => {
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: undefined }).resolves({
      FirewallDomainLists: [
        own('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-mine-1'),
        own('AWSManagedDomainsMalwareDomainList', 'rslvr-fdl-mine-2'),
        { ...own('AWSManagedDomainsBotnetCommandandControl', 'rslvr-fdl-mine-3'), ManagedOwnerName: '' },
        managed('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-aggregate'),
      ],
      NextToken: 'page-2',
    });
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: 'page-2' }).resolves({
      FirewallDomainLists: [
        managed('AWSManagedDomainsMalwareDomainList', 'rslvr-fdl-malware'),
        managed('AWSManagedDomainsBotnetCommandandControl', 'rslvr-fdl-botnet'),
        own('AWSManagedDomainsBotnetCommandandControl', 'rslvr-fdl-mine-4'),
      ],
    });

    expect((await onEvent(event('Create'), clients)).Data).toEqual({
      AWSManagedDomainsAggregateThreatList: 'rslvr-fdl-aggregate',
      AWSManagedDomainsMalwareDomainList: 'rslvr-fdl-malware',
      AWSManagedDomainsBotnetCommandandControl: 'rslvr-fdl-botnet',
    });
  });

  test('a wanted list that is only customer-owned counts as missing', async () => {
    route53resolver.on(ListFirewallDomainListsCommand).resolves({
      FirewallDomainLists: [
        managed('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-aggregate'),
        managed('AWSManagedDomainsMalwareDomainList', 'rslvr-fdl-malware'),
        own('AWSManagedDomainsBotnetCommandandControl', 'rslvr-fdl-mine'),
      ],
    });
    await expect(onEvent(event('Create'), clients)).rejects.toThrow(
      'Route 53 Resolver DNS Firewall has no AWS-managed domain list AWSManagedDomainsBotnetCommandandControl in region eu-west-1',
    );
  });

  test('a region without the managed lists fails, naming every missing list and the region', async () => {
    clients = { route53resolver: new Route53ResolverClient({ region: 'ap-southeast-5' }) };
    route53resolver.on(ListFirewallDomainListsCommand).resolves({
      FirewallDomainLists: [managed('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-aggregate'), own('mine', 'rslvr-fdl-mine')],
    });
    await expect(onEvent(event('Update'), clients)).rejects.toThrow(
      'Route 53 Resolver DNS Firewall has no AWS-managed domain list AWSManagedDomainsMalwareDomainList, ' +
      'AWSManagedDomainsBotnetCommandandControl in region ap-southeast-5; the managed lists are offered only in some regions',
    );
  });

  test('an API error fails the lookup', async () => {
    route53resolver.on(ListFirewallDomainListsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Create'), clients)).rejects.toThrow('not authorized');
  });

  test('only the names in ListNames are answered', async () => {
    route53resolver.on(ListFirewallDomainListsCommand).resolves({
      FirewallDomainLists: [managed('AWSManagedDomainsMalwareDomainList', 'rslvr-fdl-malware'), managed('AWSManagedDomainsAggregateThreatList', 'rslvr-fdl-aggregate')],
    });
    expect(await onEvent({ RequestType: 'Update', ResourceProperties: { ListNames: ['AWSManagedDomainsMalwareDomainList'] } }, clients))
      .toEqual({ PhysicalResourceId: PHYSICAL_RESOURCE_ID, Data: { AWSManagedDomainsMalwareDomainList: 'rslvr-fdl-malware' } });
  });

  test.each([[undefined], [[]], [['']], ['AWSManagedDomainsMalwareDomainList']])('ListNames %j is rejected before any call', async (names) => {
    await expect(onEvent({ RequestType: 'Create', ResourceProperties: { ListNames: names as any } }, clients))
      .rejects.toThrow('ListNames: expected a non-empty list of domain list names');
    expect(listCalls()).toEqual([]);
  });
});

describe('Delete', () => {
  test('does nothing: no call, the physical id unchanged', async () => {
    expect(await onEvent({ RequestType: 'Delete', PhysicalResourceId: PHYSICAL_RESOURCE_ID, ResourceProperties: { ListNames } }, clients))
      .toEqual({ PhysicalResourceId: PHYSICAL_RESOURCE_ID });
    expect(route53resolver.calls()).toHaveLength(0);
  });
});

describe('managedDomainListIds', () => {
  test('an empty page with a NextToken is followed, an absent NextToken ends the listing', async () => {
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: undefined }).resolves({ NextToken: 'a' });
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: 'a' }).resolves({ FirewallDomainLists: [], NextToken: 'b' });
    route53resolver.on(ListFirewallDomainListsCommand, { NextToken: 'b' }).resolves({ FirewallDomainLists: [managed('X', 'rslvr-fdl-x')] });
    expect(await managedDomainListIds(clients.route53resolver)).toEqual(new Map([['X', 'rslvr-fdl-x']]));
    expect(listCalls().map((input) => input.NextToken)).toEqual([undefined, 'a', 'b']);
  });
});
