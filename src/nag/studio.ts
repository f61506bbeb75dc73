import { AppResources, ResolvedResource } from './app-resources';
import { PolicyStatement, statementsOf } from './policy';
import { asList, field, flatten, referencedLogicalId, UNRESOLVED } from './values';

/** The `role/<name>` part of a role ARN whose name is a reference: `...:role/${LogicalId}`. */
const ROLE_NAME_REFERENCE = /:role\/(?:[\w+=,.@-]+\/)*\$\{([^}.]+)\}$/;
/** The name of a role in a literal ARN: `...:role/<path>/<name>`. */
const ROLE_NAME = /:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** Where the execution roles of a domain or user profile are set, by CloudFormation type. */
export const EXECUTION_ROLE_PATHS: Record<string, string[][]> = {
  'AWS::SageMaker::Domain': [['DefaultUserSettings', 'ExecutionRole'], ['DefaultSpaceSettings', 'ExecutionRole']],
  'AWS::SageMaker::UserProfile': [['UserSettings', 'ExecutionRole']],
};

/**
 * The role of the app that a role ARN names: `Fn::GetAtt [Role, Arn]`, an ARN built
 * around `Ref Role`, or a literal ARN whose name is the `RoleName` of a role of the app.
 */
export function roleOf(arn: unknown, resources: AppResources): ResolvedResource | undefined {
  const byGetAtt = resources.referenced(arn, 'AWS::IAM::Role', 'Arn');
  if (byGetAtt) {
    return byGetAtt;
  }
  const text = flatten(arn) ?? '';
  const reference = ROLE_NAME_REFERENCE.exec(text)?.[1];
  if (reference !== undefined) {
    const role = resources.get(reference);
    return role?.type === 'AWS::IAM::Role' ? role : undefined;
  }
  const name = text.includes('${') ? undefined : ROLE_NAME.exec(text)?.[1];
  return name === undefined ? undefined : resources.ofType('AWS::IAM::Role').find((role) => role.properties.RoleName === name);
}

/** The execution roles (ARN values, as resolved) that the domains and user profiles of the app run as. */
export function studioRoleArns(resources: AppResources): unknown[] {
  return Object.entries(EXECUTION_ROLE_PATHS).flatMap(([type, paths]) => resources.ofType(type).flatMap((resource) =>
    paths.map((path) => field(resource.properties, ...path)).filter((arn) => arn !== undefined && arn !== UNRESOLVED)));
}

/**
 * The policy statements that a role of the app has from the app: its inline `Policies`,
 * the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources that name it in `Roles`,
 * and the managed policies of the app in its `ManagedPolicyArns`. Statements only known
 * at deploy time are left out.
 */
export function roleStatements(role: ResolvedResource, resources: AppResources): PolicyStatement[] {
  const inline = asList(role.properties.Policies).flatMap((policy) => statementsOf(field(policy, 'PolicyDocument')) ?? []);
  const naming = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) => resources.ofType(type))
    .filter((policy) => asList(policy.properties.Roles).some((name) => referencedLogicalId(name) === role.id || name === role.properties.RoleName));
  const attached = asList(role.properties.ManagedPolicyArns)
    .map((arn) => resources.referenced(arn, 'AWS::IAM::ManagedPolicy'))
    .filter((policy): policy is ResolvedResource => policy !== undefined && !naming.includes(policy));
  return [...inline, ...[...naming, ...attached].flatMap((policy) => statementsOf(policy.properties.PolicyDocument) ?? [])];
}

/** The VPCs of the app's domains (their `VpcId`s, as resolved): the VPCs Studio runs in. */
export function studioVpcIds(resources: AppResources): unknown[] {
  return resources.ofType('AWS::SageMaker::Domain').map((domain) => domain.properties.VpcId).filter((id) => id !== undefined);
}
