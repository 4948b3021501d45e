import { createTestRedisNamespace, sleep, type TestRedisNamespace } from '@lever-assess/testing';
import { LockLostError, tryLock } from './redis-lock';

describe(tryLock.name, () => {
  let ns: TestRedisNamespace;
  beforeAll(async () => {
    ns = await createTestRedisNamespace('lock');
  });
  afterAll(() => ns.cleanup());

  it('lets one holder in at a time and frees the key on release', async () => {
    const key = `${ns.prefix}:a`;
    const first = await tryLock(ns.redis, key, 10_000);
    expect(first).not.toBeNull();
    await expect(tryLock(ns.redis, key, 10_000)).resolves.toBeNull();
    await first!.release();
    const second = await tryLock(ns.redis, key, 10_000);
    expect(second).not.toBeNull();
    await second!.release();
  });

  it('expires a holder that never releases, and a late release does not free the next holder', async () => {
    const key = `${ns.prefix}:b`;
    // A crashed holder renews nothing: its renewal timer died with it.
    const crashed = await tryLock(ns.redis, key, 50, { renewEveryMs: 60_000 });
    await sleep(120);
    const next = await tryLock(ns.redis, key, 10_000);
    expect(next).not.toBeNull();
    await crashed!.release();
    await expect(tryLock(ns.redis, key, 10_000)).resolves.toBeNull();
    await next!.release();
  });

  it('grants exactly one of many concurrent attempts', async () => {
    const key = `${ns.prefix}:c`;
    const results = await Promise.all(Array.from({ length: 20 }, () => tryLock(ns.redis, key, 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('renews itself while held, beyond its TTL', async () => {
    const key = `${ns.prefix}:renew`;
    // Three TTLs; a TTL long enough that a loaded CI machine's timer delays (seen: over 100 ms with
    // two test files running) do not outlast a renewal period.
    const lock = await tryLock(ns.redis, key, 600);
    await sleep(1_800);
    await expect(lock!.assertHeld()).resolves.toBeUndefined();
    await expect(tryLock(ns.redis, key, 600)).resolves.toBeNull();
    await lock!.release();
    await expect(ns.redis.exists(key)).resolves.toBe(0);
  });

  it('fences a holder whose lock was taken over: assertHeld throws LockLostError', async () => {
    const key = `${ns.prefix}:fence`;
    const first = await tryLock(ns.redis, key, 10_000, { renewEveryMs: 60_000 });
    // As if the first holder stalled past its TTL and another replica took the lock.
    await ns.redis.set(key, 'another-holder');
    await expect(first!.assertHeld()).rejects.toBeInstanceOf(LockLostError);
    await expect(first!.assertHeld()).rejects.toMatchObject({ code: 'LOCK_LOST', retryable: true, delayJobMs: 0 });
    // Neither its renewal nor its release touches the new holder's lock.
    await first!.release();
    await expect(ns.redis.get(key)).resolves.toBe('another-holder');
  });

  it('notices a lost lock at its next renewal too', async () => {
    const key = `${ns.prefix}:lost-renewal`;
    const lock = await tryLock(ns.redis, key, 300, { renewEveryMs: 50 });
    await ns.redis.del(key);
    await sleep(150);
    await ns.redis.set(key, 'someone-else');
    await expect(lock!.assertHeld()).rejects.toBeInstanceOf(LockLostError);
    await lock!.release();
  });
});
