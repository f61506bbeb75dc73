import {
  CfnResource,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Validations,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppView } from './app-resources';
import { AppTemplates } from './app-templates';
import { Evaluation, evaluateRule } from './evaluation';
import { complianceOf, reasonsOf, RuleCompliance, RuleLevel, StudioRule } from './rule';
import { ALL_RULES } from './rules/all-rules';

/** Metadata keys of acknowledgements carry a source prefix (`annotation::`, `Annotation::` since aws-cdk-lib 2.262.1). */
const ACKNOWLEDGEMENT_PREFIX = /^annotation::/i;

/**
 * Properties of SageMakerStudioChecks.
 */
export interface SageMakerStudioChecksProps {
  /**
   * Add to each finding's description why the rule exists, not only what it demands.
   *
   * @default false
   */
  readonly verbose?: boolean;
}

/**
 * Security checks for SageMaker Studio environments: the domain (VpcOnly, customer-managed
 * key, notebook sharing, idle shutdown, Docker, execution roles, security groups, flow
 * logs, DNS Firewall), VPC endpoint and bucket policies (and the buckets Studio uses),
 * and Network Firewall policy, rules and routing. They read the CloudFormation resources
 * of any CDK app, whichever constructs created them.
 *
 * It is an aws-cdk-lib validation plugin, used like a cdk-nag v3 pack: register it with
 * `Validations.of(app).addPlugins(...)`, and acknowledge a finding on the construct it
 * concerns (or an ancestor) with `Validations.of(scope).acknowledge({ id, reason })`.
 * Findings of level error fail synthesis; warnings are reported only.
 *
 * Values are followed across the stacks of the app: imports of another stack's exports,
 * parameters given by a parent stack to a nested stack (or their defaults), and
 * outputs of nested stacks. Each branch of a condition that the templates do not decide
 * is checked (a resource is non-compliant if any reachable branch is). A resource that a
 * rule cannot evaluate (a value only known at deploy time, a resource outside the app)
 * is not guessed: it is listed in an entry of severity `info`, with why, which does not
 * fail synthesis.
 *
 * @example
 * const app = new App();
 * Validations.of(app).addPlugins(new SageMakerStudioChecks());
 */
export class SageMakerStudioChecks implements IPolicyValidationPlugin {
  /** The name of the pack, shown in the validation report. */
  public readonly name: string = 'SageMakerStudio';
  /** The ids of the rules, e.g. `SageMakerStudio-DomainVpcOnly`: the ids to acknowledge (always set). */
  public readonly ruleIds?: string[] = ALL_RULES.map((rule) => rule.id);

  private readonly verbose: boolean;

  constructor(props: SageMakerStudioChecksProps = {}) {
    this.verbose = props.verbose ?? false;
  }

  /**
   * Called by aws-cdk-lib during synthesis: checks the app's construct tree (aws-cdk-lib
   * 2.258.0 or later passes it on the context).
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    if (!context.appConstruct) {
      throw new Error('SageMakerStudioChecks needs the construct tree on the validation context (aws-cdk-lib 2.258.0 or later); ' +
        'call validateScope(app) after synthesis instead');
    }
    return this.validateScope(context.appConstruct);
  }

  /**
   * Checks every CloudFormation resource under a scope (an app, a stage, a stack or any
   * construct) and returns the unacknowledged findings, as `validate` reports them, with
   * the resources that a rule could not evaluate as entries of severity `info`. Values
   * are followed across all the stacks of the scope's app. Call it after synthesis (e.g.
   * after `app.synth()` or `Template.fromStack`), so that the tree is complete and
   * cross-stack references are imports of exports.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const view = new AppView(AppTemplates.of(scope));
    const findings = new Map<string, Violation>();
    const notEvaluated = new Map<string, Violation>();
    for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
      for (const rule of ALL_RULES) {
        const location = rule.locations[resource.cfnResourceType];
        if (location === undefined || isAcknowledged(resource, rule.id)) {
          continue;
        }
        const { verdict, nonCompliantWhen, error } = evaluate(rule, resource, view);
        const compliance = complianceOf(verdict);
        const occurrence = { constructPath: resource.node.path, locations: [location] };
        if (compliance === RuleCompliance.NON_COMPLIANT) {
          const violation = findings.get(rule.id) ?? newViolation(findings, rule.id, {
            ruleName: rule.id,
            description: this.describe(rule, error),
            fix: rule.fix,
            severity: rule.level,
          });
          violation.violatingResources.push(occurrence);
          if (nonCompliantWhen.length > 0) {
            violation.ruleMetadata[resource.node.path] = `non-compliant when ${nonCompliantWhen.join(', or when ')}`;
          }
        } else if (compliance === RuleCompliance.NOT_EVALUATED) {
          const entry = notEvaluated.get(rule.id) ?? newViolation(notEvaluated, rule.id, {
            ruleName: rule.id,
            description: `${NOT_EVALUATED_DESCRIPTION} The rule: ${rule.info}`,
            fix: NOT_EVALUATED_FIX,
            severity: NOT_EVALUATED_SEVERITY,
          });
          entry.violatingResources.push(occurrence);
          entry.ruleMetadata[resource.node.path] = reasonsOf(verdict).join('; ');
        }
      }
    }
    const found = [...findings.values()].map(withoutEmptyMetadata);
    const entries = [...notEvaluated.values()];
    const resourceCount = new Set(entries.flatMap((entry) => entry.violatingResources.map((r) => r.constructPath))).size;
    return {
      success: found.every((v) => v.severity !== RuleLevel.ERROR),
      violations: [...found, ...entries],
      ...(entries.length > 0 ? {
        metadata: {
          notEvaluated: `${entries.length} rule(s) could not evaluate ${resourceCount} resource(s): see the entries of severity ` +
            `'${NOT_EVALUATED_SEVERITY}' for the reason of each; they are neither passed nor findings`,
        },
      } : {}),
    };
  }

  private describe(rule: StudioRule, error?: string): string {
    if (error !== undefined) {
      return `The rule could not be evaluated: ${error}`;
    }
    return this.verbose ? `${rule.info} ${rule.explanation}` : rule.info;
  }
}

/** The severity of the entries that list what a rule could not evaluate: reported, never failing synthesis. */
const NOT_EVALUATED_SEVERITY = 'info';
const NOT_EVALUATED_DESCRIPTION = 'Not evaluated: the rule could not tell whether these resources comply (a value it needs is only known ' +
  'at deploy time, or names a resource outside the app), so they are neither passed nor reported as findings; the rule metadata gives ' +
  'the reason for each resource.';
const NOT_EVALUATED_FIX = 'Check these resources by hand, or make the values known in the app (parameter defaults, resources and exports ' +
  'of stacks of the same app); acknowledging the rule on a resource also removes it from this list.';

type Violation = PolicyViolation & {
  violatingResources: { constructPath: string; locations: string[] }[];
  ruleMetadata: Record<string, string>;
};

function newViolation(violations: Map<string, Violation>, id: string, fields: Omit<Violation, 'violatingResources' | 'ruleMetadata'>): Violation {
  const violation: Violation = { ...fields, violatingResources: [], ruleMetadata: {} };
  violations.set(id, violation);
  return violation;
}

/** A finding as reported: `ruleMetadata` only when some resource is non-compliant under a choice of conditions. */
function withoutEmptyMetadata(violation: Violation): PolicyViolation {
  const { ruleMetadata, ...rest } = violation;
  return Object.keys(ruleMetadata).length > 0 ? violation : rest;
}

/** Runs a rule; a rule that throws is reported as a finding (with the error), never passed silently. */
function evaluate(rule: StudioRule, resource: CfnResource, view: AppView): Evaluation & { error?: string } {
  try {
    return evaluateRule(rule, resource, view);
  } catch (e) {
    return { verdict: RuleCompliance.NON_COMPLIANT, nonCompliantWhen: [], error: (e as Error).message };
  }
}

/**
 * True when the rule is acknowledged on the resource or one of its ancestors, the way
 * cdk-nag v3 reads acknowledgements: entries of `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`
 * metadata whose key, without an `annotation::` prefix (any case), is the rule id.
 */
function isAcknowledged(resource: IConstruct, ruleId: string): boolean {
  for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data
        && Object.keys(entry.data).some((key) => key.replace(ACKNOWLEDGEMENT_PREFIX, '') === ruleId)) {
        return true;
      }
    }
  }
  return false;
}
