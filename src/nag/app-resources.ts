import { AppTemplates, qualify } from './app-templates';
import { ResolvedResource, Resolver } from './resolver';
import { NotEvaluated, notEvaluated } from './rule';
import { isIntrinsic, referencedLogicalId, splitOnce } from './values';

export type { ResolvedResource } from './resolver';

/** A VPC as a resource's `VpcId` names it: one defined in the app (by reference), or one given by a literal id. */
export interface VpcReference {
  /** The VPC resource, when the app defines it; `undefined` for a literal id. */
  readonly resource?: ResolvedResource;
  /**
   * True when another resource's value (a `VpcId`, a flow log's `ResourceId`) names the
   * same VPC: a reference to the same VPC of the app (in any stack, once imports and
   * parameters are followed), or the same literal id.
   */
  names(value: unknown): boolean;
}

/**
 * A read-only view of the resources of a whole app, for one choice of its conditions,
 * for rules that need a resource that another one references (a domain's role, a
 * profile's security groups, a route's firewall) or that look for a sibling (the flow
 * log of a domain's VPC), wherever the app defines it: values are resolved across stacks
 * (see `Resolver`), and a resource that its condition leaves out is not in the view.
 */
export class AppResources {
  private readonly idsByType = new Map<string, string[]>();

  constructor(private readonly resolver: Resolver) {}

  /** The resource of a qualified id, as references in resolved values write it (`Vpc8378EB38@1`). */
  public get(id: string): ResolvedResource | undefined {
    return this.resolver.resource(id);
  }

  /** The resources of one CloudFormation type, in every stack of the app. */
  public ofType(type: string): ResolvedResource[] {
    if (!this.idsByType.has(type)) {
      this.idsByType.set(type, this.resolver.templates.stacks.flatMap((template) =>
        [...template.resources.values()].filter((r) => r.type === type).map((r) => qualify(r.logicalId, template))));
    }
    return this.idsByType.get(type)!.map((id) => this.get(id)).filter((r): r is ResolvedResource => r !== undefined);
  }

  /**
   * The resource of the given type that a resolved value refers to by `Ref` (no
   * attribute) or `Fn::GetAtt` (attribute), or `undefined`.
   */
  public referenced(value: unknown, type: string, attribute?: string): ResolvedResource | undefined {
    const id = referencedLogicalId(value, attribute);
    const resource = id === undefined ? undefined : this.get(id);
    return resource?.type === type ? resource : undefined;
  }

  /**
   * The VPC that a `VpcId` value names: a reference to a VPC of the app, or a literal id;
   * `undefined` when the value is only known at deploy time.
   */
  public vpc(value: unknown): VpcReference | undefined {
    const resource = this.referenced(value, 'AWS::EC2::VPC');
    if (resource) {
      return { resource, names: (other) => referencedLogicalId(other) === resource.id };
    }
    return typeof value === 'string' ? { names: (other) => other === value } : undefined;
  }

  /** Not evaluated because of a value: `"<what> is <what the value is>"` (see `describe`). */
  public unknown(what: string, value: unknown): NotEvaluated {
    return notEvaluated(`${what} is ${this.describe(value)}`);
  }

  /**
   * What a resolved value is, for the reason of a not-evaluated verdict: the parameter
   * without a value, the import that no stack exports, the resource the app does not
   * define... (`"parameter VpcId of Studio, which has no default"`).
   */
  public describe(value: unknown): string {
    if (value === undefined) {
      return 'not set';
    }
    if (typeof value === 'string' || typeof value === 'number') {
      return `'${value}'`;
    }
    if (!isIntrinsic(value)) {
      return 'a value that the pack cannot read';
    }
    const [fn, arg] = Object.entries(value as object)[0] as [string, any];
    if (fn === 'Ref' && typeof arg === 'string') {
      return this.describeReference(arg);
    }
    if (fn === 'Fn::ImportValue') {
      return typeof arg === 'string'
        ? `the import of '${arg}', which no stack of the app (or more than one) exports`
        : 'an import whose export name is only known at deploy time';
    }
    if (fn === 'Fn::GetAtt' && Array.isArray(arg) && typeof arg[0] === 'string') {
      const location = this.resolver.templates.split(arg[0]);
      const name = location ? `${location.logicalId} of ${location.template.path}` : arg[0];
      return String(arg[1]).startsWith('Outputs.')
        ? `output ${String(arg[1]).slice('Outputs.'.length)} of the nested stack ${name}, whose template is not in the app`
        : `attribute ${arg[1]} of ${name}, only known at deploy time`;
    }
    const inner = this.unknownInside(arg);
    return inner ? `a value (${fn}) built from ${inner}` : `a value only known at deploy time (${fn})`;
  }

  private describeReference(id: string): string {
    if (id.startsWith('AWS::')) {
      return `the pseudo parameter ${id}, only known at deploy time`;
    }
    const location = this.resolver.templates.split(id);
    if (!location) {
      return `a reference to ${id}`;
    }
    const { template, logicalId } = location;
    const parameter = template.parameters[logicalId];
    if (parameter) {
      return String(parameter.Type ?? '').startsWith('AWS::SSM::Parameter::Value')
        ? `the SSM parameter type parameter ${logicalId} of ${template.path}, only known at deploy time`
        : `parameter ${logicalId} of ${template.path}, which has no default${template.parent ? ' and no value from its parent stack' : ''}`;
    }
    const resource = template.resources.get(logicalId);
    return resource ? `${logicalId} (${resource.type}) of ${template.path}` : `${logicalId}, which ${template.path} does not define`;
  }

  /** The description of the first parameter, pseudo parameter or import inside a value, if any. */
  private unknownInside(value: unknown): string | undefined {
    if (typeof value === 'string') {
      for (const [, name] of value.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const reference = splitOnce(name)[0];
        const location = this.resolver.templates.split(reference);
        if (reference.startsWith('AWS::') || (location && location.template.parameters[location.logicalId])) {
          return this.describeReference(reference);
        }
      }
      return undefined;
    }
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    if (isIntrinsic(value)) {
      const [fn, arg] = Object.entries(value as object)[0] as [string, any];
      if ((fn === 'Ref' && typeof arg === 'string' && this.isParameterOrPseudo(arg)) || fn === 'Fn::ImportValue') {
        return this.describe(value);
      }
    }
    for (const item of Object.values(value as object)) {
      const found = this.unknownInside(item);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  private isParameterOrPseudo(id: string): boolean {
    const location = this.resolver.templates.split(id);
    return id.startsWith('AWS::') || (location !== undefined && location.template.parameters[location.logicalId] !== undefined);
  }
}

/** The templates of an app and a view of its resources for each choice of conditions, built once and shared by the rules. */
export class AppView {
  private readonly views = new Map<string, AppResources>();

  constructor(public readonly templates: AppTemplates) {}

  /** The resources of the app under an assignment of conditions (by `<stack number>:<name>`). */
  public resources(assignment: ReadonlyMap<string, boolean>): AppResources {
    const key = [...assignment.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
    if (!this.views.has(key)) {
      this.views.set(key, new AppResources(new Resolver(this.templates, assignment)));
    }
    return this.views.get(key)!;
  }
}
