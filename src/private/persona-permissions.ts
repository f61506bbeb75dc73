import { Stack } from 'aws-cdk-lib';
import { allow, ScopedStatement } from './scoped-policy';

/** What the permission sets are built from. */
export interface PermissionContext {
  readonly stack: Stack;
  readonly teamTagKey: string;
  readonly jobRoleArn: string;
  /** The environment's KMS keys (volume and output), possibly none. */
  readonly keyArns: string[];
}

const SAGEMAKER = 'sagemaker.amazonaws.com';
const OWN_DOMAIN = '${sagemaker:DomainId}';
const OWN_PROFILE = '${sagemaker:UserProfileName}';

/** `arn:<partition>:sagemaker:<region>:<account>:<resource>`. */
export function sagemakerArn(stack: Stack, resource: string): string {
  return `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${resource}`;
}

/** ABAC: the resource carries the caller's team tag. */
export function sameTeamResource(teamTagKey: string): Record<string, Record<string, string>> {
  return { StringEquals: { [`aws:ResourceTag/${teamTagKey}`]: `\${aws:PrincipalTag/${teamTagKey}}` } };
}

/** ABAC: the create request tags the new resource with the caller's team. */
export function sameTeamRequest(teamTagKey: string): Record<string, Record<string, string>> {
  return { StringEquals: { [`aws:RequestTag/${teamTagKey}`]: `\${aws:PrincipalTag/${teamTagKey}}` } };
}

const ANY_TEAM_RESOURCE = 'The resource is any SageMaker resource of this account and region, because names are chosen at run time, ' +
  "and the condition admits only resources tagged with the caller's team (ABAC).";
const ANY_NEW_TEAM_RESOURCE = 'The new resource is named at run time, so the resource is any SageMaker resource of this account and region; ' +
  "the condition requires the request to tag it with the caller's team (ABAC).";

/**
 * List and describe: the default persona's whole scope, and every other role's base.
 *
 * `sagemaker:Search` is not granted. It returns whole records of every team's resources
 * (a training job's hyperparameters and environment variables among them), has no resource
 * type, and its only condition key, `sagemaker:SearchVisibilityCondition/${FilterKey}`,
 * checks a filter the caller sends, which still returns every resource that lacks the tag
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VisibilityConditions.html).
 * Users lose what is built on Search: Studio's search, and experiment and model registry
 * search where they use it (the SDK's ExperimentAnalytics does). Listing (names, status,
 * times) and describing the team's own resources still work
 * (docs/decisions/012-endpoint-config-and-network-guardrails.md).
 */
export function readOnlyStatements(ctx: PermissionContext): ScopedStatement[] {
  const { stack } = ctx;
  return [
    allow('List', ['sagemaker:List*'], ['*'], {
      wildcardReason: 'SageMaker List actions support no resource-level permissions, so the resource must be *. ' +
        'List* names the family of read-only list actions; naming each would not narrow access. They return metadata, never data.',
    }),
    allow('DescribeStudio',
      ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:DescribeApp'],
      ['domain/*', 'user-profile/*', 'space/*', 'app/*'].map((resource) => sagemakerArn(stack, resource)), {
        wildcardReason: 'Studio shows the domain, user profiles, spaces and apps, which are created after deployment; ' +
          'only their resource types can be named, in this account and region. Describe actions are read-only.',
      }),
    allow('DescribeTeamResources', ['sagemaker:Describe*'], [sagemakerArn(stack, '*')], {
      conditions: sameTeamResource(ctx.teamTagKey),
      wildcardReason: `Describe* names the family of read-only describe actions of every resource type. ${ANY_TEAM_RESOURCE}`,
    }),
  ];
}

/** Tagging inside a create call the caller may make (Studio and the SDK tag what they create). */
function tagOnCreate(stack: Stack): ScopedStatement {
  return allow('TagOnCreate', ['sagemaker:AddTags'], [sagemakerArn(stack, '*')], {
    conditions: { Null: { 'sagemaker:TaggingAction': 'false' } },
    wildcardReason: 'Creating a tagged resource is also authorized as sagemaker:AddTags on the new resource, named at run time; ' +
      'the condition (sagemaker:TaggingAction present) allows tagging only within a create call, never of an existing resource.',
  });
}

/** Studio spaces and apps of the caller's own user profile, in the caller's own domain. */
export function studioAppStatements(ctx: PermissionContext): ScopedStatement[] {
  const { stack } = ctx;
  const ownProfile = { ArnLike: { 'sagemaker:OwnerUserProfileArn': sagemakerArn(stack, `user-profile/${OWN_DOMAIN}/${OWN_PROFILE}`) } };
  const reason = 'Space and app names are chosen by the user at run time; the resource is limited to the caller\'s own domain ' +
    '(${sagemaker:DomainId}) and the condition or path to the caller\'s own user profile.';
  return [
    allow('OwnSpaces', ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace', 'sagemaker:DeleteSpace'],
      [sagemakerArn(stack, `space/${OWN_DOMAIN}/*`)], { conditions: ownProfile, wildcardReason: reason }),
    allow('AppsInOwnSpaces', ['sagemaker:CreateApp', 'sagemaker:DeleteApp'],
      [sagemakerArn(stack, `app/${OWN_DOMAIN}/*`)], { conditions: ownProfile, wildcardReason: reason }),
    allow('AppsOfOwnProfile', ['sagemaker:CreateApp', 'sagemaker:DeleteApp'],
      [sagemakerArn(stack, `app/${OWN_DOMAIN}/${OWN_PROFILE}/*`)],
      { conditions: { Null: { 'sagemaker:OwnerUserProfileArn': 'true' } }, wildcardReason: reason }),
    tagOnCreate(stack),
  ];
}

/** Jobs, experiments and trials of the caller's team, and passing the job role to SageMaker. */
export function teamJobStatements(ctx: PermissionContext): ScopedStatement[] {
  const { stack } = ctx;
  const statements = [
    allow('CreateTeamJobs', [
      'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob',
      'sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2', 'sagemaker:CreateTransformJob',
      'sagemaker:CreateExperiment', 'sagemaker:CreateTrial', 'sagemaker:CreateTrialComponent',
    ], [sagemakerArn(stack, '*')], { conditions: sameTeamRequest(ctx.teamTagKey), wildcardReason: ANY_NEW_TEAM_RESOURCE }),
    allow('ManageTeamJobs', [
      'sagemaker:StopTrainingJob', 'sagemaker:UpdateTrainingJob', 'sagemaker:StopProcessingJob',
      'sagemaker:StopHyperParameterTuningJob', 'sagemaker:StopAutoMLJob', 'sagemaker:StopTransformJob',
      'sagemaker:UpdateExperiment', 'sagemaker:DeleteExperiment', 'sagemaker:UpdateTrial', 'sagemaker:DeleteTrial',
      'sagemaker:UpdateTrialComponent', 'sagemaker:DeleteTrialComponent', 'sagemaker:AssociateTrialComponent',
      'sagemaker:DisassociateTrialComponent', 'sagemaker:BatchPutMetrics',
    ], [sagemakerArn(stack, '*')], { conditions: sameTeamResource(ctx.teamTagKey), wildcardReason: ANY_TEAM_RESOURCE }),
    tagOnCreate(stack),
    allow('PassJobRoleToSageMaker', ['iam:PassRole'], [ctx.jobRoleArn], {
      conditions: { StringEquals: { 'iam:PassedToService': SAGEMAKER } },
    }),
  ];
  if (ctx.keyArns.length > 0) {
    // SageMaker encrypts job volumes and outputs on the caller's behalf.
    statements.push(allow('UseEnvironmentKeysThroughSageMaker',
      ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey'], ctx.keyArns, {
        conditions: { StringEquals: { 'kms:ViaService': `sagemaker.${stack.region}.amazonaws.com` } },
      }));
  }
  return statements;
}

/** Registering a model version pending approval: versions take their group's tags, so ABAC cannot apply here. */
export function registerModelVersion(stack: Stack): ScopedStatement {
  return allow('RegisterModelVersionsPendingApproval', ['sagemaker:CreateModelPackage'], [sagemakerArn(stack, 'model-package/*')], {
    conditions: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
    wildcardReason: 'Model versions are numbered at run time and take the tags of their group (CreateModelPackage accepts no tags ' +
      'for them), so the team cannot be checked here; a version can only be registered pending approval, and approving it ' +
      "(UpdateModelPackage) is limited to the team's own groups.",
  });
}

/** Model registry with approval: MLOps. */
export function modelRegistryStatements(ctx: PermissionContext): ScopedStatement[] {
  const { stack } = ctx;
  return [
    allow('CreateTeamModelGroups', ['sagemaker:CreateModelPackageGroup'], [sagemakerArn(stack, 'model-package-group/*')], {
      conditions: sameTeamRequest(ctx.teamTagKey),
      wildcardReason: "Model group names are chosen at run time; the request must tag the group with the caller's team (ABAC).",
    }),
    registerModelVersion(stack),
    allow('ApproveAndRetireTeamModels',
      ['sagemaker:UpdateModelPackage', 'sagemaker:DeleteModelPackage', 'sagemaker:DeleteModelPackageGroup'],
      [sagemakerArn(stack, 'model-package/*'), sagemakerArn(stack, 'model-package-group/*')], {
        conditions: sameTeamResource(ctx.teamTagKey),
        wildcardReason: "Model groups and versions are named at run time; the condition admits only the caller's team's (ABAC).",
      }),
  ];
}

/** Models, endpoints and pipelines of the caller's team: MLOps. */
export function deploymentStatements(ctx: PermissionContext): ScopedStatement[] {
  const { stack } = ctx;
  return [
    allow('CreateTeamDeployments',
      ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:CreatePipeline'],
      [sagemakerArn(stack, '*')], { conditions: sameTeamRequest(ctx.teamTagKey), wildcardReason: ANY_NEW_TEAM_RESOURCE }),
    allow('ManageTeamDeployments', [
      'sagemaker:DeleteModel', 'sagemaker:DeleteEndpointConfig', 'sagemaker:DeleteEndpoint', 'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateEndpointWeightsAndCapacities', 'sagemaker:InvokeEndpoint', 'sagemaker:UpdatePipeline',
      'sagemaker:DeletePipeline', 'sagemaker:StartPipelineExecution', 'sagemaker:StopPipelineExecution',
      'sagemaker:RetryPipelineExecution', 'sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure',
    ], [sagemakerArn(stack, '*')], { conditions: sameTeamResource(ctx.teamTagKey), wildcardReason: ANY_TEAM_RESOURCE }),
  ];
}
