import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * An AWS service reached from the studio subnets through an interface VPC endpoint,
 * with what the library knows about it (whether it accepts an endpoint policy).
 */
export class StudioEndpointService {
  /** SageMaker API (`com.amazonaws.<region>.sagemaker.api`). */
  public static readonly SAGEMAKER_API = new StudioEndpointService('SageMakerApi', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API, true);
  /** SageMaker Runtime, to invoke endpoints (`com.amazonaws.<region>.sagemaker.runtime`). */
  public static readonly SAGEMAKER_RUNTIME = new StudioEndpointService('SageMakerRuntime', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME, true);
  /** AWS STS, for the role sessions of Studio apps (`com.amazonaws.<region>.sts`). */
  public static readonly STS = new StudioEndpointService('Sts', ec2.InterfaceVpcEndpointAwsService.STS, true);
  /** CloudWatch Logs (`com.amazonaws.<region>.logs`). */
  public static readonly CLOUDWATCH_LOGS = new StudioEndpointService('CloudWatchLogs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, true);
  /** CloudWatch metrics (`com.amazonaws.<region>.monitoring`). */
  public static readonly CLOUDWATCH_MONITORING = new StudioEndpointService('CloudWatchMonitoring', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING, true);
  /** AWS KMS, for the encrypted home volume and data (`com.amazonaws.<region>.kms`). */
  public static readonly KMS = new StudioEndpointService('Kms', ec2.InterfaceVpcEndpointAwsService.KMS, true);
  /** Amazon ECR API, for Studio and job images (`com.amazonaws.<region>.ecr.api`). */
  public static readonly ECR_API = new StudioEndpointService('EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR, true);
  /** Amazon ECR Docker registry (`com.amazonaws.<region>.ecr.dkr`). */
  public static readonly ECR_DOCKER = new StudioEndpointService('EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, true);
  /** AWS Systems Manager, used by Studio for parameters and sessions (`com.amazonaws.<region>.ssm`). */
  public static readonly SSM = new StudioEndpointService('Ssm', ec2.InterfaceVpcEndpointAwsService.SSM, true);
  /** SageMaker Feature Store runtime (`com.amazonaws.<region>.sagemaker.featurestore-runtime`). */
  public static readonly SAGEMAKER_FEATURESTORE_RUNTIME = new StudioEndpointService('SageMakerFeatureStoreRuntime',
    ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_FEATURESTORE_RUNTIME, true);
  /** AWS Service Catalog, used by SageMaker Projects (`com.amazonaws.<region>.servicecatalog`). */
  public static readonly SERVICE_CATALOG = new StudioEndpointService('ServiceCatalog', ec2.InterfaceVpcEndpointAwsService.SERVICE_CATALOG, true);
  /** The Studio UI, for private sign-in to Studio (`aws.sagemaker.<region>.studio`). */
  public static readonly SAGEMAKER_STUDIO = new StudioEndpointService('SageMakerStudio', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_STUDIO, true);
  /** The notebook UI, for private access to notebook instances (`aws.sagemaker.<region>.notebook`). */
  public static readonly SAGEMAKER_NOTEBOOK = new StudioEndpointService('SageMakerNotebook', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_NOTEBOOK, true);
  /**
   * SageMaker AI with MLflow, the tracking servers' API and UI (`aws.sagemaker.<region>.experiments`).
   * It accepts an endpoint policy (docs/decisions/080-mlflow-tracking.md).
   */
  public static readonly SAGEMAKER_MLFLOW = new StudioEndpointService('SageMakerMlflow', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_EXPERIMENTS, true);
  /** Amazon Athena, used by Canvas and Data Wrangler (`com.amazonaws.<region>.athena`). */
  public static readonly ATHENA = new StudioEndpointService('Athena', ec2.InterfaceVpcEndpointAwsService.ATHENA, true);
  /** AWS Glue, used by Canvas and Data Wrangler (`com.amazonaws.<region>.glue`). */
  public static readonly GLUE = new StudioEndpointService('Glue', ec2.InterfaceVpcEndpointAwsService.GLUE, true);
  /** AWS Secrets Manager, used by Canvas data connections (`com.amazonaws.<region>.secretsmanager`). */
  public static readonly SECRETS_MANAGER = new StudioEndpointService('SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, true);
  /**
   * Amazon Redshift Data API, used by Canvas (`com.amazonaws.<region>.redshift-data`).
   * Created without an endpoint policy: AWS documentation does not confirm policy support.
   */
  public static readonly REDSHIFT_DATA = new StudioEndpointService('RedshiftData', ec2.InterfaceVpcEndpointAwsService.REDSHIFT_DATA, false);
  /** Amazon Forecast, used by Canvas time-series models (`com.amazonaws.<region>.forecast`). */
  public static readonly FORECAST = new StudioEndpointService('Forecast', ec2.InterfaceVpcEndpointAwsService.FORECAST, true);
  /** Amazon Forecast Query (`com.amazonaws.<region>.forecastquery`). */
  public static readonly FORECAST_QUERY = new StudioEndpointService('ForecastQuery', ec2.InterfaceVpcEndpointAwsService.FORECAST_QUERY, true);
  /** Amazon Textract, used by Canvas ready-to-use models (`com.amazonaws.<region>.textract`). */
  public static readonly TEXTRACT = new StudioEndpointService('Textract', ec2.InterfaceVpcEndpointAwsService.TEXTRACT, true);
  /** Amazon Comprehend, used by Canvas ready-to-use models (`com.amazonaws.<region>.comprehend`). */
  public static readonly COMPREHEND = new StudioEndpointService('Comprehend', ec2.InterfaceVpcEndpointAwsService.COMPREHEND, true);
  /** Amazon Rekognition, used by Canvas ready-to-use models (`com.amazonaws.<region>.rekognition`). */
  public static readonly REKOGNITION = new StudioEndpointService('Rekognition', ec2.InterfaceVpcEndpointAwsService.REKOGNITION, true);
  /** Amazon Bedrock runtime, used by Canvas generative AI features (`com.amazonaws.<region>.bedrock-runtime`). */
  public static readonly BEDROCK_RUNTIME = new StudioEndpointService('BedrockRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME, true);
  /** Amazon EC2 API, which Canvas calls to detect the VPC endpoints it can use (`com.amazonaws.<region>.ec2`). */
  public static readonly EC2 = new StudioEndpointService('Ec2', ec2.InterfaceVpcEndpointAwsService.EC2, true);
  /**
   * AWS CodeArtifact API, for `GetAuthorizationToken` and `GetRepositoryEndpoint`
   * (`com.amazonaws.<region>.codeartifact.api`).
   */
  public static readonly CODEARTIFACT_API = new StudioEndpointService('CodeArtifactApi', ec2.InterfaceVpcEndpointAwsService.CODEARTIFACT_API, true);
  /**
   * AWS CodeArtifact repositories, which pip, npm and Maven reach at
   * `<domain>-<owner>.d.codeartifact.<region>.amazonaws.com` through the endpoint's private DNS
   * (`com.amazonaws.<region>.codeartifact.repositories`).
   */
  public static readonly CODEARTIFACT_REPOSITORIES = new StudioEndpointService('CodeArtifactRepositories',
    ec2.InterfaceVpcEndpointAwsService.CODEARTIFACT_REPOSITORIES, true);

  /**
   * Any other interface endpoint service.
   *
   * @param id construct id of the endpoint (PascalCase, unique within the VPC); part of the
   * logical id, so changing it replaces the endpoint
   * @param service the endpoint service
   * @param supportsEndpointPolicy whether the service accepts a VPC endpoint policy; when it
   * does not, the endpoint is created without one (full access through the endpoint)
   */
  public static of(id: string, service: ec2.IInterfaceVpcEndpointService, supportsEndpointPolicy: boolean): StudioEndpointService {
    // The id names the endpoint's construct (`<id>Endpoint`), so it must be a literal: construct ids cannot hold tokens.
    const allowed = "letters and digits, starting with a letter (e.g. 'Bedrock'): it names the endpoint's construct";
    if (Token.isUnresolved(id)) {
      throw new Error(`StudioEndpointService id: is an unresolved token; a literal id of ${allowed}`);
    }
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(id)) {
      throw new Error(`StudioEndpointService id: '${id}' is not a valid id; ${allowed}`);
    }
    return new StudioEndpointService(id, service, supportsEndpointPolicy);
  }

  private constructor(
    /** Construct id of the interface endpoint created for this service. */
    public readonly id: string,
    /** The endpoint service. */
    public readonly service: ec2.IInterfaceVpcEndpointService,
    /** Whether the service accepts a VPC endpoint policy. */
    public readonly supportsEndpointPolicy: boolean,
  ) {}
}

/**
 * A named set of interface endpoints. Sets are disjoint, so that combining them never
 * asks for the same service twice.
 */
export class StudioEndpointSet {
  /**
   * What a VpcOnly Studio domain needs to work without internet access: SageMaker API and
   * runtime, STS, CloudWatch Logs and metrics, KMS, ECR API and Docker, and SSM.
   */
  public static readonly CORE = new StudioEndpointSet([
    StudioEndpointService.SAGEMAKER_API,
    StudioEndpointService.SAGEMAKER_RUNTIME,
    StudioEndpointService.STS,
    StudioEndpointService.CLOUDWATCH_LOGS,
    StudioEndpointService.CLOUDWATCH_MONITORING,
    StudioEndpointService.KMS,
    StudioEndpointService.ECR_API,
    StudioEndpointService.ECR_DOCKER,
    StudioEndpointService.SSM,
  ]);

  /** SageMaker Feature Store runtime. */
  public static readonly FEATURE_STORE = new StudioEndpointSet([StudioEndpointService.SAGEMAKER_FEATURESTORE_RUNTIME]);

  /** Service Catalog, which SageMaker Projects use to provision templates. */
  public static readonly PROJECTS = new StudioEndpointSet([StudioEndpointService.SERVICE_CATALOG]);

  /**
   * What SageMaker Canvas uses beyond the core set: Athena, Glue, Secrets Manager,
   * Redshift Data, Forecast and Forecast Query, Textract, Comprehend, Rekognition,
   * Bedrock runtime and the EC2 API.
   */
  public static readonly CANVAS = new StudioEndpointSet([
    StudioEndpointService.ATHENA,
    StudioEndpointService.GLUE,
    StudioEndpointService.SECRETS_MANAGER,
    StudioEndpointService.REDSHIFT_DATA,
    StudioEndpointService.FORECAST,
    StudioEndpointService.FORECAST_QUERY,
    StudioEndpointService.TEXTRACT,
    StudioEndpointService.COMPREHEND,
    StudioEndpointService.REKOGNITION,
    StudioEndpointService.BEDROCK_RUNTIME,
    StudioEndpointService.EC2,
  ]);

  /** The Studio UI endpoint, so that users sign in to Studio without leaving the network. */
  public static readonly STUDIO_UI = new StudioEndpointSet([StudioEndpointService.SAGEMAKER_STUDIO]);

  /** The notebook instance UI endpoint. */
  public static readonly NOTEBOOK = new StudioEndpointSet([StudioEndpointService.SAGEMAKER_NOTEBOOK]);

  /**
   * SageMaker AI with MLflow, for `MlflowTrackingServer`: the MLflow SDK and the tracking
   * server's UI reach the server through it. The presigned URL of the UI comes from the
   * SageMaker API endpoint (in the core set).
   */
  public static readonly MLFLOW = new StudioEndpointSet([StudioEndpointService.SAGEMAKER_MLFLOW]);

  /**
   * AWS CodeArtifact API and repositories, for a package mirror (`StudioPackageMirror`)
   * that Studio apps and jobs install packages from without internet access. The token
   * call also needs STS (`sts:GetServiceBearerToken`), which the core set has.
   */
  public static readonly PACKAGE_MIRROR = new StudioEndpointSet([
    StudioEndpointService.CODEARTIFACT_API,
    StudioEndpointService.CODEARTIFACT_REPOSITORIES,
  ]);

  /** A set of the given services, e.g. one extra service. */
  public static of(...services: StudioEndpointService[]): StudioEndpointSet {
    return new StudioEndpointSet(services);
  }

  private constructor(
    /** The services of this set. */
    public readonly services: StudioEndpointService[],
  ) {}
}
