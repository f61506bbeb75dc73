import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * A managed prefix list as a peer whose rules `ec2.SecurityGroup` writes inline
 * (`SecurityGroupEgress` of the group itself) instead of as a separate
 * `AWS::EC2::SecurityGroupEgress` resource: `ec2.Peer.prefixList` never inlines, although
 * CloudFormation accepts `DestinationPrefixListId` in an inline rule.
 */
export function inlinePrefixList(prefixListId: string): ec2.IPeer {
  return new InlinePrefixList(prefixListId);
}

class InlinePrefixList implements ec2.IPeer {
  public readonly canInlineRule = true;
  public readonly connections: ec2.Connections;
  public readonly uniqueId: string;

  constructor(private readonly prefixListId: string) {
    this.uniqueId = prefixListId;
    this.connections = new ec2.Connections({ peer: this });
  }

  public toIngressRuleConfig(): any {
    return { sourcePrefixListId: this.prefixListId };
  }

  public toEgressRuleConfig(): any {
    return { destinationPrefixListId: this.prefixListId };
  }
}
