import { AppTemplates, qualify, StackTemplate } from './app-templates';
import { isIntrinsic, splitOnce } from './values';

/** A choice of truth values for the conditions of the app's stacks, by `<stack number>:<condition name>`. */
export type Assignment = ReadonlyMap<string, boolean>;

/**
 * Thrown when a value depends on a condition that the templates do not decide (its
 * parameters have no value and no default, or it tests a pseudo parameter only known
 * at deploy time): the rule is then evaluated once with the condition true and once false.
 */
export class ConditionNeeded extends Error {
  constructor(public readonly key: string, public readonly template: StackTemplate, public readonly condition: string) {
    super(`condition ${condition} of ${template.path} is only known at deploy time`);
  }
}

/** A resource of the app with its properties resolved (see `Resolver`). */
export interface ResolvedResource {
  /** The id that references to it use in resolved values: its logical id qualified by its stack, `Vpc8378EB38@1`. */
  readonly id: string;
  /** Its logical id in its stack's template. */
  readonly logicalId: string;
  /** The construct path of its stack. */
  readonly stackPath: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

/** What `Ref: AWS::NoValue` resolves to: the property or list entry is removed. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** How deep references may lead (import of an export of a parameter passed by a parent...). */
const MAX_DEPTH = 32;

/**
 * Resolves the values of templates for one choice of their conditions, following
 * references across the app's stacks:
 *
 * - `Ref` to a parameter: the value the parent stack passes to a nested stack (its
 *   `AWS::CloudFormation::Stack` resource's `Parameters`), else the parameter's default
 *   (a list for list types; never for SSM parameter types, whose default is a name),
 *   else it stays a `Ref`;
 * - `Fn::ImportValue`: the value of the output that exports the name (`Export.Name`
 *   resolved in its stack, `AWS::StackName` included), when exactly one stack of the
 *   same environment exports it;
 * - `Fn::GetAtt` of a nested stack's `Outputs.<name>`: the value of that output in the nested stack;
 * - `Fn::If`: the branch that the condition selects; `AWS::NoValue` removes the property;
 * - `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::FindInMap` with known
 *   parts: their value.
 *
 * References to resources become references with qualified ids (`{ Ref: 'Vpc@1' }`,
 * `{ 'Fn::GetAtt': ['Role@2', 'Arn'] }`, `${Bucket@0}` in `Fn::Sub`), so that a
 * resource of one stack is told apart from one of the same logical id in another.
 * A value still unknown stays an intrinsic function. A condition that the templates do
 * not decide, and that the assignment does not give, throws `ConditionNeeded`.
 */
export class Resolver {
  private readonly resolved = new Map<string, ResolvedResource | null>();
  private readonly following = new Set<string>();
  private exportsByName?: Map<string, { template: StackTemplate; value: unknown }[]>;

  constructor(public readonly templates: AppTemplates, public readonly assignment: Assignment) {}

  /** A value of a template resolved; `undefined` for `AWS::NoValue`. */
  public value(value: unknown, template: StackTemplate): unknown {
    const result = this.normalize(value, template, 0);
    return result === NO_VALUE ? undefined : result;
  }

  /** Whether a condition of a stack holds; throws `ConditionNeeded` when the templates do not decide and the assignment does not say. */
  public condition(template: StackTemplate, name: string): boolean {
    const key = conditionKey(template, name);
    const assigned = this.assignment.get(key);
    if (assigned !== undefined) {
      return assigned;
    }
    const expression = template.conditions[name];
    const truth = expression === undefined ? undefined : this.truth(expression, template);
    if (truth === undefined) {
      throw new ConditionNeeded(key, template, name);
    }
    return truth;
  }

  /** True when the resource is created: its condition (and that of the nested stack resource that deploys its stack) holds. */
  public exists(template: StackTemplate, logicalId: string): boolean {
    const resource = template.resources.get(logicalId);
    if (!resource || (resource.condition !== undefined && !this.condition(template, resource.condition))) {
      return false;
    }
    return !template.parent || this.exists(template.parent.template, template.parent.logicalId);
  }

  /**
   * A resource of the app by qualified id, with resolved properties; `undefined` when
   * the app does not define it, it is not created under the assignment, or it could not be read.
   */
  public resource(id: string): ResolvedResource | undefined {
    const cached = this.resolved.get(id);
    if (cached !== undefined) {
      return cached ?? undefined;
    }
    const location = this.templates.split(id);
    const raw = location?.template.resources.get(location.logicalId);
    let resource: ResolvedResource | null = null;
    if (location && raw && raw.error === undefined && this.exists(location.template, location.logicalId)) {
      resource = {
        id,
        logicalId: raw.logicalId,
        stackPath: location.template.path,
        type: raw.type,
        properties: (this.value(raw.properties, location.template) ?? {}) as Record<string, any>,
      };
    }
    this.resolved.set(id, resource);
    return resource ?? undefined;
  }

  private normalize(value: unknown, template: StackTemplate, depth: number): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.normalize(item, template, depth)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (!isIntrinsic(value)) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const normalized = this.normalize(item, template, depth);
        if (normalized !== NO_VALUE) {
          result[key] = normalized;
        }
      }
      return result;
    }
    const [fn, arg] = Object.entries(value)[0] as [string, any];
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg, template, depth) : value;
      case 'Fn::GetAtt':
        return this.getAtt(arg, template, depth);
      case 'Fn::If':
        return Array.isArray(arg) && typeof arg[0] === 'string'
          ? this.normalize(this.condition(template, arg[0]) ? arg[1] : arg[2], template, depth)
          : value;
      case 'Fn::ImportValue':
        return this.importValue(arg, template, depth);
      case 'Fn::Sub':
        return this.sub(arg, template, depth);
      case 'Fn::Join':
        return this.join(arg, template, depth);
      case 'Fn::Select':
        return this.select(arg, template, depth);
      case 'Fn::Split': {
        const [delimiter, source] = asPair(this.normalize(arg, template, depth));
        return typeof delimiter === 'string' && typeof source === 'string' ? source.split(delimiter) : { [fn]: [delimiter, source] };
      }
      case 'Fn::FindInMap':
        return this.findInMap(arg, template, depth);
      case 'Condition':
        return value;
      default:
        return { [fn]: this.normalize(arg, template, depth) };
    }
  }

  private ref(name: string, template: StackTemplate, depth: number): unknown {
    if (name === 'AWS::NoValue') {
      return NO_VALUE;
    }
    if (name === 'AWS::StackName' && template.stackName !== undefined) {
      return template.stackName;
    }
    if (name.startsWith('AWS::') || template.resources.has(name) || !(name in template.parameters)) {
      return name.startsWith('AWS::') ? { Ref: name } : { Ref: qualify(name, template) };
    }
    return this.follow(`parameter ${qualify(name, template)}`, depth, { Ref: qualify(name, template) }, () => this.parameter(name, template, depth + 1));
  }

  /** The value of a parameter: passed by the parent stack, else its default, else unknown (a qualified `Ref`). */
  private parameter(name: string, template: StackTemplate, depth: number): unknown {
    const definition = template.parameters[name] ?? {};
    const type = typeof definition.Type === 'string' ? definition.Type : 'String';
    const unknown = { Ref: qualify(name, template) };
    if (template.parent) {
      const deployedBy = template.parent.template.resources.get(template.parent.logicalId);
      const passed = this.normalize(deployedBy?.properties.Parameters, template.parent.template, depth);
      if (passed !== null && typeof passed === 'object' && !isIntrinsic(passed) && name in passed) {
        return parameterValue((passed as Record<string, unknown>)[name], type);
      }
      if (passed !== undefined && passed !== NO_VALUE && (isIntrinsic(passed) || typeof passed !== 'object')) {
        return unknown;
      }
    }
    if (type.startsWith('AWS::SSM::Parameter::Value') || definition.Default === undefined) {
      return unknown;
    }
    return parameterValue(definition.Default, type);
  }

  private getAtt(arg: unknown, template: StackTemplate, depth: number): unknown {
    const [logicalId, attribute] = typeof arg === 'string' ? splitOnce(arg) : asPair(arg);
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      return { 'Fn::GetAtt': this.normalize(arg, template, depth) };
    }
    const id = qualify(logicalId, template);
    const child = attribute.startsWith('Outputs.') ? this.templates.nestedStack(id) : undefined;
    const output = child?.outputs[attribute.slice('Outputs.'.length)];
    if (child && output) {
      return this.follow(`output ${attribute} of ${id}`, depth, { 'Fn::GetAtt': [id, attribute] }, () => this.normalize(output.Value, child, depth + 1));
    }
    return { 'Fn::GetAtt': [id, attribute] };
  }

  private importValue(arg: unknown, template: StackTemplate, depth: number): unknown {
    const name = this.normalize(arg, template, depth);
    const unknown = { 'Fn::ImportValue': name };
    if (typeof name !== 'string') {
      return unknown;
    }
    const candidates = (this.exports().get(name) ?? []).filter(({ template: exporter }) =>
      sameOrUnknown(exporter.region, template.region) && sameOrUnknown(exporter.account, template.account));
    if (candidates.length !== 1) {
      return unknown;
    }
    const [{ template: exporter, value }] = candidates;
    return this.follow(`export ${name}`, depth, unknown, () => this.normalize(value, exporter, depth + 1));
  }

  /** The outputs of the app's stacks that are exported, by export name (resolved in the exporting stack). */
  private exports(): Map<string, { template: StackTemplate; value: unknown }[]> {
    if (!this.exportsByName) {
      // Set before it is filled: an export name that imports (a cycle) sees the exports read so far.
      const exports = new Map<string, { template: StackTemplate; value: unknown }[]>();
      this.exportsByName = exports;
      try {
        for (const template of this.templates.stacks) {
          for (const output of Object.values(template.outputs)) {
            const exportName = output?.Export?.Name;
            if (exportName === undefined || (typeof output.Condition === 'string' && !this.condition(template, output.Condition))) {
              continue;
            }
            const name = this.normalize(exportName, template, 0);
            if (typeof name === 'string') {
              exports.set(name, [...exports.get(name) ?? [], { template, value: output.Value }]);
            }
          }
        }
      } catch (e) {
        // An export that depends on a condition not yet chosen: read them again under the next choice, never half.
        this.exportsByName = undefined;
        throw e;
      }
    }
    return this.exportsByName;
  }

  /**
   * `Fn::Sub` with each `${Name}` resolved: a literal is written in place, a reference
   * to a resource or an unknown parameter as `${<qualified id>}` or
   * `${<qualified id>.<attribute>}`; anything else becomes a variable of the result.
   */
  private sub(arg: unknown, template: StackTemplate, depth: number): unknown {
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : asPair(arg);
    if (typeof text !== 'string' || variables === null || typeof variables !== 'object' || isIntrinsic(variables)) {
      return { 'Fn::Sub': this.normalize(arg, template, depth) };
    }
    const given = variables as Record<string, unknown>;
    const remaining: Record<string, unknown> = {};
    const result = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) {
        return whole;
      }
      const value = name in given
        ? this.normalize(given[name], template, depth)
        : name.includes('.') && !name.startsWith('AWS::') ? this.getAtt(name, template, depth) : this.ref(name, template, depth);
      const inline = placeholderOf(value);
      if (inline !== undefined) {
        return inline;
      }
      const variable = `Value${Object.keys(remaining).length}`;
      remaining[variable] = value;
      return `\${${variable}}`;
    });
    if (Object.keys(remaining).length > 0) {
      return { 'Fn::Sub': [result, remaining] };
    }
    return result.includes('${') ? { 'Fn::Sub': result } : result;
  }

  private join(arg: unknown, template: StackTemplate, depth: number): unknown {
    const [delimiter, items] = asPair(this.normalize(arg, template, depth));
    if (typeof delimiter === 'string' && Array.isArray(items) && items.every((item) => typeof item === 'string' || typeof item === 'number')) {
      return items.join(delimiter);
    }
    return { 'Fn::Join': [delimiter, items] };
  }

  private select(arg: unknown, template: StackTemplate, depth: number): unknown {
    const [index, items] = asPair(this.normalize(arg, template, depth));
    const position = Number(index);
    if (Array.isArray(items) && (typeof index === 'string' || typeof index === 'number') && Number.isInteger(position)
      && position >= 0 && position < items.length) {
      return items[position];
    }
    return { 'Fn::Select': [index, items] };
  }

  private findInMap(arg: unknown, template: StackTemplate, depth: number): unknown {
    const keys = this.normalize(arg, template, depth);
    if (Array.isArray(keys) && keys.slice(0, 3).every((key) => typeof key === 'string')) {
      const [map, first, second] = keys as string[];
      const found = template.mappings[map]?.[first]?.[second];
      if (found !== undefined) {
        return this.normalize(found, template, depth);
      }
    }
    return { 'Fn::FindInMap': keys };
  }

  /**
   * Follows a reference (a parameter, an export, a nested stack's output) unless it is
   * already being followed (a cycle) or the chain is too deep: then the value stays unknown.
   */
  private follow(key: string, depth: number, unknown: unknown, resolve: () => unknown): unknown {
    if (depth >= MAX_DEPTH || this.following.has(key)) {
      return unknown;
    }
    this.following.add(key);
    try {
      return resolve();
    } finally {
      this.following.delete(key);
    }
  }

  /** The truth of a condition expression; `undefined` when the templates do not decide it. */
  private truth(expression: unknown, template: StackTemplate): boolean | undefined {
    if (typeof expression === 'boolean') {
      return expression;
    }
    if (!isIntrinsic(expression)) {
      return undefined;
    }
    const [fn, arg] = Object.entries(expression as object)[0] as [string, any];
    const operands = Array.isArray(arg) ? arg : [arg];
    switch (fn) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(template, arg) : undefined;
      case 'Fn::Not': {
        const truth = this.truth(operands[0], template);
        return truth === undefined ? undefined : !truth;
      }
      case 'Fn::And':
        return this.connective(operands, template, false);
      case 'Fn::Or':
        return this.connective(operands, template, true);
      case 'Fn::Equals': {
        const values = operands.map((operand) => this.normalize(operand, template, 0));
        const [left, right] = values.map((value) => this.literal(value, template));
        if (left === undefined || right === undefined) {
          // A reference to a resource, or a text with literal parts, is never empty: `Fn::Equals [!Ref Key, '']` is false.
          return (left === '' && this.nonEmpty(values[1])) || (right === '' && this.nonEmpty(values[0])) ? false : undefined;
        }
        return left === right;
      }
      default:
        return undefined;
    }
  }

  /**
   * `Fn::Or` (decisive `true`) or `Fn::And` (decisive `false`): decided by one decisive
   * operand even when another needs a condition that is not assigned; otherwise that need is raised.
   */
  private connective(operands: unknown[], template: StackTemplate, decisive: boolean): boolean | undefined {
    let needed: ConditionNeeded | undefined;
    let unknown = false;
    for (const operand of operands) {
      try {
        const truth = this.truth(operand, template);
        if (truth === decisive) {
          return decisive;
        }
        unknown = unknown || truth === undefined;
      } catch (e) {
        if (!(e instanceof ConditionNeeded)) {
          throw e;
        }
        needed = needed ?? e;
      }
    }
    if (needed) {
      throw needed;
    }
    return unknown ? undefined : !decisive;
  }

  /** A resolved operand of `Fn::Equals` as a string, with the stack's region and account when it has a concrete environment. */
  private literal(value: unknown, template: StackTemplate): string | undefined {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      return JSON.stringify(value);
    }
    const pseudo = isIntrinsic(value) ? (value as Record<string, unknown>).Ref : undefined;
    return pseudo === 'AWS::Region' ? template.region : pseudo === 'AWS::AccountId' ? template.account : undefined;
  }

  /** True when a resolved value cannot be the empty string: a reference to a resource of the app, or a text with a literal part. */
  private nonEmpty(value: unknown): boolean {
    if (typeof value === 'string') {
      return value !== '';
    }
    if (!isIntrinsic(value)) {
      return false;
    }
    const [fn, arg] = Object.entries(value as object)[0] as [string, any];
    const id = fn === 'Ref' ? arg : fn === 'Fn::GetAtt' && Array.isArray(arg) ? arg[0] : undefined;
    if (typeof id === 'string') {
      const location = this.templates.split(id);
      return location !== undefined && location.template.resources.has(location.logicalId);
    }
    const text = fn === 'Fn::Sub' ? (typeof arg === 'string' ? arg : arg?.[0]) : undefined;
    if (typeof text === 'string') {
      return text.replace(/\$\{[^}]*\}/g, '') !== '';
    }
    return fn === 'Fn::Join' && Array.isArray(arg?.[1]) && arg[1].some((part: unknown) => typeof part === 'string' && part !== '');
  }
}

/** The key of a condition in an assignment. */
export function conditionKey(template: StackTemplate, name: string): string {
  return `${template.index}:${name}`;
}

/** A value as a parameter of the type holds it: lists (`List<...>`, `CommaDelimitedList`) from a comma-separated string or a join on commas. */
function parameterValue(value: unknown, type: string): unknown {
  if (!type.startsWith('List<') && type !== 'CommaDelimitedList') {
    return value;
  }
  if (typeof value === 'string') {
    return value.split(',').map((item) => item.trim());
  }
  const join = isIntrinsic(value) ? (value as Record<string, unknown>)['Fn::Join'] : undefined;
  return Array.isArray(join) && join[0] === ',' && Array.isArray(join[1]) ? join[1] : value;
}

/** How a resolved value is written inside `Fn::Sub`, or `undefined` when it cannot be. */
function placeholderOf(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  if (value === NO_VALUE) {
    return '';
  }
  if (!isIntrinsic(value)) {
    return undefined;
  }
  const { Ref: ref, 'Fn::GetAtt': getAtt } = value as Record<string, unknown>;
  if (typeof ref === 'string') {
    return `\${${ref}}`;
  }
  if (Array.isArray(getAtt) && getAtt.every((part) => typeof part === 'string')) {
    return `\${${getAtt.join('.')}}`;
  }
  const sub = (value as Record<string, unknown>)['Fn::Sub'];
  return typeof sub === 'string' ? sub : undefined;
}

function asPair(value: unknown): [unknown, unknown] {
  return Array.isArray(value) ? [value[0], value[1]] : [undefined, undefined];
}

function sameOrUnknown(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}
