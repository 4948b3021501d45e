import {
  LeverClient,
  LeverRateLimitedError,
  RedisTokenBucketLimiter,
  type LeverAuth,
  type LeverRateLimiter,
} from '@lever-assess/lever-client';
import { createTestRedisNamespace, eventually, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import { Redis } from 'ioredis';
import { maxInWindow } from '../src/control/request-log';
import { createTestCompany, startSandbox, type RunningSandbox } from './support/sandbox-harness';

/** Sandbox as strict as Lever's steady rate, with a small burst so overshoot is visible. */
const SANDBOX_RATE = 10;
const SANDBOX_BURST = 10;
/** What our limiter allows per account (below Lever's 10 rps, as in production). */
const CLIENT_RATE = 8;
const CLIENT_BURST = 4;

/** Two "replicas": each its own Redis connection, limiter and client, one shared Redis. */
describe('per-account rate limiting shared through Redis', () => {
  let sandbox: RunningSandbox;
  let ns: TestRedisNamespace;
  let secondConnection: Redis;
  let replicaA: { client: LeverClient; limiter: RedisTokenBucketLimiter };
  let replicaB: { client: LeverClient; limiter: RedisTokenBucketLimiter };

  const replica = (redis: Redis) => {
    const limiter = new RedisTokenBucketLimiter({ redis, keyPrefix: `${ns.prefix}:rl:`, ratePerSecond: CLIENT_RATE, burst: CLIENT_BURST });
    return { limiter, client: new LeverClient({ baseUrl: sandbox.apiUrl, limiter, backoffBaseMs: 50, backoffCapMs: 200 }) };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ LEVER_SANDBOX_RATE_PER_SECOND: String(SANDBOX_RATE), LEVER_SANDBOX_BURST: String(SANDBOX_BURST) });
    ns = await createTestRedisNamespace('lever_rate_limit_spec');
    secondConnection = new Redis(TEST_REDIS_URL);
    replicaA = replica(ns.redis);
    replicaB = replica(secondConnection);
  });
  afterAll(async () => {
    await sandbox.close();
    await secondConnection.quit();
    await ns.cleanup();
  });

  it('control: without a limiter the same burst overruns the sandbox and gets 429s', async () => {
    const unlimited: LeverRateLimiter = { acquire: async () => undefined, penalize: async () => undefined };
    const client = new LeverClient({ baseUrl: sandbox.apiUrl, limiter: unlimited, maxAttempts: 1 });
    const { auth, keyId } = await createTestCompany(sandbox.control);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.listStages(auth)));
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LeverRateLimitedError).length).toBeGreaterThan(0);
    expect((await sandbox.control.stats(keyId)).byStatus['429']).toBeGreaterThan(0);
  });

  it('keeps two replicas together under the rate, with zero 429s, and does not slow another account', async () => {
    const busy = await createTestCompany(sandbox.control);
    const quiet = await createTestCompany(sandbox.control);
    const calls = (auth: LeverAuth, n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).client.listStages(auth));

    const busyDone = Promise.all(calls(busy.auth, 60));
    // Let the busy account's backlog form, then the quiet account asks for a little.
    await eventually(async () => (await sandbox.control.requests(busy.keyId)).length >= CLIENT_BURST);
    await Promise.all(calls(quiet.auth, 4));
    const busyServedWhenQuietDone = (await sandbox.control.requests(busy.keyId)).length;
    await busyDone;

    const stats = await sandbox.control.stats(busy.keyId);
    expect(stats.total).toBe(60);
    expect(stats.byStatus).toEqual({ '200': 60 });
    // A token bucket admits at most burst + rate in any 1 s window; +2 absorbs HTTP jitter.
    expect(stats.maxPerSecond).toBeLessThanOrEqual(CLIENT_RATE + CLIENT_BURST + 2);
    const arrivals = (await sandbox.control.requests(busy.keyId)).map((e) => e.at);
    // Over the whole run the pace is the rate: 60 requests need at least (60 - burst) / rate seconds.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(((60 - CLIENT_BURST) / CLIENT_RATE) * 1000 * 0.9);
    expect(maxInWindow(arrivals, 2000)).toBeLessThanOrEqual(2 * CLIENT_RATE + CLIENT_BURST + 2);

    // The quiet account finished while most of the busy account's backlog was still waiting.
    expect(busyServedWhenQuietDone).toBeLessThan(30);
    expect((await sandbox.control.stats(quiet.keyId)).byStatus).toEqual({ '200': 4 });
  });

  it('penalize on one replica holds back the other replica too', async () => {
    const { auth, keyId } = await createTestCompany(sandbox.control);
    const penalizedAt = Date.now();
    await replicaA.limiter.penalize(auth.accountId, 1_500);
    await replicaB.client.listStages(auth);
    const [first] = await sandbox.control.requests(keyId);
    expect(first.at - penalizedAt).toBeGreaterThanOrEqual(1_300);
  });

  it('a 429 seen by one replica slows the other replica for that account', async () => {
    const { auth, keyId } = await createTestCompany(sandbox.control);
    await sandbox.control.fault(keyId, { status: 429, count: 1, retryAfter: '2' });
    const first = replicaA.client.listStages(auth);
    const limited = await eventually(async () => {
      const [entry] = await sandbox.control.requests(keyId);
      return entry?.status === 429 ? entry : null;
    });
    await replicaB.client.listStages(auth);
    await first;
    const log = await sandbox.control.requests(keyId);
    expect(log.map((e) => e.status)).toEqual([429, 200, 200]);
    // Neither replica called again before the Retry-After had passed.
    expect(Math.min(log[1].at, log[2].at) - limited!.at).toBeGreaterThanOrEqual(1_800);
  });
});
