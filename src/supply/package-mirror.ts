import { createHash } from 'crypto';
import { Aws, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codeartifact from 'aws-cdk-lib/aws-codeartifact';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { StudioEndpointService, StudioEndpointSet } from '../network/endpoints';
import { S3EndpointPolicy } from '../network/s3-endpoint-policy';
import { SecureStudioVpc } from '../network/secure-studio-vpc';
import { acknowledgeOnPolicyOf } from '../private/acknowledge';
import { lifecycleContentLength, STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS } from '../private/ca-trust-script';
import { checkChoice, checkRemovalPolicy } from '../private/choice-rules';
import { codeArtifactBearerToken } from '../private/codeartifact-permissions';
import { principalScopedEndpointStatement, validateOrganizationId } from '../private/endpoint-policy';
import { checkS3GatewayEndpoint, gatewayEndpointService } from '../private/gateway-endpoint-rules';
import { parsePackageGroupPattern } from '../private/package-group-patterns';
import { checkCodeArtifactRegion } from '../private/package-mirror-rules';
import { LONGEST_LOGIN_VALUES, packageMirrorLoginScript, PackageMirrorLoginValues } from '../private/package-mirror-script';
import { PersonaRole } from '../private/persona-role';
import { createServiceScopedKey } from '../private/service-scoped-key';
import { checkRegionalArn, invalid, isUnresolved } from '../private/validation';
import { StudioAppType, StudioDomain } from '../studio/studio-domain';

const NAME = 'StudioPackageMirror';
/** CreateDomain `domain`: 2 to 50 characters (CodeArtifact API reference). */
const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
/** CreateRepository `repository`: 2 to 100 characters (CodeArtifact API reference). */
const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const DEFAULT_REPOSITORY = 'studio';

/**
 * A package format the mirror serves, each with an upstream repository connected to the
 * format's public registry.
 */
export enum PackageFormat {
  /** Python packages from the Python Package Index (external connection `public:pypi`). */
  PYPI = 'pypi',
  /** Node.js packages from the npm public registry (external connection `public:npmjs`), e.g. for Code Editor extensions' builds. */
  NPM = 'npm',
  /** Java packages from Maven Central (external connection `public:maven-central`), e.g. for Spark jobs. */
  MAVEN = 'maven',
}

/** What each format needs: its external connection, upstream repository name and whether downloads use the assets bucket. */
const FORMATS: Record<PackageFormat, { connection: string; store: string; id: string; assetsFromS3: boolean }> = {
  [PackageFormat.PYPI]: { connection: 'public:pypi', store: 'pypi-store', id: 'Pypi', assetsFromS3: false },
  [PackageFormat.NPM]: { connection: 'public:npmjs', store: 'npm-store', id: 'Npm', assetsFromS3: true },
  [PackageFormat.MAVEN]: { connection: 'public:maven-central', store: 'maven-central-store', id: 'Maven', assetsFromS3: true },
};

/**
 * How packages that are not in the mirror yet may enter it from the public registries.
 */
export enum PackageIntake {
  /** A package a user asks for is fetched from the public registry and kept. */
  ON_DEMAND = 'ON_DEMAND',
  /**
   * Fetching from the public registries is off: only packages already in the mirror, the
   * `approvedPackages` and (with publishers) internal packages install. New packages are
   * approved by adding their pattern to `approvedPackages` (or `addApprovedPackages`).
   */
  APPROVED_ONLY = 'APPROVED_ONLY',
}

/**
 * Properties of a StudioPackageMirror.
 */
export interface StudioPackageMirrorProps {
  /**
   * The network whose Studio apps and jobs install from the mirror: the CodeArtifact API and
   * repositories interface endpoints (and STS, if missing) are added to it, and its S3
   * gateway endpoint admits CodeArtifact's assets bucket. Give either `network` or `vpc`.
   *
   * @default - `vpc`; with neither, no endpoints (the mirror is reached through the network's own path)
   */
  readonly network?: SecureStudioVpc;

  /**
   * A VPC of your own, for a mirror outside a SecureStudioVpc: the two CodeArtifact interface
   * endpoints are created in `vpcSubnets` with private DNS and an account-scoped policy,
   * behind a security group that admits HTTPS from the VPC's CIDR block. The VPC must
   * already have an STS endpoint for `sts:GetServiceBearerToken`.
   *
   * @default - `network`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` for the interface endpoints, in at least two AZs.
   *
   * @default - the private subnets of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The S3 gateway endpoint of `vpc`, whose policy must admit CodeArtifact's assets bucket
   * (npm and Maven downloads).
   *
   * @default - the S3 gateway endpoint defined on `vpc` in this app, if any
   */
  readonly s3Endpoint?: ec2.GatewayVpcEndpoint;

  /**
   * AWS Organization whose principals may use the endpoints created in `vpc`. Only with `vpc`:
   * `network` endpoints take the network's scope.
   *
   * @default - only principals of this stack's account
   */
  readonly endpointPolicyOrganizationId?: string;

  /**
   * The CodeArtifact domain name: 2 to 50 lower-case letters, digits and hyphens, starting with
   * a letter and ending with a letter or digit, unique in the account and region. It is
   * part of the repository host name, which is public: no sensitive information.
   *
   * @default - derived from the construct path
   */
  readonly domainName?: string;

  /**
   * The repository users install from: 2 to 100 letters, digits, `.`, `_` and `-`, starting
   * with a letter or digit, not the name of an upstream repository (`pypi-store`,
   * `npm-store`, `maven-central-store`).
   *
   * @default 'studio'
   */
  readonly repositoryName?: string;

  /**
   * The package formats the mirror serves, each through an upstream repository connected to
   * its public registry.
   *
   * @default [PackageFormat.PYPI]
   */
  readonly formats?: PackageFormat[];

  /**
   * Whether packages not in the mirror yet are fetched from the public registries on
   * request, or only approved ones.
   *
   * @default PackageIntake.ON_DEMAND
   */
  readonly intake?: PackageIntake;

  /**
   * With `PackageIntake.APPROVED_ONLY`: package group patterns that may still be fetched from
   * the public registry, e.g. `/pypi//pandas$` (one package) or `/pypi//scikit-~` (a name
   * prefix). Python names are written normalized (lower case, `-` for runs of `-`, `_`, `.`).
   *
   * @default - none
   */
  readonly approvedPackages?: string[];

  /**
   * Package group patterns whose new versions can enter the mirror in no way (no fetch, no
   * publish, no copy from an upstream), e.g. `/pypi//requests-darwin-lite$` or `/npm/evil-scope/*`.
   * Versions already in the mirror stay until an administrator deletes them.
   *
   * @default - none
   */
  readonly blockedPackages?: string[];

  /**
   * The customer-managed key that encrypts the domain's package assets.
   *
   * @default - a new key with rotation, usable through CodeArtifact by this account only
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the domain, its repositories (with the packages fetched and published)
   * and the key the construct creates when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A private package mirror for SageMaker Studio and jobs without internet access: an AWS
 * CodeArtifact domain encrypted with a customer-managed key, the repository users install
 * from, and for each format an upstream repository connected to the public registry; package
 * groups that block patterns and, in `PackageIntake.APPROVED_ONLY`, admit only approved
 * packages; the interface endpoints (CodeArtifact API and repositories) in the network and the
 * assets bucket on its S3 endpoint policy; and a login that JupyterLab and Code Editor run
 * at every app start (`configureDomain`).
 *
 * Publishing is blocked (package group origin control) until a principal is granted it
 * (`grantPublish`). See docs/decisions/070-package-mirror.md.
 *
 * @example
 * declare const network: SecureStudioVpc;
 * declare const personas: PersonaRoles;
 * declare const domain: StudioDomain;
 * const mirror = new StudioPackageMirror(this, 'PackageMirror', { network });
 * mirror.grantRead(personas.dataScientistRole);
 * mirror.denyAdministration(personas.dataScientistRole);
 * mirror.configureDomain(domain);
 */
export class StudioPackageMirror extends Construct {
  /** The CodeArtifact domain. */
  public readonly domain: codeartifact.CfnDomain;
  /** The repository users and jobs install from. */
  public readonly repository: codeartifact.CfnRepository;
  /** The upstream repositories, one per format, each with its external connection, in the order of `formats`. */
  public readonly upstreamRepositories: codeartifact.CfnRepository[];
  /** The key of the domain's assets. */
  public readonly encryptionKey: kms.IKey;
  /** The domain name. */
  public readonly domainName: string;
  /** The name of the repository users install from. */
  public readonly repositoryName: string;
  /** The account that owns the domain. */
  public readonly domainOwner: string;
  /** The domain ARN. */
  public readonly domainArn: string;
  /** The ARN of the repository users install from. */
  public readonly repositoryArn: string;
  /** The formats served. */
  public readonly formats: PackageFormat[];
  /** The pip index of the repository, without credentials (`.../pypi/<repository>/simple/`). */
  public readonly pipIndexUrl: string;
  /**
   * Environment variables for SageMaker training and processing jobs (and models) whose
   * `requirements.txt` must install from the mirror: `CA_REPOSITORY_ARN`, which the SageMaker
   * training and inference toolkits and the SageMaker Python SDK read to log pip in before
   * installing. The job's role needs `grantRead`, and the job the network.
   */
  public readonly jobEnvironment: Record<string, string>;
  /**
   * A shell command that logs pip in to the mirror for 12 hours, for jobs that do not use the
   * toolkits (e.g. the `pre_execution_commands` of the SageMaker Python SDK's `@remote`).
   */
  public readonly pipLoginCommand: string;
  /** The CodeArtifact API interface endpoint, when the construct created or added it. */
  public readonly apiEndpoint?: ec2.IInterfaceVpcEndpoint;
  /** The CodeArtifact repositories interface endpoint, when the construct created or added it. */
  public readonly repositoriesEndpoint?: ec2.IInterfaceVpcEndpoint;

  private readonly packageGroupIds = new Set<string>();
  private unresolvedPatterns = 0;
  private readonly blockedPatterns = new Set<string>();
  private readonly approvedPatterns = new Set<string>();
  private currentIntake: PackageIntake;
  private readonly publishers: iam.IGrantable[] = [];
  private readonly sidSuffix: string;

  constructor(scope: Construct, id: string, props: StudioPackageMirrorProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.sidSuffix = createHash('sha256').update(this.node.path).digest('hex').slice(0, 8).toUpperCase();
    this.formats = validateFormats(props.formats ?? [PackageFormat.PYPI]);
    checkChoice(NAME, 'intake', props.intake, Object.values(PackageIntake), 'PackageIntake.ON_DEMAND or PackageIntake.APPROVED_ONLY');
    checkRemovalPolicy(NAME, 'removalPolicy', props.removalPolicy, 'CodeArtifact domains, repositories and KMS keys');
    checkRegionalArn(this, NAME, 'encryptionKey', props.encryptionKey?.keyArn, 'kms');
    this.currentIntake = props.intake ?? PackageIntake.ON_DEMAND;
    this.domainName = props.domainName ?? defaultDomainName(this);
    validateDomainName(this.domainName);
    this.repositoryName = props.repositoryName ?? DEFAULT_REPOSITORY;
    validateRepositoryName(this.repositoryName);
    this.domainOwner = stack.account;
    const arn = (resource: string) => `arn:${stack.partition}:codeartifact:${stack.region}:${stack.account}:${resource}`;
    this.domainArn = arn(`domain/${this.domainName}`);
    this.repositoryArn = arn(`repository/${this.domainName}/${this.repositoryName}`);

    this.encryptionKey = props.encryptionKey ?? this.createKey(removalPolicy);
    this.domain = new codeartifact.CfnDomain(this, 'Domain', {
      domainName: this.domainName,
      encryptionKey: this.encryptionKey.keyArn,
    });
    this.domain.applyRemovalPolicy(removalPolicy);

    this.upstreamRepositories = this.formats.map((format) => {
      const store = new codeartifact.CfnRepository(this, `${FORMATS[format].id}Upstream`, {
        domainName: this.domain.attrName,
        repositoryName: FORMATS[format].store,
        description: `Packages fetched from ${FORMATS[format].connection} for ${this.repositoryName}`,
        externalConnections: [FORMATS[format].connection],
      });
      store.applyRemovalPolicy(removalPolicy);
      return store;
    });
    this.repository = new codeartifact.CfnRepository(this, 'Repository', {
      domainName: this.domain.attrName,
      repositoryName: this.repositoryName,
      description: 'The repository SageMaker Studio apps and jobs install packages from',
      upstreams: this.upstreamRepositories.map((store) => store.attrName),
    });
    this.repository.applyRemovalPolicy(removalPolicy);
    this.createPackageGroups(props);

    const host = `${this.domainName}-${this.domainOwner}.d.codeartifact.${stack.region}.${Aws.URL_SUFFIX}`;
    this.pipIndexUrl = `https://${host}/pypi/${this.repositoryName}/simple/`;
    this.jobEnvironment = { CA_REPOSITORY_ARN: this.repositoryArn };
    this.pipLoginCommand = `aws codeartifact login --tool pip --domain ${this.domainName} --domain-owner ${this.domainOwner} ` +
      `--repository ${this.repositoryName} --region ${stack.region}`;

    const endpoints = this.connectNetwork(props);
    this.apiEndpoint = endpoints?.api;
    this.repositoriesEndpoint = endpoints?.repositories;
    validateLoginScriptLength(this.loginValues(LONGEST_LOGIN_VALUES));
  }

  /** How new packages enter the mirror. */
  public get intake(): PackageIntake {
    return this.currentIntake;
  }

  /**
   * The content of the lifecycle configuration that logs pip, uv (and npm, with the npm
   * format) in to the repository at every app start and every 6 hours after, as the app's user.
   */
  public get loginScript(): string {
    return packageMirrorLoginScript(this.loginValues());
  }

  /**
   * Lets a principal install from the repository: a CodeArtifact token for this domain
   * (`codeartifact:GetAuthorizationToken`), the repository endpoint
   * (`codeartifact:GetRepositoryEndpoint`) and reading (`codeartifact:ReadFromRepository`) on
   * the repository users install from, not on the upstreams; and `sts:GetServiceBearerToken`
   * for CodeArtifact only, which the token needs. The roles of `PersonaRoles` have the bearer
   * token in their read-only policy already. Another principal gets it here, on resource `*`
   * (the action has no resource type): acknowledge cdk-nag's `AwsSolutions-IAM5[Resource::*]`
   * on its policy yourself.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const statements = [
      new iam.PolicyStatement({
        sid: `PackageMirrorToken${this.sidSuffix}`,
        actions: ['codeartifact:GetAuthorizationToken'],
        resources: [this.domainArn],
      }),
      new iam.PolicyStatement({
        sid: `PackageMirrorRead${this.sidSuffix}`,
        actions: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
        resources: [this.repositoryArn],
      }),
    ];
    if (!(grantee.grantPrincipal instanceof PersonaRole)) {
      statements.push(codeArtifactBearerToken(`PackageMirrorBearerToken${this.sidSuffix}`).statement);
    }
    return this.grantStatements(grantee, statements, {});
  }

  /**
   * Lets a principal publish internal packages to the repository users install from
   * (`codeartifact:PublishPackageVersion` and `codeartifact:PutPackageMetadata`, with
   * `grantRead`), and opens publishing to that repository in the formats' package groups,
   * which block it until a principal is granted it. Grant it to the MLOps role only.
   */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    this.publishers.push(grantee);
    const packages = `${this.repositoryArn.replace(':repository/', ':package/')}/*`;
    return this.grantRead(grantee).combine(this.grantStatements(grantee, [new iam.PolicyStatement({
      sid: `PackageMirrorPublish${this.sidSuffix}`,
      actions: ['codeartifact:PublishPackageVersion', 'codeartifact:PutPackageMetadata'],
      resources: [packages],
    })], {
      [`PackageMirrorPublish${this.sidSuffix}`]: 'Internal packages are named when they are published; the resource is every ' +
        'package of the one repository users install from, in this domain only.',
    }));
  }

  /**
   * Denies a principal every change to the mirror's configuration, whatever else it is
   * granted: upstreams and external connections, repositories, package groups and origin
   * controls, resource policies, copying, disposing or deleting packages, tags, and the domain.
   * Only administrators (principals without this denial) change them. Publishing stays
   * possible when granted.
   */
  public denyAdministration(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const arn = (resource: string) => `arn:${stack.partition}:codeartifact:${stack.region}:${stack.account}:${resource}`;
    const statements = [
      new iam.PolicyStatement({
        sid: `PackageMirrorDenyConfiguration${this.sidSuffix}`,
        effect: iam.Effect.DENY,
        actions: ['Associate*', 'Disassociate*', 'Create*', 'Update*', 'Delete*', 'Put*', 'Copy*', 'Dispose*', 'TagResource', 'UntagResource']
          .map((action) => `codeartifact:${action}`),
        resources: [this.domainArn, arn(`repository/${this.domainName}/*`), arn(`package-group/${this.domainName}/*`)],
      }),
      new iam.PolicyStatement({
        sid: `PackageMirrorDenyPackageChanges${this.sidSuffix}`,
        effect: iam.Effect.DENY,
        actions: ['DeletePackage', 'DeletePackageVersions', 'DisposePackageVersions', 'UpdatePackageVersionsStatus',
          'PutPackageOriginConfiguration', 'CopyPackageVersions'].map((action) => `codeartifact:${action}`),
        resources: [arn(`package/${this.domainName}/*`)],
      }),
      new iam.PolicyStatement({
        sid: `PackageMirrorDenyNewGroups${this.sidSuffix}`,
        effect: iam.Effect.DENY,
        // Neither action has a resource type: a new package group or repository can only be denied on *.
        actions: ['codeartifact:CreatePackageGroup', 'codeartifact:CreateRepository'],
        resources: ['*'],
      }),
    ];
    statements.forEach((statement) => grantee.grantPrincipal.addToPrincipalPolicy(statement));
  }

  /**
   * Makes JupyterLab and Code Editor of the domain log in to the mirror at every app start:
   * the login script becomes the domain's built-in lifecycle configuration of both app types
   * (SageMaker runs it at every start of every space, before any default one).
   */
  public configureDomain(domain: StudioDomain): void {
    // Lifecycle configuration names are unique in the account and region.
    const prefix = Names.uniqueResourceName(this, { maxLength: 40, separator: '-', allowedSpecialCharacters: '-' });
    const script = this.loginScript;
    domain.addLifecycleConfiguration(`${prefix}-pip-jupyterlab`, StudioAppType.JUPYTER_LAB, script, { builtIn: true });
    domain.addLifecycleConfiguration(`${prefix}-pip-codeeditor`, StudioAppType.CODE_EDITOR, script, { builtIn: true });
  }

  /**
   * Turns fetching from the public registries off (`PackageIntake.APPROVED_ONLY`): only
   * packages already in the mirror, the approved patterns (`addApprovedPackages`) and
   * published internal packages install from then on. For a mirror another construct created
   * (e.g. `SecureStudio`'s).
   */
  public requireApproval(): void {
    this.currentIntake = PackageIntake.APPROVED_ONLY;
  }

  /**
   * Blocks package group patterns (same forms as `blockedPackages`): no new version of a
   * matching package enters the mirror in any way.
   */
  public addBlockedPackages(...patterns: string[]): void {
    for (const pattern of patterns) {
      this.validatePattern('blockedPackages', pattern);
      if (this.approvedPatterns.has(pattern)) {
        invalid(NAME, 'blockedPackages', `'${pattern}' is also approved`, 'each pattern in one list only');
      }
      this.blockedPatterns.add(pattern);
      const block = { restrictionMode: 'BLOCK' };
      this.createPackageGroup(this.patternGroupId('Blocked', pattern), pattern, 'Blocked: no new version enters the mirror',
        { externalUpstream: block, internalUpstream: block, publish: block });
    }
  }

  /**
   * Approves package group patterns (same forms as `approvedPackages`) in
   * `PackageIntake.APPROVED_ONLY`: matching packages are fetched from their public registry
   * again, into the format's upstream repository only.
   */
  public addApprovedPackages(...patterns: string[]): void {
    for (const pattern of patterns) {
      if (this.currentIntake !== PackageIntake.APPROVED_ONLY) {
        invalid(NAME, 'approvedPackages', `'${pattern}' approved with intake ${this.currentIntake}, where every package is fetched on request`,
          'approved packages only with intake: PackageIntake.APPROVED_ONLY (or after requireApproval())');
      }
      const format = this.validatePattern('approvedPackages', pattern);
      if (format !== undefined && !this.formats.includes(format as PackageFormat)) {
        invalid(NAME, 'approvedPackages', `'${pattern}' is a ${format} pattern but the mirror serves ${this.formats.join(', ')}`,
          `patterns of the mirror's formats, or add PackageFormat.${format.toUpperCase()} to formats`);
      }
      if (this.blockedPatterns.has(pattern)) {
        invalid(NAME, 'approvedPackages', `'${pattern}' is also in blockedPackages`, 'each pattern in one list only');
      }
      this.approvedPatterns.add(pattern);
      const inherit = { restrictionMode: 'INHERIT' };
      const source = format === undefined ? 'their public registry' : FORMATS[format as PackageFormat].connection;
      this.createPackageGroup(this.patternGroupId('Approved', pattern), pattern, `Approved: fetched from ${source}`,
        { externalUpstream: this.fetchRestriction(format), internalUpstream: inherit, publish: inherit });
    }
  }

  private loginValues(longest?: PackageMirrorLoginValues): PackageMirrorLoginValues {
    const stack = Stack.of(this);
    return longest ?? {
      domain: this.domainName,
      owner: this.domainOwner,
      region: stack.region,
      urlSuffix: Aws.URL_SUFFIX,
      repository: this.repositoryName,
      npm: this.formats.includes(PackageFormat.NPM),
    };
  }

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    return createServiceScopedKey(this, {
      description: `Encrypts the package assets of the CodeArtifact domain of ${this.node.path}`,
      removalPolicy,
      sid: 'AllowCodeArtifactOfThisAccount',
      services: ['codeartifact'],
    });
  }

  /**
   * One package group per format, whose origin controls let each format's packages enter
   * only through its upstream repository (fetch; blocked in APPROVED_ONLY, rendered at
   * synthesis) and the repository users install from (retention, publishing when granted);
   * then the blocked and approved patterns of the props.
   */
  private createPackageGroups(props: StudioPackageMirrorProps): void {
    const main = [this.repository.attrName];
    for (const format of this.formats) {
      const fetch = this.fetchRestriction(format);
      this.createPackageGroup(`${FORMATS[format].id}Packages`, `/${format}/*`,
        `${format} packages: fetched only through ${FORMATS[format].store}, kept in ${this.repositoryName}`, {
          externalUpstream: {
            restrictionMode: Lazy.string({ produce: () => this.currentIntake === PackageIntake.APPROVED_ONLY ? 'BLOCK' : fetch.restrictionMode }),
            repositories: Lazy.list({ produce: () => this.currentIntake === PackageIntake.APPROVED_ONLY ? undefined : fetch.repositories }),
          },
          internalUpstream: { restrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', repositories: main },
          // Rendered at synthesis: publishing opens with the first grantPublish.
          publish: this.publishRestriction(main),
        });
    }
    const approved = props.approvedPackages ?? [];
    if (approved.length > 0 && this.currentIntake !== PackageIntake.APPROVED_ONLY) {
      invalid(NAME, 'approvedPackages', `given with intake ${this.currentIntake}, where every package is fetched on request`,
        'approvedPackages only with intake: PackageIntake.APPROVED_ONLY');
    }
    this.addBlockedPackages(...props.blockedPackages ?? []);
    this.addApprovedPackages(...approved);
  }

  /**
   * Fetching from the format's public registry into its upstream repository only; for a
   * pattern known only at deploy time (format undefined), into any upstream repository of the
   * mirror: each upstream's external connection serves packages of its own format only.
   */
  private fetchRestriction(format: string | undefined): { restrictionMode: string; repositories: string[] } {
    const stores = format === undefined ? this.upstreamRepositories : [this.upstreamRepositories[this.formats.indexOf(format as PackageFormat)]];
    return { restrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', repositories: stores.map((store) => store.attrName) };
  }

  /** Publishing to the repository users install from once a principal is granted it, else blocked; rendered at synthesis. */
  private publishRestriction(repositories: string[]): codeartifact.CfnPackageGroup.RestrictionTypeProperty {
    return {
      restrictionMode: Lazy.string({ produce: () => (this.publishers.length > 0 ? 'ALLOW_SPECIFIC_REPOSITORIES' : 'BLOCK') }),
      repositories: Lazy.list({ produce: () => (this.publishers.length > 0 ? repositories : undefined) }),
    };
  }

  /**
   * The construct id of the package group of a blocked or approved pattern: the kind and a hash
   * of a literal pattern (the group's identity, which CloudFormation cannot update in place), or
   * the kind and a number for a pattern known only at deploy time (a token is no id).
   */
  private patternGroupId(kind: 'Blocked' | 'Approved', pattern: string): string {
    return isUnresolved(pattern) ? `${kind}Packages${++this.unresolvedPatterns}` : `${kind}${patternId(pattern)}`;
  }

  private createPackageGroup(id: string, pattern: string, description: string,
    restrictions: codeartifact.CfnPackageGroup.RestrictionsProperty): void {
    if (this.packageGroupIds.has(id)) {
      invalid(NAME, id.startsWith('Approved') ? 'approvedPackages' : 'blockedPackages', `pattern '${pattern}' is listed twice`, 'each pattern once');
    }
    this.packageGroupIds.add(id);
    new codeartifact.CfnPackageGroup(this, id, {
      domainName: this.domain.attrName,
      pattern,
      description,
      originConfiguration: { restrictions },
    });
  }

  /**
   * Refuses a pattern CodeArtifact would refuse or one the construct owns; returns its format
   * (undefined for a pattern known only at deploy time, which is not checked).
   */
  private validatePattern(prop: string, pattern: string): string | undefined {
    if (isUnresolved(pattern)) {
      return undefined;
    }
    const parsed = parsePackageGroupPattern(pattern);
    const allowed = "a package group pattern: '/pypi//<name>$' for one package, '/pypi//<prefix>~' for names that start " +
      "with a prefix, '/npm/<scope>/*' for an npm scope, '/maven/<groupId>/<artifactId>$' for one Maven package";
    if (typeof parsed === 'string') {
      invalid(NAME, prop, `'${pattern}' ${parsed}`, allowed);
    }
    if (parsed.format === undefined || (parsed.match === 'all' && parsed.namespace === undefined)) {
      invalid(NAME, prop, `'${pattern}' is the group of ${parsed.format === undefined ? 'every package' : `every ${parsed.format} package`}, ` +
        'which the domain or the construct configures', `${allowed}; for a whole format use intake or formats`);
    }
    return parsed.format;
  }

  private connectNetwork(props: StudioPackageMirrorProps): { api: ec2.IInterfaceVpcEndpoint; repositories: ec2.IInterfaceVpcEndpoint } | undefined {
    const needsAssets = this.formats.some((format) => FORMATS[format].assetsFromS3);
    if (props.network) {
      for (const prop of ['vpc', 'vpcSubnets', 's3Endpoint', 'endpointPolicyOrganizationId'] as const) {
        if (props[prop] !== undefined) {
          invalid(NAME, prop, 'set together with network', `either network, or vpc with ${prop}`);
        }
      }
      checkCodeArtifactRegion(this, NAME, 'network');
      const network = props.network;
      network.addInterfaceEndpoints(StudioEndpointSet.of(...StudioEndpointSet.PACKAGE_MIRROR.services, StudioEndpointService.STS));
      network.s3EndpointPolicy.allowCodeArtifactAssets();
      return {
        api: network.findInterfaceEndpoint(StudioEndpointService.CODEARTIFACT_API)!,
        repositories: network.findInterfaceEndpoint(StudioEndpointService.CODEARTIFACT_REPOSITORIES)!,
      };
    }
    if (!props.vpc) {
      for (const prop of ['vpcSubnets', 's3Endpoint', 'endpointPolicyOrganizationId'] as const) {
        if (props[prop] !== undefined) {
          invalid(NAME, prop, 'given without vpc', `${prop} only with vpc`);
        }
      }
      return undefined;
    }
    validateOrganizationId(NAME, props.endpointPolicyOrganizationId);
    const vpc = props.vpc;
    if (props.s3Endpoint) {
      checkS3GatewayEndpoint(NAME, 's3Endpoint', props.s3Endpoint);
    }
    const s3Endpoint = props.s3Endpoint ?? findS3GatewayEndpoint(vpc);
    if (s3Endpoint) {
      checkCodeArtifactRegion(this, NAME, 's3Endpoint');
      S3EndpointPolicy.of(s3Endpoint).allowCodeArtifactAssets();
    } else if (needsAssets) {
      invalid(NAME, 's3Endpoint', `vpc '${vpc.node.path}' has no S3 gateway endpoint defined in this app, and ${this.formats.filter((f) => FORMATS[f].assetsFromS3).join(' and ')} ` +
        'packages are downloaded from CodeArtifact\'s assets bucket in S3',
      "an S3 gateway endpoint on the route tables of vpcSubnets, e.g. vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }), given as s3Endpoint");
    }
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'CodeArtifact interface endpoints: HTTPS from the VPC',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC to CodeArtifact');
    const policy = principalScopedEndpointStatement(Stack.of(this).account, props.endpointPolicyOrganizationId);
    const endpoint = (service: StudioEndpointService) => {
      const created = new ec2.InterfaceVpcEndpoint(this, `${service.id}Endpoint`, {
        vpc,
        service: service.service,
        subnets: props.vpcSubnets,
        securityGroups: [securityGroup],
        privateDnsEnabled: true,
        open: false,
      });
      created.addToPolicy(policy);
      return created;
    };
    return { api: endpoint(StudioEndpointService.CODEARTIFACT_API), repositories: endpoint(StudioEndpointService.CODEARTIFACT_REPOSITORIES) };
  }

  /**
   * Adds the statements to the principal's policy, and acknowledges their unavoidable
   * wildcards (by statement id) on the policy they went to, with the reason given.
   */
  private grantStatements(grantee: iam.IGrantable, statements: iam.PolicyStatement[], reasons: Record<string, string>): iam.Grant {
    const grants = statements.map((statement) => iam.Grant.addToPrincipal({
      grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }));
    // Grant.addToPrincipal drops the Sid: set it on the statements it added.
    grants.forEach((grant, index) => grant.principalStatements.forEach((added) => { added.sid = statements[index].sid; }));
    for (const grant of grants) {
      for (const statement of grant.principalStatements) {
        const reason = statement.sid && reasons[statement.sid];
        if (reason) {
          acknowledgeOnPolicyOf(grantee, statement, reason);
        }
      }
    }
    return grants.reduce((all, grant) => all.combine(grant));
  }
}

/** Refuses unknown or repeated formats and an empty list. */
function validateFormats(formats: PackageFormat[]): PackageFormat[] {
  const known = Object.values(PackageFormat) as string[];
  if (formats.length === 0) {
    invalid(NAME, 'formats', 'empty', 'at least one of PackageFormat.PYPI, PackageFormat.NPM, PackageFormat.MAVEN');
  }
  for (const [index, format] of formats.entries()) {
    if (!known.includes(format)) {
      invalid(NAME, 'formats', `'${format}' is not a package format the mirror serves`, `PackageFormat.PYPI, PackageFormat.NPM or PackageFormat.MAVEN (${known.join(', ')})`);
    }
    if (formats.indexOf(format) !== index) {
      invalid(NAME, 'formats', `'${format}' is listed twice`, 'each format once');
    }
  }
  return [...formats];
}

function validateDomainName(name: string): void {
  if (!isUnresolved(name) && !DOMAIN_NAME.test(name)) {
    invalid(NAME, 'domainName', `'${name}' is not a CodeArtifact domain name`,
      '2 to 50 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit');
  }
}

function validateRepositoryName(name: string): void {
  if (isUnresolved(name)) {
    return;
  }
  if (!REPOSITORY_NAME.test(name)) {
    invalid(NAME, 'repositoryName', `'${name}' is not a CodeArtifact repository name`,
      "2 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit");
  }
  const stores = Object.values(FORMATS).map((format) => format.store);
  if (stores.includes(name)) {
    invalid(NAME, 'repositoryName', `'${name}' is the name of an upstream repository`, `a name other than ${stores.join(', ')}`);
  }
}

/** A domain name from the construct path: lower case, hyphens, at most 50 characters, starting with a letter. */
function defaultDomainName(scope: Construct): string {
  const unique = Names.uniqueResourceName(scope, { maxLength: 48, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase();
  const name = /^[a-z]/.test(unique) ? unique : `m-${unique}`;
  return name.replace(/-+$/, '').slice(0, 50);
}

/** A stable construct id for a pattern (the pattern is the package group's identifier). */
function patternId(pattern: string): string {
  return createHash('sha256').update(pattern).digest('hex').slice(0, 10).toUpperCase();
}

/** Refuses a login script that could exceed SageMaker's limit on lifecycle configuration content. */
function validateLoginScriptLength(values: PackageMirrorLoginValues): void {
  const length = lifecycleContentLength(packageMirrorLoginScript(values));
  if (length > STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS) {
    invalid(NAME, 'loginScript', `the login script can reach ${length} characters in base64`,
      `at most ${STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS} (SageMaker's limit on lifecycle configuration content)`);
  }
}

/** The S3 gateway endpoint defined on the VPC in this app, if any (an imported VPC has none we can see). */
function findS3GatewayEndpoint(vpc: ec2.IVpc): ec2.GatewayVpcEndpoint | undefined {
  return vpc.node.findAll().find((child): child is ec2.GatewayVpcEndpoint =>
    child instanceof ec2.GatewayVpcEndpoint && gatewayEndpointService(child) === 's3');
}
