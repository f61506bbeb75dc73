import { domainEntryProblem } from './domain-names';
import { checkNoDuplicates, invalid, isUnresolved } from './validation';

/**
 * Rules that SecureStudio applies up front, under its own prop names, to values it passes to
 * the constructs it assembles.
 */

/**
 * Idle shutdown of Studio apps: SageMaker takes 60 to 525,600 minutes for the idle timeout and
 * its user-settable bounds (IdleSettings in the SageMaker API reference).
 */
export const MIN_IDLE_MINUTES = 60;
export const MAX_IDLE_MINUTES = 525_600;
/** The bound StudioDomain puts on the idle timeout users may set for themselves unless told otherwise (8 hours). */
export const DEFAULT_MAX_USER_IDLE_MINUTES = 480;

/** A SageMaker user profile name (UserProfileName in CreateUserProfile of the SageMaker API reference). */
export const USER_PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const USER_PROFILE_NAME_FORM = 'letters and digits, single or repeated hyphens between them, at most 63 characters';

/** A data bucket name of SecureStudio, which names the bucket's construct id (not the S3 bucket). */
export const DATA_BUCKET_NAME = /^[a-z][a-z0-9-]{0,30}$/;
export const DATA_BUCKET_NAME_FORM = 'lower-case letters, digits and hyphens, starting with a letter, at most 31 characters';

/** The allow-list entry forms of the EgressFirewall and the DNS Firewall. */
export const DOMAIN_ENTRY_FORM = "'host.example.com' for one name or '.example.com' for a domain and its subdomains, lower-case, without scheme, port or path";

/** Refuses allow-list entries the firewalls would refuse, and entries listed twice; tokens are not checked. */
export function checkDomainEntries(construct: string, prop: string, domains: readonly string[] | undefined): void {
  for (const domain of domains ?? []) {
    const problem = isUnresolved(domain) ? undefined : domainEntryProblem(domain);
    if (problem) {
      invalid(construct, prop, `'${domain}' ${problem}`, DOMAIN_ENTRY_FORM);
    }
  }
  checkNoDuplicates(construct, prop, domains ?? []);
}
