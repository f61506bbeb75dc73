import { CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ManagedDomainListsLookupFunction } from './managed-domain-lists-lookup-function';
import {
  acknowledgeFindings,
  acknowledgeProviderFramework,
  CHECKOV_PROVIDER_LAMBDA_CHECKS,
  PROVIDER_LAMBDA_RULES,
  skipCheckovChecks,
  skipEnvironmentKeyCheck,
} from '../../private/acknowledge';
import { wildcardFindingIds } from '../../private/wildcard-findings';

/**
 * The AWS-managed Route 53 Resolver DNS Firewall domain lists that the Studio DNS firewall
 * blocks, by their documented names (Route 53 Developer Guide, "Managed domain lists",
 * resolver-dns-firewall-managed-domain-lists): domains of known threats in aggregate, of
 * malware, and of botnet command-and-control servers.
 */
export const MANAGED_THREAT_LIST_NAMES = [
  'AWSManagedDomainsAggregateThreatList',
  'AWSManagedDomainsMalwareDomainList',
  'AWSManagedDomainsBotnetCommandandControl',
] as const;

/** Construct id of the stack-wide lookup, a direct child of the Stack (part of the logical ids). */
const LOOKUP_ID = 'SecureStudioManagedDomainListsLookup';

/**
 * The ids (`rslvr-fdl-...`) of the AWS-managed DNS Firewall domain lists of the stack's region,
 * by name, as CloudFormation tokens (`Fn::GetAtt` of a custom resource). CloudFormation cannot
 * reference the managed lists by name and their ids differ per region, so one custom resource
 * per stack looks them up at deploy time (`route53resolver:ListFirewallDomainLists`); the
 * deployment fails, naming the list and the region, in a region that does not offer one of them.
 */
export function lookupManagedDomainListIds(scope: Construct): Record<string, string> {
  const stack = Stack.of(scope);
  const lookup = (stack.node.tryFindChild(LOOKUP_ID) as ManagedDomainListsLookup | undefined)
    ?? new ManagedDomainListsLookup(stack, LOOKUP_ID);
  return Object.fromEntries(MANAGED_THREAT_LIST_NAMES.map((name) => [name, lookup.resource.getAttString(name)]));
}

/** The stack-wide custom resource that looks up the managed lists, with its Provider framework. */
class ManagedDomainListsLookup extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const onEventHandler = new ManagedDomainListsLookupFunction(this, 'OnEvent', {
      description: 'Looks up the ids of the AWS-managed Route 53 Resolver DNS Firewall domain lists of the region',
      timeout: Duration.minutes(1),
    });
    // ListFirewallDomainLists supports no resource-level permission (the Service Authorization
    // Reference lists no resource type for it), so the resource must be '*'; the action is
    // read-only and lists domain list names and ids only, never their domains.
    const listDomainLists = new iam.PolicyStatement({
      sid: 'ListFirewallDomainLists',
      actions: ['route53resolver:ListFirewallDomainLists'],
      resources: ['*'],
    });
    onEventHandler.addToRolePolicy(listDomainLists);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ManagedDomainListsLookup',
      // A change of the wanted names re-runs the lookup; the physical id stays the same.
      properties: { ListNames: [...MANAGED_THREAT_LIST_NAMES] },
    });
    acknowledgeLookupFindings(onEventHandler, listDomainLists, provider);
  }
}

/** What the lookup's handler and its Provider framework imply, acknowledged on their constructs. */
function acknowledgeLookupFindings(handler: ManagedDomainListsLookupFunction, statement: iam.PolicyStatement, provider: cr.Provider): void {
  acknowledgeFindings(handler.role!,
    'AWSLambdaBasicExecutionRole lets the DNS Firewall managed-list lookup handler write only its own logs.', [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ]);
  acknowledgeFindings(handler.role!.node.findChild('DefaultPolicy'),
    'route53resolver:ListFirewallDomainLists supports no resource-level permissions, so the resource must be *; the policy ' +
    'allows that read-only action alone (names and ids of domain lists, not their domains), inline on the role of the one ' +
    'handler it serves.', [
      ...wildcardFindingIds(provider, statement),
      'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  const reason = 'Deploy-time lookup run by CloudFormation only (no event source, no data): CloudFormation and the Provider ' +
    'framework retry and report failures (no DLQ needed), it needs no reserved concurrency, and it runs outside the VPC ' +
    'because it runs while the VPC, its endpoints and its DNS Firewall are being created.';
  skipCheckovChecks(handler.node.defaultChild as CfnResource, reason, CHECKOV_PROVIDER_LAMBDA_CHECKS);
  skipEnvironmentKeyCheck(handler.node.defaultChild as CfnResource);
  acknowledgeFindings(handler, reason, PROVIDER_LAMBDA_RULES);
  acknowledgeProviderFramework(provider, 'Provider framework of aws-cdk-lib (runtime and policies chosen by aws-cdk-lib): it ' +
    'only invokes the DNS Firewall managed-list lookup handler; it is run by CloudFormation only, outside the VPC, with no data.');
}
