import { AppResources, ResolvedResource } from '../app-resources';
import { combine, notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, field, intrinsicOnPath, isIntrinsic, referencedLogicalId, UNRESOLVED } from '../values';

const ANYWHERE_IPV4 = '0.0.0.0/0';
const ANYWHERE_IPV6 = '::/0';
const PORT_PROTOCOLS = ['tcp', 'udp', '6', '17'];

/** Where the security groups of a domain or user profile are set, by CloudFormation type. */
const GROUP_PATHS: Record<string, string[][]> = {
  'AWS::SageMaker::Domain': [['DomainSettings', 'SecurityGroupIds'], ['DefaultUserSettings', 'SecurityGroups'], ['DefaultSpaceSettings', 'SecurityGroups']],
  'AWS::SageMaker::UserProfile': [['UserSettings', 'SecurityGroups']],
};

/**
 * A domain (the security groups of `DomainSettings`, `DefaultUserSettings` and
 * `DefaultSpaceSettings`) or a user profile (`UserSettings.SecurityGroups`) is
 * non-compliant when one of its security groups, defined in the app (in any stack,
 * through imports, parameters and nested-stack outputs), is open:
 *
 * - an ingress rule from anywhere (`0.0.0.0/0` or `::/0`), on any port; or
 * - an egress rule to anywhere on all ports (protocol `-1`, or TCP/UDP 0-65535); or
 * - no egress rule at all, so that EC2's default rule (all traffic to `0.0.0.0/0`) stays.
 *
 * Rules count whether inline or separate `SecurityGroupIngress`/`SecurityGroupEgress`
 * resources anywhere in the app (CloudFormation removes EC2's default egress rule when
 * either kind is added). Egress to anywhere on some ports (e.g. 443 through a firewall)
 * is not open. A group the app does not define (an id string) is not evaluated.
 */
export function appSecurityGroupsNotOpen(resource: ResolvedResource, resources: AppResources): Verdict {
  const paths = GROUP_PATHS[resource.type];
  if (paths === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return combine(paths.flatMap((path): Verdict[] => {
    const groups = field(resource.properties, ...path);
    const where = path.join('.');
    if (groups === UNRESOLVED || isIntrinsic(groups)) {
      return [resources.unknown(where, intrinsicOnPath(resource.properties, ...path))];
    }
    return asList(groups).map((groupId) => {
      const group = resources.referenced(groupId, 'AWS::EC2::SecurityGroup', 'GroupId') ?? resources.referenced(groupId, 'AWS::EC2::SecurityGroup');
      if (group) {
        return groupCompliance(group, resources);
      }
      return typeof groupId === 'string'
        ? notEvaluated(`${where} holds the security group ${groupId}, which the app does not define`)
        : resources.unknown(`an entry of ${where}`, groupId);
    });
  }));
}

function groupCompliance(group: ResolvedResource, resources: AppResources): Verdict {
  const inlineEgress = group.properties.SecurityGroupEgress;
  const inlineIngress = group.properties.SecurityGroupIngress;
  const where = `the rules of ${group.logicalId} (${group.stackPath})`;
  if (isIntrinsic(inlineEgress) || isIntrinsic(inlineIngress)) {
    return resources.unknown(where, isIntrinsic(inlineEgress) ? inlineEgress : inlineIngress);
  }
  const ingress = [...asList(inlineIngress), ...separateRules(resources, 'AWS::EC2::SecurityGroupIngress', group)];
  const egress = [...asList(inlineEgress), ...separateRules(resources, 'AWS::EC2::SecurityGroupEgress', group)];
  if (egress.length === 0) {
    // EC2's default rule, all traffic to 0.0.0.0/0, stays until an egress rule is added.
    return RuleCompliance.NON_COMPLIANT;
  }
  return combine([
    RuleCompliance.COMPLIANT,
    ...ingress.map((rule) => ruleCompliance(rule, () => true, where, resources)),
    ...egress.map((rule) => ruleCompliance(rule, allPorts, where, resources)),
  ]);
}

function separateRules(resources: AppResources, type: string, group: ResolvedResource): unknown[] {
  return resources.ofType(type)
    .filter((r) => [referencedLogicalId(r.properties.GroupId, 'GroupId'), referencedLogicalId(r.properties.GroupId)].includes(group.id))
    .map((r) => r.properties);
}

/** Non-compliant when the rule's peer is anywhere and it covers the ports that matter. */
function ruleCompliance(rule: unknown, coversAllPorts: (rule: Record<string, unknown>) => boolean | undefined,
  where: string, resources: AppResources): Verdict {
  if (rule === null || typeof rule !== 'object' || isIntrinsic(rule)) {
    return resources.unknown(`one of ${where}`, rule);
  }
  const r = rule as Record<string, unknown>;
  const [ipv4, ipv6] = [r.CidrIp, r.CidrIpv6];
  if (isIntrinsic(ipv4) || isIntrinsic(ipv6)) {
    return resources.unknown(`the CIDR of one of ${where}`, isIntrinsic(ipv4) ? ipv4 : ipv6);
  }
  if (ipv4 !== ANYWHERE_IPV4 && ipv6 !== ANYWHERE_IPV6) {
    return RuleCompliance.COMPLIANT;
  }
  const all = coversAllPorts(r);
  if (all === undefined) {
    return resources.unknown(`the ports of one of ${where}`, [r.IpProtocol, r.FromPort, r.ToPort].find(isIntrinsic));
  }
  return all ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

/** True for all protocols or every TCP/UDP port; undefined when a value is only known at deploy time. */
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
