import { countSocketWrites, createTestRedisNamespace, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import IORedis from 'ioredis';
import type { Socket } from 'node:net';
import { inOneWrite } from './one-write';

describe(inOneWrite.name, () => {
  let ns: TestRedisNamespace;
  let client: IORedis;
  beforeAll(async () => {
    ns = await createTestRedisNamespace('one-write');
    client = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 3 });
    await client.ping();
  });
  afterAll(async () => {
    client.disconnect();
    await ns.cleanup();
  });

  it('sends the commands it announces in one socket write, and each gets its own reply', async () => {
    const keys = Array.from({ length: 16 }, (_, i) => `${ns.prefix}:a${i}`);
    const writes = countSocketWrites(client.stream as Socket);
    const replies = inOneWrite(client, keys.length, () => keys.map((key, i) => client.set(key, `v${i}`)));
    expect(writes).toEqual({ write: 0, writev: 0, chunks: [] }); // held until all 16 are written
    await expect(Promise.all(replies)).resolves.toEqual(keys.map(() => 'OK'));
    expect(writes).toEqual({ write: 0, writev: 1, chunks: [16] });
    await expect(client.mget(...keys)).resolves.toEqual(keys.map((_, i) => `v${i}`));
    expect(client.stream.writableCorked).toBe(0);
  });

  it('a command that fails in Redis fails alone', async () => {
    const key = `${ns.prefix}:list`;
    await client.rpush(key, 'x');
    const [ok, wrongType, alsoOk] = inOneWrite(client, 3, () => [
      client.set(`${ns.prefix}:b1`, '1').then(String, (err: Error) => err),
      client.incr(key).then(String, (err: Error) => err),
      client.set(`${ns.prefix}:b2`, '2').then(String, (err: Error) => err),
    ]);
    await expect(ok).resolves.toBe('OK');
    await expect(wrongType).resolves.toBeInstanceOf(Error);
    await expect(alsoOk).resolves.toBe('OK');
  });

  it('does not hold the socket when fewer commands come than announced (one refused before it was written)', async () => {
    const writes = countSocketWrites(client.stream as Socket);
    const reply = inOneWrite(client, 4, () => client.set(`${ns.prefix}:c`, '1'));
    // Would never resolve if the socket stayed corked waiting for the other three.
    await expect(reply).resolves.toBe('OK');
    expect(writes.write + writes.writev).toBe(1);
    expect(client.stream.writableCorked).toBe(0);
    await expect(client.get(`${ns.prefix}:c`)).resolves.toBe('1');
  });

  it('uncorks even when the batch throws while issuing its commands', async () => {
    expect(() =>
      inOneWrite(client, 2, () => {
        void client.set(`${ns.prefix}:d`, '1');
        throw new Error('refused while building the batch');
      }),
    ).toThrow('refused while building the batch');
    await expect(client.get(`${ns.prefix}:d`)).resolves.toBe('1');
    expect(client.stream.writableCorked).toBe(0);
  });

  it('just runs the batch while the client is not connected', async () => {
    const idle = new IORedis(TEST_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    try {
      const results = inOneWrite(idle, 2, () => [idle.get('x').catch((err: Error) => err), idle.get('y').catch((err: Error) => err)]);
      // Refused at once by ioredis (no connection, no offline queue), not held.
      for (const result of await Promise.all(results)) expect(result).toBeInstanceOf(Error);
    } finally {
      idle.disconnect();
    }
  });
});
