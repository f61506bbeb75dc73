import {
  CfnResource,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RuleCompliance, RuleLevel, StudioRule } from './rule';
import { ALL_RULES } from './rules/all-rules';
import { StackResources } from './stack-resources';

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
 * logs), VPC endpoint and bucket policies, and Network Firewall policy and routing. They
 * read the CloudFormation resources of any CDK app, whichever constructs created them.
 *
 * It is an aws-cdk-lib validation plugin, used like a cdk-nag v3 pack: register it with
 * `Validations.of(app).addPlugins(...)`, and acknowledge a finding on the construct it
 * concerns (or an ancestor) with `Validations.of(scope).acknowledge({ id, reason })`.
 * Findings of level error fail synthesis; warnings are reported only. A check whose
 * values are only known at deploy time (parameters, imports) is skipped, not guessed.
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
   * construct) and returns the unacknowledged findings, as `validate` reports them. Call
   * it after synthesis (e.g. after `app.synth()` or `Template.fromStack`), so that the
   * tree is complete.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const views = new Map<Stack, StackResources>();
    const viewOf = (stack: Stack) => {
      if (!views.has(stack)) {
        views.set(stack, StackResources.of(stack));
      }
      return views.get(stack)!;
    };
    const violations = new Map<string, PolicyViolation & { violatingResources: { constructPath: string; locations: string[] }[] }>();
    for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
      for (const rule of ALL_RULES) {
        const location = rule.locations[resource.cfnResourceType];
        if (location === undefined) {
          continue;
        }
        const { compliance, error } = evaluate(rule, resource, () => viewOf(Stack.of(resource)));
        if (compliance !== RuleCompliance.NON_COMPLIANT || isAcknowledged(resource, rule.id)) {
          continue;
        }
        const violation = violations.get(rule.id) ?? {
          ruleName: rule.id,
          description: this.describe(rule, error),
          fix: rule.fix,
          severity: rule.level,
          violatingResources: [],
        };
        violation.violatingResources.push({ constructPath: resource.node.path, locations: [location] });
        violations.set(rule.id, violation);
      }
    }
    const found = [...violations.values()];
    return { success: found.every((v) => v.severity !== RuleLevel.ERROR), violations: found };
  }

  private describe(rule: StudioRule, error?: string): string {
    if (error !== undefined) {
      return `The rule could not be evaluated: ${error}`;
    }
    return this.verbose ? `${rule.info} ${rule.explanation}` : rule.info;
  }
}

/** Runs a rule; a rule that throws is reported as a finding (with the error), never passed silently. */
function evaluate(rule: StudioRule, resource: CfnResource, view: () => StackResources): { compliance: RuleCompliance; error?: string } {
  try {
    return { compliance: rule.check(resource, view()) };
  } catch (e) {
    return { compliance: RuleCompliance.NON_COMPLIANT, error: (e as Error).message };
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
