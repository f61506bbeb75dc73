import { invalid, isUnresolved } from './validation';

/**
 * Naming rules of S3 general purpose buckets (Amazon S3 User Guide, "General purpose bucket
 * naming rules": https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
const CHARACTERS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** Prefixes and suffixes S3 reserves (for internal use, examples, access point and Multi-Region Access Point aliases, directory and table buckets). */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export const BUCKET_NAME_FORM = '3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit, ' +
  `no '..', not an IP address, not starting with ${RESERVED_PREFIXES.join(', ')} nor ending with ${RESERVED_SUFFIXES.join(', ')}`;

/** Why S3 would refuse the bucket name, or undefined when it accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  if (!CHARACTERS.test(name)) {
    return name.length < 3 || name.length > 63 ? `has ${name.length} characters` : 'holds a character S3 does not allow there';
  }
  if (name.includes('..')) {
    return "holds '..'";
  }
  if (IP_ADDRESS.test(name)) {
    return 'is formatted as an IP address';
  }
  const prefix = RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix) {
    return `starts with the reserved prefix '${prefix}'`;
  }
  const suffix = RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
  return suffix ? `ends with the reserved suffix '${suffix}'` : undefined;
}

/** Refuses a bucket name S3 would refuse; skipped when absent or a token. */
export function checkBucketName(construct: string, prop: string, name: string | undefined): void {
  if (name === undefined || isUnresolved(name)) {
    return;
  }
  const problem = bucketNameProblem(name);
  if (problem) {
    invalid(construct, prop, `'${name}' ${problem}`, BUCKET_NAME_FORM);
  }
}
