import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureStudio } from '../../src';
import { nagErrors } from '../helpers/nag';
import { agnosticStack } from '../helpers/stacks';

/** The `mlflow` option of SecureStudio: off by default, and wired to the personas when on. */

function studioWith(mlflow?: boolean): { stack: Stack; studio: SecureStudio; template: Template } {
  const stack = agnosticStack();
  const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', mlflow });
  return { stack, studio, template: Template.fromStack(stack) };
}

const roleRef = (stack: Stack, role: iam.IRole) => ({ Ref: stack.getLogicalId((role as iam.Role).node.defaultChild as iam.CfnRole) });

/** The actions each role's managed policies grant on the tracking server. */
function serverActionsOf(stack: Stack, template: Template, role: iam.IRole, serverArn: unknown): string[] {
  return Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles ?? []).includes(JSON.stringify(roleRef(stack, role))))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: any) => JSON.stringify(statement.Resource) === JSON.stringify(serverArn))
    .flatMap((statement: any) => [statement.Action].flat());
}

describe('SecureStudio mlflow', () => {
  test('is off by default: no tracking server, no MLflow endpoint', () => {
    const { studio, template } = studioWith();
    expect(studio.mlflow).toBeUndefined();
    template.resourceCountIs('AWS::SageMaker::MlflowTrackingServer', 0);
    expect(JSON.stringify(template.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('experiments');
  });

  test("when on, one server tagged with the team, its endpoint in the network, and the personas' permissions", () => {
    const { stack, studio, template } = studioWith(true);
    template.resourceCountIs('AWS::SageMaker::MlflowTrackingServer', 1);
    template.hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', { Tags: [{ Key: 'team', Value: 'fraud' }] });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['aws.sagemaker.', { Ref: 'AWS::Region' }, '.experiments']] },
    });
    const serverArn = { 'Fn::GetAtt': [stack.getLogicalId(studio.mlflow!.resource), 'TrackingServerArn'] };
    const { dataScientistRole, mlopsRole, jobRole, defaultRole } = studio.personas;
    const dataScientist = serverActionsOf(stack, template, dataScientistRole, serverArn);
    const mlops = serverActionsOf(stack, template, mlopsRole, serverArn);
    const job = serverActionsOf(stack, template, jobRole, serverArn);
    expect(dataScientist).toEqual(expect.arrayContaining(['sagemaker-mlflow:Log*', 'sagemaker-mlflow:Search*', 'sagemaker:CreatePresignedMlflowTrackingServerUrl']));
    expect(dataScientist).not.toContain('sagemaker-mlflow:*RegisteredModel*');
    expect(mlops).toEqual(expect.arrayContaining(['sagemaker-mlflow:Get*', 'sagemaker-mlflow:*RegisteredModel*', 'sagemaker-mlflow:*ModelVersion*']));
    expect(job).toEqual(expect.arrayContaining(['sagemaker-mlflow:Log*']));
    expect(job).not.toContain('sagemaker:CreatePresignedMlflowTrackingServerUrl');
    expect(serverActionsOf(stack, template, defaultRole, serverArn)).toEqual([]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [roleRef(stack, dataScientistRole)],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sagemaker:CreatePresignedMlflowTrackingServerUrl',
          Condition: { StringEquals: { 'aws:SourceVpc': [{ Ref: stack.getLogicalId(studio.network.vpc.node.defaultChild as any) }] } },
        })]),
      },
    });
  });

  test('when on, the four cdk-nag packs report no unacknowledged error', () => {
    const { studio } = studioWith(true);
    expect(nagErrors(studio)).toEqual([]);
  });
});
