/**
 * Helpers over resolved CloudFormation values (the output of `Stack.resolve`), where a
 * value only known at deploy time appears as an intrinsic function (`{ Ref: ... }`,
 * `{ 'Fn::GetAtt': ... }`, ...).
 */

/** Marks a value that an intrinsic function hides at synth time. */
export const UNRESOLVED: unique symbol = Symbol('unresolved');

/** True for `{ Ref: x }`, `{ 'Fn::...': x }` and `{ Condition: x }`. */
export function isIntrinsic(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/**
 * The value at a property path, `undefined` when a property on the way is absent, and
 * `UNRESOLVED` when an object on the way is an intrinsic function (e.g. `Fn::If`). The
 * value found is returned as is, intrinsic or not.
 */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null) {
      return undefined;
    }
    if (isIntrinsic(current) || typeof current !== 'object') {
      return UNRESOLVED;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * What hides the value at a property path: the first intrinsic function on the way (or
 * the value itself when it is one), for the reason of a not-evaluated verdict;
 * `undefined` when nothing does.
 */
export function intrinsicOnPath(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of [...path, '']) {
    if (isIntrinsic(current)) {
      return current;
    }
    if (key === '' || current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return undefined;
}

/** A value as a list: `undefined` as `[]`, a single value as `[value]`. */
export function asList(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * The logical id a value refers to: `{ Ref: id }` (when `attribute` is undefined) or
 * `{ 'Fn::GetAtt': [id, attribute] }` (also in its `'id.attribute'` form).
 */
export function referencedLogicalId(value: unknown, attribute?: string): string | undefined {
  if (!isIntrinsic(value)) {
    return undefined;
  }
  const object = value as Record<string, any>;
  if (attribute === undefined) {
    return typeof object.Ref === 'string' ? object.Ref : undefined;
  }
  const getAtt = object['Fn::GetAtt'];
  const [id, attr] = typeof getAtt === 'string' ? splitOnce(getAtt) : Array.isArray(getAtt) ? getAtt : [];
  return typeof id === 'string' && attr === attribute ? id : undefined;
}

/** A `'LogicalId.Attribute'` text split at its first dot. */
export function splitOnce(text: string): [string, string] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * A string with each reference written as `${LogicalId}` or `${LogicalId.Attribute}`
 * (pseudo parameters as `${AWS::Region}`), so that its literal parts can be matched;
 * `undefined` when the value holds anything else (a condition, a split, an import...).
 */
export function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (!isIntrinsic(value)) {
    return undefined;
  }
  const object = value as Record<string, any>;
  if (typeof object.Ref === 'string') {
    return `\${${object.Ref}}`;
  }
  if (object['Fn::GetAtt'] !== undefined) {
    const getAtt = object['Fn::GetAtt'];
    return `\${${Array.isArray(getAtt) ? getAtt.join('.') : getAtt}}`;
  }
  if (object['Fn::Sub'] !== undefined) {
    return typeof object['Fn::Sub'] === 'string' ? object['Fn::Sub'] : undefined;
  }
  if (Array.isArray(object['Fn::Join'])) {
    const [delimiter, items] = object['Fn::Join'];
    if (typeof delimiter !== 'string' || !Array.isArray(items)) {
      return undefined;
    }
    const parts = items.map(flatten);
    return parts.every((part) => part !== undefined) ? parts.join(delimiter) : undefined;
  }
  return undefined;
}
