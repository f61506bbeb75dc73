import { AppResources, ResolvedResource } from '../app-resources';
import { combine, notEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { EXECUTION_ROLE_PATHS, roleOf } from '../studio';
import { asList, field, flatten, intrinsicOnPath, isIntrinsic, UNRESOLVED } from '../values';

/** AWS-managed SageMaker policies that grant full access: AmazonSageMakerFullAccess, AmazonSageMakerCanvasFullAccess... */
const SAGEMAKER_FULL_ACCESS = /:iam::aws:policy\/(?:[\w+=,.@-]+\/)*AmazonSageMaker\w*FullAccess$/;
const AWS_MANAGED_POLICY = /:iam::aws:policy\//;
/** A policy ARN of an account (literal or `${AWS::AccountId}`): customer-managed. */
const CUSTOMER_POLICY = /:iam::(\$\{AWS::AccountId\}|\d{12}):policy\//;

/**
 * A domain (its `DefaultUserSettings` and `DefaultSpaceSettings` execution roles) or a
 * user profile (its `UserSettings` execution role) is non-compliant when a role it runs
 * as, defined in the app (in any stack: imports, parameters and nested-stack outputs are
 * followed), has an AWS-managed SageMaker full-access policy (`AmazonSageMaker*FullAccess`)
 * in `ManagedPolicyArns`. A role is found from `Fn::GetAtt [Role, Arn]`, an ARN built
 * around `Ref Role`, or a literal ARN whose name is a `RoleName` of the app; a role the
 * app does not define, or a policy ARN only known at deploy time, is not evaluated.
 */
export function executionRoleNoFullAccess(resource: ResolvedResource, resources: AppResources): Verdict {
  const paths = EXECUTION_ROLE_PATHS[resource.type];
  if (paths === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return combine(paths.map((path) => {
    const arn = field(resource.properties, ...path);
    const where = path.join('.');
    if (arn === undefined) {
      return RuleCompliance.NOT_APPLICABLE;
    }
    if (arn === UNRESOLVED) {
      return resources.unknown(where, intrinsicOnPath(resource.properties, ...path));
    }
    const role = roleOf(arn, resources);
    if (role) {
      return roleCompliance(role, resources);
    }
    return typeof arn === 'string' ? notEvaluated(`${where} is the role ${arn}, which the app does not define`) : resources.unknown(where, arn);
  }));
}

function roleCompliance(role: ResolvedResource, resources: AppResources): Verdict {
  const arns = role.properties.ManagedPolicyArns;
  const where = `ManagedPolicyArns of ${role.logicalId} (${role.stackPath})`;
  if (isIntrinsic(arns)) {
    return resources.unknown(where, arns);
  }
  return combine([RuleCompliance.COMPLIANT, ...asList(arns).map((arn): Verdict => {
    if (resources.referenced(arn, 'AWS::IAM::ManagedPolicy')) {
      return RuleCompliance.COMPLIANT;
    }
    const text = flatten(arn);
    if (text !== undefined && AWS_MANAGED_POLICY.test(text)) {
      return SAGEMAKER_FULL_ACCESS.test(text) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
    }
    return text !== undefined && CUSTOMER_POLICY.test(text) ? RuleCompliance.COMPLIANT : resources.unknown(`an entry of ${where}`, arn);
  })]);
}

export const EXECUTION_ROLE_NO_FULL_ACCESS: StudioRule = {
  id: 'SageMakerStudio-ExecutionRoleNoFullAccess',
  level: RuleLevel.ERROR,
  info: 'A Studio execution role has an AWS-managed SageMaker full-access policy (AmazonSageMaker*FullAccess).',
  explanation: 'Everything a user runs in Studio runs as the execution role. AmazonSageMakerFullAccess lets it create ' +
    'jobs, models and apps outside the VPC and without the environment\'s keys, and reach any bucket named *sagemaker*.',
  fix: 'Give the default, space and profile execution roles customer-managed policies scoped to what each persona needs.',
  locations: {
    'AWS::SageMaker::Domain': 'Properties/DefaultUserSettings/ExecutionRole',
    'AWS::SageMaker::UserProfile': 'Properties/UserSettings/ExecutionRole',
  },
  check: executionRoleNoFullAccess,
};
