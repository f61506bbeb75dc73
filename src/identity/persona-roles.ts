import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { adminGuardrails, denySharedSpaces, endpointConfigGuardrails, jobGuardrails, JobGuardrailSettings, networkGuardrails } from './guardrails';
import { networkPerimeterStatements, PersonaNetworkPerimeter } from './network-perimeter';
import { checkChoice } from '../private/choice-rules';
import { codeArtifactBearerToken } from '../private/codeartifact-permissions';
import { jobRuntimeStatements, pipelineStepStatements } from '../private/job-permissions';
import {
  deploymentStatements, modelRegistryStatements, PermissionContext, readOnlyStatements, studioAppStatements, teamJobStatements,
} from '../private/persona-permissions';
import { PersonaRole } from '../private/persona-role';
import { checkTeam, checkTeamTagKey, PERSONA_ID, ROLE_DESCRIPTION_MAX_LENGTH } from '../private/persona-rules';
import { projectStatements } from '../private/project-permissions';
import { createScopedPolicy, ScopedStatement } from '../private/scoped-policy';
import { checkRegionalArn, invalid, isUnresolved } from '../private/validation';

const NAME = 'PersonaRoles';
const PARAMETER_PATH = /^\/([A-Za-z0-9_.-]+\/)*$/;

/**
 * Properties of PersonaRoles.
 */
export interface PersonaRolesProps {
  /**
   * The team whose roles these are: the value of the team tag on every role. SageMaker
   * resources can be used only by roles of the team in their team tag (ABAC), and every
   * create call must tag the new resource with it.
   */
  readonly team: string;

  /**
   * Key of the team tag.
   *
   * @default 'team'
   */
  readonly teamTagKey?: string;

  /**
   * The VPC that SageMaker jobs and models must run in. With it, the job role may manage
   * network interfaces only in this VPC, and jobs must use `subnets`.
   *
   * @default - jobs must name VPC subnets and security groups, but any of this account
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` that jobs and models must use, and no other.
   *
   * @default - the subnets `vpc.selectSubnets()` picks: private, else isolated
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The security groups that jobs and models must use, and no other.
   *
   * @default - jobs must name security groups, but any
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The KMS key that must encrypt the storage volumes of jobs (passed by key ARN in the
   * request). The job role may use it.
   *
   * @default - jobs must name a volume key, but any
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * The KMS key that must encrypt the output of jobs (passed by key ARN in the request).
   * The job role may use it.
   *
   * @default - jobs must name an output key, but any
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * Whether training, processing and tuning jobs and models must run with network
   * isolation (no network access from the containers at all).
   *
   * @default false
   */
  readonly requireNetworkIsolation?: boolean;

  /**
   * The SSM parameter path that the MLOps role may read (e.g. the environment's subnet
   * and key ids), starting and ending with '/'.
   *
   * @default '/sagemaker/'
   */
  readonly ssmParameterPath?: string;

  /**
   * Whether the Studio personas' credentials work only from `vpc`. With
   * `PersonaNetworkPerimeter.ENFORCE`, the data scientist and MLOps roles and personas
   * added with `addPersona` are denied every request that comes neither through a VPC
   * endpoint of `vpc` nor through an AWS service on their behalf (`networkPerimeterPolicy`),
   * so credentials copied out of a Studio app do not work elsewhere. Needs `vpc`, and an
   * endpoint in it for every AWS service the personas call. AWS does not document that
   * the Studio UI's own calls with the execution role come through the VPC: try it in a
   * non-production domain first. The job role and the default role are not held to it.
   *
   * @default PersonaNetworkPerimeter.OFF
   */
  readonly networkPerimeter?: PersonaNetworkPerimeter;

  /**
   * Let the personas create shared spaces (of which they are the owner) and apps in shared
   * spaces. With `false`, a guardrail denies creating any space but a private one and creating
   * an app in a shared space (`sagemaker:SpaceSharingType`), so that users' apps run only as
   * their own role with their own security groups: a shared space runs as the domain's default
   * space role, with the domain's Studio security group.
   *
   * @default true
   */
  readonly allowSharedSpaces?: boolean;
}

/**
 * A persona of your own, beyond the built-in ones.
 */
export interface PersonaOptions {
  /**
   * What the persona may do beyond listing and describing, in one customer-managed
   * policy of at most 6,144 characters. Acknowledge its cdk-nag findings yourself.
   */
  readonly statements: iam.PolicyStatement[];

  /**
   * Description of the role.
   *
   * @default - 'Studio persona <id> of team <team>'
   */
  readonly description?: string;
}

/**
 * Least-privilege SageMaker execution roles per persona, with guardrails that deny
 * insecure SageMaker work: a read-only default role, a data-scientist role, an MLOps
 * role, and the job execution role that jobs, pipelines and models run as.
 *
 * Every role trusts only SageMaker acting for this account, carries the team tag, and
 * holds its permissions in customer-managed policies, among them the guardrail policies.
 *
 * @example
 * declare const network: SecureStudioVpc;
 * declare const key: kms.IKey;
 * const personas = new PersonaRoles(this, 'Personas', {
 *   team: 'fraud-detection',
 *   vpc: network.vpc,
 *   subnets: network.studioSubnets,
 *   securityGroups: [network.studioSecurityGroup],
 *   volumeEncryptionKey: key,
 *   outputEncryptionKey: key,
 * });
 */
export class PersonaRoles extends Construct {
  /**
   * A statement for the policy of one interface endpoint that keeps every principal but
   * the given roles from using it, e.g. SSM only for MLOps:
   * `network.addToEndpointPolicy(StudioEndpointService.SSM, PersonaRoles.endpointPolicyStatement([personas.mlopsRole]))`.
   */
  public static endpointPolicyStatement(roles: iam.IRole[]): iam.PolicyStatement {
    if (roles.length === 0) {
      invalid(NAME, 'endpointPolicyStatement', 'no roles given', 'at least one role that may use the endpoint');
    }
    return new iam.PolicyStatement({
      sid: 'OnlyGivenRolesUseThisEndpoint',
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalArn': roles.map((role) => role.roleArn) } },
    });
  }

  /** The team, the value of the team tag on every role. */
  public readonly team: string;
  /** Key of the team tag. */
  public readonly teamTagKey: string;
  /** The domain's default execution role: list and describe only. */
  public readonly defaultRole: iam.IRole;
  /** Data scientists: own Studio apps and spaces, the team's jobs and experiments, reading the model registry. */
  public readonly dataScientistRole: iam.IRole;
  /** MLOps: the data scientist's scope plus model approval, endpoints, pipelines, Projects and SSM parameters. */
  public readonly mlopsRole: iam.IRole;
  /** The role SageMaker jobs, pipelines and models run as; the only role personas may pass, and only to SageMaker. */
  public readonly jobRole: iam.IRole;
  /** The guardrail policies (explicit denies), attached to every role; attach them to roles of your own too. */
  public readonly guardrailPolicies: iam.IManagedPolicy[];
  /**
   * With `PersonaNetworkPerimeter.ENFORCE`: the network perimeter policy, attached to the
   * data scientist and MLOps roles and to added personas; attach it to Studio roles of your own too.
   */
  public readonly networkPerimeterPolicy?: iam.IManagedPolicy;

  private readonly guardrails: iam.ManagedPolicy[];
  private readonly readOnlyPolicy: iam.ManagedPolicy;
  /** The policies of every Studio persona but the default one: the network perimeter, when enforced. */
  private readonly personaPolicies: iam.ManagedPolicy[];

  constructor(scope: Construct, id: string, props: PersonaRolesProps) {
    super(scope, id);
    this.team = props.team;
    this.teamTagKey = props.teamTagKey ?? 'team';
    checkTeam(NAME, 'team', this.team);
    checkTeamTagKey(NAME, 'teamTagKey', this.teamTagKey);
    checkChoice(NAME, 'networkPerimeter', props.networkPerimeter, [PersonaNetworkPerimeter.OFF, PersonaNetworkPerimeter.ENFORCE],
      'PersonaNetworkPerimeter.OFF or PersonaNetworkPerimeter.ENFORCE');
    checkRegionalArn(this, NAME, 'volumeEncryptionKey', props.volumeEncryptionKey?.keyArn, 'kms');
    checkRegionalArn(this, NAME, 'outputEncryptionKey', props.outputEncryptionKey?.keyArn, 'kms');
    const ssmParameterPath = props.ssmParameterPath ?? '/sagemaker/';
    if (!isUnresolved(ssmParameterPath) && !PARAMETER_PATH.test(ssmParameterPath)) {
      invalid(NAME, 'ssmParameterPath', `'${ssmParameterPath}' is not a parameter path`, "a path starting and ending with '/', e.g. '/sagemaker/'");
    }
    const network = resolveNetwork(props);
    const keyArns = [...new Set([props.volumeEncryptionKey, props.outputEncryptionKey].flatMap((key) => key ? [key.keyArn] : []))];
    const jobRole = this.createRole('JobRole', 'SageMaker jobs, pipelines and models');
    this.jobRole = jobRole;

    const jobSettings: JobGuardrailSettings = {
      ...network,
      volumeKeyArn: props.volumeEncryptionKey?.keyArn,
      outputKeyArn: props.outputEncryptionKey?.keyArn,
      requireNetworkIsolation: props.requireNetworkIsolation ?? false,
    };
    this.guardrails = [
      this.createPolicy('JobGuardrailsPolicy', 'subnets',
        'Denies SageMaker jobs, models and endpoint configurations outside the VPC or without the environment\'s keys, and remote debugging',
        [...jobGuardrails(jobSettings), ...endpointConfigGuardrails(jobSettings)].map((statement) => ({ statement }))),
      this.createPolicy('AdminGuardrailsPolicy', 'AdminGuardrailsPolicy',
        'Denies notebook instances, domain and profile changes, passing roles but the job role, remote access to spaces, ' +
        `${props.allowSharedSpaces === false ? 'shared spaces, ' : ''}and changes to the network perimeter and its logs`,
        [...adminGuardrails([jobRole.roleArn]), ...(props.allowSharedSpaces === false ? denySharedSpaces() : []), ...networkGuardrails()]
          .map((statement) => ({ statement }))),
    ];
    this.guardrailPolicies = this.guardrails;
    const perimeter = this.createNetworkPerimeterPolicy(props);
    this.networkPerimeterPolicy = perimeter;
    this.personaPolicies = perimeter ? [perimeter] : [];

    const stack = Stack.of(this);
    const ctx: PermissionContext = { stack, teamTagKey: this.teamTagKey, jobRoleArn: jobRole.roleArn, keyArns };
    const abacPolicy = (policyId: string, description: string, statements: ScopedStatement[]) =>
      this.createPolicy(policyId, 'teamTagKey', description, statements);
    // Every role may get a CodeArtifact bearer token, which a package mirror's grantRead needs (and grants nothing alone).
    this.readOnlyPolicy = abacPolicy('ReadOnlyPolicy', 'Lists and describes SageMaker resources',
      [...readOnlyStatements(ctx), codeArtifactBearerToken()]);
    const studioApps = abacPolicy('StudioAppsPolicy', 'Studio spaces and apps of the caller\'s own user profile', studioAppStatements(ctx));
    const teamJobs = abacPolicy('TeamJobsPolicy', 'The team\'s jobs and experiments; passing the job role', teamJobStatements(ctx));
    const modelRegistry = abacPolicy('ModelRegistryPolicy', 'The team\'s model registry, with approval', modelRegistryStatements(ctx));
    const deployment = abacPolicy('DeploymentPolicy', 'The team\'s models, endpoints and pipelines', deploymentStatements(ctx));
    const pipelineSteps = abacPolicy('PipelineStepsPolicy', 'Models and model versions that pipeline steps create',
      pipelineStepStatements(stack, this.teamTagKey));
    const projects = this.createPolicy('ProjectsPolicy', 'ssmParameterPath', 'The team\'s SageMaker Projects and the environment\'s SSM parameters',
      projectStatements(stack, this.teamTagKey, ssmParameterPath));
    const jobRuntime = this.createPolicy('JobRuntimePolicy', 'subnets', 'Logs, metrics, images, network interfaces and keys of running jobs',
      jobRuntimeStatements({ stack, keyArns, ...network }));

    attach(jobRole, [this.readOnlyPolicy, jobRuntime, teamJobs, pipelineSteps, ...this.guardrails]);
    this.defaultRole = this.createPersona('DefaultRole', 'Studio default execution role (read-only)', []);
    this.dataScientistRole = this.createPersona('DataScientistRole', 'Studio data scientists', [studioApps, teamJobs, ...this.personaPolicies]);
    this.mlopsRole = this.createPersona('MlopsRole', 'Studio MLOps engineers',
      [studioApps, teamJobs, modelRegistry, deployment, projects, ...this.personaPolicies]);
  }

  /**
   * Adds a persona of your own: a role with the read-only policy, the guardrails, the
   * network perimeter when enforced, and a policy of the given statements. Their construct
   * ids are `<id>Role` and `<id>Policy`, or `Persona<n>Role` and `Persona<n>Policy` (numbered
   * in the order of the calls) for an id known only at deploy time.
   *
   * @param id PascalCase name of the persona, e.g. 'Analyst'
   */
  public addPersona(id: string, options: PersonaOptions): iam.IRole {
    const childId = this.personaChildId(id);
    if (options.statements.length === 0) {
      invalid(NAME, 'addPersona', `persona '${id}' has no statements`, 'at least one statement (the read-only persona is defaultRole)');
    }
    const description = options.description ?? `Studio persona ${id}`;
    const room = ROLE_DESCRIPTION_MAX_LENGTH - this.roleDescription('').length;
    if (!isUnresolved(description) && !isUnresolved(this.team) && description.length > room) {
      invalid(NAME, 'addPersona', `the description of persona '${id}' has ${description.length} characters`,
        `at most ${room}, as the role's description ends with ' of team ${this.team}' and IAM takes ${ROLE_DESCRIPTION_MAX_LENGTH}`);
    }
    const policy = this.createPolicy(`${childId}Policy`, 'addPersona', `Permissions of the Studio persona ${id}`,
      options.statements.map((statement) => ({ statement })));
    return this.createPersona(`${childId}Role`, description, [policy, ...this.personaPolicies]);
  }

  /**
   * Lets a principal pass the job role, to SageMaker only (e.g. a CI role that starts
   * pipelines). Persona roles already may.
   */
  public grantPassJobRole(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.jobRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  }

  /**
   * The prefix of a persona's construct ids: the id itself when it is a literal (so that its
   * logical ids stay as they were), else the next free `Persona<n>`, since a token is no id.
   */
  private personaChildId(id: string): string {
    const taken = (prefix: string) => this.node.tryFindChild(`${prefix}Role`) !== undefined || this.node.tryFindChild(`${prefix}Policy`) !== undefined;
    if (isUnresolved(id)) {
      let n = 1;
      while (taken(`Persona${n}`)) {
        n++;
      }
      return `Persona${n}`;
    }
    if (!PERSONA_ID.test(id) || taken(id)) {
      invalid(NAME, 'addPersona', `'${id}' is not a new persona id`, 'a PascalCase name not used yet, e.g. \'Analyst\'');
    }
    return id;
  }

  private roleDescription(purpose: string): string {
    return `${purpose} of team ${this.team}`;
  }

  private createRole(id: string, purpose: string): PersonaRole {
    return new PersonaRole(this, id, {
      owner: NAME,
      description: this.roleDescription(purpose),
      team: this.team,
      teamTagKey: this.teamTagKey,
    });
  }

  private createPersona(id: string, purpose: string, policies: iam.ManagedPolicy[]): iam.IRole {
    const role = this.createRole(id, purpose);
    attach(role, [this.readOnlyPolicy, ...policies, ...this.guardrails]);
    return role;
  }

  private createNetworkPerimeterPolicy(props: PersonaRolesProps): iam.ManagedPolicy | undefined {
    if (!(props.networkPerimeter ?? PersonaNetworkPerimeter.OFF).enforced) {
      return undefined;
    }
    if (!props.vpc) {
      invalid(NAME, 'networkPerimeter', 'ENFORCE without vpc', 'give vpc, the VPC whose endpoints the personas use, or leave the perimeter OFF');
    }
    return this.createPolicy('NetworkPerimeterPolicy', 'networkPerimeter',
      'Denies requests that come neither through the environment VPC\'s endpoints nor through an AWS service',
      networkPerimeterStatements(props.vpc.vpcId, Stack.of(this).region).map((statement) => ({ statement })));
  }

  private createPolicy(id: string, prop: string, description: string, statements: ScopedStatement[]): iam.ManagedPolicy {
    return createScopedPolicy(this, id, { owner: NAME, prop, description: `${description} (team ${this.team})`, statements });
  }
}

function attach(role: PersonaRole, policies: iam.ManagedPolicy[]): void {
  policies.forEach((policy) => role.attachPolicy(policy));
}


/** The environment's network: the VPC ARN, subnet ids and security group ids, when given. */
function resolveNetwork(props: PersonaRolesProps): { vpcArn?: string; subnetIds?: string[]; securityGroupIds?: string[] } {
  if (props.subnets && !props.vpc) {
    invalid(NAME, 'subnets', 'given without vpc', 'select subnets of the vpc given as vpc');
  }
  if (props.securityGroups?.length === 0) {
    invalid(NAME, 'securityGroups', 'empty list', 'at least one security group, or leave it unset to allow any');
  }
  const subnetIds = props.vpc?.selectSubnets(props.subnets).subnetIds;
  if (subnetIds?.length === 0) {
    invalid(NAME, 'subnets', 'the selection matches no subnet of vpc', 'a selection of at least one subnet, e.g. { subnetGroupName: \'Studio\' }');
  }
  return {
    vpcArn: props.vpc?.vpcArn,
    subnetIds,
    securityGroupIds: props.securityGroups?.map((group) => group.securityGroupId),
  };
}
