/**
 * The time limits of the Studio domain teardown, shared by the construct and the handlers
 * (docs/decisions/040-domain-teardown.md). Plain numbers, no imports: the construct must not
 * pull the handlers' AWS SDK into the library.
 *
 * How they nest, from CloudFormation's DELETE_IN_PROGRESS event of the custom resource:
 *
 * - a condition that cannot clear by itself fails the teardown on the first pass after
 *   `STUCK_GRACE_SECONDS` (5 min);
 * - anything else still pending fails it, with what it waits for, on the first pass after
 *   `WAIT_LIMIT_SECONDS` (45 min), that is by 45 min + one interval + one function timeout;
 * - the Provider framework gives up ("Operation timed out", no reason) only after
 *   `FRAMEWORK_TIMEOUT_SECONDS` (50 min) of intervals, always later than the handler;
 * - CloudFormation's own limit, `SERVICE_TIMEOUT_SECONDS`, is set explicitly to its maximum (1 h).
 */

/** Seconds between two is-complete passes (the Provider framework's query interval). */
export const PASS_INTERVAL_SECONDS = 30;

/**
 * CloudFormation's service timeout for the custom resource: its maximum, 3,600 s (the
 * `ServiceTimeout` property accepts 1 to 3,600 s; aws-cdk-lib core/lib/custom-resource.d.ts).
 */
export const SERVICE_TIMEOUT_SECONDS = 3600;

/** The Provider framework's total timeout: 100 passes, 10 minutes below the service timeout. */
export const FRAMEWORK_TIMEOUT_SECONDS = 3000;

/** The is-complete function's timeout; a pass stops starting new calls after `PASS_BUDGET_SECONDS`. */
export const PASS_FUNCTION_TIMEOUT_SECONDS = 300;

/** How long one pass may keep issuing calls before it answers "not complete yet". */
export const PASS_BUDGET_SECONDS = 120;

/** After this long, a teardown that is still waiting fails with what it waits for. */
export const WAIT_LIMIT_SECONDS = 2700;

/** After this long, a condition that cannot clear by itself fails the teardown with its reason (10 passes). */
export const STUCK_GRACE_SECONDS = 300;

/** An app still `Pending` this long after its creation is stuck (apps start in minutes). */
export const APP_PENDING_LIMIT_SECONDS = 1200;
