import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';

/**
 * The AWS-owned S3 bucket in which CodeArtifact keeps the package assets of each region
 * (`assets-<AWS account of CodeArtifact>-<region>`), which package managers download from
 * through the S3 gateway endpoint (Maven .jar files, npm tarballs).
 *
 * Source: CodeArtifact User Guide, "Create the Amazon S3 gateway endpoint", section "Minimum
 * Amazon S3 bucket permissions for AWS CodeArtifact"
 * (https://docs.aws.amazon.com/codeartifact/latest/ug/create-s3-gateway-endpoint.html); the
 * same table is in the archived awsdocs/aws-codeartifact-user-guide repository,
 * doc_source/create-s3-gateway-endpoint.md. `aws codeartifact describe-domain` returns the
 * bucket of a domain as `s3BucketArn`.
 */
export const CODEARTIFACT_ASSETS_BUCKETS: Readonly<Record<string, string>> = {
  'us-east-1': 'assets-193858265520-us-east-1',
  'us-east-2': 'assets-250872398865-us-east-2',
  'us-west-2': 'assets-787052242323-us-west-2',
  'eu-west-1': 'assets-438097961670-eu-west-1',
  'eu-west-2': 'assets-247805302724-eu-west-2',
  'eu-west-3': 'assets-762466490029-eu-west-3',
  'eu-north-1': 'assets-611884512288-eu-north-1',
  'eu-south-1': 'assets-484130244270-eu-south-1',
  'eu-central-1': 'assets-769407342218-eu-central-1',
  'ap-northeast-1': 'assets-660291247815-ap-northeast-1',
  'ap-southeast-1': 'assets-421485864821-ap-southeast-1',
  'ap-southeast-2': 'assets-860415559748-ap-southeast-2',
  'ap-south-1': 'assets-681137435769-ap-south-1',
};

const MAPPING_ID = 'CodeArtifactAssetsBuckets';
const MAPPING_KEY = 'bucket';

/**
 * The name of CodeArtifact's assets bucket in the stack's region: a literal when the region
 * is known at synth time (undefined when the table has no entry for it), else a
 * `Fn::FindInMap` over a mapping of the table (one per stack), which fails the deployment in
 * a region the table does not hold.
 */
export function codeArtifactAssetsBucketName(stack: Stack): string | undefined {
  const region = stack.region;
  if (!Token.isUnresolved(region)) {
    return CODEARTIFACT_ASSETS_BUCKETS[region];
  }
  const mapping = (stack.node.tryFindChild(MAPPING_ID) as CfnMapping | undefined) ?? new CfnMapping(stack, MAPPING_ID, {
    mapping: Object.fromEntries(Object.entries(CODEARTIFACT_ASSETS_BUCKETS).map(([key, bucket]) => [key, { [MAPPING_KEY]: bucket }])),
  });
  return mapping.findInMap(Aws.REGION, MAPPING_KEY);
}
