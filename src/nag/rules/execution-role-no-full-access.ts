import { CfnResource } from 'aws-cdk-lib';
import { combine, RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { ResolvedResource, resolveResource, StackResources } from '../stack-resources';
import { asList, field, flatten, isIntrinsic, UNRESOLVED } from '../values';

/** AWS-managed SageMaker policies that grant full access: AmazonSageMakerFullAccess, AmazonSageMakerCanvasFullAccess... */
const SAGEMAKER_FULL_ACCESS = /:iam::aws:policy\/(?:[\w+=,.@-]+\/)*AmazonSageMaker\w*FullAccess$/;
const AWS_MANAGED_POLICY = /:iam::aws:policy\//;
/** A policy ARN of an account (literal or `${AWS::AccountId}`): customer-managed. */
const CUSTOMER_POLICY = /:iam::(\$\{AWS::AccountId\}|\d{12}):policy\//;
/** The `role/<name>` part of a role ARN whose name is a reference: `...:role/${LogicalId}`. */
const ROLE_NAME_REFERENCE = /:role\/(?:[\w+=,.@-]+\/)*\$\{([^}.]+)\}$/;

/**
 * A domain (its `DefaultUserSettings` and `DefaultSpaceSettings` execution roles) or a
 * user profile (its `UserSettings` execution role) is non-compliant when a role it runs
 * as, defined in the same stack, has an AWS-managed SageMaker full-access policy
 * (`AmazonSageMaker*FullAccess`) in `ManagedPolicyArns`. A role is found from
 * `Fn::GetAtt [Role, Arn]` or an ARN built around `Ref Role`; a role given as an ARN
 * string or import cannot be checked (not-applicable), nor can a policy ARN that is a
 * parameter.
 */
export function executionRoleNoFullAccess(resource: CfnResource, resources: StackResources): RuleCompliance {
  const properties = resolveResource(resource)?.properties;
  let roleArns: unknown[];
  switch (resource.cfnResourceType) {
    case 'AWS::SageMaker::Domain':
      roleArns = [field(properties, 'DefaultUserSettings', 'ExecutionRole'), field(properties, 'DefaultSpaceSettings', 'ExecutionRole')];
      break;
    case 'AWS::SageMaker::UserProfile':
      roleArns = [field(properties, 'UserSettings', 'ExecutionRole')];
      break;
    default:
      return RuleCompliance.NOT_APPLICABLE;
  }
  return combine(roleArns.filter((arn) => arn !== undefined).map((arn) => {
    const role = arn === UNRESOLVED ? undefined : roleOf(arn, resources);
    return role ? roleCompliance(role, resources) : RuleCompliance.NOT_APPLICABLE;
  }));
}

function roleOf(arn: unknown, resources: StackResources): ResolvedResource | undefined {
  const byGetAtt = resources.referenced(arn, 'AWS::IAM::Role', 'Arn');
  if (byGetAtt) {
    return byGetAtt;
  }
  const name = ROLE_NAME_REFERENCE.exec(flatten(arn) ?? '')?.[1];
  const role = name === undefined ? undefined : resources.get(name);
  return role?.type === 'AWS::IAM::Role' ? role : undefined;
}

function roleCompliance(role: ResolvedResource, resources: StackResources): RuleCompliance {
  const arns = role.properties.ManagedPolicyArns;
  if (isIntrinsic(arns)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return combine([RuleCompliance.COMPLIANT, ...asList(arns).map((arn) => {
    if (resources.referenced(arn, 'AWS::IAM::ManagedPolicy')) {
      return RuleCompliance.COMPLIANT;
    }
    const text = flatten(arn);
    if (text === undefined) {
      return RuleCompliance.NOT_APPLICABLE;
    }
    if (AWS_MANAGED_POLICY.test(text)) {
      return SAGEMAKER_FULL_ACCESS.test(text) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
    }
    return CUSTOMER_POLICY.test(text) ? RuleCompliance.COMPLIANT : RuleCompliance.NOT_APPLICABLE;
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
