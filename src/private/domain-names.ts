const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_DOMAIN_LENGTH = 253;

/**
 * Why a Network Firewall domain-list entry is not acceptable, or undefined when it is.
 * Accepted forms: `host.example.com` (that name only) and `.example.com` (the domain
 * and all its subdomains), lower-case DNS labels, at least two of them.
 */
export function domainEntryProblem(entry: string): string | undefined {
  if (entry.includes('://')) {
    return 'has a scheme';
  }
  if (entry.includes('*')) {
    return "has a '*'; a leading dot ('.example.com') already covers the subdomains";
  }
  if (entry.includes('/')) {
    return 'has a path';
  }
  if (entry.includes(':')) {
    return 'has a port';
  }
  if (entry !== entry.toLowerCase()) {
    return 'is not lower-case';
  }
  const name = entry.startsWith('.') ? entry.slice(1) : entry;
  const labels = name.split('.');
  if (name.length > MAX_DOMAIN_LENGTH || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    return 'is not a valid DNS name';
  }
  return undefined;
}
