import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  PackageFormat, PackageIntake, PersonaRoles, SecureStudioVpc, StudioDomain, StudioPackageMirror, StudioPackageMirrorProps,
} from '../../src';
import { packageMirrorLoginScript } from '../../src/private/package-mirror-script';
import { concretize } from '../helpers/iam-simulation';
import { nagErrors } from '../helpers/nag';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const S3_LIST = 'pl-6da54004';

function network(stack: Stack): SecureStudioVpc {
  return new SecureStudioVpc(stack, 'Network', { s3PrefixList: ec2.PrefixList.fromPrefixListId(stack, 'S3List', S3_LIST) });
}

function build(props: Partial<StudioPackageMirrorProps> = {}, stack: Stack = agnosticStack()) {
  const net = network(stack);
  const mirror = new StudioPackageMirror(stack, 'Mirror', { network: net, domainName: 'mirror', ...props });
  return { stack, net, mirror, template: () => Template.fromStack(stack) };
}

const getAtt = (prefix: string, attribute: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), attribute] });
const STORE = getAtt('MirrorPypiUpstream', 'Name');

function packageGroup(template: Template, pattern: string): any {
  const groups = Object.values(template.findResources('AWS::CodeArtifact::PackageGroup', { Properties: { Pattern: pattern } }));
  expect(groups).toHaveLength(1);
  return (groups[0] as any).Properties;
}

describe('the default mirror', () => {
  const { mirror, template: synth } = build();
  const template = synth();

  test('a CodeArtifact domain encrypted with a new customer-managed key, rotated, both retained', () => {
    template.hasResource('AWS::CodeArtifact::Domain', {
      Properties: { DomainName: 'mirror', EncryptionKey: getAtt('MirrorEncryptionKey', 'Arn') },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('CodeArtifact domain') },
      DeletionPolicy: 'Retain',
    });
  });

  test('the key is usable through CodeArtifact by this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('CodeArtifact domain'),
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCodeArtifactOfThisAccount',
          Condition: {
            StringEquals: {
              'kms:CallerAccount': { Ref: 'AWS::AccountId' },
              'kms:ViaService': { 'Fn::Join': ['', ['codeartifact.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
            },
          },
        })]),
      },
    });
  });

  test('an upstream repository connected to public PyPI, and the repository users install from on top of it', () => {
    template.resourceCountIs('AWS::CodeArtifact::Repository', 2);
    template.hasResource('AWS::CodeArtifact::Repository', {
      Properties: { RepositoryName: 'pypi-store', DomainName: getAtt('MirrorDomain', 'Name'), ExternalConnections: ['public:pypi'], Upstreams: Match.absent() },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::CodeArtifact::Repository', {
      Properties: { RepositoryName: 'studio', DomainName: getAtt('MirrorDomain', 'Name'), Upstreams: [STORE], ExternalConnections: Match.absent() },
      DeletionPolicy: 'Retain',
    });
  });

  test('one package group for PyPI: fetched only into pypi-store, kept only in studio, publishing blocked', () => {
    template.resourceCountIs('AWS::CodeArtifact::PackageGroup', 1);
    expect(packageGroup(template, '/pypi/*')).toEqual(expect.objectContaining({
      OriginConfiguration: {
        Restrictions: {
          ExternalUpstream: { RestrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', Repositories: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^MirrorPypiUpstream/), 'Name'] })] },
          InternalUpstream: { RestrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', Repositories: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^MirrorRepository/), 'Name'] })] },
          Publish: { RestrictionMode: 'BLOCK' },
        },
      },
    }));
  });

  test('CodeArtifact API and repositories endpoints in the network, with private DNS and the account-scoped policy', () => {
    for (const service of ['codeartifact.api', 'codeartifact.repositories']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: Match.anyValue(),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Sid: 'AllowPrincipalsOfThisAccount',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
          }],
        },
      });
    }
    expect(mirror.apiEndpoint).toBeDefined();
    expect(mirror.repositoriesEndpoint).toBeDefined();
  });

  test('STS stays, for sts:GetServiceBearerToken', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.sts']] },
      PrivateDnsEnabled: true,
    });
  });

  test("the S3 endpoint admits CodeArtifact's assets bucket of the region, read only, from the user guide's table", () => {
    const [endpoint] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } })) as any[];
    expect(endpoint.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'AllowCodeArtifactAssetsOfThisRegion',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::',
          { 'Fn::FindInMap': ['CodeArtifactAssetsBuckets', { Ref: 'AWS::Region' }, 'bucket'] }, '/*']],
      },
    });
    const mapping = template.toJSON().Mappings.CodeArtifactAssetsBuckets;
    expect(mapping['us-east-1']).toEqual({ bucket: 'assets-193858265520-us-east-1' });
    expect(mapping['eu-west-1']).toEqual({ bucket: 'assets-438097961670-eu-west-1' });
    expect(Object.keys(mapping)).toHaveLength(13);
  });

  test('how jobs and tools find the mirror', () => {
    const stack = Stack.of(mirror);
    expect(stack.resolve(mirror.jobEnvironment)).toEqual({
      CA_REPOSITORY_ARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codeartifact:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/mirror/studio']] },
    });
    expect(stack.resolve(mirror.pipIndexUrl)).toEqual({
      'Fn::Join': ['', [
        'https://mirror-', { Ref: 'AWS::AccountId' }, '.d.codeartifact.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/pypi/studio/simple/',
      ]],
    });
    expect(stack.resolve(mirror.pipLoginCommand)).toEqual({
      'Fn::Join': ['', [
        'aws codeartifact login --tool pip --domain mirror --domain-owner ', { Ref: 'AWS::AccountId' }, ' --repository studio --region ', { Ref: 'AWS::Region' },
      ]],
    });
  });

  test('passes the four cdk-nag packs', () => {
    expect(nagErrors(Stack.of(mirror))).toEqual([]);
  });
});

describe('in a stack with a known region', () => {
  test('the assets bucket is named literally', () => {
    const { template } = build({}, concreteStack());
    const [endpoint] = Object.values(template().findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } })) as any[];
    const statement = endpoint.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'AllowCodeArtifactAssetsOfThisRegion');
    expect(statement.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::assets-438097961670-eu-west-1/*']] });
    expect(template().toJSON().Mappings).toBeUndefined();
  });

  test('a region the table does not hold is refused at synth', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'ca-central-1' } });
    expect(() => build({}, stack)).toThrow('StudioPackageMirror network: the stack deploys to ca-central-1, whose CodeArtifact assets bucket ' +
      '(for the S3 endpoint policy) is not known; a stack in a region whose CodeArtifact assets bucket is known (us-east-1, us-east-2, ');
  });
});

describe('DNS', () => {
  /** DNS Firewall matching as decision 005 relies on: `*.example.com` matches every name below example.com. */
  const allowed = (specifications: string[], name: string) => specifications.some((spec) =>
    spec.startsWith('*.') ? name.endsWith(spec.slice(1)) : name === spec);

  test("the network's DNS Firewall already resolves the CodeArtifact names: no allow-list entry is added", () => {
    const { template } = build({}, concreteStack());
    const lists = Object.values(template().findResources('AWS::Route53Resolver::FirewallDomainList')) as any[];
    const allowList = concretize(lists.find((list) => String(list.Properties.Name).endsWith('-allowed')).Properties.Domains) as string[];
    expect(allowList).toContain('*.eu-west-1.amazonaws.com');
    for (const name of ['codeartifact.eu-west-1.amazonaws.com', 'mirror-111111111111.d.codeartifact.eu-west-1.amazonaws.com']) {
      expect([name, allowed(allowList, name)]).toEqual([name, true]);
    }
    expect(allowList.filter((spec) => spec.includes('codeartifact'))).toEqual([]);
  });
});

describe('formats, intake and package groups', () => {
  test('npm and Maven add an upstream each, in order, with their public registries and package groups', () => {
    const { template } = build({ formats: [PackageFormat.PYPI, PackageFormat.NPM, PackageFormat.MAVEN] });
    const t = template();
    for (const [name, connection] of [['pypi-store', 'public:pypi'], ['npm-store', 'public:npmjs'], ['maven-central-store', 'public:maven-central']]) {
      t.hasResourceProperties('AWS::CodeArtifact::Repository', { RepositoryName: name, ExternalConnections: [connection] });
    }
    t.hasResourceProperties('AWS::CodeArtifact::Repository', {
      RepositoryName: 'studio',
      Upstreams: [STORE, getAtt('MirrorNpmUpstream', 'Name'), getAtt('MirrorMavenUpstream', 'Name')],
    });
    for (const [pattern, store] of [['/npm/*', 'MirrorNpmUpstream'], ['/maven/*', 'MirrorMavenUpstream']]) {
      expect(packageGroup(t, pattern).OriginConfiguration.Restrictions.ExternalUpstream.Repositories[0]['Fn::GetAtt'][0]).toMatch(new RegExp(`^${store}`));
    }
  });

  test('APPROVED_ONLY blocks fetching for the format and opens it for each approved pattern only', () => {
    const { template } = build({ intake: PackageIntake.APPROVED_ONLY, approvedPackages: ['/pypi//pandas$', '/pypi//scikit-~'] });
    const t = template();
    expect(packageGroup(t, '/pypi/*').OriginConfiguration.Restrictions.ExternalUpstream).toEqual({ RestrictionMode: 'BLOCK' });
    for (const pattern of ['/pypi//pandas$', '/pypi//scikit-~']) {
      const group = packageGroup(t, pattern);
      expect(group.Description).toBe('Approved: fetched from public:pypi');
      expect(group.OriginConfiguration.Restrictions).toEqual({
        ExternalUpstream: { RestrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', Repositories: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^MirrorPypiUpstream/), 'Name'] })] },
        InternalUpstream: { RestrictionMode: 'INHERIT' },
        Publish: { RestrictionMode: 'INHERIT' },
      });
    }
  });

  test('blocked patterns block every way in', () => {
    const { template } = build({ blockedPackages: ['/pypi//requests-darwin-lite$', '/npm/evil-scope/*'] });
    for (const pattern of ['/pypi//requests-darwin-lite$', '/npm/evil-scope/*']) {
      expect(packageGroup(template(), pattern).OriginConfiguration.Restrictions).toEqual({
        ExternalUpstream: { RestrictionMode: 'BLOCK' }, InternalUpstream: { RestrictionMode: 'BLOCK' }, Publish: { RestrictionMode: 'BLOCK' },
      });
    }
  });

  test('a package group id follows its pattern, not its position', () => {
    const ids = (patterns: string[]) => Object.entries(build({ blockedPackages: patterns }).template().findResources('AWS::CodeArtifact::PackageGroup'))
      .filter(([, r]: [string, any]) => r.Properties.Pattern === '/pypi//a$').map(([id]) => id);
    expect(ids(['/pypi//a$', '/pypi//b$'])).toEqual(ids(['/pypi//b$', '/pypi//a$']));
  });
});

describe('permissions', () => {
  function withRole() {
    const built = build();
    const role = new iam.Role(built.stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    return { ...built, role };
  }

  test('grantRead: a token of this domain, the bearer token for CodeArtifact only, endpoint and read on the repository', () => {
    const { mirror, role, template } = withRole();
    mirror.grantRead(role);
    const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codeartifact:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Sid: Match.stringLikeRegexp('^PackageMirrorToken'), Effect: 'Allow', Action: 'codeartifact:GetAuthorizationToken', Resource: arn('domain/mirror') },
          { Sid: Match.stringLikeRegexp('^PackageMirrorRead'), Effect: 'Allow', Action: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'], Resource: arn('repository/mirror/studio') },
          {
            Sid: Match.stringLikeRegexp('^PackageMirrorBearerToken'),
            Effect: 'Allow',
            Action: 'sts:GetServiceBearerToken',
            Resource: '*',
            Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('grantRead to a persona role leaves the bearer token to its read-only policy (no wildcard in its grants)', () => {
    const { stack, mirror } = build();
    const personas = new PersonaRoles(stack, 'Personas', { team: 'fraud' });
    mirror.grantRead(personas.dataScientistRole);
    const template = Template.fromStack(stack);
    const grants = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Permissions granted') } })) as any[];
    expect(grants).toHaveLength(1);
    expect(grants[0].Properties.PolicyDocument.Statement.map((s: any) => s.Action)).not.toContainEqual('sts:GetServiceBearerToken');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Lists and describes'),
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'CodeArtifactBearerToken',
          Effect: 'Allow',
          Action: 'sts:GetServiceBearerToken',
          Resource: '*',
          Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
        }]),
      },
    });
    expect(nagErrors(stack)).toEqual([]);
  });

  test('grantPublish: publishing on the packages of the repository, and opens publishing to it in the package group', () => {
    const { mirror, role, template } = withRole();
    mirror.grantPublish(role);
    const t = template();
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: Match.stringLikeRegexp('^PackageMirrorPublish'),
          Effect: 'Allow',
          Action: ['codeartifact:PublishPackageVersion', 'codeartifact:PutPackageMetadata'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codeartifact:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':package/mirror/studio/*']] },
        }]),
      },
    });
    expect(packageGroup(t, '/pypi/*').OriginConfiguration.Restrictions.Publish).toEqual({
      RestrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', Repositories: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^MirrorRepository/), 'Name'] })],
    });
  });

  test('denyAdministration: explicit denies on the domain, its repositories, package groups and packages, and on new groups', () => {
    const { mirror, role, template } = withRole();
    mirror.denyAdministration(role);
    const policies = Object.values(template().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Role') }] } }));
    const statements = (policies[0] as any).Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Effect)).toEqual(['Deny', 'Deny', 'Deny']);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['codeartifact:Update*', 'codeartifact:Associate*', 'codeartifact:Disassociate*', 'codeartifact:Put*']));
    expect(statements[1].Action).toEqual(expect.arrayContaining(['codeartifact:PutPackageOriginConfiguration', 'codeartifact:CopyPackageVersions']));
    expect(statements[1].Action).not.toContain('codeartifact:PublishPackageVersion');
    expect(statements[2]).toEqual(expect.objectContaining({ Action: ['codeartifact:CreatePackageGroup', 'codeartifact:CreateRepository'], Resource: '*' }));
  });
});

describe('the Studio login', () => {
  test('configureDomain makes the login the built-in lifecycle configuration of JupyterLab and Code Editor, shared spaces included', () => {
    const stack = concreteStack();
    const { mirror, net } = build({}, stack);
    const domain = new StudioDomain(stack, 'Domain', { network: net, defaultExecutionRole: new iam.Role(stack, 'Default', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }) });
    mirror.configureDomain(domain);
    const template = Template.fromStack(stack);
    const script = packageMirrorLoginScript({ domain: 'mirror', owner: '111111111111', region: 'eu-west-1', urlSuffix: 'amazonaws.com', repository: 'studio', npm: false });
    for (const [appType, suffix] of [['JupyterLab', 'jupyterlab'], ['CodeEditor', 'codeeditor']]) {
      const configs = Object.values(template.findResources('AWS::SageMaker::StudioLifecycleConfig', {
        Properties: {
          StudioLifecycleConfigAppType: appType,
          StudioLifecycleConfigName: Match.stringLikeRegexp(`-pip-${suffix}$`),
        },
      })) as any[];
      expect(configs).toHaveLength(1);
      expect(concretize(configs[0].Properties.StudioLifecycleConfigContent)).toEqual({ 'Fn::Base64': script });
    }
    const jupyter = getAtt('DomainLifecycleConfig.*pipjupyterlab', 'StudioLifecycleConfigArn');
    const codeEditor = getAtt('DomainLifecycleConfig.*pipcodeeditor', 'StudioLifecycleConfigArn');
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: Match.objectLike({
        JupyterLabAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: jupyter, LifecycleConfigArns: [jupyter] }),
        CodeEditorAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: codeEditor, LifecycleConfigArns: [codeEditor] }),
      }),
      DefaultSpaceSettings: Match.objectLike({ JupyterLabAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: jupyter }) }),
    });
  });
});

describe('standalone in a VPC of your own', () => {
  function vpcWith(s3: boolean) {
    const stack = agnosticStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    if (s3) {
      vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    }
    return { stack, vpc };
  }

  test('creates both endpoints behind a security group for HTTPS from the VPC, and registers the assets bucket on its S3 endpoint', () => {
    const { stack, vpc } = vpcWith(true);
    new StudioPackageMirror(stack, 'Mirror', { vpc, domainName: 'mirror', formats: [PackageFormat.PYPI, PackageFormat.MAVEN] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'CodeArtifact interface endpoints: HTTPS from the VPC',
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, Description: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCodeArtifactAssetsOfThisRegion' })]) },
    });
  });

  test('refuses npm or Maven in a VPC without an S3 gateway endpoint', () => {
    const { stack, vpc } = vpcWith(false);
    expect(() => new StudioPackageMirror(stack, 'Mirror', { vpc, formats: [PackageFormat.PYPI, PackageFormat.NPM] })).toThrow(
      "StudioPackageMirror s3Endpoint: vpc 'Test/Vpc' has no S3 gateway endpoint defined in this app, and npm packages are downloaded " +
      "from CodeArtifact's assets bucket in S3; an S3 gateway endpoint on the route tables of vpcSubnets, e.g. " +
      "vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }), given as s3Endpoint");
  });

  test('accepts PyPI alone without one: CodeArtifact serves Python packages without S3', () => {
    const { stack, vpc } = vpcWith(false);
    new StudioPackageMirror(stack, 'Mirror', { vpc });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('without network or vpc, no endpoints; a key of your own is used as is', () => {
    const stack = agnosticStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777');
    const mirror = new StudioPackageMirror(stack, 'Mirror', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResource('AWS::CodeArtifact::Domain', {
      Properties: { EncryptionKey: 'arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777' },
      DeletionPolicy: 'Delete',
    });
    expect(mirror.apiEndpoint).toBeUndefined();
    expect(mirror.domainName).toMatch(/^[a-z][a-z0-9-]{0,48}[a-z0-9]$/);
  });
});

describe('bad input is refused at synth with the allowed form', () => {
  const DOMAIN_FORM = '2 to 50 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit';
  const REPOSITORY_FORM = "2 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit";
  const PATTERN_FORM = "a package group pattern: '/pypi//<name>$' for one package, '/pypi//<prefix>~' for names that start " +
    "with a prefix, '/npm/<scope>/*' for an npm scope, '/maven/<groupId>/<artifactId>$' for one Maven package";

  test.each<[string, Partial<StudioPackageMirrorProps>, string]>([
    ['an upper-case domain name', { domainName: 'Mirror' }, `StudioPackageMirror domainName: 'Mirror' is not a CodeArtifact domain name; ${DOMAIN_FORM}`],
    ['a domain name of 51 characters', { domainName: 'm'.repeat(51) }, `'${'m'.repeat(51)}' is not a CodeArtifact domain name`],
    ['a domain name starting with a digit', { domainName: '1mirror' }, "'1mirror' is not a CodeArtifact domain name"],
    ['a domain name ending with a hyphen', { domainName: 'mirror-' }, "'mirror-' is not a CodeArtifact domain name"],
    ['a one-character repository name', { repositoryName: 's' }, `StudioPackageMirror repositoryName: 's' is not a CodeArtifact repository name; ${REPOSITORY_FORM}`],
    ['a repository name with a slash', { repositoryName: 'team/studio' }, "'team/studio' is not a CodeArtifact repository name"],
    ['a repository name of 101 characters', { repositoryName: 'r'.repeat(101) }, 'is not a CodeArtifact repository name'],
    ['the name of an upstream', { repositoryName: 'pypi-store' }, "StudioPackageMirror repositoryName: 'pypi-store' is the name of an upstream repository; a name other than pypi-store, npm-store, maven-central-store"],
    ['an unknown format', { formats: ['conda' as PackageFormat] }, "StudioPackageMirror formats: 'conda' is not a package format the mirror serves; PackageFormat.PYPI, PackageFormat.NPM or PackageFormat.MAVEN (pypi, npm, maven)"],
    ['a format twice', { formats: [PackageFormat.PYPI, PackageFormat.PYPI] }, "StudioPackageMirror formats: 'pypi' is listed twice; each format once"],
    ['no format', { formats: [] }, 'StudioPackageMirror formats: empty; at least one of PackageFormat.PYPI, PackageFormat.NPM, PackageFormat.MAVEN'],
    ['approved packages without APPROVED_ONLY', { approvedPackages: ['/pypi//pandas$'] },
      'StudioPackageMirror approvedPackages: given with intake ON_DEMAND, where every package is fetched on request; approvedPackages only with intake: PackageIntake.APPROVED_ONLY'],
    ['an approved pattern of a format not served', { intake: PackageIntake.APPROVED_ONLY, approvedPackages: ['/npm//left-pad$'] },
      "StudioPackageMirror approvedPackages: '/npm//left-pad$' is a npm pattern but the mirror serves pypi; patterns of the mirror's formats, or add PackageFormat.NPM to formats"],
    ['a pattern both approved and blocked', { intake: PackageIntake.APPROVED_ONLY, approvedPackages: ['/pypi//pandas$'], blockedPackages: ['/pypi//pandas$'] },
      "StudioPackageMirror approvedPackages: '/pypi//pandas$' is also in blockedPackages; each pattern in one list only"],
    ['a blocked pattern twice', { blockedPackages: ['/pypi//evil$', '/pypi//evil$'] }, "StudioPackageMirror blockedPackages: pattern '/pypi//evil$' is listed twice; each pattern once"],
    ['the root group', { blockedPackages: ['/*'] }, "StudioPackageMirror blockedPackages: '/*' is the group of every package, which the domain or the construct configures"],
    ['a whole format', { blockedPackages: ['/pypi/*'] }, "StudioPackageMirror blockedPackages: '/pypi/*' is the group of every pypi package, which the domain or the construct configures"],
    ['a pattern without a suffix', { blockedPackages: ['/pypi//numpy'] },
      `StudioPackageMirror blockedPackages: '/pypi//numpy' does not end with a suffix: '$' (one package), '~' (a prefix) or '/*' (every value); ${PATTERN_FORM}`],
    ['a pattern without the leading slash', { blockedPackages: ['pypi//numpy$'] }, "'pypi//numpy$' does not start with '/'"],
    ['a Python package with a namespace', { blockedPackages: ['/pypi/numpy$'] }, "'/pypi/numpy$' has a '$' that does not end a full package coordinate"],
    ['a Python namespace', { blockedPackages: ['/pypi/ns/numpy$'] }, "'/pypi/ns/numpy$' gives pypi packages a namespace ('ns'); they have none, so the namespace stays blank: '/pypi//<name>'"],
    ['a Python name that is not normalized', { blockedPackages: ['/pypi//Numpy_Financial$'] },
      "'/pypi//Numpy_Financial$' has the Python name 'Numpy_Financial', which CodeArtifact stores normalized as 'numpy-financial' (and matches only so)"],
    ['an unknown format in a pattern', { blockedPackages: ['/conda//numpy$'] }, "'/conda//numpy$' names format 'conda', which CodeArtifact does not know"],
    ['white space in a pattern', { blockedPackages: ['/pypi//num py$'] }, "'/pypi//num py$' holds white space or a control character"],
    ['a Maven package without groupId', { blockedPackages: ['/maven//log4j-core$'] }, "'/maven//log4j-core$' names a maven package without a namespace (groupId)"],
    ['a star after a name', { blockedPackages: ['/npm/scope/name/*'] }, "'/npm/scope/name/*' has a '/*' after a package name"],
    ['a pattern of 521 characters', { blockedPackages: [`/pypi//${'a'.repeat(513)}$`] }, 'has 521 characters, not 2 to 520'],
  ])('refuses %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('refuses network together with vpc, and vpc options without vpc', () => {
    const stack = agnosticStack();
    const net = network(stack);
    expect(() => new StudioPackageMirror(stack, 'Both', { network: net, vpc: net.vpc })).toThrow(
      'StudioPackageMirror vpc: set together with network; either network, or vpc with vpc');
    expect(() => new StudioPackageMirror(stack, 'Subnets', { vpcSubnets: { subnetGroupName: 'Studio' } })).toThrow(
      'StudioPackageMirror vpcSubnets: given without vpc; vpcSubnets only with vpc');
  });

  test('accepts every documented pattern form', () => {
    expect(() => build({
      formats: [PackageFormat.PYPI, PackageFormat.NPM, PackageFormat.MAVEN],
      blockedPackages: ['/maven/com.anycompany~', '/npm/space/*', '/npm/space/anycompany-ui~', '/maven/org.apache.logging.log4j/log4j-core$', '/npm//react$', '/pypi//*'],
    })).not.toThrow();
  });
});

describe('tuning a mirror after construction (e.g. SecureStudio\'s)', () => {
  test('requireApproval blocks fetching; addApprovedPackages and addBlockedPackages add package groups', () => {
    const { mirror, template } = build();
    expect(mirror.intake).toBe(PackageIntake.ON_DEMAND);
    expect(() => mirror.addApprovedPackages('/pypi//pandas$')).toThrow(
      "StudioPackageMirror approvedPackages: '/pypi//pandas$' approved with intake ON_DEMAND, where every package is fetched on request; " +
      'approved packages only with intake: PackageIntake.APPROVED_ONLY (or after requireApproval())');
    mirror.requireApproval();
    mirror.addApprovedPackages('/pypi//pandas$');
    mirror.addBlockedPackages('/pypi//requests-darwin-lite$');
    expect(mirror.intake).toBe(PackageIntake.APPROVED_ONLY);
    const t = template();
    expect(packageGroup(t, '/pypi/*').OriginConfiguration.Restrictions.ExternalUpstream).toEqual({ RestrictionMode: 'BLOCK' });
    expect(packageGroup(t, '/pypi//pandas$').OriginConfiguration.Restrictions.ExternalUpstream.RestrictionMode).toBe('ALLOW_SPECIFIC_REPOSITORIES');
    expect(packageGroup(t, '/pypi//requests-darwin-lite$').OriginConfiguration.Restrictions.Publish).toEqual({ RestrictionMode: 'BLOCK' });
  });

  test('refuses a pattern approved and then blocked, or approved twice', () => {
    const { mirror } = build({ intake: PackageIntake.APPROVED_ONLY });
    mirror.addApprovedPackages('/pypi//pandas$');
    expect(() => mirror.addBlockedPackages('/pypi//pandas$')).toThrow(
      "StudioPackageMirror blockedPackages: '/pypi//pandas$' is also approved; each pattern in one list only");
    expect(() => mirror.addApprovedPackages('/pypi//pandas$')).toThrow(
      "StudioPackageMirror approvedPackages: pattern '/pypi//pandas$' is listed twice; each pattern once");
  });
});
