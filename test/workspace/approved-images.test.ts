import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { StudioAppType, StudioDomain, StudioDomainProps } from '../../src/studio/studio-domain';
import { StudioImageCatalog } from '../../src/workspace/approved-images';
import { agnosticStack, concreteStack } from '../helpers/stacks';

const ACCOUNT_A = '123456789012';
const ACCOUNT_B = '210987654321';

function domainIn(stack: Stack, props: Partial<StudioDomainProps> = {}): StudioDomain {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0example',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
  });
  const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0example');
  const defaultExecutionRole = new iam.Role(stack, 'DefaultRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return new StudioDomain(stack, 'Domain', { vpc, securityGroups: [securityGroup], defaultExecutionRole, ...props });
}

function build(props: Partial<StudioDomainProps> = {}) {
  const stack = agnosticStack();
  const domain = domainIn(stack, props);
  const catalog = new StudioImageCatalog(stack, 'Images', { domain });
  return { stack, domain, catalog };
}

const userSettings = (template: Template) => Object.values<any>(template.findResources('AWS::SageMaker::Domain'))[0].Properties;

describe('the catalog\'s repository', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);

  test('scans on push, has immutable tags and is encrypted with a customer-managed key', () => {
    template.resourceCountIs('AWS::ECR::Repository', 1);
    template.hasResourceProperties('AWS::ECR::Repository', {
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesEncryptionKey'), 'Arn'] } },
    });
  });

  test('is retained with its key, which rotates and serves ECR of this account only', () => {
    template.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowEcrOfThisAccount',
            Condition: { StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, 'kms:ViaService': { 'Fn::Join': ['', ['ecr.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          })]),
        },
      },
    });
  });

  test('an imported repository is used as it is: no repository and no key created', () => {
    const importing = agnosticStack();
    const repository = ecr.Repository.fromRepositoryName(importing, 'Pipeline', 'images/studio');
    const catalog = new StudioImageCatalog(importing, 'Images', { repository });
    catalog.addImage('base', { tag: '1.0' });
    const imported = Template.fromStack(importing);
    imported.resourceCountIs('AWS::ECR::Repository', 0);
    imported.resourceCountIs('AWS::KMS::Key', 0);
    expect(catalog.encryptionKey).toBeUndefined();
    imported.hasResourceProperties('AWS::SageMaker::ImageVersion', {
      BaseImage: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/images/studio:1.0$')])] },
    });
  });

  test('a key of your own encrypts the new repository', () => {
    const owning = agnosticStack();
    const encryptionKey = new kms.Key(owning, 'MyKey', { enableKeyRotation: true });
    new StudioImageCatalog(owning, 'Images', { encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    const own = Template.fromStack(owning);
    own.resourceCountIs('AWS::KMS::Key', 1);
    own.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Delete',
      Properties: { EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } },
    });
  });
});

describe('an image', () => {
  const { stack, catalog } = build();
  const offered = catalog.addImage('fraud-pytorch.gpu', {
    tag: '2024.06.1', appTypes: [StudioAppType.JUPYTER_LAB, StudioAppType.CODE_EDITOR], displayName: 'Fraud PyTorch (GPU)',
  });
  const template = Template.fromStack(stack);

  test('is a SageMaker image with the catalog\'s role', () => {
    template.resourceCountIs('AWS::SageMaker::Image', 1);
    template.hasResourceProperties('AWS::SageMaker::Image', {
      ImageName: 'fraud-pytorch.gpu',
      ImageDisplayName: 'Fraud PyTorch (GPU)',
      ImageRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesImageRole'), 'Arn'] },
    });
  });

  test('has one version, the tagged image of the repository, created after the image and the role\'s policy', () => {
    template.resourceCountIs('AWS::SageMaker::ImageVersion', 1);
    const [version] = Object.values<any>(template.findResources('AWS::SageMaker::ImageVersion'));
    expect(version.Properties.ImageName).toBe('fraud-pytorch.gpu');
    expect(JSON.stringify(version.Properties.BaseImage)).toMatch(/\.dkr\.ecr\.".*ImagesRepository.*:2024\.06\.1"/);
    expect(version.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ImagesfraudpytorchgpuImage/), expect.stringMatching(/^ImagesImageRolePolicy/),
    ]));
  });

  test('has an app image config per app type, named after the image', () => {
    template.resourceCountIs('AWS::SageMaker::AppImageConfig', 2);
    template.hasResourceProperties('AWS::SageMaker::AppImageConfig', {
      AppImageConfigName: 'fraud-pytorch-gpu-jupyterlab', JupyterLabAppImageConfig: {}, CodeEditorAppImageConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::SageMaker::AppImageConfig', {
      AppImageConfigName: 'fraud-pytorch-gpu-codeeditor', CodeEditorAppImageConfig: {}, JupyterLabAppImageConfig: Match.absent(),
    });
    expect(offered.map((image) => image.appType)).toEqual([StudioAppType.JUPYTER_LAB, StudioAppType.CODE_EDITOR]);
  });

  test('is offered to users in both apps and to shared spaces in JupyterLab, at its version', () => {
    const customImage = (app: string) => [{
      ImageName: 'fraud-pytorch.gpu',
      AppImageConfigName: { Ref: Match.stringLikeRegexp(`^Imagesfraudpytorchgpu${app}Config`) },
      ImageVersionNumber: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesfraudpytorchgpuVersion'), 'Version'] },
    }];
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        JupyterLabAppSettings: { CustomImages: customImage('JupyterLab') },
        CodeEditorAppSettings: { CustomImages: customImage('CodeEditor') },
      },
      DefaultSpaceSettings: { JupyterLabAppSettings: { CustomImages: customImage('JupyterLab') } },
    });
  });

  test('is read by a role only SageMaker of this account assumes, which may pull from the approved repositories only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'sagemaker.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }],
      },
      Description: Match.stringLikeRegexp('approved Studio images'),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ImagesImageRole') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'PullApprovedImages',
            Effect: 'Allow',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesRepository'), 'Arn'] },
          },
          { Sid: 'LogInToEcr', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      },
    });
    template.resourcePropertiesCountIs('AWS::IAM::Policy', {}, 0);
  });
});

describe('without images or Docker, the domain is as before', () => {
  test('no CustomImages, and Docker access DISABLED', () => {
    const stack = agnosticStack();
    domainIn(stack);
    const properties = userSettings(Template.fromStack(stack));
    expect(properties.DefaultUserSettings.JupyterLabAppSettings.CustomImages).toBeUndefined();
    expect(properties.DefaultUserSettings.CodeEditorAppSettings.CustomImages).toBeUndefined();
    expect(properties.DefaultSpaceSettings.JupyterLabAppSettings.CustomImages).toBeUndefined();
    expect(properties.DomainSettings.DockerSettings).toEqual({ EnableDockerAccess: 'DISABLED' });
  });
});

describe('Docker access', () => {
  test('opted in: ENABLED, trusting only the given accounts', () => {
    const stack = agnosticStack();
    domainIn(stack, { dockerAccess: { trustedAccounts: [ACCOUNT_A, ACCOUNT_B] } });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Domain', {
      DomainSettings: { DockerSettings: { EnableDockerAccess: 'ENABLED', VpcOnlyTrustedAccounts: [ACCOUNT_A, ACCOUNT_B] } },
    });
  });

  test('opted in without trusted accounts: no VpcOnlyTrustedAccounts', () => {
    const stack = agnosticStack();
    domainIn(stack, { dockerAccess: {} });
    expect(userSettings(Template.fromStack(stack)).DomainSettings.DockerSettings).toEqual({ EnableDockerAccess: 'ENABLED' });
  });
});

describe('personas', () => {
  const { stack, catalog } = build();
  const persona = new iam.Role(stack, 'Persona', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  catalog.grantPull(persona);
  catalog.restrictPulls(persona);
  const other = ecr.Repository.fromRepositoryName(stack, 'Other', 'team/other');
  catalog.addImage('late', { tag: 'v1', repository: other });
  const template = Template.fromStack(stack);
  const repositoryArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesRepository'), 'Arn'] };

  test('may pull the approved repositories, those approved later included', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Persona') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            Resource: [repositoryArn, Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':repository/team/other'])] })],
          }),
          Match.objectLike({ Sid: 'LogInToEcrForStudioImages', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test('are denied pulls from every other repository of the account', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'DenyImagePullsOutsideApprovedRepositories',
          Effect: 'Deny',
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          NotResource: [repositoryArn, Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':repository/team/other'])] })],
          Condition: { StringEqualsIfExists: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
        }]),
      },
    });
  });

  test('the catalog lists what it approved and what it offers', () => {
    expect(catalog.approvedRepositories).toEqual([catalog.repository, other]);
    expect(catalog.customImages.map((image) => image.imageName)).toEqual(['late']);
  });
});

describe('bad input', () => {
  test.each([
    ['-starts-with-hyphen', "StudioImageCatalog addImage: '-starts-with-hyphen' is not allowed; a SageMaker image name"],
    ['two..dots', "StudioImageCatalog addImage: 'two..dots' is not allowed"],
    ['under_score', "StudioImageCatalog addImage: 'under_score' is not allowed"],
    [`a${'-b'.repeat(40)}`, 'has 81 characters; at most 63'],
  ])('image name %s', (name, message) => {
    const { catalog } = build();
    expect(() => catalog.addImage(name, { tag: 'v1' })).toThrow(message);
  });

  test('an app image config name past 63 characters (the image name and its suffix)', () => {
    const { catalog } = build();
    expect(() => catalog.addImage('x'.repeat(60), { tag: 'v1' }))
      .toThrow(`StudioImageCatalog addImage: '${'x'.repeat(60)}-jupyterlab' has 71 characters; at most 63`);
  });

  test('a name used twice', () => {
    const { catalog } = build();
    catalog.addImage('base', { tag: 'v1' });
    expect(() => catalog.addImage('base', { tag: 'v2' })).toThrow("StudioImageCatalog addImage: an image named 'base' exists already; a unique name");
  });

  test.each(['-v1', '.v1', 'v1:latest', 'x'.repeat(129)])('tag %s', (tag) => {
    const { catalog } = build();
    expect(() => catalog.addImage('base', { tag })).toThrow(/^StudioImageCatalog addImage: '.*' is not allowed; an image tag/);
  });

  test('no app type, or one twice', () => {
    const { catalog } = build();
    expect(() => catalog.addImage('a', { tag: 'v1', appTypes: [] })).toThrow('each of JupyterLab and CodeEditor at most once, at least one');
    expect(() => catalog.addImage('b', { tag: 'v1', appTypes: [StudioAppType.CODE_EDITOR, StudioAppType.CODE_EDITOR] }))
      .toThrow("StudioImageCatalog addImage: image 'b' has app types [CodeEditor, CodeEditor]");
  });

  test('a display name with white space at an end', () => {
    const { catalog } = build();
    expect(() => catalog.addImage('a', { tag: 'v1', displayName: ' Base' })).toThrow("StudioImageCatalog addImage: ' Base' is not allowed");
  });

  test('new-repository props with a repository of your own', () => {
    const stack = agnosticStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Pipeline', 'images');
    expect(() => new StudioImageCatalog(stack, 'Images', { repository, repositoryName: 'x' }))
      .toThrow('StudioImageCatalog repositoryName: set together with repository; repositoryName only for a new repository, without repository');
  });

  test('a repository of another account', () => {
    const stack = concreteStack();
    const catalog = new StudioImageCatalog(stack, 'Images');
    const foreign = ecr.Repository.fromRepositoryArn(stack, 'Foreign', 'arn:aws:ecr:eu-west-1:999988887777:repository/images');
    expect(() => catalog.addImage('base', { tag: 'v1', repository: foreign }))
      .toThrow("StudioImageCatalog repository: repository 'Test/Foreign' belongs to account 999988887777; a repository of this account (111111111111)");
    const own = ecr.Repository.fromRepositoryArn(stack, 'Own', 'arn:aws:ecr:eu-west-1:111111111111:repository/images');
    expect(() => catalog.addImage('other', { tag: 'v1', repository: own })).not.toThrow();
  });

  test('more custom images per app type than the domain takes', () => {
    const stack = agnosticStack();
    const domain = domainIn(stack);
    for (let i = 0; i < 200; i++) {
      domain.addCustomImage({ imageName: `image-${i}`, appImageConfigName: `config-${i}`, appType: StudioAppType.CODE_EDITOR });
    }
    expect(() => domain.addCustomImage({ imageName: 'one-more', appImageConfigName: 'one-more', appType: StudioAppType.CODE_EDITOR }))
      .toThrow("StudioDomain addCustomImage: 'one-more' would be custom image 201 of CodeEditor; at most 200 custom images per app type");
    expect(() => domain.addCustomImage({ imageName: 'image-0', appImageConfigName: 'config-0', appType: StudioAppType.JUPYTER_LAB })).not.toThrow();
  });

  test('an image offered twice in one app type, or with a bad config name', () => {
    const stack = agnosticStack();
    const domain = domainIn(stack);
    domain.addCustomImage({ imageName: 'base', appImageConfigName: 'base', appType: StudioAppType.JUPYTER_LAB });
    expect(() => domain.addCustomImage({ imageName: 'base', appImageConfigName: 'other', appType: StudioAppType.JUPYTER_LAB }))
      .toThrow("StudioDomain addCustomImage: image 'base' is offered in JupyterLab already; each image once per app type");
    expect(() => domain.addCustomImage({ imageName: 'x', appImageConfigName: 'has.dot', appType: StudioAppType.JUPYTER_LAB }))
      .toThrow("StudioDomain addCustomImage: 'has.dot' is not allowed; an app image config name");
    expect(() => domain.addCustomImage({ imageName: 'y', appImageConfigName: 'y', appType: StudioAppType.JUPYTER_LAB, imageVersionNumber: -1 }))
      .toThrow('StudioDomain addCustomImage: -1 is out of range');
  });

  test.each([
    [['12345678901'], "StudioDomain dockerAccess: '12345678901' is not allowed; AWS account ids of 12 digits"],
    [['1234567890ab'], "'1234567890ab' is not allowed"],
    [[ACCOUNT_A, ACCOUNT_A], `StudioDomain dockerAccess: '${ACCOUNT_A}' is listed twice`],
    [Array.from({ length: 21 }, (_, i) => String(100000000000 + i)), 'StudioDomain dockerAccess: 21 accounts given; at most 20'],
  ])('trusted accounts %j', (trustedAccounts, message) => {
    expect(() => domainIn(agnosticStack(), { dockerAccess: { trustedAccounts } })).toThrow(message);
  });

  test('tokens are not checked', () => {
    const stack = agnosticStack();
    expect(() => domainIn(stack, { dockerAccess: { trustedAccounts: [Stack.of(stack).account] } })).not.toThrow();
  });
});
