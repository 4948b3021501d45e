/**
 * Which HTTP failures are worth another attempt, and how long to wait: shared by the Lever and
 * platform clients. Kept pure so it is tested without a server.
 */

/**
 * 408 request timeout, 429 rate limited, 500 server error, 502/504 gateway trouble, 503
 * maintenance: Lever advises exponential backoff for these, and so does any sane API.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** The statuses above plus any other 5xx but 501 (Not Implemented will not start working on a retry). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || (status >= 500 && status <= 599 && status !== 501);
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))] (attempt counts from 1). */
export function fullJitterDelayMs(attempt: number, { baseMs, capMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as milliseconds: either delta-seconds or an HTTP date. Null when absent or
 * unparseable; never negative.
 */
export function parseRetryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date always has a weekday/month name; Date.parse alone accepts "-1" as a year.
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
