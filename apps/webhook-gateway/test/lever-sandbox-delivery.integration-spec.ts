import 'reflect-metadata';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  startBuiltApp,
  type RunningApp,
} from '@lever-assess/testing';
import {
  createAccount,
  createGatewayWorld,
  jobsWhere,
  startGateway,
  type GatewayWorld,
  type RunningGateway,
  type TestAccount,
} from './gateway-harness';

// Seeded ids of the lever-sandbox (docs/lever-sandbox.md).
const ADA = 'd0000000-0000-4000-8000-000000000001';
const NEW_APPLICANT = 'a0000000-0000-4000-8000-000000000001';
const CODING_TEST = 'a0000000-0000-4000-8000-000000000003';
const API_KEY = 'sandbox-key-for-gateway-tests';

/** Real deliveries: the Lever sandbox signs and posts a candidateStageChange to the gateway. */
describe('lever-sandbox stage change through the gateway', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;
  let sandbox: RunningApp;
  let acme: TestAccount;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_sandbox'),
      ns: await createTestRedisNamespace('gw_sandbox'),
      redisUrl: TEST_REDIS_URL,
    });
    acme = await createAccount(world);
    gateway = await startGateway(world.env, eventually);
    sandbox = await startBuiltApp('lever-sandbox', {
      LOG_LEVEL: 'silent',
      LEVER_SANDBOX_API_KEY: API_KEY,
      LEVER_SANDBOX_WEBHOOK_URL: `${gateway.url}/webhooks/lever/${acme.account.webhookKey}`,
      LEVER_SANDBOX_SIGNATURE_TOKEN: acme.signatureToken,
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await gateway?.close();
    await world?.dispose();
  });

  it('queues one lever-events job for a candidate moved in Lever, and Lever sees the delivery succeed', async () => {
    const res = await fetch(`${sandbox.url}/v1/opportunities/${ADA}/stage`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(API_KEY + ':').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: CODING_TEST }),
    });
    expect(res.status).toBe(200);

    const [job] = await eventually(async () => {
      const jobs = await jobsWhere(world.leverEvents, (d) => d.opportunityId === ADA);
      return jobs.length > 0 ? jobs : null;
    });
    expect(job.data).toMatchObject({ accountId: acme.account.id, opportunityId: ADA, toStageId: CODING_TEST, fromStageId: NEW_APPLICANT });

    const deliveries = await eventually(async () => {
      const { data } = (await (await fetch(`${sandbox.url}/_sandbox/webhook-deliveries`)).json()) as {
        data: { state: string; attempts: { status: number }[] }[];
      };
      return data.length > 0 && data[0].state !== 'pending' ? data : null;
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ state: 'delivered', attempts: [expect.objectContaining({ status: 202 })] });
    await expect(jobsWhere(world.leverEvents, (d) => d.opportunityId === ADA)).resolves.toHaveLength(1);
  });
});
