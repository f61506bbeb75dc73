import { CfnResource } from 'aws-cdk-lib';
import { StackResources } from './stack-resources';

/** What a rule concluded about one resource. */
export enum RuleCompliance {
  /** The resource meets the rule. */
  COMPLIANT = 'compliant',
  /** The resource breaks the rule: a finding. */
  NON_COMPLIANT = 'non-compliant',
  /** The rule does not concern the resource, or the values it needs are only known at deploy time. */
  NOT_APPLICABLE = 'not-applicable',
}

/** How serious a finding is, as written to the validation report. */
export enum RuleLevel {
  /** Fails synthesis. */
  ERROR = 'error',
  /** Reported; does not fail synthesis. */
  WARNING = 'warning',
}

/** Evaluates one resource; pure: reads the resource and the stack's resources, changes nothing. */
export type RuleCheck = (resource: CfnResource, resources: StackResources) => RuleCompliance;

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
 * Combines the outcome of several checks on one resource: any non-compliant part makes
 * the resource non-compliant; otherwise any part that could not be checked makes it
 * not-applicable; otherwise (at least one part, all compliant) it is compliant.
 */
export function combine(results: RuleCompliance[]): RuleCompliance {
  if (results.includes(RuleCompliance.NON_COMPLIANT)) {
    return RuleCompliance.NON_COMPLIANT;
  }
  if (results.length === 0 || results.includes(RuleCompliance.NOT_APPLICABLE)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return RuleCompliance.COMPLIANT;
}
