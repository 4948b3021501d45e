import {
  LeverClient,
  LeverRateLimitedError,
  RedisTokenBucketLimiter,
  leverCredentialId,
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
describe('per-key rate limiting shared through Redis', () => {
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

  /**
   * What a queue worker does with a job: run it on a reserved turn of the key's budget; when the
   * turn is further away (LeverRateLimitedError), the job waits (the queue's delayed set) and runs
   * again with the same hold id, finding its turn.
   */
  async function asJob<T>(replica: { client: LeverClient }, auth: LeverAuth, holdId: string, work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await replica.client.withBudget(auth, 1, holdId, work);
      } catch (err) {
        if (!(err instanceof LeverRateLimitedError)) throw err;
        await new Promise((r) => setTimeout(r, err.retryAfterMs));
      }
    }
  }

  it('control: without a limiter the same burst overruns the sandbox and gets 429s', async () => {
    const unlimited: LeverRateLimiter = {
      acquire: async () => ({ granted: true, waitMs: 0 }),
      reserve: async () => ({ waitMs: 0 }),
      penalize: async () => undefined,
    };
    const client = new LeverClient({ baseUrl: sandbox.apiUrl, limiter: unlimited, maxAttempts: 1 });
    const { auth, keyId } = await createTestCompany(sandbox.control);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.listStages(auth)));
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LeverRateLimitedError).length).toBeGreaterThan(0);
    expect((await sandbox.control.stats(keyId)).byStatus['429']).toBeGreaterThan(0);
  });

  it('keeps two replicas together under the rate, with zero 429s, each job on its own turn, and does not slow another key', async () => {
    const busy = await createTestCompany(sandbox.control);
    const quiet = await createTestCompany(sandbox.control);
    const jobs = (auth: LeverAuth, n: number, label: string) =>
      Array.from({ length: n }, (_, i) => {
        const replica = i % 2 === 0 ? replicaA : replicaB;
        return asJob(replica, auth, `${label}-${i}`, () => replica.client.listStages(auth));
      });

    const started = Date.now();
    const busyDone = Promise.all(jobs(busy.auth, 60, 'busy'));
    // Let the busy key's backlog form, then the quiet key asks for a little.
    await eventually(async () => (await sandbox.control.requests(busy.keyId)).length >= CLIENT_BURST);
    await Promise.all(jobs(quiet.auth, 4, 'quiet'));
    const busyServedWhenQuietDone = (await sandbox.control.requests(busy.keyId)).length;
    await busyDone;
    const elapsed = Date.now() - started;

    const stats = await sandbox.control.stats(busy.keyId);
    expect(stats.total).toBe(60);
    expect(stats.byStatus).toEqual({ '200': 60 });
    // A token bucket admits at most burst + rate in any 1 s window; +2 absorbs HTTP jitter.
    expect(stats.maxPerSecond).toBeLessThanOrEqual(CLIENT_RATE + CLIENT_BURST + 2);
    const arrivals = (await sandbox.control.requests(busy.keyId)).map((e) => e.at);
    // Over the whole run the pace is the rate: 60 requests need at least (60 - burst) / rate seconds.
    const paced = ((60 - CLIENT_BURST) / CLIENT_RATE) * 1000;
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(paced * 0.9);
    expect(maxInWindow(arrivals, 2000)).toBeLessThanOrEqual(2 * CLIENT_RATE + CLIENT_BURST + 2);
    // A delayed job came back to its own turn instead of queueing again: no time lost to re-queueing.
    expect(elapsed).toBeLessThan(paced + 2_000);

    // The quiet key finished while most of the busy key's backlog was still waiting.
    expect(busyServedWhenQuietDone).toBeLessThan(30);
    expect((await sandbox.control.stats(quiet.keyId)).byStatus).toEqual({ '200': 4 });
  });

  it('two accounts sharing one Lever key share its budget (the bucket is the key, not the account)', async () => {
    const company = await createTestCompany(sandbox.control);
    const asOther: LeverAuth = { ...company.auth, accountId: `${company.auth.accountId}-second-account` };
    const all = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        asJob(replicaA, company.auth, `shared-a-${i}`, () => replicaA.client.listStages(company.auth)),
      ),
      ...Array.from({ length: 10 }, (_, i) => asJob(replicaB, asOther, `shared-b-${i}`, () => replicaB.client.listStages(asOther))),
    ]);
    expect(all).toHaveLength(20);
    const stats = await sandbox.control.stats(company.keyId);
    expect(stats.byStatus).toEqual({ '200': 20 });
    expect(stats.maxPerSecond).toBeLessThanOrEqual(CLIENT_RATE + CLIENT_BURST + 2);
  });

  it('penalize on one replica holds back the other replica too: its call is refused with the wait', async () => {
    const { auth, keyId } = await createTestCompany(sandbox.control);
    await replicaA.limiter.penalize(leverCredentialId(auth), 1_500);
    const refused = await replicaB.client.listStages(auth).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LeverRateLimitedError);
    expect((refused as LeverRateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(1_300);
    expect(await sandbox.control.requests(keyId)).toEqual([]);
  });

  it('a 429 seen by one replica makes both wait out the Retry-After, outside the worker slot', async () => {
    const { auth, keyId } = await createTestCompany(sandbox.control);
    await sandbox.control.fault(keyId, { status: 429, count: 1, retryAfter: '2' });
    const first = await replicaA.client.listStages(auth).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(LeverRateLimitedError);
    expect((first as LeverRateLimitedError).retryAfterMs).toBe(2_000);
    const [limited] = await sandbox.control.requests(keyId);
    expect(limited.status).toBe(429);
    // The other replica is told to wait too, without sending anything.
    await expect(replicaB.client.listStages(auth)).rejects.toBeInstanceOf(LeverRateLimitedError);
    await asJob(replicaB, auth, 'after-429-b', () => replicaB.client.listStages(auth));
    await asJob(replicaA, auth, 'after-429-a', () => replicaA.client.listStages(auth));
    const log = await sandbox.control.requests(keyId);
    expect(log.map((e) => e.status)).toEqual([429, 200, 200]);
    // Neither replica called again before the Retry-After had passed.
    expect(Math.min(log[1].at, log[2].at) - limited.at).toBeGreaterThanOrEqual(1_800);
  });
});
