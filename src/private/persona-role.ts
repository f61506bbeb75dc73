import { Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';
import { IamLimits } from './iam-limits';
import { policySizeAdvice, policySizeProblem } from './scoped-policy';
import { invalid } from './validation';
import { wildcardFindingIds } from './wildcard-findings';

/** How to create a persona or job execution role. */
export interface PersonaRoleProps {
  /** Name of the construct that owns the role, for error messages. */
  readonly owner: string;
  readonly description: string;
  readonly teamTagKey: string;
  readonly team: string;
}

/**
 * A role that SageMaker assumes for one persona or job. Its permissions live only in
 * customer-managed policies: statements added by grants (`bucket.grantRead(role)`) go
 * to a managed `GrantsPolicy`, never to an inline policy, and a managed policy beyond
 * the per-role quota is refused when it is attached.
 */
export class PersonaRole extends iam.Role {
  private readonly owner: string;
  private managedPolicyCount = 0;
  private grantsPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: PersonaRoleProps) {
    const sagemaker = sagemakerOfThisAccount(scope);
    super(scope, id, { assumedBy: sagemaker, description: props.description });
    this.owner = props.owner;
    // Lets the domain record which user profile acted (ExecutionIdentityConfig USER_PROFILE_NAME).
    this.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:SetSourceIdentity'], principals: [sagemaker] }));
    Tags.of(this).add(props.teamTagKey, props.team);
    this.node.addValidation({ validate: () => this.validateGrantsPolicySize() });
  }

  /**
   * Attaches a customer-managed policy from the policy's side (its `Roles`), so that a
   * policy may name this role (e.g. to pass it) without a dependency cycle.
   */
  public attachPolicy(policy: iam.ManagedPolicy): void {
    this.countManagedPolicy();
    policy.attachToRole(this);
  }

  public addManagedPolicy(policy: iam.IManagedPolicy): void {
    this.countManagedPolicy();
    super.addManagedPolicy(policy);
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.grantsPolicy) {
      this.grantsPolicy = new iam.ManagedPolicy(this, 'GrantsPolicy', {
        description: `Permissions granted to ${this.node.path} by other constructs`,
      });
      this.attachPolicy(this.grantsPolicy);
    }
    this.grantsPolicy.addStatements(statement);
    acknowledgeGrantWildcards(this.grantsPolicy, statement);
    return { statementAdded: true, policyDependable: this.grantsPolicy };
  }

  public attachInlinePolicy(_policy: iam.Policy): void {
    invalid(this.owner, 'attachInlinePolicy', `role '${this.node.id}' takes no inline policies`,
      'grant permissions (they go to its customer-managed GrantsPolicy) or attach a customer-managed policy');
  }

  private countManagedPolicy(): void {
    if (this.managedPolicyCount >= IamLimits.MANAGED_POLICIES_PER_ROLE) {
      invalid(this.owner, 'addManagedPolicy', `role '${this.node.id}' already has ${this.managedPolicyCount} managed policies`,
        `at most ${IamLimits.MANAGED_POLICIES_PER_ROLE} per role (IAM default quota): merge policies, or raise the quota and attach fewer here`);
    }
    this.managedPolicyCount++;
  }

  private validateGrantsPolicySize(): string[] {
    const problem = this.grantsPolicy && policySizeProblem(this.grantsPolicy);
    return problem ? [`${this.owner} grants to role '${this.node.id}': ${problem}; ${policySizeAdvice()}`] : [];
  }
}

/** SageMaker, only when it acts for this account (confused-deputy protection). */
function sagemakerOfThisAccount(scope: Construct): iam.IPrincipal {
  return new iam.ServicePrincipal('sagemaker.amazonaws.com').withConditions({
    StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
  });
}

/** One field of an ARN as cdk-nag flattens it: a literal or a reference (`<AWS::Partition>`). */
const ARN_FIELD = '(?:<[^>]*>|[^:<]*)';
/**
 * Wildcards that leave a statement open: any resource, any resource of a service (an ARN
 * whose resource part starts with a wildcard, e.g. `arn:<AWS::Partition>:s3:::*`), any
 * action, or any action of a service.
 */
const OPEN_WILDCARD = new RegExp('\\[(Resource::\\*|Action::\\*|Action::[a-z0-9-]+:\\*|' +
  `Resource::arn:${ARN_FIELD}:${ARN_FIELD}:${ARN_FIELD}:${ARN_FIELD}:\\*.*)\\]$`);

/**
 * Grants of aws-cdk-lib constructs (e.g. `bucket.grantReadWrite(role)`) use action
 * prefixes such as `s3:GetObject*` on the granted resource and its objects (`<bucket>/*`).
 * Those wildcards only complete a specific resource or action family, so they are
 * acknowledged; a grant with an open wildcard (any resource, every resource of a service,
 * any action) is not, and cdk-nag reports it unless its granter acknowledges it with a
 * reason of its own.
 */
function acknowledgeGrantWildcards(policy: iam.ManagedPolicy, statement: iam.PolicyStatement): void {
  // Wildcards in a Deny narrow nothing down: cdk-nag reports Allow statements only.
  if (statement.effect === iam.Effect.DENY) {
    return;
  }
  const findings = wildcardFindingIds(policy, statement).filter((id) => !OPEN_WILDCARD.test(id));
  acknowledgeFindings(policy, 'Granted by an aws-cdk-lib grant method: the wildcards complete an action family ' +
    '(e.g. s3:GetObject*) or the objects of the one granted resource (e.g. <bucket ARN>/*); nothing is granted on other resources.', findings);
}
