import { RemovalPolicy } from 'aws-cdk-lib';
import { invalid } from './validation';

/** A value as an error message shows it: strings quoted, objects as JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Refuses a value that is none of the given choices: an enum member or an enum-like class
 * instance passed from JavaScript as an arbitrary string or object, which the construct
 * would otherwise treat as some default without a word. Skipped when the value is absent.
 */
export function checkChoice<T>(construct: string, prop: string, value: T | undefined, choices: readonly T[], allowed: string): void {
  if (value !== undefined && !choices.includes(value)) {
    invalid(construct, prop, `${shown(value)} is not one of the choices`, allowed);
  }
}

/** The removal policies of data that cannot be snapshotted (S3 buckets, KMS keys, log groups, queues, CodeArtifact). */
const NOT_SNAPSHOT = [RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY];

/**
 * Refuses `RemovalPolicy.SNAPSHOT` (which `resources` cannot take, e.g. 'S3 buckets and KMS keys')
 * and values that are no RemovalPolicy at all.
 */
export function checkRemovalPolicy(construct: string, prop: string, value: RemovalPolicy | undefined, resources: string): void {
  const allowed = 'RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY';
  if (value === RemovalPolicy.SNAPSHOT) {
    invalid(construct, prop, `${resources} cannot be snapshotted`, allowed);
  }
  checkChoice(construct, prop, value, NOT_SNAPSHOT, allowed);
}
