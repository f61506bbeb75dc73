import { Template } from 'aws-cdk-lib/assertions';

/** A subnet of a synthesized template, with its AZ in a comparable form (JSON of the value). */
export interface TemplateSubnet {
  readonly logicalId: string;
  readonly az: string;
  readonly cidr: string;
}

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function resources(template: Template): Resources {
  return template.toJSON().Resources;
}

/** The subnets of one subnet group (the `aws-cdk:subnet-name` tag ec2.Vpc writes). */
export function subnetsOfGroup(template: Template, group: string): TemplateSubnet[] {
  return Object.entries(resources(template))
    .filter(([, r]) => r.Type === 'AWS::EC2::Subnet')
    .filter(([, r]) => (r.Properties.Tags ?? []).some((t: any) => t.Key === 'aws-cdk:subnet-name' && t.Value === group))
    .map(([logicalId, r]) => ({ logicalId, az: JSON.stringify(r.Properties.AvailabilityZone), cidr: r.Properties.CidrBlock }));
}

/** Logical id of the route table associated with a subnet. */
export function routeTableOf(template: Template, subnetLogicalId: string): string {
  const association = Object.values(resources(template)).find((r) =>
    r.Type === 'AWS::EC2::SubnetRouteTableAssociation' && r.Properties.SubnetId?.Ref === subnetLogicalId);
  if (!association) {
    throw new Error(`no route table association for ${subnetLogicalId}`);
  }
  return association.Properties.RouteTableId.Ref;
}

/** The routes of one route table. */
export function routesOf(template: Template, routeTableLogicalId: string): Record<string, any>[] {
  return Object.values(resources(template))
    .filter((r) => r.Type === 'AWS::EC2::Route' && r.Properties.RouteTableId?.Ref === routeTableLogicalId)
    .map((r) => r.Properties);
}

/** The AZ (comparable form) of the subnet that holds a NAT gateway. */
export function natGatewayAz(template: Template, natLogicalId: string): string {
  const nat = resources(template)[natLogicalId];
  const subnet = resources(template)[nat.Properties.SubnetId.Ref];
  return JSON.stringify(subnet.Properties.AvailabilityZone);
}
