import { CfnResource } from 'aws-cdk-lib';
import { AppView } from './app-resources';
import { qualify } from './app-templates';
import { ConditionNeeded } from './resolver';
import { combine, notEvaluated, RuleCompliance, StudioRule, Verdict } from './rule';

/** How many choices of conditions one rule may try on one resource before it gives up (not-evaluated). */
export const MAX_CONDITION_CHOICES = 64;

/** A rule's verdict on a resource, over every choice of the conditions it depends on. */
export interface Evaluation {
  readonly verdict: Verdict;
  /** The choices of conditions under which the resource is non-compliant (`"UseKey of Studio is false"`), none when no condition mattered. */
  readonly nonCompliantWhen: string[];
}

/**
 * Evaluates a rule on a resource of the app. The rule first runs with no condition
 * chosen; whenever it reads a value that depends on a condition the templates do not
 * decide (`Fn::If`, or a resource's `Condition`), it runs again with the condition true
 * and with it false, and so on for the next condition (at most `MAX_CONDITION_CHOICES`
 * runs). The verdicts combine: non-compliant if any reachable choice is, not-evaluated
 * if any could not be evaluated, else compliant; a resource that no choice creates is
 * not-applicable. A condition whose parameters have values (defaults, values passed by
 * a parent stack) is decided, so only the branch it selects is evaluated.
 */
export function evaluateRule(rule: StudioRule, construct: CfnResource, view: AppView): Evaluation {
  const location = view.templates.locate(construct);
  const raw = location?.template.resources.get(location.logicalId);
  if (!location || !raw) {
    return { verdict: RuleCompliance.NOT_APPLICABLE, nonCompliantWhen: [] };
  }
  if (raw.error !== undefined) {
    throw new Error(raw.error);
  }
  const id = qualify(location.logicalId, location.template);
  const pending: Map<string, boolean>[] = [new Map()];
  const verdicts: Verdict[] = [];
  const nonCompliantWhen: string[] = [];
  let runs = 0;
  while (pending.length > 0) {
    const assignment = pending.shift()!;
    if (++runs > MAX_CONDITION_CHOICES) {
      verdicts.push(notEvaluated(`it depends on more than ${MAX_CONDITION_CHOICES} choices of conditions that the templates do not decide`));
      break;
    }
    const resources = view.resources(assignment);
    try {
      const resource = resources.get(id);
      const verdict = resource ? rule.check(resource, resources) : RuleCompliance.NOT_APPLICABLE;
      verdicts.push(verdict);
      if (verdict === RuleCompliance.NON_COMPLIANT && assignment.size > 0) {
        nonCompliantWhen.push(describeChoice(assignment, view));
      }
    } catch (e) {
      if (!(e instanceof ConditionNeeded)) {
        throw e;
      }
      pending.push(new Map([...assignment, [e.key, true]]), new Map([...assignment, [e.key, false]]));
    }
  }
  return { verdict: combine(verdicts), nonCompliantWhen };
}

function describeChoice(assignment: ReadonlyMap<string, boolean>, view: AppView): string {
  return [...assignment.entries()].map(([key, truth]) => {
    const colon = key.indexOf(':');
    const template = view.templates.stacks[Number(key.slice(0, colon))];
    return `${key.slice(colon + 1)} of ${template?.path ?? '?'} is ${truth}`;
  }).join(' and ');
}
