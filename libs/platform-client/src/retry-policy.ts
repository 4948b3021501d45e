/**
 * Statuses worth another attempt: 408 (request timeout), 429 (rate limited; Retry-After says
 * when), 500/502/503/504 (platform or proxy trouble). Anything else is an answer, not a glitch.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Any 5xx but 501 (Not Implemented will not start working on a retry). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Exponential backoff with full jitter (a random delay between 0 and base * 2^(attempt-1),
 * capped), so many workers retrying after one outage do not hit the platform in step.
 */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns milliseconds from `now`,
 * or undefined when absent or unparseable.
 */
export function parseRetryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
