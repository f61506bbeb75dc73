import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** The other end of a security group rule, with references resolved across nested stacks. */
export type RulePeer =
  | { readonly kind: 'group'; readonly key: string }
  | { readonly kind: 'cidr'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly id: string };

/** One rule of a security group, inline or a separate resource. */
export interface GroupRule {
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly peer: RulePeer;
}

type Json = any;

/**
 * The security group rules of a stack and all its nested stacks, read from the synthesized
 * templates. A nested stack's parameters are replaced by the values its parent passes, so a
 * group is known by one key (`<stack path>:<logical id>`) wherever it is referenced.
 *
 * Reachability follows EC2's model: a TCP connection from an app to another needs an egress
 * rule of one of the first app's groups and an ingress rule of one of the second's that both
 * cover the port and name the other side. A rule by CIDR is taken to match any address
 * (conservative: it can only make more connections possible).
 */
export class SecurityGroupRules {
  public static of(root: Stack): SecurityGroupRules {
    const rules = new SecurityGroupRules();
    rules.read(root, {});
    return rules;
  }

  private readonly byGroup = new Map<string, GroupRule[]>();

  private constructor() {}

  /** The key of a security group construct. */
  public keyOf(group: ec2.ISecurityGroup): string {
    const stack = Stack.of(group);
    return `${stack.node.path}:${stack.getLogicalId(group.node.defaultChild as CfnResource)}`;
  }

  /** The rules of a group, in one direction. */
  public rulesOf(group: ec2.ISecurityGroup, direction: 'ingress' | 'egress'): GroupRule[] {
    const rules = this.byGroup.get(this.keyOf(group));
    if (!rules) {
      throw new Error(`no security group ${this.keyOf(group)} in the templates`);
    }
    return rules.filter((rule) => rule.direction === direction);
  }

  /** True when an app carrying `from` may open a TCP connection on `port` to one carrying `to`. */
  public canConnect(from: ec2.ISecurityGroup[], to: ec2.ISecurityGroup[], port: number): boolean {
    const fromKeys = new Set(from.map((group) => this.keyOf(group)));
    const toKeys = new Set(to.map((group) => this.keyOf(group)));
    const names = (keys: Set<string>) => (rule: GroupRule) => rule.peer.kind === 'cidr' || (rule.peer.kind === 'group' && keys.has(rule.peer.key));
    const out = from.some((group) => this.rulesOf(group, 'egress').some((rule) => coversTcp(rule, port) && names(toKeys)(rule)));
    const inbound = to.some((group) => this.rulesOf(group, 'ingress').some((rule) => coversTcp(rule, port) && names(fromKeys)(rule)));
    return out && inbound;
  }

  /** The TCP egress rules of the groups towards a prefix list (S3 through the gateway endpoint). */
  public prefixListEgress(from: ec2.ISecurityGroup[], port: number): GroupRule[] {
    return from.flatMap((group) => this.rulesOf(group, 'egress')).filter((rule) => rule.peer.kind === 'prefixList' && coversTcp(rule, port));
  }

  private read(stack: Stack, parameters: Record<string, Json>): void {
    const template = Template.fromStack(stack).toJSON();
    const resources: Record<string, Json> = template.Resources ?? {};
    const here = (logicalId: string) => `${stack.node.path}:${logicalId}`;
    const canonical = (value: Json): Json => {
      if (value && typeof value === 'object' && 'Ref' in value && value.Ref in parameters) {
        return parameters[value.Ref];
      }
      const getAtt = value?.['Fn::GetAtt'];
      if (Array.isArray(getAtt) && getAtt[1] === 'GroupId' && resources[getAtt[0]]?.Type === 'AWS::EC2::SecurityGroup') {
        return { group: here(getAtt[0]) };
      }
      return value;
    };
    const add = (groupValue: Json, rule: GroupRule) => {
      const group = canonical(groupValue);
      if (!group?.group) {
        throw new Error(`a rule of a group the templates do not define: ${JSON.stringify(groupValue)}`);
      }
      this.byGroup.get(group.group)!.push(rule);
    };
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type === 'AWS::EC2::SecurityGroup') {
        this.byGroup.set(here(logicalId), this.byGroup.get(here(logicalId)) ?? []);
      }
    }
    for (const [logicalId, resource] of Object.entries(resources)) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::EC2::SecurityGroup') {
        for (const rule of props.SecurityGroupIngress ?? []) add({ 'Fn::GetAtt': [logicalId, 'GroupId'] }, toRule('ingress', rule, canonical));
        for (const rule of props.SecurityGroupEgress ?? []) add({ 'Fn::GetAtt': [logicalId, 'GroupId'] }, toRule('egress', rule, canonical));
      } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress') {
        add(props.GroupId, toRule('ingress', props, canonical));
      } else if (resource.Type === 'AWS::EC2::SecurityGroupEgress') {
        add(props.GroupId, toRule('egress', props, canonical));
      }
    }
    const children = stack.node.findAll().filter((c: IConstruct): c is NestedStack =>
      NestedStack.isNestedStack(c) && (c as NestedStack).nestedStackParent === stack);
    for (const child of children) {
      const passed: Record<string, Json> = resources[stack.getLogicalId(child.nestedStackResource!)].Properties.Parameters ?? {};
      this.read(child, Object.fromEntries(Object.entries(passed).map(([name, value]) => [name, canonical(value)])));
    }
  }
}

function toRule(direction: 'ingress' | 'egress', raw: Json, canonical: (value: Json) => Json): GroupRule {
  const group = canonical(direction === 'ingress' ? raw.SourceSecurityGroupId : raw.DestinationSecurityGroupId);
  const prefixList = direction === 'ingress' ? raw.SourcePrefixListId : raw.DestinationPrefixListId;
  let peer: RulePeer;
  if (group !== undefined) {
    if (!group.group) {
      throw new Error(`a rule names a group the templates do not define: ${JSON.stringify(group)}`);
    }
    peer = { kind: 'group', key: group.group };
  } else if (prefixList !== undefined) {
    peer = { kind: 'prefixList', id: JSON.stringify(canonical(prefixList)) };
  } else {
    peer = { kind: 'cidr', cidr: raw.CidrIp ?? raw.CidrIpv6 };
  }
  return { direction, protocol: String(raw.IpProtocol), fromPort: raw.FromPort, toPort: raw.ToPort, peer };
}

function coversTcp(rule: GroupRule, port: number): boolean {
  if (rule.protocol === '-1') {
    return true;
  }
  return (rule.protocol === 'tcp' || rule.protocol === '6') && rule.fromPort! <= port && port <= rule.toPort!;
}
