import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { referencedLogicalId } from './values';

/** A resource of a stack as it is written to the template: type and resolved properties. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

/**
 * The resource's logical id, CloudFormation type and properties, resolved by its stack
 * (property overrides included, tokens turned into intrinsic functions); `undefined` for
 * a resource that is not synthesized.
 */
export function resolveResource(resource: CfnResource): ResolvedResource | undefined {
  const template = Stack.of(resource).resolve(resource._toCloudFormation()) as { Resources?: Record<string, any> };
  const [entry] = Object.entries(template.Resources ?? {});
  if (!entry) {
    return undefined;
  }
  const [logicalId, body] = entry;
  return { logicalId, type: body.Type, properties: body.Properties ?? {} };
}

/** A VPC as a resource's `VpcId` names it: one defined in the stack (by `Ref`), or one given by a literal id. */
export interface VpcReference {
  /** The VPC resource, when the stack defines it; `undefined` for a literal id. */
  readonly resource?: ResolvedResource;
  /**
   * True when another resource's value (a `VpcId`, a flow log's `ResourceId`) names the
   * same VPC: a `Ref` to the same VPC of the stack, or the same literal id.
   */
  names(value: unknown): boolean;
}

/**
 * A read-only view of the resources of one stack, for rules that need a resource that
 * another one references (a domain's role, a profile's security groups, a route's
 * firewall) or that looks for a sibling (the flow log of a domain's VPC).
 */
export class StackResources {
  /** The resources defined in the stack (not those of its nested stacks). */
  public static of(stack: Stack): StackResources {
    const resources = stack.node.findAll()
      .filter((c: IConstruct): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack)
      .map(resolveIfPossible)
      .filter((r): r is ResolvedResource => r !== undefined);
    return new StackResources(resources);
  }

  private readonly byId: Map<string, ResolvedResource>;

  private constructor(resources: ResolvedResource[]) {
    this.byId = new Map(resources.map((r) => [r.logicalId, r]));
  }

  /** The resource of a logical id. */
  public get(logicalId: string): ResolvedResource | undefined {
    return this.byId.get(logicalId);
  }

  /** The resources of one CloudFormation type. */
  public ofType(type: string): ResolvedResource[] {
    return [...this.byId.values()].filter((r) => r.type === type);
  }

  /**
   * The resource of the given type that a value refers to by `Ref` (no attribute) or
   * `Fn::GetAtt` (attribute), or `undefined`.
   */
  public referenced(value: unknown, type: string, attribute?: string): ResolvedResource | undefined {
    const logicalId = referencedLogicalId(value, attribute);
    const resource = logicalId === undefined ? undefined : this.byId.get(logicalId);
    return resource?.type === type ? resource : undefined;
  }

  /**
   * The VPC that a `VpcId` value names: a `Ref` to a VPC of the stack, or a literal id;
   * `undefined` when the value is only known at deploy time (a parameter, an import,
   * another intrinsic function).
   */
  public vpc(value: unknown): VpcReference | undefined {
    const resource = this.referenced(value, 'AWS::EC2::VPC');
    if (resource) {
      return { resource, names: (other) => referencedLogicalId(other) === resource.logicalId };
    }
    return typeof value === 'string' ? { names: (other) => other === value } : undefined;
  }
}

/** A resource that cannot be resolved is left out of the view; the rules on it report the error. */
function resolveIfPossible(resource: CfnResource): ResolvedResource | undefined {
  try {
    return resolveResource(resource);
  } catch {
    return undefined;
  }
}
