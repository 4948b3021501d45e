import { AccountUnavailableError } from '@lever-assess/account-access';
import { LeverError, LeverRateLimitedError } from '@lever-assess/lever-client';
import { PlatformError } from '@lever-assess/platform-client';

/**
 * How a failed `lever-events` job is handled (style-examples §6):
 * - `rate-limited`: the account's Lever budget is spent; the job waits `retryAfterMs` without
 *   using an attempt and without holding up other accounts' jobs.
 * - `transient`: Lever or the platform is unavailable (5xx, timeout, network) or anything
 *   unexpected (a database hiccup): rethrown, BullMQ's attempts and backoff apply.
 * - `permanent`: retrying cannot help (revoked key, missing permission, deleted opportunity,
 *   disconnected account, our platform key refused): recorded, then the job fails for good and
 *   is kept so it can be replayed once the cause is fixed.
 */
export type DispatchErrorKind =
  { kind: 'rate-limited'; retryAfterMs: number } | { kind: 'transient'; code: string } | { kind: 'permanent'; code: string };

/** Floor of a rate-limit delay: a 0 ms Retry-After would just spin the job. */
export const MIN_RATE_LIMIT_DELAY_MS = 250;

/** Code of an unexpected error (database hiccup, bug): retried like an outage. */
export const TRANSIENT_FAILURE = 'TRANSIENT_FAILURE';

export function classifyDispatchError(err: unknown): DispatchErrorKind {
  if (err instanceof LeverRateLimitedError)
    return { kind: 'rate-limited', retryAfterMs: Math.max(MIN_RATE_LIMIT_DELAY_MS, err.retryAfterMs) };
  if (err instanceof LeverError || err instanceof PlatformError) {
    return err.retryable ? { kind: 'transient', code: err.code } : { kind: 'permanent', code: err.code };
  }
  // Disabled and missing accounts end the job normally; only a disconnected one gets here.
  if (err instanceof AccountUnavailableError) return { kind: 'permanent', code: `ACCOUNT_${err.status.toUpperCase()}` };
  return { kind: 'transient', code: TRANSIENT_FAILURE };
}
