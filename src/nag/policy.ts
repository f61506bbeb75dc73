import { RuleCompliance } from './rule';
import { asList, isIntrinsic } from './values';

/** One statement of a resolved policy document. */
export type PolicyStatement = Record<string, any>;

/**
 * The statements of a resolved policy document, or `undefined` when the document or its
 * statement list is an intrinsic function (only known at deploy time).
 */
export function statementsOf(document: unknown): PolicyStatement[] | undefined {
  if (isIntrinsic(document) || document === null || typeof document !== 'object') {
    return undefined;
  }
  const statements = (document as Record<string, unknown>).Statement;
  if (isIntrinsic(statements)) {
    return undefined;
  }
  return asList(statements) as PolicyStatement[];
}

/**
 * The verdict on an endpoint policy: non-compliant when missing (the default is full
 * access) or when `isFullAccess` says so, not-applicable when only known at deploy time.
 */
export function endpointPolicyCompliance(document: unknown, isFullAccess: (statements: PolicyStatement[]) => boolean): RuleCompliance {
  if (document === undefined) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const statements = statementsOf(document);
  if (statements === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
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
