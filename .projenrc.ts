import { awscdk, javascript, JsonFile } from 'projen';

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

  // Floor of the peer range: the first aws-cdk-lib that hands the construct tree to
  // validation plugins, which cdk-nag v3 needs (docs/decisions/001-aws-cdk-lib-floor.md).
  // Tests run against exactly this version, so the floor is what is proven.
  cdkVersion: '2.258.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.16',
  // Node.js 20 or later for the quick start (package.json engines).
  minNodeVersion: '20.0.0',
  devDeps: [
    'cdk-nag@3.0.2',
    // The CDK CLI, so that `npx cdk synth` / `npx cdk ls` work in the repository (cdk.json).
    'aws-cdk@2.1148.1',
    'typescript@~6.0.0',
    '@types/node@^20',
    // AGPL-3.0: test-only, never shipped (devDependency); evaluates IAM policies offline.
    '@cloud-copilot/iam-simulate@0.1.173',
    // The Studio teardown handler (src/studio/teardown/), the compliance inspector
    // (src/compliance/inspector/) and the DNS Firewall managed-list lookup
    // (src/network/dns-threat-lists/): their SDK clients come from the Lambda runtime
    // (externalized from the bundle), so they are needed only to type-check and test them.
    '@aws-sdk/client-cloudformation@3.1169.0',
    '@aws-sdk/client-ec2@3.1169.0',
    '@aws-sdk/client-efs@3.1141.0',
    // The registry offers no 3.11xx release of this client; 3.654.0 is the nearest it has.
    '@aws-sdk/client-route53resolver@3.654.0',
    '@aws-sdk/client-sagemaker@3.1142.0',
    '@aws-sdk/client-sns@3.1142.0',
    'aws-sdk-client-mock@4.1.0',
    'esbuild@0.28.2',
    // Property-based tests of the validators (names, CIDRs, domains, ranges).
    'fast-check@4.11.0',
  ],
  // Handlers (*.lambda.ts) are bundled by esbuild into assets/ at compile time; the AWS SDK v3
  // is provided by the runtime. Runtime pinned to the newest Node.js of aws-cdk-lib's floor.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: { externals: ['@aws-sdk/*'] },
  },

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
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'benchmarks', 'projenrc', '.projenrc.ts'],
  },
  gitignore: ['cdk.out/', 'cdk.out.py/', 'cdk.out.java/', '.venv/', 'examples/java/target/', '.jsii.tabl.json'],
});

// Every example (README, @example docstrings) must compile under jsii-rosetta in strict mode
// with the fixtures in rosetta/, so that jsii-pacmak writes real Python and Java into the
// wheel's README and docstrings and the Javadoc. cdk-nag appears in the README's recipe.
project.package.addField('jsiiRosetta', { strict: true, exampleDependencies: { 'cdk-nag': '3.0.2' } });
project.postCompileTask.exec('jsii-rosetta extract');

// The full build needs Python 3 with venv and a JDK with Maven: say which one is missing
// before anything runs. The quick start (`npx projen synth:example`) needs Node.js only.
const prerequisites = project.addTask('prerequisites', {
  description: 'Fail early, naming the tool, when the full build lacks Python 3 (with venv), a JDK or Maven',
  exec: 'bash projenrc/check-prerequisites.sh',
});
project.preCompileTask.prependSpawn(prerequisites);

// The CDK CLI runs the example app.
new JsonFile(project, 'cdk.json', {
  obj: { app: 'npx ts-node --project examples/tsconfig.json examples/app.ts', output: 'cdk.out' },
});

// unrs-resolver (via eslint-import-resolver-typescript) 1.13 lists optional native bindings
// that the registry does not serve, which makes `npm ci` reject the lock file.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Tool environments and synthesized output never go into the npm package.
for (const ignored of ['/.venv/', '/cdk.out/', '/examples/', '/benchmarks/', '/docs/', '/requirements-dev.txt', '/.cfnlintrc.yaml', '/.checkov.yaml', '/.ci/', '/rosetta/', '/cdk.json', '/projenrc/']) {
  project.addPackageIgnore(ignored);
}

// The example app and the benchmarks are type-checked like the tests and run with ts-node.
for (const dir of ['examples', 'benchmarks']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
    },
  });
}

const synthExample = project.addTask('synth:example', {
  description: 'Synthesize the example app into cdk.out/ with the four cdk-nag packs as a gate',
  exec: 'ts-node --project examples/tsconfig.json examples/app.ts',
});
// The compliance gate over the example templates: cfn-lint and checkov from PyPI, pinned in
// requirements-dev.txt and installed into .venv by the task itself.
const compliance = project.addTask('compliance', {
  description: 'cfn-lint and checkov over the synthesized example templates in cdk.out/',
});
compliance.exec('python3 -m venv .venv && .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt');
compliance.exec('.venv/bin/cfn-lint');
compliance.exec('.venv/bin/checkov --config-file .checkov.yaml');

project.addTask('benchmark', {
  description: 'Print synth time, resource counts and policy sizes of the example stacks',
  exec: 'ts-node --project benchmarks/tsconfig.json benchmarks/synth.ts',
});

// projen's test tsconfig sets isolatedModules, so ts-jest transpiles tests without
// type-checking them; type-check the tests (and examples) explicitly.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json && tsc --noEmit -p examples/tsconfig.json && tsc --noEmit -p benchmarks/tsconfig.json');
project.testTask.spawn(synthExample);
project.testTask.spawn(compliance);

// Package the Python wheel and the Java jar in CI too (projen packages only JS when CI is set).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);

// Three languages, one template: the reference environment built in Python (the wheel) and
// Java (the jar) must synthesize the TypeScript templates. It needs dist/, so it runs at the
// end of `package`, right after package-all (projen locks the build task's own steps).
const consumers = project.addTask('consumers', {
  description: 'Build the example stacks in Python and Java from dist/ and compare their templates with the TypeScript ones',
  exec: 'ts-node --project examples/tsconfig.json examples/compare-templates.ts',
});
project.packageTask.spawn(consumers);

// The packaged artifacts, not the sources: the wheel's README and docstrings hold Python, the
// sources jar's Javadoc holds Java (no TypeScript left untranslated).
const packagedDocs = project.addTask('docs:packaged', {
  description: 'Fail if the wheel README, the Python docstrings or the Javadoc hold TypeScript examples',
  exec: 'ts-node --project examples/tsconfig.json examples/check-packaged-docs.ts',
});
project.packageTask.spawn(packagedDocs);

project.synth();
