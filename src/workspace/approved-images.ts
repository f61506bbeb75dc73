import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { denyImagePullsOutsideApprovedRepositories, IMAGE_PULL_ACTIONS } from '../identity/guardrails';
import { acknowledgeFindings, acknowledgeOnPolicyOf } from '../private/acknowledge';
import { checkAppImageConfigName, checkImageDisplayName, checkImageName, checkImageTag } from '../private/image-names';
import { createServiceScopedKey } from '../private/service-scoped-key';
import { invalid, isUnresolved } from '../private/validation';
import { wildcardFindingIds } from '../private/wildcard-findings';
import { StudioAppType, StudioCustomImage, StudioDomain } from '../studio/studio-domain';

const NAME = 'StudioImageCatalog';
/** Pulling an image: its manifest, its layers, and the layer check Docker makes first. */
const PULL_ACTIONS = [...IMAGE_PULL_ACTIONS, 'ecr:BatchCheckLayerAvailability'];
const TOKEN_REASON = 'ecr:GetAuthorizationToken supports no resource-level permissions; the registry token grants nothing ' +
  'beyond the pull statement on the approved repositories.';
/** The suffix of an image's app image config name per app type. */
const CONFIG_SUFFIX: Record<StudioAppType, string> = {
  [StudioAppType.JUPYTER_LAB]: 'jupyterlab',
  [StudioAppType.CODE_EDITOR]: 'codeeditor',
};

/**
 * Properties of a StudioImageCatalog.
 */
export interface StudioImageCatalogProps {
  /**
   * The domain that offers the catalog's images to its users and shared spaces.
   *
   * @default - no domain: offer the images yourself with `domain.addCustomImage` (see `customImages`)
   */
  readonly domain?: StudioDomain;

  /**
   * An existing repository for the images (e.g. the one your image pipeline pushes to),
   * instead of a new one. Give it immutable tags and scanning on push: the catalog cannot
   * check an imported repository.
   *
   * @default - a new repository: scan on push, immutable tags, encrypted with a
   * customer-managed key, retained
   */
  readonly repository?: ecr.IRepository;

  /**
   * Name of the new repository.
   *
   * @default - a name CloudFormation generates
   */
  readonly repositoryName?: string;

  /**
   * The key that encrypts the new repository.
   *
   * @default - a new key with rotation, usable by this account through ECR only
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the new repository and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An image to register with `StudioImageCatalog.addImage`.
 */
export interface StudioImageOptions {
  /**
   * The tag of the image in its repository, e.g. '2024.06.1'. With immutable tags (as in
   * the catalog's own repository), a tag names one image for good.
   */
  readonly tag: string;

  /**
   * The apps that run the image: one app image config each.
   *
   * @default [StudioAppType.JUPYTER_LAB]
   */
  readonly appTypes?: StudioAppType[];

  /**
   * The repository that holds the image; it becomes an approved repository of the catalog.
   *
   * @default - the catalog's repository
   */
  readonly repository?: ecr.IRepository;

  /**
   * The name Studio shows, at most 128 characters.
   *
   * @default - the image name
   */
  readonly displayName?: string;

  /**
   * A description of the image.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * Approved custom images for Studio: an ECR repository (scan on push, immutable tags,
 * customer-managed KMS key, retained) whose images are registered as SageMaker images with
 * an app image config per app type, and offered to every user and shared space of a
 * domain. Personas can be held to the approved repositories (`restrictPulls`): pulls from
 * any other repository of the account are denied. See docs/decisions/082-approved-images.md.
 *
 * @example
 * declare const domain: StudioDomain;
 * declare const personas: PersonaRoles;
 * const catalog = new StudioImageCatalog(this, 'Images', { domain });
 * catalog.addImage('fraud-pytorch', { tag: '2024.06.1', appTypes: [StudioAppType.JUPYTER_LAB, StudioAppType.CODE_EDITOR] });
 * for (const role of [personas.defaultRole, personas.dataScientistRole, personas.mlopsRole]) {
 *   catalog.restrictPulls(role);
 * }
 */
export class StudioImageCatalog extends Construct {
  /** The repository of the catalog: the new one, or the one given. */
  public readonly repository: ecr.IRepository;
  /** The key of the new repository (none for a repository given). */
  public readonly encryptionKey?: kms.IKey;
  /** The role SageMaker uses to read the images (`ImageRoleArn`): pull from the approved repositories only. */
  public readonly imageRole: iam.IRole;

  private readonly domain?: StudioDomain;
  private readonly approved: ecr.IRepository[] = [];
  private readonly images: StudioCustomImage[] = [];
  private readonly imageNames = new Set<string>();
  /** Statements that list the approved repositories, kept up to date as repositories are approved. */
  private readonly repositoryStatements: { statement: iam.PolicyStatement; notResource: boolean }[] = [];
  private readonly imageRolePolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: StudioImageCatalogProps = {}) {
    super(scope, id);
    this.domain = props.domain;
    if (props.repository) {
      const newRepositoryProps = { repositoryName: props.repositoryName, encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy };
      for (const [prop, value] of Object.entries(newRepositoryProps)) {
        if (value !== undefined) {
          invalid(NAME, prop, 'set together with repository', `${prop} only for a new repository, without repository`);
        }
      }
      this.repository = props.repository;
    } else {
      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
      this.encryptionKey = props.encryptionKey ?? createServiceScopedKey(this, {
        description: `Encrypts the approved Studio images of ${this.node.path}`,
        removalPolicy,
        sid: 'AllowEcrOfThisAccount',
        services: ['ecr'],
      });
      this.repository = new ecr.Repository(this, 'Repository', {
        repositoryName: props.repositoryName,
        imageScanOnPush: true,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        encryption: ecr.RepositoryEncryption.KMS,
        encryptionKey: this.encryptionKey,
        removalPolicy,
      });
    }

    const role = new iam.Role(this, 'ImageRole', {
      description: `Lets SageMaker read the approved Studio images of ${this.node.path}`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
    });
    this.imageRole = role;
    this.imageRolePolicy = new iam.ManagedPolicy(this, 'ImageRolePolicy', {
      description: `Pulls of the approved Studio images of ${this.node.path}`,
      roles: [role],
    });
    this.imageRolePolicy.addStatements(this.track(new iam.PolicyStatement({ sid: 'PullApprovedImages', actions: PULL_ACTIONS })));
    const token = new iam.PolicyStatement({ sid: 'LogInToEcr', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    this.imageRolePolicy.addStatements(token);
    acknowledgeFindings(this.imageRolePolicy, TOKEN_REASON, wildcardFindingIds(this.imageRolePolicy, token));
    this.approveRepository(this.repository);
  }

  /** The repositories personas may pull from: the catalog's and those of its images. */
  public get approvedRepositories(): ecr.IRepository[] {
    return [...this.approved];
  }

  /** The images as the domain offers them, one per image and app type, for `domain.addCustomImage`. */
  public get customImages(): StudioCustomImage[] {
    return [...this.images];
  }

  /**
   * Approves a repository of this account: personas held to the catalog (`restrictPulls`)
   * and the image role may pull from it. Images added from a repository approve it themselves.
   */
  public approveRepository(repository: ecr.IRepository): void {
    if (this.approved.some((other) => other === repository || other.repositoryArn === repository.repositoryArn)) {
      return;
    }
    const account = Stack.of(this).account;
    if (!isUnresolved(repository.env.account) && !isUnresolved(account) && repository.env.account !== account) {
      invalid(NAME, 'repository', `repository '${repository.node.path}' belongs to account ${repository.env.account}`,
        `a repository of this account (${account}); pulls from other accounts are not held by restrictPulls`);
    }
    this.approved.push(repository);
    for (const { statement, notResource } of this.repositoryStatements) {
      if (notResource) {
        statement.addNotResources(repository.repositoryArn);
      } else {
        statement.addResources(repository.repositoryArn);
      }
    }
  }

  /**
   * Registers an image of an approved repository as a SageMaker image (names unique in the
   * account and region) with one version, the image at `options.tag`, and an app image
   * config named `<name>-jupyterlab` or `<name>-codeeditor` ('.' becoming '-') per app type;
   * the catalog's domain offers it in each. Returns the images as the domain offers them.
   */
  public addImage(name: string, options: StudioImageOptions): StudioCustomImage[] {
    checkImageName(NAME, 'addImage', name);
    if (this.imageNames.has(name)) {
      invalid(NAME, 'addImage', `an image named '${name}' exists already`, 'a unique name');
    }
    checkImageTag(NAME, 'addImage', options.tag);
    checkImageDisplayName(NAME, 'addImage', options.displayName);
    const appTypes = options.appTypes ?? [StudioAppType.JUPYTER_LAB];
    if (appTypes.length === 0 || new Set(appTypes).size !== appTypes.length) {
      invalid(NAME, 'addImage', `image '${name}' has app types [${appTypes.join(', ')}]`, 'each of JupyterLab and CodeEditor at most once, at least one');
    }
    const configNames = appTypes.map((appType) => `${name.replace(/\./g, '-')}-${CONFIG_SUFFIX[appType]}`);
    configNames.forEach((configName) => checkAppImageConfigName(NAME, 'addImage', configName));
    this.imageNames.add(name);

    const repository = options.repository ?? this.repository;
    this.approveRepository(repository);
    const image = new sagemaker.CfnImage(this, `${name}Image`, {
      imageName: name,
      imageRoleArn: this.imageRole.roleArn,
      imageDisplayName: options.displayName,
      imageDescription: options.description,
    });
    const version = new sagemaker.CfnImageVersion(this, `${name}Version`, {
      imageName: name,
      baseImage: repository.repositoryUriForTag(options.tag),
    });
    // SageMaker reads the image with the role when it creates the version.
    version.node.addDependency(image, this.imageRolePolicy);

    const added = appTypes.map((appType, index) => {
      const config = new sagemaker.CfnAppImageConfig(this, `${name}${appType}Config`, {
        appImageConfigName: configNames[index],
        ...(appType === StudioAppType.JUPYTER_LAB ? { jupyterLabAppImageConfig: {} } : { codeEditorAppImageConfig: {} }),
      });
      // Ref is the config's name; the version attribute makes the domain wait for the image version.
      const customImage: StudioCustomImage = { imageName: name, appImageConfigName: config.ref, appType, imageVersionNumber: version.attrVersion };
      this.domain?.addCustomImage(customImage);
      return customImage;
    });
    this.images.push(...added);
    return added;
  }

  /**
   * Lets a principal pull the images of the approved repositories (with the registry
   * token ECR needs first), e.g. a persona that runs images in local mode.
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: PULL_ACTIONS, resourceArns: this.approved.map((r) => r.repositoryArn) });
    grant.principalStatements.forEach((statement) => this.track(statement));
    const token = new iam.PolicyStatement({ sid: 'LogInToEcrForStudioImages', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    grantee.grantPrincipal.addToPrincipalPolicy(token);
    acknowledgeOnPolicyOf(grantee, token, TOKEN_REASON);
    return grant;
  }

  /**
   * Holds a principal to the approved repositories: pulling from any other repository of
   * this account is denied, whatever else it is granted. Repositories of other accounts (AWS's
   * own images, trusted accounts of the domain's Docker access) are not affected.
   */
  public restrictPulls(grantee: iam.IGrantable): void {
    const account = Stack.of(this).account;
    const statement = denyImagePullsOutsideApprovedRepositories(account, this.approved.map((r) => r.repositoryArn));
    grantee.grantPrincipal.addToPrincipalPolicy(this.track(statement, true));
  }

  /** Keeps a statement's (not-)resources equal to the approved repositories from now on. */
  private track(statement: iam.PolicyStatement, notResource = false): iam.PolicyStatement {
    this.repositoryStatements.push({ statement, notResource });
    return statement;
  }
}
