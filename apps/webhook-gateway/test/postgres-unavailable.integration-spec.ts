import 'reflect-metadata';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  freePort,
  startBuiltApp,
  TcpProxy,
  type RunningApp,
} from '@lever-assess/testing';
import {
  ENCRYPTION_KEY,
  PLATFORM_SECRET,
  createAccount,
  createGatewayWorld,
  jobsWhere,
  leverDelivery,
  postJson,
  type GatewayWorld,
  type TestAccount,
} from './gateway-harness';

async function readiness(gateway: RunningApp): Promise<{ status: number; checks: Record<string, { status: string }> }> {
  const res = await fetch(`${gateway.url}/health/ready`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, { status: string }> }).checks };
}

/**
 * The built gateway with DATABASE_URL on a port where nothing listens yet (the real PostgreSQL is
 * never touched): it starts, is live but not ready, and becomes ready and takes deliveries once
 * PostgreSQL answers there (a relay of our own, opened later).
 */
describe('webhook-gateway while PostgreSQL is down', () => {
  let world: GatewayWorld;
  let acme: TestAccount;
  let gateway: RunningApp | undefined;
  let relay: TcpProxy | undefined;
  let port: number;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_nopg'),
      ns: await createTestRedisNamespace('gw_nopg'),
      redisUrl: TEST_REDIS_URL,
    });
    acme = await createAccount(world);
    port = await freePort();
    const unreachable = new URL(world.db.url);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = String(port);
    // Before: TypeORM retried for 30 s and the process exited, so this start-up failed.
    gateway = await startBuiltApp('webhook-gateway', {
      ...world.env,
      DATABASE_URL: unreachable.toString(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ENCRYPTION_KEY,
      PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await relay?.stop();
    await world?.dispose();
  });

  const deliver = (body: unknown) => postJson(`${gateway!.url}/webhooks/lever/${acme.account.webhookKey}`, body);

  it('starts and is live, but not ready until the account cache is loaded; PostgreSQL itself is no readiness check', async () => {
    expect((await fetch(`${gateway!.url}/health/live`)).status).toBe(200);
    // Listening comes before the Redis connection on a busy machine: wait for that one to be up.
    const ready = await eventually(async () => {
      const answer = await readiness(gateway!);
      return answer.checks.redis?.status === 'up' ? answer : null;
    });
    expect(ready.status).toBe(503);
    expect(ready.checks).toEqual({ redis: { status: 'up' }, 'account-cache': expect.objectContaining({ status: 'down' }) });
    // Every key would look unknown before the load: Lever is told to retry instead.
    expect(await deliver(leverDelivery({ signatureToken: acme.signatureToken }))).toEqual({
      status: 503,
      body: { error: 'unavailable', message: expect.stringMatching(/starting/) },
    });
  });

  it('connects in the background once PostgreSQL answers, loads the cache, becomes ready and takes deliveries', async () => {
    const target = new URL(world.db.url);
    relay = new TcpProxy(target.hostname, Number(target.port || 5432));
    await relay.start(port);
    await eventually(async () => (await readiness(gateway!)).status === 200, { timeoutMs: 30_000, intervalMs: 200 });
    expect((await readiness(gateway!)).checks).toEqual({
      redis: { status: 'up' },
      'account-cache': expect.objectContaining({ status: 'up' }),
    });

    const delivery = leverDelivery({ signatureToken: acme.signatureToken });
    expect(await deliver(delivery)).toEqual({ status: 202, body: { status: 'accepted' } });
    await expect(jobsWhere(world.leverEvents, (d) => d.opportunityId === delivery.data.opportunityId)).resolves.toHaveLength(1);
    expect(gateway!.output()).toContain('PostgreSQL unreachable; retrying');
    expect(gateway!.output()).toContain('connected to PostgreSQL');
  });
});
