import { App, CfnParameter, Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { PackageFormat, PackageIntake, StudioPackageMirror, StudioPackageMirrorProps } from '../../src';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Test', region ? { env: { account: ACCOUNT, region } } : {});
}

let count = 0;
/** A mirror without network (a new id each time: a construct that threw is still in the tree). */
function mirror(props: Partial<StudioPackageMirrorProps>, stack: Stack = stackIn()): StudioPackageMirror {
  return new StudioPackageMirror(stack, `Mirror${++count}`, props);
}

describe('StudioPackageMirror refuses bad input, naming StudioPackageMirror, the prop and the allowed form', () => {
  test.each<[string, Partial<StudioPackageMirrorProps>, string]>([
    ['an unknown intake', { intake: 'APPROVED' as PackageIntake },
      "StudioPackageMirror intake: 'APPROVED' is not one of the choices; PackageIntake.ON_DEMAND or PackageIntake.APPROVED_ONLY"],
    ['a snapshot removal policy', { removalPolicy: RemovalPolicy.SNAPSHOT },
      'StudioPackageMirror removalPolicy: CodeArtifact domains, repositories and KMS keys cannot be snapshotted; RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY'],
    ['a domain name with upper case', { domainName: 'Studio' },
      "StudioPackageMirror domainName: 'Studio' is not a CodeArtifact domain name; 2 to 50 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit"],
    ['a repository name with a slash', { repositoryName: 'team/studio' },
      "StudioPackageMirror repositoryName: 'team/studio' is not a CodeArtifact repository name; 2 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit"],
    ['a blocked pattern without the leading slash', { blockedPackages: ['pypi//numpy$'] },
      "StudioPackageMirror blockedPackages: 'pypi//numpy$' does not start with '/'; a package group pattern: '/pypi//<name>$' for one package"],
    ['an approved pattern with a non-normalized Python name', { intake: PackageIntake.APPROVED_ONLY, approvedPackages: ['/pypi//Scikit_Learn$'] },
      "StudioPackageMirror approvedPackages: '/pypi//Scikit_Learn$' has the Python name 'Scikit_Learn', which CodeArtifact stores normalized as 'scikit-learn'"],
  ])('%s', (_name, props, message) => {
    expect(() => mirror(props)).toThrow(message);
  });

  test('an encryption key of another region or partition', () => {
    const stack = stackIn('eu-west-1');
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => mirror({ encryptionKey: foreign }, stack)).toThrow(
      `StudioPackageMirror encryptionKey: 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    const china = kms.Key.fromKeyArn(stack, 'China', `arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => mirror({ encryptionKey: china }, stack)).toThrow(
      `StudioPackageMirror encryptionKey: 'arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}' is in partition aws-cn but the stack deploys to aws`);
  });

  test('an s3Endpoint of another service than S3; an S3 endpoint in a region whose assets bucket is not known', () => {
    const stack = stackIn('ca-central-1');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const dynamo = vpc.addGatewayEndpoint('Dynamo', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    expect(() => mirror({ vpc, s3Endpoint: dynamo }, stack)).toThrow(
      "StudioPackageMirror s3Endpoint: 'Test/Vpc/Dynamo' is an endpoint of service 'dynamodb'; a gateway endpoint of ec2.GatewayVpcEndpointAwsService.S3");
    const s3 = vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    expect(() => mirror({ vpc, s3Endpoint: s3 }, stack)).toThrow(
      'StudioPackageMirror s3Endpoint: the stack deploys to ca-central-1, whose CodeArtifact assets bucket (for the S3 endpoint policy) is not known; ' +
      'a stack in a region whose CodeArtifact assets bucket is known (us-east-1, ');
  });

  test('addBlockedPackages and addApprovedPackages check like the props do', () => {
    const m = mirror({});
    expect(() => m.addBlockedPackages('/pypi//num py$')).toThrow("StudioPackageMirror blockedPackages: '/pypi//num py$' holds white space or a control character");
    expect(() => m.addApprovedPackages('/pypi//numpy$')).toThrow(
      "StudioPackageMirror approvedPackages: '/pypi//numpy$' approved with intake ON_DEMAND, where every package is fetched on request");
  });
});

describe('StudioPackageMirror names and patterns, property-based', () => {
  const pythonName = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/);

  test('domain names: 2 to 50 lower-case letters, digits and hyphens', () => {
    fc.assert(fc.property(fc.oneof(fc.stringMatching(DOMAIN_NAME), fc.string({ maxLength: 60 })), (domainName) => {
      // repositoryName is checked after domainName: its error proves the domain name passed.
      const call = () => mirror({ domainName, repositoryName: 'x' });
      expect(call).toThrow(DOMAIN_NAME.test(domainName) ? 'StudioPackageMirror repositoryName' : `StudioPackageMirror domainName: '${domainName}'`);
    }));
  });

  test('package group patterns: one Python package, a name prefix and an npm scope are accepted once each', () => {
    const m = mirror({ formats: [PackageFormat.PYPI, PackageFormat.NPM] });
    const seen = new Set<string>();
    const patterns = fc.oneof(
      pythonName.map((name) => `/pypi//${name}$`),
      pythonName.map((name) => `/pypi//${name}~`),
      pythonName.map((scope) => `/npm/${scope}/*`),
    );
    fc.assert(fc.property(patterns, (pattern) => {
      const call = () => m.addBlockedPackages(pattern);
      if (seen.has(pattern)) {
        expect(call).toThrow(`StudioPackageMirror blockedPackages: pattern '${pattern}' is listed twice; each pattern once`);
      } else {
        expect(call).not.toThrow();
      }
      seen.add(pattern);
    }));
  });

  test('package group patterns without the leading slash, or with white space, are refused', () => {
    const m = mirror({});
    const bad = fc.oneof(
      fc.string({ minLength: 2, maxLength: 20 }).filter((pattern) => !pattern.startsWith('/')),
      fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.constantFrom(' ', '\t', '\n')).map(([name, space]) => `/pypi//${name}${space}x$`),
    );
    fc.assert(fc.property(bad, (pattern) => {
      expect(() => m.addBlockedPackages(pattern)).toThrow(`StudioPackageMirror blockedPackages: '${pattern}'`);
    }));
  });
});

describe('StudioPackageMirror valid edge cases synthesize', () => {
  test('tokens: domain and repository names, key, blocked and approved patterns (numbered ids, every upstream may fetch)', () => {
    const stack = stackIn('eu-west-1');
    const m = mirror({
      domainName: new CfnParameter(stack, 'Domain').valueAsString,
      repositoryName: Lazy.string({ produce: () => 'team-packages' }),
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', Fn.importValue('MirrorKeyArn')),
      formats: [PackageFormat.PYPI, PackageFormat.NPM],
      intake: PackageIntake.APPROVED_ONLY,
      blockedPackages: [Fn.importValue('Blocked'), '/pypi//evil$'],
      approvedPackages: [new CfnParameter(stack, 'Approved').valueAsString],
    }, stack);
    expect(m.node.tryFindChild('BlockedPackages1')).toBeDefined();
    expect(m.node.tryFindChild('ApprovedPackages2')).toBeDefined();
    const template = Template.fromStack(stack);
    const upstream = (name: string) =>
      ({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::CodeArtifact::Repository', { Properties: { RepositoryName: name } }))[0], 'Name'] });
    template.hasResourceProperties('AWS::CodeArtifact::PackageGroup', {
      Pattern: { Ref: 'Approved' },
      OriginConfiguration: {
        Restrictions: { ExternalUpstream: { RestrictionMode: 'ALLOW_SPECIFIC_REPOSITORIES', Repositories: [upstream('pypi-store'), upstream('npm-store')] } },
      },
    });
    template.hasResourceProperties('AWS::CodeArtifact::Domain', { DomainName: { Ref: 'Domain' } });
  });

  test('literal patterns keep their ids (a hash of the pattern); the limits of names', () => {
    const stack = stackIn('eu-west-1');
    const m = mirror({
      domainName: `d${'-'.repeat(48)}1`,
      repositoryName: 'r'.repeat(100),
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`),
      blockedPackages: ['/pypi//evil$'],
    }, stack);
    expect(m.node.children.map((child) => child.node.id).filter((id) => id.startsWith('Blocked'))).toEqual([expect.stringMatching(/^Blocked[0-9A-F]{10}$/)]);
    Template.fromStack(stack).resourceCountIs('AWS::CodeArtifact::PackageGroup', 2);
  });
});
