import * as fc from 'fast-check';

/** One lower-case DNS label: letters, digits and inner hyphens, 1 to 12 characters. */
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const topLevel = fc.stringMatching(/^[a-z]{2,6}$/);

/** A valid host name, `host.example.com`, of 2 to 4 labels. */
export const hostName = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), topLevel)
  .map(([labels, tld]) => [...labels, tld].join('.'));

/** A valid allow-list entry: a host name, or `.example.com` for a domain and its subdomains. */
export const domainEntry = fc.tuple(fc.boolean(), hostName).map(([wildcard, name]) => (wildcard ? `.${name}` : name));

/** An entry made invalid in one known way, with the problem the validators must report. */
export const invalidDomainEntry: fc.Arbitrary<[string, string]> = fc.oneof(
  hostName.map((name): [string, string] => [`https://${name}`, 'has a scheme']),
  hostName.map((name): [string, string] => [`*.${name}`, "has a '*'"]),
  hostName.map((name): [string, string] => [`${name}/simple`, 'has a path']),
  fc.tuple(hostName, fc.integer({ min: 1, max: 65535 })).map(([name, port]): [string, string] => [`${name}:${port}`, 'has a port']),
  hostName.filter((name) => /[a-z]/.test(name)).map((name): [string, string] => [name.replace(/[a-z]/, (c) => c.toUpperCase()), 'is not lower-case']),
  label.filter((single) => !/^[0-9]+$/.test(single)).map((single): [string, string] => [single, 'is not a valid DNS name']),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((octets): [string, string] => [octets.join('.'), 'is an IP address']),
  fc.tuple(hostName, fc.stringMatching(/^-[a-z]{1,5}$/)).map(([name, bad]): [string, string] => [`${bad}.${name}`, 'is not a valid DNS name']),
);
