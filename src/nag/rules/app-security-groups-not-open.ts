import { CfnResource } from 'aws-cdk-lib';
import { combine, RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { ResolvedResource, resolveResource, StackResources } from '../stack-resources';
import { asList, field, isIntrinsic, referencedLogicalId, UNRESOLVED } from '../values';

const ANYWHERE_IPV4 = '0.0.0.0/0';
const ANYWHERE_IPV6 = '::/0';
const PORT_PROTOCOLS = ['tcp', 'udp', '6', '17'];

/**
 * A domain (the security groups of `DomainSettings`, `DefaultUserSettings` and
 * `DefaultSpaceSettings`) or a user profile (`UserSettings.SecurityGroups`) is
 * non-compliant when one of its security groups, defined in the same stack, is open:
 *
 * - an ingress rule from anywhere (`0.0.0.0/0` or `::/0`), on any port; or
 * - an egress rule to anywhere on all ports (protocol `-1`, or TCP/UDP 0-65535); or
 * - no egress rule at all, so that EC2's default rule (all traffic to `0.0.0.0/0`) stays.
 *
 * Rules count whether inline or separate `SecurityGroupIngress`/`SecurityGroupEgress`
 * resources of the same stack (CloudFormation removes EC2's default egress rule when
 * either kind is added). Egress to anywhere on some ports (e.g. 443 through a firewall) is not open.
 * A group given as an id string or import cannot be checked (not-applicable).
 */
export function appSecurityGroupsNotOpen(resource: CfnResource, resources: StackResources): RuleCompliance {
  const properties = resolveResource(resource)?.properties;
  let groupLists: unknown[];
  switch (resource.cfnResourceType) {
    case 'AWS::SageMaker::Domain':
      groupLists = [
        field(properties, 'DomainSettings', 'SecurityGroupIds'),
        field(properties, 'DefaultUserSettings', 'SecurityGroups'),
        field(properties, 'DefaultSpaceSettings', 'SecurityGroups'),
      ];
      break;
    case 'AWS::SageMaker::UserProfile':
      groupLists = [field(properties, 'UserSettings', 'SecurityGroups')];
      break;
    default:
      return RuleCompliance.NOT_APPLICABLE;
  }
  return combine(groupLists.flatMap((groups) => {
    if (groups === UNRESOLVED || isIntrinsic(groups)) {
      return [RuleCompliance.NOT_APPLICABLE];
    }
    return asList(groups).map((groupId) => {
      const group = resources.referenced(groupId, 'AWS::EC2::SecurityGroup', 'GroupId') ?? resources.referenced(groupId, 'AWS::EC2::SecurityGroup');
      return group ? groupCompliance(group, resources) : RuleCompliance.NOT_APPLICABLE;
    });
  }));
}

function groupCompliance(group: ResolvedResource, resources: StackResources): RuleCompliance {
  const inlineEgress = group.properties.SecurityGroupEgress;
  const inlineIngress = group.properties.SecurityGroupIngress;
  if (isIntrinsic(inlineEgress) || isIntrinsic(inlineIngress)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const ingress = [...asList(inlineIngress), ...separateRules(resources, 'AWS::EC2::SecurityGroupIngress', group.logicalId)];
  const egress = [...asList(inlineEgress), ...separateRules(resources, 'AWS::EC2::SecurityGroupEgress', group.logicalId)];
  if (egress.length === 0) {
    // EC2's default rule, all traffic to 0.0.0.0/0, stays until an egress rule is added.
    return RuleCompliance.NON_COMPLIANT;
  }
  return combine([
    RuleCompliance.COMPLIANT,
    ...ingress.map((rule) => ruleCompliance(rule, () => true)),
    ...egress.map((rule) => ruleCompliance(rule, allPorts)),
  ]);
}

function separateRules(resources: StackResources, type: string, groupLogicalId: string): unknown[] {
  return resources.ofType(type)
    .filter((r) => [referencedLogicalId(r.properties.GroupId, 'GroupId'), referencedLogicalId(r.properties.GroupId)].includes(groupLogicalId))
    .map((r) => r.properties);
}

/** Non-compliant when the rule's peer is anywhere and it covers the ports that matter. */
function ruleCompliance(rule: unknown, coversAllPorts: (rule: Record<string, unknown>) => boolean | undefined): RuleCompliance {
  if (rule === null || typeof rule !== 'object' || isIntrinsic(rule)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const r = rule as Record<string, unknown>;
  const [ipv4, ipv6] = [r.CidrIp, r.CidrIpv6];
  if (isIntrinsic(ipv4) || isIntrinsic(ipv6)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  if (ipv4 !== ANYWHERE_IPV4 && ipv6 !== ANYWHERE_IPV6) {
    return RuleCompliance.COMPLIANT;
  }
  const all = coversAllPorts(r);
  if (all === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return all ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

/** True for all protocols or every TCP/UDP port; undefined when a value is a token. */
function allPorts(rule: Record<string, unknown>): boolean | undefined {
  const { IpProtocol: protocol, FromPort: from, ToPort: to } = rule;
  if ([protocol, from, to].some(isIntrinsic)) {
    return undefined;
  }
  const name = String(protocol).toLowerCase();
  if (name === '-1' || name === 'all') {
    return true;
  }
  return PORT_PROTOCOLS.includes(name) && Number(from ?? 0) <= 0 && (Number(to) >= 65535 || Number(to) === -1);
}

export const APP_SECURITY_GROUPS_NOT_OPEN: StudioRule = {
  id: 'SageMakerStudio-AppSecurityGroupsNotOpen',
  level: RuleLevel.ERROR,
  info: 'A security group of the Studio domain or of a user profile admits traffic from anywhere, or sends all traffic anywhere.',
  explanation: 'A profile or domain security group decides what Studio apps may reach and what may reach them; an open group ' +
    'widens the VpcOnly network to whatever the subnets route to, and lets other hosts connect to the apps.',
  fix: "Limit ingress to the group itself (NFS 2049, apps 8192-65535) and egress to the group, the endpoints' group and " +
    'the S3 prefix list on 443 (plus 443 to the internet only behind a firewall); give every group at least one egress rule, so that the default allow-all rule of EC2 is removed.',
  locations: {
    'AWS::SageMaker::Domain': 'Properties/DefaultUserSettings/SecurityGroups',
    'AWS::SageMaker::UserProfile': 'Properties/UserSettings/SecurityGroups',
  },
  check: appSecurityGroupsNotOpen,
};
