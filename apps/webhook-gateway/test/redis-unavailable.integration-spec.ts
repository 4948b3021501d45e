import 'reflect-metadata';
import { TEST_REDIS_URL, TcpProxy, createTestDatabase, createTestRedisNamespace, eventually, freePort, sleep } from '@lever-assess/testing';
import {
  createAccount,
  createGatewayWorld,
  jobsWhere,
  leverDelivery,
  platformCallback,
  postJson,
  startGateway,
  type GatewayWorld,
  type RunningGateway,
  type TestAccount,
} from './gateway-harness';

/** The gateway's Redis is a closed port; its Postgres (and so the account cache) works. */
describe('webhook-gateway without Redis', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;
  let acme: TestAccount;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_noredis'),
      ns: await createTestRedisNamespace('gw_noredis'),
      redisUrl: TEST_REDIS_URL,
    });
    acme = await createAccount(world);
    gateway = await startGateway({ ...world.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });

  afterAll(async () => {
    await gateway?.close();
    await world?.dispose();
    // ioredis arms a 2 s "destroy the socket" timer when a client that never connected is
    // disconnected, and nothing clears it (the socket's 'close' already fired). Let it run out,
    // so that Jest exits with no open handles.
    await sleep(2_100);
  });

  it('answers a valid Lever delivery with 503 so that Lever retries', async () => {
    const res = await postJson(
      `${gateway.url}/webhooks/lever/${acme.account.webhookKey}`,
      leverDelivery({ signatureToken: acme.signatureToken }),
    );
    expect(res).toEqual({ status: 503, body: { error: 'unavailable', message: expect.stringMatching(/Redis/) } });
  });

  it('still refuses an unknown key and a bad signature from the cache loaded from Postgres', async () => {
    expect(
      (await postJson(`${gateway.url}/webhooks/lever/no-such-key`, leverDelivery({ signatureToken: acme.signatureToken }))).status,
    ).toBe(401);
    expect(
      (await postJson(`${gateway.url}/webhooks/lever/${acme.account.webhookKey}`, leverDelivery({ signatureToken: 'forged' }))).status,
    ).toBe(401);
  });

  it('answers a valid platform callback with 503', async () => {
    const { raw, headers } = platformCallback({
      id: 'evt_1',
      type: 'invitation.completed',
      data: { invitationId: 'inv_1', reference: '7c9e6679-7425-40de-944b-e07fc1f90ae7', occurredAt: '2026-01-05T10:00:00.000Z' },
    });
    expect((await postJson(`${gateway.url}/webhooks/platform`, raw, headers)).status).toBe(503);
  });

  it('is not ready, naming Redis, while the account cache is up', async () => {
    const res = await fetch(`${gateway.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      checks: { redis: { status: 'down' }, 'account-cache': { status: 'up' } },
    });
  });
});

/** Redis accepts the connection and then stops answering: a hung server, not a closed port. */
describe('webhook-gateway with a Redis that stops answering', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;
  let acme: TestAccount;
  let proxy: TcpProxy;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_hungredis'),
      ns: await createTestRedisNamespace('gw_hungredis'),
      redisUrl: TEST_REDIS_URL,
    });
    acme = await createAccount(world);
    const redis = new URL(TEST_REDIS_URL);
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await proxy.start();
    gateway = await startGateway({ ...world.env, REDIS_URL: proxy.rewrite(TEST_REDIS_URL) });
  });

  afterAll(async () => {
    proxy?.unstall();
    await gateway?.close();
    await proxy?.stop();
    await world?.dispose();
  });

  it('answers the deliveries waiting on it 503 at the deadline, and takes their retries once Redis answers again', async () => {
    const url = `${gateway.url}/webhooks/lever/${acme.account.webhookKey}`;
    await eventually(async () => (await postJson(url, leverDelivery({ signatureToken: acme.signatureToken }))).status === 202);

    proxy.stall();
    // Sent together, so they share a batch (and its one deadline) or fall in consecutive ones.
    const deliveries = [1, 2, 3].map(() => leverDelivery({ signatureToken: acme.signatureToken }));
    const started = Date.now();
    const answers = await Promise.all(deliveries.map((delivery) => postJson(url, delivery)));
    const waited = Date.now() - started;
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 503,
        body: { error: 'unavailable', message: expect.stringMatching(/did not answer within 2000 ms/) },
      });
    }
    // The deadline answered them, not an error of the connection.
    expect(waited).toBeGreaterThanOrEqual(1_900);

    proxy.unstall();
    // Lever retries each delivery: every one ends 2xx and with exactly one job, whether or not the
    // stalled writes reached Redis in the end.
    for (const delivery of deliveries) {
      await eventually(async () => [200, 202].includes((await postJson(url, delivery)).status));
      const jobs = await jobsWhere(world.leverEvents, (job) => job.deliveryToken === delivery.token);
      expect(jobs).toHaveLength(1);
    }
  });
});
