import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Separates a logical id from the number of its stack in the ids of resolved values: `Vpc8378EB38@1`. */
export const STACK_QUALIFIER = '@';

/** A resource as its stack's template writes it: type, condition and properties, intrinsic functions as written. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  /** The name of the condition that decides whether the resource is created. */
  readonly condition?: string;
  /** The construct that synthesizes it. */
  readonly construct: CfnResource;
  /** Why the resource could not be resolved (a rule on it reports this as a finding). */
  readonly error?: string;
}

/** One stack's template, as the pack reads it: every section it follows references through. */
export interface StackTemplate {
  /** The stack's number in the app, which qualifies the logical ids of its resources in resolved values. */
  readonly index: number;
  readonly stack: Stack;
  /** The construct path of the stack, to name it in reasons. */
  readonly path: string;
  /** The value of `AWS::StackName`, when known at synthesis (not for nested stacks). */
  readonly stackName?: string;
  /** `AWS::Region` and `AWS::AccountId`, when the stack has a concrete environment. */
  readonly region?: string;
  readonly account?: string;
  readonly resources: ReadonlyMap<string, TemplateResource>;
  readonly parameters: Record<string, any>;
  readonly outputs: Record<string, any>;
  readonly conditions: Record<string, unknown>;
  readonly mappings: Record<string, any>;
  /** For a nested stack: its parent's template and the logical id of the `AWS::CloudFormation::Stack` resource that deploys it. */
  parent?: { readonly template: StackTemplate; readonly logicalId: string };
}

/**
 * The templates of every stack of an app (nested stacks included), read from the
 * construct tree as the stacks synthesize them: each `CfnElement` resolved by its stack,
 * so property overrides are applied and tokens are intrinsic functions. Nested stacks
 * are linked to the `AWS::CloudFormation::Stack` resource of their parent (CDK writes
 * their templates to separate files of the assembly; the tree says which resource
 * deploys which). Nothing here evaluates an intrinsic function; `AppResources` does.
 */
export class AppTemplates {
  /** The templates of the app (the root of the scope's tree). */
  public static of(scope: IConstruct): AppTemplates {
    return new AppTemplates(scope.node.root);
  }

  public readonly stacks: readonly StackTemplate[];
  private readonly byStack = new Map<Stack, StackTemplate>();
  private readonly byConstruct = new Map<CfnResource, { template: StackTemplate; logicalId: string }>();
  private readonly children = new Map<string, StackTemplate>();

  private constructor(root: IConstruct) {
    const stacks = root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    this.stacks = stacks.map((stack, index) => this.read(stack, index));
    for (const template of this.stacks) {
      const deployedBy = template.stack.nestedStackResource;
      const parent = deployedBy && this.byConstruct.get(deployedBy);
      if (parent) {
        template.parent = { template: parent.template, logicalId: parent.logicalId };
        this.children.set(qualify(parent.logicalId, parent.template), template);
      }
    }
  }

  /** The template of a stack of the app. */
  public templateOf(stack: Stack): StackTemplate | undefined {
    return this.byStack.get(stack);
  }

  /** Where a resource of the app is: its stack's template and its logical id. */
  public locate(resource: CfnResource): { template: StackTemplate; logicalId: string } | undefined {
    return this.byConstruct.get(resource);
  }

  /** The template of the nested stack that an `AWS::CloudFormation::Stack` resource (by qualified id) deploys, if the app defines it. */
  public nestedStack(qualifiedId: string): StackTemplate | undefined {
    return this.children.get(qualifiedId);
  }

  /** The stack of a qualified id (`Vpc@1`), and the logical id in it. */
  public split(qualifiedId: string): { template: StackTemplate; logicalId: string } | undefined {
    const at = qualifiedId.lastIndexOf(STACK_QUALIFIER);
    const template = at < 0 ? undefined : this.stacks[Number(qualifiedId.slice(at + 1))];
    return template ? { template, logicalId: qualifiedId.slice(0, at) } : undefined;
  }

  private read(stack: Stack, index: number): StackTemplate {
    const sections: Record<string, Record<string, any>> = { Parameters: {}, Outputs: {}, Conditions: {}, Mappings: {} };
    const resources = new Map<string, TemplateResource>();
    const template: StackTemplate = {
      index,
      stack,
      path: stack.node.path,
      stackName: stack.nestedStackResource || Token.isUnresolved(stack.stackName) ? undefined : stack.stackName,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      resources,
      parameters: sections.Parameters,
      outputs: sections.Outputs,
      conditions: sections.Conditions,
      mappings: sections.Mappings,
    };
    this.byStack.set(stack, template);
    const elements = stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && Stack.of(c) === stack);
    for (const element of elements) {
      if (CfnResource.isCfnResource(element)) {
        const resource = readResource(element);
        if (!resource) {
          continue;
        }
        resources.set(resource.logicalId, resource);
        this.byConstruct.set(element, { template, logicalId: resource.logicalId });
        continue;
      }
      try {
        const fragment = stack.resolve(element._toCloudFormation()) as Record<string, Record<string, unknown>>;
        for (const [section, entries] of Object.entries(fragment)) {
          Object.assign(sections[section] ?? {}, entries);
        }
      } catch {
        // An element that cannot be resolved is left out: what refers to it is not evaluated.
      }
    }
    return template;
  }
}

/** The id that resolved values use for a logical id of a stack: `<logicalId>@<stack number>`. */
export function qualify(logicalId: string, template: StackTemplate): string {
  return `${logicalId}${STACK_QUALIFIER}${template.index}`;
}

/** The resource as its template writes it; `undefined` for a resource that is not synthesized. */
function readResource(resource: CfnResource): TemplateResource | undefined {
  const stack = Stack.of(resource);
  try {
    const fragment = stack.resolve(resource._toCloudFormation()) as { Resources?: Record<string, any> };
    const entry = Object.entries(fragment.Resources ?? {})[0];
    if (!entry) {
      return undefined;
    }
    const [logicalId, body] = entry;
    return {
      logicalId,
      type: body.Type ?? resource.cfnResourceType,
      properties: body.Properties ?? {},
      condition: body.Condition,
      construct: resource,
    };
  } catch (e) {
    return { logicalId: logicalIdOf(resource), type: resource.cfnResourceType, properties: {}, construct: resource, error: (e as Error).message };
  }
}

/** The logical id of a resource that could not be read, or its construct path when even that cannot be computed. */
function logicalIdOf(resource: CfnResource): string {
  try {
    return String(Stack.of(resource).resolve(resource.logicalId));
  } catch {
    return resource.node.path;
  }
}
