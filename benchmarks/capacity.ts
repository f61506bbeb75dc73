/**
 * Capacity probes: stacks of the library's constructs (without cdk-nag) grown along one
 * dimension, to see which AWS limit stops them and where.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { resourcesOf, synthTemplates, Templates } from '../examples/template-summary';
import { SecureStudioVpc, StudioDomain, VpceRestrictedBucket } from '../src';

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
 * The largest number of buckets that synthesizes on one S3 endpoint (doubling, then
 * bisection), and the error one more bucket gives. Bounded: at the latest, the
 * 500-resource limit stops the doubling.
 */
export function bucketsPerS3Endpoint(): { buckets: number; errorBeyond: string } {
  let fits = 0;
  let fails = 1;
  while (bucketError(fails) === undefined) {
    fits = fails;
    fails *= 2;
  }
  while (fails - fits > 1) {
    const middle = Math.floor((fits + fails) / 2);
    if (bucketError(middle) === undefined) {
      fits = middle;
    } else {
      fails = middle;
    }
  }
  return { buckets: fits, errorBeyond: bucketError(fails)! };
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
