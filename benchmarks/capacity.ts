/**
 * Capacity probes: stacks of the library's constructs (without cdk-nag) grown along one
 * dimension, to see which AWS limit stops them and where. Run alone
 * (`ts-node --project benchmarks/tsconfig.json benchmarks/capacity.ts`), it prints how many
 * data buckets a SecureStudio accepts; `npx projen benchmark` prints that among the rest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MAX_RESOURCES, policySizeLines, resourcesOf, synthTemplates, Templates, withOutdir } from '../examples/template-summary';
import { DataBucketAccess, SecureStudio, SecureStudioVpc, StudioDomain, StudioPersona, StudioUsers, VpceRestrictedBucket } from '../src';
import { userStackIndex } from '../src/private/user-placement';

const PROBE = 'Probe';
const PROFILES_PROBED = 10;

function synthProbe(fill: (stack: Stack) => void): Templates[string] {
  return synthTemplates((outdir) => {
    const app = new App({ outdir });
    fill(new Stack(app, PROBE));
    return app;
  })[PROBE];
}

/**
 * Synthesizes a network with `count` (at least 1) VpceRestrictedBuckets on its S3 endpoint, all sharing
 * the first bucket's key and access-log bucket; returns the error, if any.
 */
function bucketError(count: number): string | undefined {
  try {
    synthProbe((stack) => {
      const network = new SecureStudioVpc(stack, 'Network');
      const first = new VpceRestrictedBucket(stack, 'Bucket0', { network });
      for (let i = 1; i < count; i++) {
        new VpceRestrictedBucket(stack, `Bucket${i}`, {
          network, encryptionKey: first.encryptionKey, serverAccessLogsBucket: first.serverAccessLogsBucket,
        });
      }
    });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The largest count for which `errorAt` reports no error (doubling, then bisection), and
 * the error one more gives. `errorAt` must fail from some count on, and for every count after.
 */
function largestThatSynthesizes(errorAt: (count: number) => string | undefined): { count: number; errorBeyond: string } {
  let fits = 0;
  let fails = 1;
  while (errorAt(fails) === undefined) {
    fits = fails;
    fails *= 2;
  }
  while (fails - fits > 1) {
    const middle = Math.floor((fits + fails) / 2);
    if (errorAt(middle) === undefined) {
      fits = middle;
    } else {
      fails = middle;
    }
  }
  return { count: fits, errorBeyond: errorAt(fails)! };
}

/**
 * The largest number of buckets that synthesizes on one S3 endpoint, and the error one
 * more bucket gives. Bounded: at the latest, the 500-resource limit stops the doubling.
 */
export function bucketsPerS3Endpoint(): { buckets: number; errorBeyond: string } {
  const { count, errorBeyond } = largestThatSynthesizes(bucketError);
  return { buckets: count, errorBeyond };
}

/** A SecureStudio with `count` data buckets, half read/write (dataBuckets), half read-only (dataBucketAccess). */
function secureStudio(stack: Stack, count: number): SecureStudio {
  const readWrite = Math.ceil(count / 2);
  return new SecureStudio(stack, 'Studio', {
    team: 'probe',
    dataBuckets: Array.from({ length: readWrite }, (_, i) => `data-${i}`),
    dataBucketAccess: Array.from({ length: count - readWrite }, (_, i) => ({ name: `raw-${i}`, access: DataBucketAccess.READ_ONLY })),
  });
}

/** Synthesizes a SecureStudio with `count` (at least 1) data buckets; returns the error, if any. */
function secureStudioError(count: number): string | undefined {
  try {
    synthProbe((stack) => secureStudio(stack, count));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The largest number of data buckets a SecureStudio (defaults otherwise, environment-agnostic
 * stack) synthesizes with, found by synthesizing; the error one more bucket gives; and, at
 * that number, its resource count and the largest policy of each kind.
 */
export function dataBucketsPerSecureStudio(): { buckets: number; errorBeyond: string; resources: number; policySizes: string[] } {
  const { count, errorBeyond } = largestThatSynthesizes(secureStudioError);
  const template = synthProbe((stack) => secureStudio(stack, count));
  return { buckets: count, errorBeyond, resources: resourcesOf(template).length, policySizes: policySizeLines(template) };
}

/** Prints what `dataBucketsPerSecureStudio` finds. */
export function printSecureStudioBucketCapacity(): void {
  const { buckets, errorBeyond, resources, policySizes } = dataBucketsPerSecureStudio();
  console.log(`\nSecureStudio data buckets (half read/write, half read-only): ${buckets} synthesize (${resources} resources); one more fails with:`);
  console.log(`  ${errorBeyond.split('\n')[0]}`);
  console.log(`  policies at ${buckets} buckets (template characters, references as intrinsics):`);
  policySizes.forEach((line) => console.log(`    ${line}`));
}

function domainStackResources(profiles: number, ownSecurityGroup: boolean): number {
  return resourcesOf(synthProbe((stack) => {
    const domain = new StudioDomain(stack, 'Domain', {
      network: new SecureStudioVpc(stack, 'Network'),
      defaultExecutionRole: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    });
    for (let i = 0; i < profiles; i++) {
      domain.addUserProfile(`user${i}`, { ownSecurityGroup });
    }
  })).length;
}

/**
 * Resources of a stack holding only a SecureStudioVpc, a role and a StudioDomain, and the
 * resources each user profile adds (averaged over several), with and without a security
 * group of its own.
 */
export function profileResources(): { domainStack: number; perSharedSgProfile: number; perOwnSgProfile: number } {
  const domainStack = domainStackResources(0, false);
  const perProfile = (ownSecurityGroup: boolean) =>
    (domainStackResources(PROFILES_PROBED, ownSecurityGroup) - domainStack) / PROFILES_PROBED;
  return { domainStack, perSharedSgProfile: perProfile(false), perOwnSgProfile: perProfile(true) };
}

/** One measurement of a SecureStudio (internet-free defaults, no cdk-nag) with a number of users. */
export interface UserScalePoint {
  readonly users: number;
  /** Median milliseconds of building the app and synthesizing it (nested stack templates included). */
  readonly synthMs: number;
  readonly parentResources: number;
  readonly nestedStacks: number;
  readonly largestNestedStackResources: number;
  /** Resources in the nested stacks divided by the users they hold. */
  readonly resourcesPerUser: number;
}

function studioWithUsers(outdir: string, users: number): { app: App; studio: SecureStudio } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Scale');
  const studio = new SecureStudio(stack, 'Studio', {
    team: 'bench',
    users: Array.from({ length: users }, (_, i) => ({ name: `user${i}`, persona: StudioPersona.DATA_SCIENTIST })),
  });
  return { app, studio };
}

/** Resources per template file of a synthesized assembly: the stack's and its nested stacks'. */
function templateSizes(outdir: string): { parent: number; nested: number[] } {
  const count = (file: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf-8')).Resources ?? {}).length;
  const files = fs.readdirSync(outdir).filter((file) => file.endsWith('.template.json'));
  return {
    parent: count(files.find((file) => !file.endsWith('.nested.template.json'))!),
    nested: files.filter((file) => file.endsWith('.nested.template.json')).map(count),
  };
}

/**
 * Synth time (median of `runs`, after one warm-up synth) and resource counts of SecureStudio
 * with each number of users.
 */
export function userScaling(counts: number[], runs: number): UserScalePoint[] {
  withOutdir((outdir) => studioWithUsers(outdir, 0).app.synth());
  return counts.map((users) => {
    const times: number[] = [];
    let sizes = { parent: 0, nested: [] as number[] };
    for (let run = 0; run < runs; run++) {
      withOutdir((outdir) => {
        const start = performance.now();
        studioWithUsers(outdir, users).app.synth();
        times.push(performance.now() - start);
        sizes = templateSizes(outdir);
      });
    }
    const held = sizes.nested.reduce((sum, n) => sum + n, 0);
    return {
      users,
      synthMs: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)],
      parentResources: sizes.parent,
      nestedStacks: sizes.nested.length,
      largestNestedStackResources: Math.max(0, ...sizes.nested),
      resourcesPerUser: users === 0 ? 0 : held / users,
    };
  });
}

/** Resources a SecureStudio user costs in its nested stack: the profile and its security group, one per private space. */
export function resourcesPerUser(privateSpaces: number): number {
  return 2 + privateSpaces;
}

/**
 * How many users one SecureStudio environment holds, and what stops the next one: the
 * studio subnets of the default network (4 addresses per user), or the first nested stack
 * that would exceed 500 resources with users named user0, user1, ... (placement by a hash
 * of the name, so the figure depends a little on the names), each with `privateSpaces` spaces.
 */
export function usersPerEnvironment(privateSpaces = 0): { byAddresses: number; byResources: number } {
  const byAddresses = withOutdir((outdir) => studioWithUsers(outdir, 0).studio.network.studioUserCapacity!);
  const perStack = Math.floor(MAX_RESOURCES / resourcesPerUser(privateSpaces));
  const held = new Array(StudioUsers.NESTED_STACKS).fill(0);
  let byResources = 0;
  while (held[userStackIndex(`user${byResources}`)] < perStack) {
    held[userStackIndex(`user${byResources}`)]++;
    byResources++;
  }
  return { byAddresses, byResources };
}

if (require.main === module) {
  printSecureStudioBucketCapacity();
}
