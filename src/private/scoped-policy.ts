import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';
import { IamLimits } from './iam-limits';
import { policyDocumentLength } from './policy-size';
import { invalid } from './validation';
import { wildcardFindingIds } from './wildcard-findings';

/** A policy statement, with the reason why its wildcards (if any) cannot be narrower. */
export interface ScopedStatement {
  readonly statement: iam.PolicyStatement;
  /** Read by a security reviewer as the acknowledgement of the statement's AwsSolutions-IAM5 findings. */
  readonly wildcardReason?: string;
}

/** Builds an Allow statement. */
export function allow(sid: string, actions: string[], resources: string[], options: {
  readonly conditions?: Record<string, Record<string, unknown>>;
  readonly wildcardReason?: string;
} = {}): ScopedStatement {
  const statement = new iam.PolicyStatement({ sid, actions, resources, conditions: options.conditions });
  return { statement, wildcardReason: options.wildcardReason };
}

/** Where a customer-managed policy comes from, for the error message when it is too large. */
export interface ScopedPolicyOptions {
  readonly owner: string;
  /** The prop or method whose input makes the policy grow. */
  readonly prop: string;
  readonly description: string;
  readonly statements: ScopedStatement[];
}

/**
 * A customer-managed policy of the given statements. Refuses a document over the IAM
 * size limit, and acknowledges each statement's wildcard findings with its reason.
 */
export function createScopedPolicy(scope: Construct, id: string, options: ScopedPolicyOptions): iam.ManagedPolicy {
  const policy = new iam.ManagedPolicy(scope, id, {
    description: options.description,
    statements: options.statements.map((s) => s.statement),
  });
  validatePolicySize(options.owner, options.prop, policy);
  for (const { statement, wildcardReason } of options.statements) {
    if (wildcardReason) {
      acknowledgeFindings(policy, wildcardReason, wildcardFindingIds(policy, statement));
    }
  }
  return policy;
}

/** Refuses a managed policy whose document exceeds the IAM limit. */
export function validatePolicySize(owner: string, prop: string, policy: iam.ManagedPolicy): void {
  const problem = policySizeProblem(policy);
  if (problem) {
    invalid(owner, prop, problem, policySizeAdvice());
  }
}

/** What is wrong with the size of a managed policy, or undefined when it fits. */
export function policySizeProblem(policy: IConstruct & { readonly document: iam.PolicyDocument }): string | undefined {
  const length = policyDocumentLength(policy, policy.document);
  if (length <= IamLimits.MANAGED_POLICY_CHARACTERS) {
    return undefined;
  }
  return `policy '${policy.node.id}' has ${length} characters`;
}

export function policySizeAdvice(): string {
  return `at most ${IamLimits.MANAGED_POLICY_CHARACTERS} per managed policy (IAM quota): ` +
    'merge statements that share conditions, use fewer resources per statement, or split them over more policies';
}
