/**
 * Per-key admission control in front of every Lever request. The key is the account id (one
 * Lever key per account), so one busy account never slows another.
 */
export interface LeverRateLimiter {
  /**
   * Resolves when the caller may send one request for `key`. Rejects with LeverRateLimitedError
   * (carrying retryAfterMs) instead of waiting longer than the limiter's maximum wait.
   */
  acquire(key: string): Promise<void>;
  /** Lever answered 429 for `key`: hold every caller of that key back for `ms`. */
  penalize(key: string, ms: number): Promise<void>;
}
