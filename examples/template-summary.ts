/**
 * Reading synthesized CloudFormation templates: resource counts, policy sizes against
 * their limits, and the fixed monthly cost of what the template creates.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

export const MAX_RESOURCES = 500;

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export type Templates = Record<string, { Resources?: Record<string, Resource> }>;

/** Runs `use` with a fresh temporary cloud assembly directory, removed afterwards. */
export function withOutdir<T>(use: (outdir: string) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-studio-bench-'));
  try {
    return use(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes an app built in the given directory and returns its templates by stack name. */
export function synthTemplates(build: (outdir: string) => App): Templates {
  return withOutdir((outdir) => Object.fromEntries(build(outdir).synth().stacks.map((stack) => [stack.stackName, stack.template])));
}

export function resourcesOf(template: Templates[string], type?: string): Resource[] {
  return Object.values(template.Resources ?? {}).filter((resource) => type === undefined || resource.Type === type);
}

/** Policy-bearing properties and the AWS limit of each (characters). */
const POLICIES = [
  { name: 'bucket policy', type: 'AWS::S3::BucketPolicy', property: 'PolicyDocument', limit: 20_480 },
  { name: 'endpoint policy', type: 'AWS::EC2::VPCEndpoint', property: 'PolicyDocument', limit: 20_480 },
  { name: 'IAM managed policy', type: 'AWS::IAM::ManagedPolicy', property: 'PolicyDocument', limit: 6_144 },
  { name: 'IAM inline policy', type: 'AWS::IAM::Policy', property: 'PolicyDocument', limit: 10_240 },
  { name: 'KMS key policy', type: 'AWS::KMS::Key', property: 'KeyPolicy', limit: 32_768 },
];

/**
 * One line per policy kind: the largest document's length without white space, as in the
 * template, where references count as their (longer) CloudFormation intrinsics.
 */
export function policySizeLines(template: Templates[string]): string[] {
  return POLICIES.map(({ name, type, property, limit }) => {
    const sizes = resourcesOf(template, type).filter((r) => r.Properties?.[property])
      .map((r) => JSON.stringify(r.Properties![property]).length);
    return sizes.length === 0
      ? `${name}: none`
      : `${name}: ${Math.max(...sizes)} of ${limit} characters (largest of ${sizes.length})`;
  });
}

/**
 * ESTIMATES of list prices in `region`, written down on `statedOn` from what we know of
 * AWS pricing; check them against https://aws.amazon.com/vpc/pricing/,
 * https://aws.amazon.com/network-firewall/pricing/ and https://aws.amazon.com/kms/pricing/
 * before quoting. Fixed charges only: data processing (per GB) is excluded.
 */
export const PRICES = {
  region: 'us-east-1',
  statedOn: '2026-11-24',
  hoursPerMonth: 730,
  natGatewayPerHour: 0.045,
  interfaceEndpointPerAzPerHour: 0.01,
  firewallEndpointPerHour: 0.395,
  kmsKeyPerMonth: 1,
};

export interface CostItem {
  readonly label: string;
  readonly count: number;
  readonly monthlyUsd: number;
}

/** True for the interface endpoints of a package mirror (CodeArtifact API and repositories). */
function isPackageMirrorEndpoint(resource: Resource): boolean {
  return /\.codeartifact\.(api|repositories)"/.test(JSON.stringify(resource.Properties?.ServiceName ?? ''));
}

/**
 * The fixed monthly charges of the template's NAT gateways, interface endpoints (those of a
 * package mirror apart), firewall endpoints and KMS keys. A package mirror's CodeArtifact
 * charges (storage per GB-month, requests) depend on use and are excluded, like data processing.
 */
export function fixedMonthlyCost(template: Templates[string]): CostItem[] {
  const sum = (type: string, count: (r: Resource) => number) => resourcesOf(template, type).reduce((total, r) => total + count(r), 0);
  const hourly = (label: string, count: number, perHour: number) => ({ label, count, monthlyUsd: count * perHour * PRICES.hoursPerMonth });
  const keys = sum('AWS::KMS::Key', () => 1);
  const interfaceEndpointAzs = (mirror: boolean) => sum('AWS::EC2::VPCEndpoint', (r) =>
    r.Properties?.VpcEndpointType === 'Interface' && isPackageMirrorEndpoint(r) === mirror ? r.Properties.SubnetIds.length : 0);
  return [
    hourly('NAT gateways', sum('AWS::EC2::NatGateway', () => 1), PRICES.natGatewayPerHour),
    hourly('interface endpoint x AZ', interfaceEndpointAzs(false), PRICES.interfaceEndpointPerAzPerHour),
    hourly('package mirror interface endpoint x AZ', interfaceEndpointAzs(true), PRICES.interfaceEndpointPerAzPerHour),
    hourly('firewall endpoints', sum('AWS::NetworkFirewall::Firewall', (r) => r.Properties!.SubnetMappings.length), PRICES.firewallEndpointPerHour),
    { label: 'KMS keys', count: keys, monthlyUsd: keys * PRICES.kmsKeyPerMonth },
  ];
}
