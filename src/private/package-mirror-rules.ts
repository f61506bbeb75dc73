import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CODEARTIFACT_ASSETS_BUCKETS } from './codeartifact-assets';
import { invalid, isUnresolved } from './validation';

/**
 * Refuses a package mirror in a region (when known) whose CodeArtifact assets bucket the
 * library does not know: the mirror's S3 endpoint policy must name it. `alternative` is what
 * else the caller can do, e.g. 'packageMirror: false'.
 */
export function checkCodeArtifactRegion(scope: Construct, construct: string, prop: string, alternative?: string): void {
  const region = Stack.of(scope).region;
  if (isUnresolved(region) || CODEARTIFACT_ASSETS_BUCKETS[region] !== undefined) {
    return;
  }
  const regions = `a stack in a region whose CodeArtifact assets bucket is known (${Object.keys(CODEARTIFACT_ASSETS_BUCKETS).join(', ')})`;
  invalid(construct, prop, `the stack deploys to ${region}, whose CodeArtifact assets bucket (for the S3 endpoint policy) is not known`,
    alternative ? `${alternative}, or ${regions}` : regions);
}
