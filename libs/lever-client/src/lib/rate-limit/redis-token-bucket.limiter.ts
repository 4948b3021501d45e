import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LeverRateLimitedError } from '../lever.errors';
import { leverRateLimitWait } from '../lever-metrics';
import type { LeverRateLimiter } from './lever-rate-limiter';
import { TOKEN_BUCKET_LUA } from './token-bucket.lua';

export interface RedisTokenBucketLimiterOptions {
  redis: Redis;
  /** Prepended to the key (account id) to name the bucket, e.g. "lever:rate:". */
  keyPrefix: string;
  /** Lever allows 10 rps per key and the customer's other tools may share it: stay below. */
  ratePerSecond?: number;
  burst?: number;
  /** Longer waits are refused with LeverRateLimitedError so a queue can delay the job instead. */
  maxWaitMs?: number;
}

const COMMAND = 'leverTokenBucket';
type BucketRedis = Redis & {
  [COMMAND](key: string, rate: number, burst: number, maxWaitMs: number, mode: string, penaltyMs: number): Promise<[number, number]>;
};

/** LeverRateLimiter shared by every process using the same Redis (see token-bucket.lua.ts). */
export class RedisTokenBucketLimiter implements LeverRateLimiter {
  private readonly redis: BucketRedis;
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: RedisTokenBucketLimiterOptions) {
    this.rate = options.ratePerSecond ?? 8;
    this.burst = options.burst ?? 8;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    if (!(this.rate > 0) || !(this.burst >= 1)) throw new Error('RedisTokenBucketLimiter: ratePerSecond must be > 0 and burst >= 1');
    // defineCommand sends EVALSHA and falls back to EVAL once per connection if the script is unknown.
    if (typeof (options.redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      options.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    }
    this.redis = options.redis as unknown as BucketRedis;
  }

  async acquire(key: string): Promise<void> {
    const [granted, waitMs] = await this.redis[COMMAND](this.bucket(key), this.rate, this.burst, this.maxWaitMs, 'acquire', 0);
    if (granted !== 1) {
      throw new LeverRateLimitedError({ accountId: key, endpoint: 'rate limiter' }, waitMs);
    }
    leverRateLimitWait.observe(waitMs / 1000);
    if (waitMs > 0) await sleep(waitMs);
  }

  async penalize(key: string, ms: number): Promise<void> {
    await this.redis[COMMAND](this.bucket(key), this.rate, this.burst, this.maxWaitMs, 'penalize', Math.max(0, Math.round(ms)));
  }

  private bucket(key: string): string {
    return `${this.options.keyPrefix}${key}`;
  }
}
