/**
 * Limits of SageMaker Studio spaces, from the SageMaker API reference (EbsStorageSettings,
 * DefaultEbsStorageSettings, CreateSpace): see docs/decisions/081-private-spaces.md.
 */

/** Smallest and largest EBS volume of a space, in GB. */
export const MIN_SPACE_EBS_GB = 5;
export const MAX_SPACE_EBS_GB = 16_384;

/**
 * SageMaker's pattern of space names (CreateSpace `SpaceName`), with its length limit of 63
 * characters as a lookahead: the pattern alone counts only letters and digits, not the hyphens.
 */
export const SPACE_NAME_PATTERN = /^(?=.{1,63}$)[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
