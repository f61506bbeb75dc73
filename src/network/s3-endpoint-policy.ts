import { Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AwsLimits } from '../private/aws-limits';
import { codeArtifactAssetsBucketName } from '../private/codeartifact-assets';
import { principalScopedEndpointStatement, validateOrganizationId } from '../private/endpoint-policy';
import { checkBucketLocation } from '../private/network-validation';
import { policyDocumentLength } from '../private/policy-size';
import { invalid } from '../private/validation';

const NAME = 'S3EndpointPolicy';
const MAX_BUCKET_NAME_LENGTH = 63;
const LONGEST_PARTITION = 'aws-us-gov';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Options of the policy of an S3 gateway endpoint.
 */
export interface S3EndpointPolicyOptions {
  /**
   * AWS Organization whose principals may use the endpoint (`aws:PrincipalOrgID`),
   * e.g. 'o-a1b2c3d4e5'.
   *
   * @default - only principals of the endpoint's account (`aws:PrincipalAccount`)
   */
  readonly endpointPolicyOrganizationId?: string;
}

/**
 * The policy of an S3 gateway endpoint: which buckets principals of the account (or
 * organization) may reach through it. Until a bucket is registered, any bucket; after,
 * only the registered buckets, in one statement that grows with each bucket. The image
 * layers of Amazon ECR in the endpoint's region are always reachable, and the objects
 * SageMaker JumpStart tags for public use on request.
 *
 * The policy is rendered at synthesis, so a bucket registered at any time narrows it.
 * Statements added with the endpoint's own `addToPolicy` still apply beside it.
 *
 * @example
 * declare const vpc: ec2.Vpc;
 * const policy = S3EndpointPolicy.of(vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }));
 * policy.allowBucket(s3.Bucket.fromBucketName(this, 'SageMakerDefault', 'sagemaker-eu-west-1-123456789012'));
 */
export class S3EndpointPolicy extends Construct {
  /**
   * The policy of an S3 gateway endpoint defined in this app, created on the first call.
   * Only the first call may set the options; later calls must repeat them or omit them.
   */
  public static of(endpoint: ec2.GatewayVpcEndpoint, options: S3EndpointPolicyOptions = {}): S3EndpointPolicy {
    const existing = endpoint.node.tryFindChild(NAME) as S3EndpointPolicy | undefined;
    if (!existing) {
      return new S3EndpointPolicy(endpoint, options);
    }
    const organizationId = options.endpointPolicyOrganizationId;
    if (organizationId !== undefined && organizationId !== existing.organizationId) {
      invalid(NAME, 'endpointPolicyOrganizationId', `the policy of '${endpoint.node.path}' already exists with another scope`,
        'set the organization on the first S3EndpointPolicy.of call for an endpoint (SecureStudioVpc makes that call for its s3Endpoint)');
    }
    return existing;
  }

  /** The endpoint whose policy this is. */
  public readonly endpoint: ec2.GatewayVpcEndpoint;

  private readonly organizationId?: string;
  private readonly principalStatement: iam.PolicyStatement;
  private readonly ownPolicy: unknown;
  private readonly buckets: s3.IBucket[] = [];
  private jumpStart = false;
  private codeArtifactAssetsBucket?: string;

  private constructor(endpoint: ec2.GatewayVpcEndpoint, options: S3EndpointPolicyOptions) {
    super(endpoint, NAME);
    validateOrganizationId(NAME, options.endpointPolicyOrganizationId);
    const cfn = endpoint.node.defaultChild as ec2.CfnVPCEndpoint;
    validateS3Service(endpoint, cfn.serviceName);
    this.endpoint = endpoint;
    this.organizationId = options.endpointPolicyOrganizationId;
    // Principal "*": the form of AWS's endpoint policy examples, which the offline policy simulation also requires.
    this.principalStatement = principalScopedEndpointStatement(Stack.of(endpoint).account, this.organizationId)
      .copy({ principals: [new iam.StarPrincipal()] });
    // The statements added with endpoint.addToPolicy, rendered after this policy's own.
    this.ownPolicy = cfn.policyDocument;
    cfn.policyDocument = Lazy.uncachedAny({ produce: (context) => this.document(context.resolve(this.ownPolicy), false) });
    this.node.addValidation({ validate: () => this.validateLength() });
  }

  /**
   * Lets principals of the account (or organization) reach this bucket through the
   * endpoint. From the first call on, the endpoint reaches only the registered buckets
   * (and the AWS-owned ones). Throws when the policy could exceed 20,480 characters.
   */
  public allowBucket(bucket: s3.IBucket): void {
    if (this.buckets.includes(bucket)) {
      return;
    }
    if (Resource.isOwnedResource(bucket) && Stack.of(bucket) !== Stack.of(this)) {
      invalid(NAME, 'allowBucket', `bucket '${bucket.node.path}' is defined in another stack than endpoint '${this.endpoint.node.path}', ` +
        'and each stack would reference the other', 'define the bucket in the stack of the endpoint, or register an imported bucket (s3.Bucket.fromBucketName)');
    }
    checkBucketLocation(this, NAME, 'allowBucket', bucket, 'a gateway endpoint reaches only the buckets of its own region');
    this.buckets.push(bucket);
    const length = this.worstCaseLength();
    if (length > AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS) {
      invalid(NAME, 'allowBucket', `with bucket '${bucket.node.path}' the policy of endpoint '${this.endpoint.node.path}' can reach ` +
        `${length} characters, over the limit of ${AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS}`,
      'keep the data reached through one endpoint in fewer buckets (separate it by prefix), or give the buckets short names ' +
        `(a bucket without a name counts with the longest possible name, ${MAX_BUCKET_NAME_LENGTH} characters)`);
    }
  }

  /**
   * Lets principals of the account (or organization) read, through the endpoint, the
   * objects of any bucket that are tagged `SageMaker=true`, as SageMaker JumpStart's
   * public models and notebooks are. Without it, JumpStart fails in an internet-free
   * Studio once a bucket is registered.
   */
  public allowJumpStartObjects(): void {
    this.jumpStart = true;
  }

  /**
   * Lets package managers download, through the endpoint, the package assets that AWS
   * CodeArtifact keeps in its AWS-owned bucket of the endpoint's region (Maven .jar files,
   * npm tarballs), as CodeArtifact's user guide asks of an S3 gateway endpoint policy. Read
   * only (`s3:GetObject`), and without a condition on the caller's account, like the ECR
   * image layers: the downloads come through URLs that CodeArtifact signs.
   *
   * @param bucketName the assets bucket, for a region the library does not know (`aws
   * codeartifact describe-domain` returns it as `s3BucketArn`)
   * @default - the bucket of the stack's region, from the table of the CodeArtifact user guide
   */
  public allowCodeArtifactAssets(bucketName?: string): void {
    const stack = Stack.of(this);
    if (bucketName !== undefined && !Token.isUnresolved(bucketName) && !BUCKET_NAME.test(bucketName)) {
      invalid(NAME, 'allowCodeArtifactAssets', `'${bucketName}' is not an S3 bucket name`,
        "the name of CodeArtifact's assets bucket of the region, e.g. 'assets-438097961670-eu-west-1'");
    }
    const bucket = bucketName ?? codeArtifactAssetsBucketName(stack);
    if (bucket === undefined) {
      invalid(NAME, 'allowCodeArtifactAssets', `no CodeArtifact assets bucket is known for region ${stack.region}`,
        "the bucket's name as bucketName: `aws codeartifact describe-domain --domain <domain>` returns it as s3BucketArn");
    }
    this.codeArtifactAssetsBucket = bucket;
  }

  private document(ownPolicy: any, worstCase: boolean): unknown {
    return {
      Version: '2012-10-17',
      Statement: [...this.statements(worstCase).map((s) => s.toStatementJson()), ...(ownPolicy?.Statement ?? [])],
    };
  }

  private statements(worstCase: boolean): iam.PolicyStatement[] {
    const statements = [this.bucketStatement(worstCase), ecrImageLayersStatement(Stack.of(this))];
    if (this.codeArtifactAssetsBucket !== undefined) {
      statements.push(new iam.PolicyStatement({
        sid: 'AllowCodeArtifactAssetsOfThisRegion',
        principals: [new iam.StarPrincipal()],
        actions: ['s3:GetObject'],
        resources: [`arn:${Stack.of(this).partition}:s3:::${this.codeArtifactAssetsBucket}/*`],
      }));
    }
    if (this.jumpStart) {
      statements.push(this.principalStatement.copy({
        sid: 'AllowJumpStartPublicObjects',
        actions: ['s3:GetObject'],
        resources: ['*'],
        conditions: { ...this.principalStatement.conditions, StringEqualsIgnoreCase: { 's3:ExistingObjectTag/SageMaker': 'true' } },
      }));
    }
    return statements;
  }

  private bucketStatement(worstCase: boolean): iam.PolicyStatement {
    if (this.buckets.length === 0) {
      return this.principalStatement;
    }
    return this.principalStatement.copy({
      sid: 'AllowRegisteredBuckets',
      actions: ['s3:*'],
      resources: this.buckets.flatMap((bucket, i) => worstCase ? longestArns(bucket, i) : [bucket.bucketArn, bucket.arnForObjects('*')]),
    });
  }

  /**
   * The length the policy can reach once deployed: every bucket counted with its longest
   * possible ARN, every other token as its (longer) CloudFormation intrinsic.
   */
  private worstCaseLength(): number {
    return policyDocumentLength(this, this.document(Stack.of(this).resolve(this.ownPolicy), true));
  }

  private validateLength(): string[] {
    const length = this.worstCaseLength();
    return length > AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS
      ? [`${NAME}: the policy of endpoint '${this.endpoint.node.path}' can reach ${length} characters, over the limit of ` +
        `${AwsLimits.VPC_ENDPOINT_POLICY_CHARACTERS}; register fewer buckets or add fewer statements to the endpoint`]
      : [];
  }
}

/**
 * Amazon ECR serves image layers (Studio's own images included) from this AWS-owned
 * bucket, through presigned URLs signed by an ECR principal: a condition on the caller's
 * account would never match, so the statement has none.
 */
function ecrImageLayersStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowEcrImageLayersOfThisRegion',
    principals: [new iam.StarPrincipal()],
    actions: ['s3:GetObject'],
    resources: [`arn:${stack.partition}:s3:::prod-${stack.region}-starport-layer-bucket/*`],
  });
}

/**
 * The bucket's ARNs (bucket and objects) at their longest, for size checks. An unknown
 * name stands in at the maximum length, made unique by the bucket's index (the policy
 * statement drops duplicate resources).
 */
function longestArns(bucket: s3.IBucket, index: number): string[] {
  const name = knownBucketName(bucket) ?? String(index).padStart(MAX_BUCKET_NAME_LENGTH, 'x');
  const arn = `arn:${LONGEST_PARTITION}:s3:::${name}`;
  return [arn, `${arn}/*`];
}

/** The bucket's name when fixed at synthesis (a bucket defined in the app hides it behind a reference). */
function knownBucketName(bucket: s3.IBucket): string | undefined {
  const name = Resource.isOwnedResource(bucket) ? (bucket.node.defaultChild as s3.CfnBucket).bucketName : bucket.bucketName;
  return name !== undefined && !Token.isUnresolved(name) ? name : undefined;
}

/** Refuses an endpoint whose service name ends in another service than `s3`. */
function validateS3Service(endpoint: ec2.GatewayVpcEndpoint, serviceName?: string): void {
  const service = /\.([a-z0-9-]+)$/.exec(serviceName ?? '')?.[1];
  if (service !== undefined && service !== 's3') {
    invalid(NAME, 'endpoint', `'${endpoint.node.path}' is an endpoint of service '${service}'`, 'a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3');
  }
}
