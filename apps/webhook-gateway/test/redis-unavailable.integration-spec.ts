import 'reflect-metadata';
import { TEST_REDIS_URL, createTestDatabase, createTestRedisNamespace, freePort, sleep } from '@lever-assess/testing';
import {
  createAccount,
  createGatewayWorld,
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
