/**
 * Lever's per-key token bucket (lever-api.md 2): `ratePerSecond` steady, `burst` at most.
 * In memory: the sandbox runs as one process.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `keyId`; false when the bucket is empty (answer 429). */
  take(keyId: string, now = performance.now()): boolean {
    const b = this.buckets.get(keyId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    this.buckets.set(keyId, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
