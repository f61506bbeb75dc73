/**
 * AWS limits the constructs check at synth time, so that a template that would fail
 * to deploy fails to synthesize instead, with a message that says what to do.
 */
export const AwsLimits = {
  /** Default quota of interface VPC endpoints per VPC (Amazon VPC quotas). */
  INTERFACE_ENDPOINTS_PER_VPC: 50,
  /** Smallest and largest IPv4 prefix length of a VPC or subnet. */
  MIN_VPC_PREFIX_LENGTH: 16,
  MAX_VPC_PREFIX_LENGTH: 28,
  /** Addresses AWS reserves in every subnet (first four and the last one). */
  RESERVED_ADDRESSES_PER_SUBNET: 5,
  /** Size limit of an S3 bucket policy (20 KB). */
  S3_BUCKET_POLICY_CHARACTERS: 20_480,
  /** Character limit of a VPC endpoint policy document. */
  VPC_ENDPOINT_POLICY_CHARACTERS: 20_480,
} as const;

/** Network interfaces (private IPv4 addresses) a Studio user can hold at once: apps, kernels, spaces. */
export const ADDRESSES_PER_STUDIO_USER = 4;
