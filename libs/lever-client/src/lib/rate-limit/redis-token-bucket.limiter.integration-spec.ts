import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MISSED_TURN_MS, RedisTokenBucketLimiter } from './redis-token-bucket.limiter';

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

  describe('acquire (one request, a bounded wait)', () => {
    it('grants the burst at once, then turns spaced at the rate', async () => {
      // Turns 200 ms apart, wide enough that a stall of a busy machine cannot refill the bucket
      // between two calls.
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 5, burst: 3 });
      const waits: number[] = [];
      const turns: number[] = [];
      for (let i = 0; i < 6; i++) {
        const asked = Date.now();
        const { waitMs } = await sut.acquire('key-pace', 1, 10_000);
        waits.push(waitMs);
        turns.push(asked + waitMs);
      }
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(0);
      expect(waits[5]).toBeLessThanOrEqual(600);
      // The turns after the burst are 200 ms apart, however long each call took on a busy machine
      // (a turn is known to within the call's own duration: the limiter reads the clock inside it).
      for (const gap of [turns[4] - turns[3], turns[5] - turns[4]]) {
        expect(gap).toBeGreaterThanOrEqual(120);
        expect(gap).toBeLessThanOrEqual(280);
      }
    });

    it('refuses a wait longer than maxWaitMs, says when the turn would come, and takes nothing', async () => {
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 2, burst: 1 });
      await expect(sut.acquire('key-wait', 1, 600)).resolves.toEqual({ granted: true, waitMs: 0 });
      const refused = await sut.acquire('key-wait', 1, 100);
      expect(refused.granted).toBe(false);
      expect(refused.waitMs).toBeGreaterThan(300); // about 500 ms, less what the calls took on a busy machine
      // Nothing was taken: the next caller's turn is the same (about 500 ms), not one further.
      const again = await sut.acquire('key-wait', 1, 100);
      expect(again.waitMs).toBeLessThanOrEqual(refused.waitMs);
    });

    it('shares one bucket across connections and keeps keys independent', async () => {
      const a = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 1, burst: 2 });
      const b = new RedisTokenBucketLimiter({ redis: redisB, keyPrefix: prefix, ratePerSecond: 1, burst: 2 });
      expect((await a.acquire('key-shared', 1, 100)).granted).toBe(true);
      expect((await b.acquire('key-shared', 1, 100)).granted).toBe(true);
      expect((await a.acquire('key-shared', 1, 100)).granted).toBe(false);
      expect((await b.acquire('key-shared', 1, 100)).granted).toBe(false);
      expect((await b.acquire('key-other', 1, 100)).granted).toBe(true);
    });
  });

  describe('reserve (a job turn, kept while the job waits)', () => {
    it('gives queued jobs consecutive turns, holding those further away than the inline wait', async () => {
      // Turns 200 ms apart: job 4's (about 600 ms away) stays beyond the 150 ms inline wait even if
      // the calls before it stall for a few hundred ms on a busy machine.
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 5, burst: 2 });
      const turns: number[] = [];
      for (let i = 0; i < 5; i++) turns.push((await sut.reserve('key-jobs', 1, `job-${i}`, 150)).waitMs);
      expect(turns.slice(0, 2)).toEqual([0, 0]);
      expect(turns[4]).toBeGreaterThan(turns[3]);
      expect(turns[4]).toBeLessThanOrEqual(600);
      // Job 4 was told to come back later: its turn is held for it.
      expect(Number(await redisA.get(`${prefix}hold:job-4`))).toBeGreaterThan(0);
      expect(await redisA.get(`${prefix}hold:job-0`)).toBeNull();
    });

    it('a job back from its delay finds its own turn instead of queueing behind later jobs', async () => {
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 2, burst: 1 });
      await sut.reserve('key-hold', 1, 'first', 50);
      const late = await sut.reserve('key-hold', 1, 'late', 50); // about 500 ms away: held
      for (let i = 0; i < 5; i++) await sut.reserve('key-hold', 1, `later-${i}`, 50); // a backlog forms behind it
      // Run again early: still its turn, not a new one behind the backlog.
      const early = await sut.reserve('key-hold', 1, 'late', 50);
      expect(early.waitMs).toBeLessThanOrEqual(late.waitMs);
      await new Promise((r) => setTimeout(r, late.waitMs + 20));
      await expect(sut.reserve('key-hold', 1, 'late', 50)).resolves.toEqual({ waitMs: 0 });
      // The hold is spent: the next reservation under that id queues at the end (behind 5 turns at 2 per second).
      expect((await sut.reserve('key-hold', 1, 'late', 50)).waitMs).toBeGreaterThan(2_000);
    });

    it('a job back more than MISSED_TURN_MS after its turn has missed it and queues again', async () => {
      // Turns 500 ms apart, so that 'slow' is held even when the two calls are a few hundred ms apart
      // on a busy machine (at 10 per second, a 92 ms stall once let it through at once in CI).
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 2, burst: 1 });
      await sut.reserve('key-missed', 1, 'first', 50);
      const held = await sut.reserve('key-missed', 1, 'slow', 50); // about 500 ms away: held
      expect(held.waitMs).toBeGreaterThan(50);
      // It comes back well after its turn, while a backlog formed behind it.
      await new Promise((r) => setTimeout(r, held.waitMs + MISSED_TURN_MS + 100));
      for (let i = 0; i < 10; i++) await sut.reserve('key-missed', 1, `backlog-${i}`, 50);
      // Not at once on top of the backlog's turns: behind them (the last of 10 turns at 2 per second is 4.5 s away).
      const again = await sut.reserve('key-missed', 1, 'slow', 50);
      expect(again.waitMs).toBeGreaterThan(4_000);
    });

    it('reserves several requests at once', async () => {
      const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 2, burst: 4 });
      expect((await sut.reserve('key-cost', 4, 'big', 1_000)).waitMs).toBe(0);
      const next = await sut.reserve('key-cost', 1, 'small', 1_000);
      // The burst is spent: the next turn is one interval (500 ms) away, less what the calls took.
      expect(next.waitMs).toBeGreaterThan(250);
      expect(next.waitMs).toBeLessThanOrEqual(500);
    });
  });

  it('penalize holds every client of the key back', async () => {
    const a = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 50, burst: 10 });
    const b = new RedisTokenBucketLimiter({ redis: redisB, keyPrefix: prefix, ratePerSecond: 50, burst: 10 });
    await a.penalize('key-penalized', 800);
    const refused = await a.acquire('key-penalized', 1, 200);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(600);
    const granted = await b.acquire('key-penalized', 1, 5_000);
    expect(granted.granted).toBe(true);
    expect(granted.waitMs).toBeGreaterThanOrEqual(550);
  });

  it('expires idle buckets so Redis does not grow with keys', async () => {
    const sut = new RedisTokenBucketLimiter({ redis: redisA, keyPrefix: prefix, ratePerSecond: 10, burst: 5 });
    await sut.acquire('key-ttl', 1, 0);
    const ttl = await redisA.pttl(`${prefix}key-ttl`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_200);
  });
});
