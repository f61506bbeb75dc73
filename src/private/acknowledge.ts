import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';
import { wildcardFindingIds } from './wildcard-findings';

/**
 * Acknowledges cdk-nag findings (by rule id, as cdk-nag v3 reads them from the
 * construct's metadata) on the one construct they concern, with the reason a security
 * reviewer reads. cdk-nag is not a runtime dependency: the ids are plain strings.
 *
 * Finding ids such as `AwsSolutions-IAM5[Resource::*]` contain '::', which
 * `Validations.acknowledge` rejects before aws-cdk-lib 2.270; for those the same
 * acknowledgement record is written to the metadata key that cdk-nag reads
 * (docs/decisions/001-aws-cdk-lib-floor.md).
 */
export function acknowledgeFindings(scope: IConstruct, reason: string, ruleIds: string[]): void {
  for (const id of ruleIds) {
    if (id.includes('::')) {
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`annotation::${id}`]: reason });
    } else {
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
}

/** Acknowledges a statement's wildcard findings on the managed or inline policy of the principal that holds it. */
export function acknowledgeOnPolicyOf(grantee: iam.IGrantable, statement: iam.PolicyStatement, reason: string): void {
  const principal = grantee.grantPrincipal as unknown as IConstruct;
  if (!principal?.node) {
    return;
  }
  const policies = principal.node.findAll().filter((child): child is iam.ManagedPolicy | iam.Policy =>
    child instanceof iam.ManagedPolicy || child instanceof iam.Policy);
  for (const policy of policies) {
    const document = Stack.of(policy).resolve(policy.document.toJSON());
    if ((document?.Statement ?? []).some((s: { Sid?: string }) => s.Sid === statement.sid)) {
      acknowledgeFindings(policy, reason, wildcardFindingIds(policy, statement));
    }
  }
}

/**
 * Records, in the resource's CloudFormation metadata, checkov checks that do not apply
 * to it and why (checkov reads `Metadata.checkov.skip` of CloudFormation resources).
 */
export function skipCheckovChecks(resource: CfnResource, reason: string, checkIds: string[]): void {
  const existing: { id: string; comment: string }[] = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, ...checkIds.map((id) => ({ id, comment: reason }))] });
}

/** checkov's Lambda checks that a deploy-time custom-resource provider cannot meet. */
export const CHECKOV_PROVIDER_LAMBDA_CHECKS = ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'];

/**
 * Skips checkov's check for a customer-managed key on Lambda environment variables
 * (CKV_AWS_173) on a deploy-time handler whose environment holds no secret, only
 * configuration that aws-cdk-lib or projen sets (the user handler's ARN, the SDK's
 * connection-reuse flag). Lambda encrypts environment variables at rest with an AWS
 * managed key in any case. Functions without environment variables are left alone.
 */
export function skipEnvironmentKeyCheck(fn: CfnResource): void {
  const environment = (fn as lambda.CfnFunction).environment;
  if (environment !== undefined) {
    skipCheckovChecks(fn, 'The environment of this deploy-time handler holds no secret, only configuration set by ' +
      'aws-cdk-lib or projen (the user handler\'s function ARN, the SDK connection-reuse flag); Lambda encrypts it at ' +
      'rest with an AWS managed key.', ['CKV_AWS_173']);
  }
}

/**
 * The HIPAA, NIST 800-53 R5 and PCI DSS Lambda rules (concurrency, DLQ, in-VPC) that a
 * deploy-time custom-resource handler, invoked only by CloudFormation, does not meet.
 */
export const PROVIDER_LAMBDA_RULES = [
  'HIPAA.Security-LambdaConcurrency',
  'HIPAA.Security-LambdaDLQ',
  'HIPAA.Security-LambdaInsideVPC',
  'NIST.800.53.R5-LambdaConcurrency',
  'NIST.800.53.R5-LambdaDLQ',
  'NIST.800.53.R5-LambdaInsideVPC',
  'PCI.DSS.321-LambdaInsideVPC',
];

/**
 * Acknowledges, on an aws-cdk-lib Provider framework (`cr.Provider`), the findings that its own
 * design causes, and skips checkov's Lambda checks on its functions: their runtime is chosen by
 * aws-cdk-lib (L1), their roles carry AWSLambdaBasicExecutionRole and inline policies that may
 * invoke every version of the handlers (`<handler arn>:*`), and they run outside the VPC with
 * no DLQ or reserved concurrency. With an is-complete handler, the waiter state machine's
 * findings (no logging, no X-Ray) are acknowledged too. The user handlers' own findings are
 * the caller's: they depend on what each handler may do.
 */
export function acknowledgeProviderFramework(provider: cr.Provider, reason: string): void {
  const handlers = [provider.onEventHandler, provider.isCompleteHandler].filter((fn): fn is lambda.IFunction => fn !== undefined);
  const waiterFunctions = ['framework-isComplete', 'framework-onTimeout']
    .map((id) => provider.node.tryFindChild(id))
    .filter((fn): fn is lambda.Function => fn instanceof lambda.Function);
  const waiter = provider.node.tryFindChild('waiter-state-machine') !== undefined;
  // What the framework's functions (and the waiter) are granted by `grantInvoke`.
  const invokeVersions = new iam.PolicyStatement({
    actions: ['lambda:InvokeFunction'],
    resources: [...handlers, ...waiterFunctions].map((fn) => `${fn.functionArn}:*`),
  });
  acknowledgeFindings(provider, reason, [
    ...PROVIDER_LAMBDA_RULES,
    'AwsSolutions-L1',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ...wildcardFindingIds(provider, invokeVersions),
    ...waiter ? ['AwsSolutions-SF1', 'AwsSolutions-SF2'] : [],
    'HIPAA.Security-IAMNoInlinePolicy',
    'NIST.800.53.R5-IAMNoInlinePolicy',
    'PCI.DSS.321-IAMNoInlinePolicy',
  ]);
  for (const child of provider.node.findAll()) {
    if (child instanceof lambda.CfnFunction) {
      skipCheckovChecks(child, reason, CHECKOV_PROVIDER_LAMBDA_CHECKS);
      skipEnvironmentKeyCheck(child);
    }
  }
}
