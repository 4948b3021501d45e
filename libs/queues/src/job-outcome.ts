/**
 * What a processor decided about one job, in one vocabulary for every queue. QueueProcessor maps
 * it onto BullMQ:
 * - `done`: the job completes (with an optional result, visible on completed jobs);
 * - `retry`: rethrown, so the queue's attempts and backoff apply (an outage, anything unexpected);
 * - `delay`: the job waits until `until` without using an attempt and without holding a worker
 *   slot (a rate limit, a lock held elsewhere); other accounts' jobs go on;
 * - `fail`: permanent, never retried; the job is kept with `<code>: <message>` for replay.
 * - `park`: the account's Lever connection is broken (key revoked, account disconnected): the job
 *   waits, without an attempt, until an admin replaces the key (parked-jobs.ts resumes it), instead
 *   of failing or hammering Lever in a loop.
 */
export type JobOutcome<R = unknown> =
  | { kind: 'done'; result?: R }
  | { kind: 'retry'; code: string; error: unknown }
  | { kind: 'delay'; until: number; code: string }
  | { kind: 'fail'; code: string; message: string }
  | { kind: 'park'; code: string; accountId: string };

/** Floor of a delay: a 0 ms Retry-After would just spin the job. */
export const MIN_JOB_DELAY_MS = 250;
/** Code of an unexpected error (database hiccup, bug): retried like an outage. */
export const TRANSIENT_FAILURE = 'TRANSIENT_FAILURE';

export const JobOutcome = {
  done: <R>(result?: R): JobOutcome<R> => ({ kind: 'done', result }),
  retry: (code: string, error: unknown): JobOutcome<never> => ({ kind: 'retry', code, error }),
  delayFor: (ms: number, code: string, now = Date.now()): JobOutcome<never> => ({
    kind: 'delay',
    until: now + Math.max(MIN_JOB_DELAY_MS, ms),
    code,
  }),
  fail: (code: string, message: string): JobOutcome<never> => ({ kind: 'fail', code, message }),
  park: (code: string, accountId: string): JobOutcome<never> => ({ kind: 'park', code, accountId }),
};

/**
 * How our clients' errors describe themselves (LeverError, PlatformError, AccountUnavailableError):
 * a stable `code`, whether a later attempt can succeed, and, when the job should simply come back
 * later (a rate limit, its turn of the Lever budget, a shutdown), how long it waits without using
 * an attempt.
 */
export interface ClassifiedError {
  code: string;
  retryable: boolean;
  delayJobMs?: number;
  /** Set when the error means this account's Lever connection is broken: its jobs park until it is fixed. */
  parkAccountId?: string;
  message: string;
}

function isClassified(err: unknown): err is ClassifiedError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as ClassifiedError).code === 'string' &&
    typeof (err as ClassifiedError).retryable === 'boolean'
  );
}

/**
 * The outcome of a job that threw `err`: a rate limit waits, a retryable error is retried, a
 * non-retryable one fails for good; an error that says nothing about itself is retried as an
 * outage (a database or network hiccup), so nothing is dropped by a misclassification.
 */
export function outcomeOfError(err: unknown, now = Date.now()): JobOutcome<never> {
  if (isClassified(err)) {
    if (typeof err.parkAccountId === 'string') return JobOutcome.park(err.code, err.parkAccountId);
    if (typeof err.delayJobMs === 'number') return JobOutcome.delayFor(err.delayJobMs, err.code, now);
    return err.retryable ? JobOutcome.retry(err.code, err) : JobOutcome.fail(err.code, err.message);
  }
  return JobOutcome.retry(TRANSIENT_FAILURE, err);
}
