import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Whether the credentials of the Studio persona roles work only from the environment's
 * network: an identity-based network perimeter after the AWS data perimeter guidance.
 *
 * With `ENFORCE`, the data scientist and MLOps roles (and personas added with
 * `addPersona`) are denied every request that neither comes through a VPC endpoint of
 * the environment's VPC (`aws:SourceVpc`) nor is made by an AWS service with their
 * credentials on their behalf (`aws:ViaAWSService`). Credentials copied out of a Studio
 * app then stop working on a laptop. The job role and the default (read-only) role are
 * not held to it. See docs/decisions/013-persona-network-perimeter.md for what it
 * exempts and why it is not on by default.
 */
export class PersonaNetworkPerimeter {
  /**
   * No network perimeter: the persona roles' credentials work from any network, limited
   * only by their permissions and guardrails (and by the data buckets' own endpoint rule).
   */
  public static readonly OFF = new PersonaNetworkPerimeter(false);

  /**
   * Deny the Studio persona roles every request that comes neither through the
   * environment VPC's endpoints nor through an AWS service on their behalf. Every AWS
   * service the personas call must then have an endpoint in the VPC, and the Studio UI's
   * own calls must reach SageMaker that way too: try it in a non-production domain first.
   */
  public static readonly ENFORCE = new PersonaNetworkPerimeter(true);

  private constructor(
    /** Whether the perimeter is enforced. */
    public readonly enforced: boolean,
  ) {}
}

/**
 * Actions the AWS data perimeter guidance exempts from an identity-based network
 * perimeter: they authorize access to resources that live in the VPC (DAX, Neptune,
 * EFS with IAM authorization, RDS IAM authentication, MSK, OpenSearch in a VPC) or on
 * Outposts, reached through the resource's own network interfaces and never through a
 * VPC endpoint, so their requests carry no `aws:SourceVpc`. The resources' security
 * groups are their network perimeter.
 */
export const IN_VPC_RESOURCE_ACTIONS = [
  'dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:PutItem', 'dax:UpdateItem', 'dax:DeleteItem',
  'dax:BatchWriteItem', 'dax:ConditionCheckItem',
  'neptune-db:*', 'elasticfilesystem:Client*', 'rds-db:connect', 'kafka-cluster:*', 'es:ES*', 's3-outposts:*',
];

/**
 * Not an API call: passing a role is authorized inside the request of the action that
 * passes it (e.g. `sagemaker:CreateTrainingJob`), which the perimeter already holds to
 * the network; which role may be passed, and to which service, the admin guardrails decide.
 */
export const PASS_ROLE = 'iam:PassRole';

/** Every action the perimeter does not hold to the environment's network. */
export const PERIMETER_EXEMPT_ACTIONS = [...IN_VPC_RESOURCE_ACTIONS, PASS_ROLE];

/**
 * Deny any request that does not come through a VPC endpoint of the environment's VPC,
 * unless an AWS service makes it with the caller's credentials (forward access sessions,
 * e.g. S3 decrypting an SSE-KMS object with KMS) or it is a KMS request that SageMaker
 * makes (`kms:ViaService`, e.g. the grant for an app's volume on the domain key).
 *
 * `aws:SourceVpc` is set by gateway and interface endpoints alike, and only by them; a
 * request from the internet has none. Every operator is true when its key is missing
 * (`StringNotEqualsIfExists`, `BoolIfExists`), so such a request is denied: the
 * statement fails closed.
 */
export function denyOutsideEnvironmentNetwork(vpcId: string, region: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyOutsideEnvironmentNetwork',
    effect: iam.Effect.DENY,
    notActions: PERIMETER_EXEMPT_ACTIONS,
    resources: ['*'],
    conditions: {
      StringNotEqualsIfExists: {
        'aws:SourceVpc': vpcId,
        'kms:ViaService': `sagemaker.${region}.amazonaws.com`,
      },
      BoolIfExists: { 'aws:ViaAWSService': 'false' },
    },
  });
}

/**
 * VPC ids are unique within a Region only: deny requests through a VPC of the same id in
 * another Region (the guidance's `SourceVPCRegion` statement). `aws:RequestedRegion` is
 * in every request, so the missing-key case cannot arise.
 */
export function denyEnvironmentVpcIdInOtherRegions(vpcId: string, region: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyEnvironmentVpcIdInOtherRegions',
    effect: iam.Effect.DENY,
    actions: ['*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceVpc': vpcId },
      StringNotEquals: { 'aws:RequestedRegion': region },
    },
  });
}

/** The network perimeter of the Studio persona roles: the environment's VPC, in its Region. */
export function networkPerimeterStatements(vpcId: string, region: string): iam.PolicyStatement[] {
  return [
    denyOutsideEnvironmentNetwork(vpcId, region),
    denyEnvironmentVpcIdInOtherRegions(vpcId, region),
  ];
}
