import type { AppResources, ResolvedResource } from './app-resources';

/** What a rule concluded about one resource. */
export enum RuleCompliance {
  /** The resource meets the rule. */
  COMPLIANT = 'compliant',
  /** The resource breaks the rule: a finding. */
  NON_COMPLIANT = 'non-compliant',
  /** The rule does not concern the resource (another type, another kind of endpoint, a resource that is not created). */
  NOT_APPLICABLE = 'not-applicable',
  /**
   * The rule concerns the resource but could not tell: a value it needs is only known at
   * deploy time, or names a resource outside the app. Reported as information, with why.
   */
  NOT_EVALUATED = 'not-evaluated',
}

/** A rule that concerns a resource but could not evaluate it, and why (one reason per value it could not read). */
export interface NotEvaluated {
  readonly compliance: RuleCompliance.NOT_EVALUATED;
  readonly reasons: readonly string[];
}

/** What a rule returns: a verdict, or not-evaluated with its reasons (never a bare not-evaluated). */
export type Verdict = Exclude<RuleCompliance, RuleCompliance.NOT_EVALUATED> | NotEvaluated;

/** Not evaluated, for the reason given (a sentence fragment: "the domain's VpcId is ..."). */
export function notEvaluated(...reasons: string[]): NotEvaluated {
  return { compliance: RuleCompliance.NOT_EVALUATED, reasons };
}

/** The compliance of a verdict, without its reasons. */
export function complianceOf(verdict: Verdict): RuleCompliance {
  return typeof verdict === 'string' ? verdict : verdict.compliance;
}

/** The reasons of a not-evaluated verdict; `[]` for any other. */
export function reasonsOf(verdict: Verdict): readonly string[] {
  return typeof verdict === 'string' ? [] : verdict.reasons;
}

/** How serious a finding is, as written to the validation report. */
export enum RuleLevel {
  /** Fails synthesis. */
  ERROR = 'error',
  /** Reported; does not fail synthesis. */
  WARNING = 'warning',
}

/**
 * Evaluates one resource; pure: reads the resource (its properties resolved across the
 * app's stacks, for one choice of its conditions) and the app's other resources, changes nothing.
 */
export type RuleCheck = (resource: ResolvedResource, resources: AppResources) => Verdict;

/** A rule of the pack: its id, level, the reason it exists and its check. */
export interface StudioRule {
  /** Full rule id, `SageMakerStudio-<Name>`, as acknowledged with `Validations.of(scope).acknowledge`. */
  readonly id: string;
  readonly level: RuleLevel;
  /** What the rule demands (the finding's description). */
  readonly info: string;
  /** Why it demands it (added to the description in verbose mode). */
  readonly explanation: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** The property path a finding is about, by CloudFormation type of the resources the rule checks. */
  readonly locations: Record<string, string>;
  readonly check: RuleCheck;
}

/** The prefix of every rule id of the pack. */
export const RULE_ID_PREFIX = 'SageMakerStudio-';

/**
 * Combines the outcome of several checks on one resource (or of one resource under
 * several choices of its conditions): any non-compliant part makes the whole
 * non-compliant; otherwise any part that could not be evaluated makes it not-evaluated
 * (with every part's reasons); otherwise any compliant part makes it compliant; with no
 * part, or only parts that do not apply, it is not-applicable.
 */
export function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(RuleCompliance.NON_COMPLIANT)) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const reasons = verdicts.flatMap(reasonsOf);
  if (verdicts.some((v) => complianceOf(v) === RuleCompliance.NOT_EVALUATED)) {
    return notEvaluated(...new Set(reasons));
  }
  return verdicts.includes(RuleCompliance.COMPLIANT) ? RuleCompliance.COMPLIANT : RuleCompliance.NOT_APPLICABLE;
}
