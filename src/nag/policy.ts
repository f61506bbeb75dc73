import { AppResources } from './app-resources';
import { notEvaluated, RuleCompliance, Verdict } from './rule';
import { asList, flatten, isIntrinsic } from './values';

/** One statement of a resolved policy document. */
export type PolicyStatement = Record<string, any>;

/** Marks where a value only known at deploy time sits in the text of a JSON policy document. */
const PLACEHOLDER = /@@placeholder-(\d+)@@/g;

/**
 * A resolved policy document as an object: an object as is, a JSON string parsed, and a
 * JSON text written with `Fn::Sub` or `Fn::Join` parsed with its references in place
 * (a string that is one reference becomes that reference, one that holds references
 * becomes an `Fn::Join`); `undefined` when the document is only known at deploy time or
 * its text is not JSON once its references are set aside (e.g. a whole statement that is a reference).
 */
export function policyDocumentOf(document: unknown): Record<string, unknown> | undefined {
  if (typeof document === 'string') {
    return parseJson(document, []);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return undefined;
  }
  if (!isIntrinsic(document)) {
    return document as Record<string, unknown>;
  }
  const pieces = textPieces(document);
  if (pieces === undefined) {
    return undefined;
  }
  const values: unknown[] = [];
  const text = pieces.map((piece) => {
    if (typeof piece === 'string') {
      return piece;
    }
    values.push(piece);
    return `@@placeholder-${values.length - 1}@@`;
  }).join('');
  return parseJson(text, values);
}

/**
 * The statements of a resolved policy document (see `policyDocumentOf`), or `undefined`
 * when the document or its statement list is only known at deploy time.
 */
export function statementsOf(document: unknown): PolicyStatement[] | undefined {
  const parsed = policyDocumentOf(document);
  const statements = parsed?.Statement;
  if (parsed === undefined || isIntrinsic(statements)) {
    return undefined;
  }
  return asList(statements) as PolicyStatement[];
}

/**
 * The verdict on an endpoint policy: non-compliant when missing (the default is full
 * access) or when `isFullAccess` says so, not-evaluated when only known at deploy time.
 */
export function endpointPolicyCompliance(document: unknown, isFullAccess: (statements: PolicyStatement[]) => boolean,
  resources: AppResources): Verdict {
  if (document === undefined) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const statements = statementsOf(document);
  if (statements === undefined) {
    return notEvaluated(`its PolicyDocument is ${resources.describe(document)}`);
  }
  return isFullAccess(statements) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

/** True when the statement is an `Allow` (the IAM default effect is not, `Effect` is required). */
export function isAllow(statement: PolicyStatement): boolean {
  return statement.Effect === 'Allow';
}

/** True when the statement has at least one condition. */
export function hasCondition(statement: PolicyStatement): boolean {
  const condition = statement.Condition;
  return condition !== undefined && (isIntrinsic(condition) || Object.keys(condition).length > 0);
}

/** The condition keys the statement tests, lower-case, with their operators. */
export function conditionKeys(statement: PolicyStatement): { operator: string; key: string }[] {
  const condition = statement.Condition;
  if (condition === undefined || isIntrinsic(condition)) {
    return [];
  }
  return Object.entries(condition as Record<string, unknown>).flatMap(([operator, test]) =>
    test !== null && typeof test === 'object' && !isIntrinsic(test)
      ? Object.keys(test).map((key) => ({ operator, key: key.toLowerCase() }))
      : []);
}

/** True when the principal is everyone: `'*'` or `{ AWS: '*' }` (or a list holding `'*'`). */
export function isAnyPrincipal(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  if (principal === null || typeof principal !== 'object' || isIntrinsic(principal)) {
    return false;
  }
  return asList((principal as Record<string, unknown>).AWS).includes('*');
}

/**
 * True when an IAM action pattern (`s3:Put*`, `*`, `s3:*Object`) matches an action
 * (`s3:PutObject`), without case; `undefined` for a pattern only known at deploy time.
 */
export function actionMatches(pattern: unknown, action: string): boolean | undefined {
  const text = flatten(pattern);
  if (text === undefined || text.includes('${')) {
    return undefined;
  }
  return globMatches(text, action);
}

/** True when a pattern with IAM wildcards (`*`, `?`) matches a text, without case. */
export function globMatches(pattern: string, text: string): boolean {
  const expression = pattern.split('').map((c) => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${expression}$`, 'i').test(text);
}

/** A text of literal pieces and references, for `Fn::Sub` (a string or with variables) and `Fn::Join`; `undefined` for anything else. */
function textPieces(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') {
    return [value];
  }
  if (!isIntrinsic(value)) {
    return [value];
  }
  const { 'Fn::Sub': sub, 'Fn::Join': join } = value as Record<string, any>;
  if (sub !== undefined) {
    const [text, variables] = typeof sub === 'string' ? [sub, {}] : Array.isArray(sub) ? sub : [];
    return typeof text === 'string' ? subPieces(text, variables ?? {}) : undefined;
  }
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(textPieces);
    if (parts.some((part) => part === undefined)) {
      return undefined;
    }
    return parts.flatMap((part, i) => i === 0 ? part! : [join[0], ...part!]);
  }
  return [value];
}

/** The pieces of an `Fn::Sub` text: literal text, and for each `${Name}` the variable's value or the reference it names. */
function subPieces(text: string, variables: Record<string, unknown>): unknown[] {
  const pieces: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1];
    pieces.push(text.slice(last, match.index));
    if (name.startsWith('!')) {
      pieces.push(`\${${name.slice(1)}}`);
    } else if (name in variables) {
      pieces.push(variables[name]);
    } else {
      const dot = name.startsWith('AWS::') ? -1 : name.indexOf('.');
      pieces.push(dot < 0 ? { Ref: name } : { 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] });
    }
    last = match.index! + match[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

function parseJson(text: string, values: unknown[]): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const restored = restore(parsed, values);
  return restored !== null && typeof restored === 'object' && !Array.isArray(restored) ? restored as Record<string, unknown> : undefined;
}

/** The parsed JSON with its placeholders replaced by the values they stand for. */
function restore(value: unknown, values: unknown[]): unknown {
  if (typeof value === 'string') {
    const pieces: unknown[] = [];
    let last = 0;
    for (const match of value.matchAll(PLACEHOLDER)) {
      pieces.push(value.slice(last, match.index), values[Number(match[1])]);
      last = match.index! + match[0].length;
    }
    pieces.push(value.slice(last));
    const parts = pieces.filter((piece) => piece !== '');
    if (parts.length === 1) {
      return parts[0];
    }
    return parts.length === 0 ? '' : { 'Fn::Join': ['', parts] };
  }
  if (Array.isArray(value)) {
    return value.map((item) => restore(item, values));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replace(PLACEHOLDER, (_, i) => flatten(values[Number(i)]) ?? '${?}'), restore(item, values)]));
  }
  return value;
}
