import { checkNoDuplicates, checkPattern, invalid, isUnresolved } from './validation';

/**
 * SageMaker's limits on custom Studio images (docs/decisions/082-approved-images.md).
 */
export const ImageLimits = {
  /** Custom images in one app type's list of a domain (`CustomImages`, "on a domain level: 200"). */
  CUSTOM_IMAGES_PER_DOMAIN_APP: 200,
  /** Accounts in `DockerSettings.VpcOnlyTrustedAccounts`. */
  DOCKER_TRUSTED_ACCOUNTS: 20,
  /** Characters of an image or app image config name. */
  NAME_LENGTH: 63,
} as const;

/** `AWS::SageMaker::Image` `ImageName`: letters and digits, a single hyphen or dot between them. */
const IMAGE_NAME = /^[a-zA-Z0-9]([-.]?[a-zA-Z0-9]){0,62}$/;
/** `AWS::SageMaker::AppImageConfig` `AppImageConfigName`: letters and digits, hyphens between them. */
const APP_IMAGE_CONFIG_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** A Docker image tag: word characters, dots and hyphens, not starting with a dot or hyphen, at most 128. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ACCOUNT_ID = /^\d{12}$/;
/** `ImageDisplayName`: no white space at either end. */
const DISPLAY_NAME = /^\S(.*\S)?$/;
const DISPLAY_NAME_LENGTH = 128;

/** Checks a SageMaker image name (pattern and length); skipped for tokens. */
export function checkImageName(construct: string, prop: string, name: string): void {
  checkLength(construct, prop, name);
  checkPattern(construct, prop, name, IMAGE_NAME,
    `a SageMaker image name: letters and digits, a single '-' or '.' between them, at most ${ImageLimits.NAME_LENGTH} characters`);
}

/** Checks an app image config name (pattern and length); skipped for tokens. */
export function checkAppImageConfigName(construct: string, prop: string, name: string): void {
  checkLength(construct, prop, name);
  checkPattern(construct, prop, name, APP_IMAGE_CONFIG_NAME,
    `an app image config name: letters and digits, hyphens between them, at most ${ImageLimits.NAME_LENGTH} characters`);
}

/** Checks the name Studio shows for an image; skipped for tokens. */
export function checkImageDisplayName(construct: string, prop: string, name: string | undefined): void {
  const allowed = `1 to ${DISPLAY_NAME_LENGTH} characters without white space at either end`;
  checkPattern(construct, prop, name, DISPLAY_NAME, allowed);
  if (name !== undefined && !isUnresolved(name) && name.length > DISPLAY_NAME_LENGTH) {
    invalid(construct, prop, `'${name}' has ${name.length} characters`, allowed);
  }
}

/** Checks a Docker image tag; skipped for tokens. */
export function checkImageTag(construct: string, prop: string, tag: string): void {
  checkPattern(construct, prop, tag, IMAGE_TAG,
    "an image tag: letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters (e.g. '2024.06.1')");
}

/** Checks the accounts Docker may pull from: 12 digits each, listed once, at most the documented maximum. */
export function checkTrustedAccounts(construct: string, prop: string, accounts: readonly string[]): void {
  for (const account of accounts) {
    checkPattern(construct, prop, account, ACCOUNT_ID, 'AWS account ids of 12 digits');
  }
  checkNoDuplicates(construct, prop, accounts);
  if (accounts.length > ImageLimits.DOCKER_TRUSTED_ACCOUNTS) {
    invalid(construct, prop, `${accounts.length} accounts given`, `at most ${ImageLimits.DOCKER_TRUSTED_ACCOUNTS} (SageMaker's limit on VpcOnlyTrustedAccounts)`);
  }
}

function checkLength(construct: string, prop: string, name: string): void {
  if (!isUnresolved(name) && name.length > ImageLimits.NAME_LENGTH) {
    invalid(construct, prop, `'${name}' has ${name.length} characters`, `at most ${ImageLimits.NAME_LENGTH}`);
  }
}
