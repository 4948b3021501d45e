/**
 * Per-key admission control in front of every Lever request. The key is the Lever API key's id
 * (a hash of the key): Lever's budget belongs to the key, so two accounts sharing a key share one
 * budget, and one busy key never slows another.
 */
export interface LeverRateLimiter {
  /**
   * Takes `cost` requests' worth of the key's budget when the wait is at most `maxWaitMs`
   * (`granted`, wait `waitMs` before sending); otherwise takes nothing (`granted` false, the
   * turn would come in `waitMs`).
   */
  acquire(key: string, cost: number, maxWaitMs: number): Promise<{ granted: boolean; waitMs: number }>;
  /**
   * A job's turn for `cost` requests, always granted: `waitMs` until it. When that is longer than
   * `holdAfterMs`, the turn is kept under `holdId`: the job is delayed until then, and when it
   * runs again the same call finds its turn instead of queueing behind everyone again.
   */
  reserve(key: string, cost: number, holdId: string, holdAfterMs: number): Promise<{ waitMs: number }>;
  /** Lever answered 429 for `key`: hold every caller of that key back for `ms`. */
  penalize(key: string, ms: number): Promise<void>;
}
