/**
 * How the Studio domain teardown calls AWS: which errors mean "gone", "not yet" or a real
 * failure, retry on throttling, pagination, and structured logs. Not part of the public API.
 */

/** Options of the retry on throttling and of the clock. */
export interface RetryOptions {
  /** Attempts of one call while it is throttled. @default 6 */
  readonly attempts?: number;
  /** First back-off delay. @default 500 */
  readonly baseDelayMs?: number;
  /** Sleeps between attempts (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/**
 * Error names that mean "the resource is already gone". SageMaker: `ResourceNotFound`
 * (@aws-sdk/client-sagemaker models/errors.d.ts, declared by DeleteApp, DeleteSpace,
 * DeleteUserProfile, DeleteDomain, DescribeDomain). EFS: `FileSystemNotFound`,
 * `MountTargetNotFound` (@aws-sdk/client-efs models/errors.d.ts). EC2 has no modeled errors;
 * its codes arrive as the error name: `InvalidGroup.NotFound`, `InvalidPermission.NotFound`.
 */
const NOT_FOUND = new Set([
  'ResourceNotFound', 'ResourceNotFoundException', 'FileSystemNotFound', 'MountTargetNotFound', 'InvalidGroup.NotFound', 'InvalidPermission.NotFound',
]);

/**
 * Error names that mean "not yet": the resource is busy or a dependency is still being
 * deleted, which is normal while a teardown runs. Where the installed SDK models declare them:
 *
 * - SageMaker `ResourceInUse`: DeleteApp, DeleteSpace, DeleteUserProfile, DeleteDomain (an app,
 *   space or profile still being deleted, or a list that lagged behind). `ConflictException`
 *   is declared by other SageMaker deletes (DeleteCluster, DeletePartnerApp, ...), not these;
 *   it is accepted as "not yet" in case SageMaker returns it here too.
 * - EFS `FileSystemInUse`: DeleteFileSystem while mount targets exist. `DependencyTimeout`
 *   (server fault): DeleteMountTarget. `IncorrectMountTargetState` and
 *   `IncorrectFileSystemLifeCycleState`: a mount target or file system not in a state the call
 *   accepts. `TooManyRequests` and `ThrottlingException`: EFS's own throttling names (the SDK's
 *   retry strategy does not list `TooManyRequests` among throttling codes).
 *
 * EC2's `DependencyViolation` is handled where it occurs (DeleteSecurityGroup), because it can
 * also mean a reference that never clears.
 */
const NOT_YET = new Set([
  'ResourceInUse', 'ConflictException',
  'FileSystemInUse', 'DependencyTimeout', 'IncorrectMountTargetState', 'IncorrectFileSystemLifeCycleState', 'TooManyRequests',
]);

/**
 * Throttling names: the SDK's own list (@smithy/service-error-classification
 * THROTTLING_ERROR_CODES, in part) and EFS's `TooManyRequests`.
 */
const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'TooManyRequests', 'RequestLimitExceeded', 'RequestThrottled',
  'RequestThrottledException', 'ProvisionedThroughputExceededException', 'EC2ThrottledException', 'SlowDown',
]);

/** The name of an SDK error (`name`, or `Code` for errors built from an XML body). */
export function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? (error as { Code?: string })?.Code ?? '';
}

/** `Name: message`, short enough for a CloudFormation status reason. */
export function describeError(error: unknown): string {
  const message = String((error as { message?: string })?.message ?? '').replace(/\s+/g, ' ').trim();
  const name = errorName(error);
  const text = message && message !== name ? `${name}: ${message}` : name || 'unknown error';
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || (error as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling === true;
}

/** Whether an error says that the resource does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorName(error));
}

/**
 * Whether an error means "not complete yet": busy, in use, throttled beyond the retries, or
 * a server fault (`$fault: 'server'`, which the next pass retries).
 */
export function isNotYet(error: unknown): boolean {
  return NOT_YET.has(errorName(error)) || isThrottling(error) || (error as { $fault?: string })?.$fault === 'server';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `call`, retrying with exponential backoff and jitter while it is throttled. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) {
        throw error;
      }
      await sleep(Math.min(base * 2 ** (attempt - 1), 10_000) * (0.5 + Math.random() / 2));
    }
  }
}

/** One page of a list call: its items and the token of the next page. */
export interface Page<I> {
  readonly items?: I[];
  readonly next?: string;
}

/** Every item of a paginated list call, following its token until there is none. */
export async function listAll<I>(fetch: (token?: string) => Promise<Page<I>>): Promise<I[]> {
  const items: I[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    items.push(...page.items ?? []);
    token = page.next;
  } while (token);
  return items;
}

/** One structured log line. */
export function log(message: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...details }));
}
