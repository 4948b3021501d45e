import type { Redis } from 'ioredis';
import type { LeverRateLimiter } from './lever-rate-limiter';
import { TOKEN_BUCKET_LUA } from './token-bucket.lua';

export interface RedisTokenBucketLimiterOptions {
  redis: Redis;
  /** Prepended to the key to name the bucket and holds, e.g. "<QUEUE_PREFIX>:lever-rate:". */
  keyPrefix: string;
  /** Lever allows 10 requests per second per key (lever-api.md). */
  ratePerSecond?: number;
  /** Lever allows bursts of 20. */
  burst?: number;
}

const COMMAND = 'leverTokenBucket';
/** A hold outlives its turn by this much, so a job delayed a little late still finds it. */
const HOLD_SLACK_MS = 5 * 60_000;
/**
 * How late a job may take its held turn. Our bucket counts a turn as spent when it is given, Lever
 * counts a request when it arrives: a turn used late is refill Lever's full bucket lost meanwhile,
 * and turns used more than about a second late, together with the on-time ones, drew 429s in the
 * bench's 200-candidate move at burst 15 of Lever's 20 (docs/performance.md, twelfth round). The
 * 5 spare tokens cover half a second at 10 per second; a job later than that queues again.
 */
export const MISSED_TURN_MS = 500;

type BucketRedis = Redis & {
  [COMMAND](
    bucket: string,
    hold: string,
    rate: number,
    burst: number,
    mode: 'acquire' | 'reserve' | 'penalize',
    cost: number,
    maxWaitMs: number,
    penaltyMs: number,
    holdAfterMs: number,
    holdTtlMs: number,
    missedTurnMs: number,
  ): Promise<[number, number]>;
};

/** LeverRateLimiter shared by every process using the same Redis (see token-bucket.lua.ts). */
export class RedisTokenBucketLimiter implements LeverRateLimiter {
  private readonly redis: BucketRedis;
  readonly rate: number;
  readonly burst: number;

  constructor(private readonly options: RedisTokenBucketLimiterOptions) {
    this.rate = options.ratePerSecond ?? 10;
    this.burst = options.burst ?? 20;
    if (!(this.rate > 0) || !(this.burst >= 1)) throw new Error('RedisTokenBucketLimiter: ratePerSecond must be > 0 and burst >= 1');
    // defineCommand sends EVALSHA and falls back to EVAL once per connection if the script is unknown.
    if (typeof (options.redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      options.redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: TOKEN_BUCKET_LUA });
    }
    this.redis = options.redis as unknown as BucketRedis;
  }

  async acquire(key: string, cost: number, maxWaitMs: number): Promise<{ granted: boolean; waitMs: number }> {
    const [granted, waitMs] = await this.run(key, '', 'acquire', cost, { maxWaitMs });
    return { granted: granted === 1, waitMs };
  }

  async reserve(key: string, cost: number, holdId: string, holdAfterMs: number): Promise<{ waitMs: number }> {
    const [, waitMs] = await this.run(key, `${this.options.keyPrefix}hold:${holdId}`, 'reserve', cost, { holdAfterMs });
    return { waitMs };
  }

  async penalize(key: string, ms: number): Promise<void> {
    await this.run(key, '', 'penalize', 0, { penaltyMs: Math.max(0, Math.round(ms)) });
  }

  private run(
    key: string,
    hold: string,
    mode: 'acquire' | 'reserve' | 'penalize',
    cost: number,
    { maxWaitMs = 0, penaltyMs = 0, holdAfterMs = 0 }: { maxWaitMs?: number; penaltyMs?: number; holdAfterMs?: number },
  ): Promise<[number, number]> {
    // A Lua script's keys must be named; the unused hold key of acquire/penalize is the bucket itself.
    const bucket = `${this.options.keyPrefix}${key}`;
    return this.redis[COMMAND](
      bucket,
      hold || bucket,
      this.rate,
      this.burst,
      mode,
      cost,
      maxWaitMs,
      penaltyMs,
      holdAfterMs,
      HOLD_SLACK_MS,
      MISSED_TURN_MS,
    );
  }
}
