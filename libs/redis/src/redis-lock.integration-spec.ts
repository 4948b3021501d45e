import { createTestRedisNamespace, sleep, type TestRedisNamespace } from '@lever-assess/testing';
import { tryLock } from './redis-lock';

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
    const crashed = await tryLock(ns.redis, key, 50);
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
});
