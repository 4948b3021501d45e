import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { LeverRateLimitedError } from '../lever.errors';
import { RedisTokenBucketLimiter } from './redis-token-bucket.limiter';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe(RedisTokenBucketLimiter.name, () => {
  const prefix = `test:lever-client:limiter:${randomUUID()}:`;
  const redisA = new Redis(REDIS_URL, { lazyConnect: true });
  const redisB = new Redis(REDIS_URL, { lazyConnect: true });

  afterAll(async () => {
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length) await redisA.del(...keys);
    await Promise.all([redisA.quit(), redisB.quit()]);
  });

  it('grants the burst at once, then paces callers at the rate', async () => {
    const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 10, burst: 3 });
    const started = Date.now();
    const done: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => sut.acquire('acct-pace').then(() => done.push(Date.now() - started))));
    done.sort((a, b) => a - b);
    // 3 immediately, the other 5 at 100 ms spacing: the last cannot be earlier than ~500 ms.
    expect(done[7]).toBeGreaterThanOrEqual(450);
    expect(done.filter((ms) => ms < 90).length).toBeLessThanOrEqual(3);
  });

  it('refuses a wait longer than maxWaitMs with retryAfterMs, without consuming a token', async () => {
    const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 2, burst: 1, maxWaitMs: 600 });
    await sut.acquire('acct-wait'); // the one burst token
    const results = await Promise.allSettled([sut.acquire('acct-wait'), sut.acquire('acct-wait'), sut.acquire('acct-wait')]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const err of refused) {
      expect(err).toBeInstanceOf(LeverRateLimitedError);
      expect(err.retryAfterMs).toBeGreaterThan(600);
      expect(err.accountId).toBe('acct-wait');
    }
  });

  it('shares one bucket across connections and keeps keys independent', async () => {
    const a = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 1, burst: 2, maxWaitMs: 100 });
    const b = new RedisTokenBucketLimiter({ redis: redisB, keyPrefix: prefix, ratePerSecond: 1, burst: 2, maxWaitMs: 100 });
    await a.acquire('acct-shared');
    await b.acquire('acct-shared');
    await expect(a.acquire('acct-shared')).rejects.toBeInstanceOf(LeverRateLimitedError);
    await expect(b.acquire('acct-shared')).rejects.toBeInstanceOf(LeverRateLimitedError);
    await expect(b.acquire('acct-other')).resolves.toBeUndefined();
  });

  it('penalize holds every client of the key back', async () => {
    const a = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 50, burst: 10, maxWaitMs: 200 });
    const b = new RedisTokenBucketLimiter({ redis: redisB, keyPrefix: prefix, ratePerSecond: 50, burst: 10, maxWaitMs: 5_000 });
    await a.penalize('acct-penalized', 800);
    const err = await a.acquire('acct-penalized').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeverRateLimitedError);
    expect((err as LeverRateLimitedError).retryAfterMs).toBeGreaterThan(600);
    const started = Date.now();
    await b.acquire('acct-penalized');
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('expires idle buckets so Redis does not grow with accounts', async () => {
    const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 10, burst: 5 });
    await sut.acquire('acct-ttl');
    const ttl = await redisA.pttl(`${prefix}acct-ttl`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_200);
  });
});
