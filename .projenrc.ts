import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-secure-studio',
  description: 'Composable, tested AWS CDK constructs for a secure, VPC-only Amazon SageMaker Studio environment.',
  author: 'cdk-secure-studio maintainers',
  authorAddress: 'maintainers@cdksecurestudio.invalid',
  authorOrganization: true,
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/cdksecurestudio/cdk-secure-studio.git',
  keywords: ['cdk', 'sagemaker', 'sagemaker-studio', 'security', 'vpc', 'network-firewall', 'compliance'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,

  // Floor of the peer range: the first aws-cdk-lib whose Validations.acknowledge accepts
  // cdk-nag v3 finding ids that contain '::' (docs/decisions/001-aws-cdk-lib-floor.md).
  // Tests run against exactly this version so that the floor is what is proven.
  cdkVersion: '2.270.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.16',
  devDeps: [
    'cdk-nag@3.0.2',
    'typescript@~6.0.0',
    '@types/node@^20',
  ],

  publishToPypi: {
    distName: 'cdk-secure-studio',
    module: 'cdk_secure_studio',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdksecurestudio',
    mavenGroupId: 'io.github.cdksecurestudio',
    mavenArtifactId: 'cdk-secure-studio',
  },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
    },
  },
  gitignore: ['cdk.out/', '.venv/'],
});

// projen's test tsconfig sets isolatedModules, so ts-jest transpiles tests without
// type-checking them; type-check the tests (and examples) explicitly.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

project.synth();
