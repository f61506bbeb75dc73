import { Stack } from 'aws-cdk-lib';
import { sagemakerArn, sameTeamRequest, sameTeamResource } from './persona-permissions';
import { allow, ScopedStatement } from './scoped-policy';

/** SageMaker Projects (Service Catalog templates) and the environment's SSM parameters: MLOps. */
export function projectStatements(stack: Stack, teamTagKey: string, ssmParameterPath: string): ScopedStatement[] {
  const products = `arn:${stack.partition}:catalog:${stack.region}:${stack.account}:product/*`;
  const parameters = `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${ssmParameterPath.replace(/\/$/, '')}`;
  return [
    allow('CreateTeamProjects', ['sagemaker:CreateProject'], [sagemakerArn(stack, 'project/*')], {
      conditions: sameTeamRequest(teamTagKey),
      wildcardReason: "Project names are chosen at run time; the request must tag the project with the caller's team (ABAC).",
    }),
    allow('ManageTeamProjects', ['sagemaker:UpdateProject', 'sagemaker:DeleteProject'], [sagemakerArn(stack, 'project/*')], {
      conditions: sameTeamResource(teamTagKey),
      wildcardReason: "Project names are chosen at run time; the condition admits only the caller's team's projects (ABAC).",
    }),
    allow('ProvisionProjectTemplates', [
      'servicecatalog:DescribeProduct', 'servicecatalog:DescribeProvisioningParameters', 'servicecatalog:ListLaunchPaths',
      'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ProvisionProduct',
    ], [products], {
      wildcardReason: 'Project templates are Service Catalog products that a portfolio administrator shares after deployment, ' +
        'so only products of this account and region can be named; a portfolio decides which of them the role may launch.',
    }),
    allow('FindProjectTemplates', ['servicecatalog:SearchProducts', 'servicecatalog:DescribeProductView'], ['*'], {
      wildcardReason: 'servicecatalog:SearchProducts and DescribeProductView support no resource-level permissions; ' +
        'they list only products of portfolios shared with the caller.',
    }),
    allow('OwnProvisionedProjects', [
      'servicecatalog:DescribeRecord', 'servicecatalog:DescribeProvisionedProduct', 'servicecatalog:SearchProvisionedProducts',
      'servicecatalog:UpdateProvisionedProduct', 'servicecatalog:TerminateProvisionedProduct',
    ], ['*'], {
      conditions: { StringEquals: { 'servicecatalog:roleLevel': 'self' } },
      wildcardReason: 'These Service Catalog actions support no resource-level permissions; the condition ' +
        '(servicecatalog:roleLevel self) limits them to products provisioned by this role.',
    }),
    allow('ReadEnvironmentParameters', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      [parameters, `${parameters}/*`], {
        wildcardReason: `Parameters below ${ssmParameterPath} are written after deployment by the environment's pipelines; ` +
          'read-only, below that path only.',
      }),
  ];
}
