/**
 * CodeArtifact package group patterns (CodeArtifact User Guide, "Package group definition
 * syntax and matching behavior"): a package path `/<format>/<namespace>/<name>` with the
 * components not matched left out and a suffix that says how the last one matches:
 * `$` the full coordinate, `~` a prefix, `*` every value of the next component.
 *
 *   /*                               every package (the domain's root group)
 *   /npm/*                           a format
 *   /maven/com.anycompany~           a format and a namespace prefix
 *   /npm/space/*                     a format and a namespace
 *   /npm/space/anycompany-ui~        a format, a namespace and a name prefix
 *   /maven/org.apache.logging.log4j/log4j-core$   one package
 *
 * Formats without namespaces (Python, NuGet, Ruby, Cargo) have a blank namespace:
 * `/pypi//requests$`. CreatePackageGroup takes 2 to 520 characters without control
 * characters or white space.
 */

/** The package formats of CodeArtifact (PackageFormat in the API reference). */
export const CODEARTIFACT_FORMATS = ['npm', 'pypi', 'maven', 'nuget', 'generic', 'ruby', 'swift', 'cargo'];
/** Formats whose packages have no namespace: their patterns keep the namespace blank. */
const WITHOUT_NAMESPACE = ['pypi', 'nuget', 'ruby', 'cargo'];
/** Formats whose packages always have a namespace: a name needs one. */
const NAMESPACE_REQUIRED = ['maven', 'generic', 'swift'];
const MIN_LENGTH = 2;
const MAX_LENGTH = 520;
/** A namespace or name (PackageDescription: `[^#/\s]+`), without the suffix characters. */
const COMPONENT = /^[^#/\s$~*]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u001f\u007f-\u009f\s]/;

/** A valid pattern, taken apart. */
export interface PackageGroupPattern {
  /** The format, or undefined for the root pattern `/*`. */
  readonly format?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** How the last component matches. */
  readonly match: 'all' | 'prefix' | 'exact';
}

/** The pattern taken apart, or the reason CodeArtifact (or its matching) would refuse it. */
export function parsePackageGroupPattern(pattern: string): PackageGroupPattern | string {
  if (pattern.length < MIN_LENGTH || pattern.length > MAX_LENGTH) {
    return `has ${pattern.length} characters, not ${MIN_LENGTH} to ${MAX_LENGTH}`;
  }
  if (CONTROL_OR_SPACE.test(pattern)) {
    return 'holds white space or a control character';
  }
  if (!pattern.startsWith('/')) {
    return "does not start with '/'";
  }
  if (pattern === '/*') {
    return { match: 'all' };
  }
  const suffix = pattern.charAt(pattern.length - 1);
  let components: string[];
  let match: PackageGroupPattern['match'];
  if (pattern.endsWith('/*')) {
    components = pattern.slice(1, -2).split('/');
    match = 'all';
    if (components.length > 2) {
      return "has a '/*' after a package name; '*' matches every value of the component after it (a namespace or a name)";
    }
  } else if (suffix === '~') {
    components = pattern.slice(1, -1).split('/');
    match = 'prefix';
    if (components.length < 2 || components.length > 3) {
      return "has a '~' that does not end a namespace or a name";
    }
  } else if (suffix === '$') {
    components = pattern.slice(1, -1).split('/');
    match = 'exact';
    if (components.length !== 3) {
      return "has a '$' that does not end a full package coordinate '/<format>/<namespace>/<name>$'";
    }
  } else {
    return "does not end with a suffix: '$' (one package), '~' (a prefix) or '/*' (every value)";
  }
  const [format, namespace, name] = components;
  if (match === 'prefix' && components.length === 2 && namespace === '') {
    return "has an empty namespace prefix before '~'";
  }
  if (!CODEARTIFACT_FORMATS.includes(format)) {
    return `names format '${format}', which CodeArtifact does not know (${CODEARTIFACT_FORMATS.join(', ')})`;
  }
  if (namespace !== undefined && namespace !== '' && !COMPONENT.test(namespace)) {
    return `has a namespace '${namespace}' with '#', '$', '~', '*' or white space`;
  }
  if (name !== undefined && !COMPONENT.test(name)) {
    return name === '' ? 'has an empty package name' : `has a package name '${name}' with '#', '$', '~', '*' or white space`;
  }
  if (WITHOUT_NAMESPACE.includes(format) && namespace !== undefined && namespace !== '') {
    return `gives ${format} packages a namespace ('${namespace}'); they have none, so the namespace stays blank: '/${format}//<name>'`;
  }
  if (NAMESPACE_REQUIRED.includes(format) && name !== undefined && namespace === '') {
    return `names a ${format} package without a namespace (groupId); ${format} packages always have one`;
  }
  if (format === 'pypi' && name !== undefined) {
    const normalized = normalizePythonName(name);
    if (normalized !== name) {
      return `has the Python name '${name}', which CodeArtifact stores normalized as '${normalized}' (and matches only so)`;
    }
  }
  return { format, namespace, name, match };
}

/** PEP 503 normalization, which CodeArtifact applies to Python names: lower case, runs of `-`, `_` and `.` as one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
