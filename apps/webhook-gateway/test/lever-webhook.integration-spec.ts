import 'reflect-metadata';
import { AccountStatus } from '@lever-assess/domain';
import { LeverEventsProducer, QUEUE_CONFIG, leverEventJobId } from '@lever-assess/queues';
import { AccountChangesPublisher, REDIS } from '@lever-assess/redis';
import { TEST_REDIS_URL, createTestDatabase, createTestRedisNamespace, eventually } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import {
  createAccount,
  createGatewayWorld,
  jobsWhere,
  leverDelivery,
  postJson,
  startGateway,
  type GatewayWorld,
  type RunningGateway,
  type TestAccount,
} from './gateway-harness';
import type { Redis } from 'ioredis';
import { BATCH_MAX, WebhookEnqueuer, leverTokenKey } from '../src/webhooks/webhook-enqueuer';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('POST /webhooks/lever/:webhookKey', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;
  let acme: TestAccount;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_lever'),
      ns: await createTestRedisNamespace('gw_lever'),
      redisUrl: TEST_REDIS_URL,
    });
    // Created before start-up: loaded by the initial full load.
    acme = await createAccount(world);
    gateway = await startGateway(world.env, eventually);
  });

  afterAll(async () => {
    await gateway?.close();
    await world?.dispose();
  });

  const post = (account: TestAccount, body: unknown) => postJson(`${gateway.url}/webhooks/lever/${account.account.webhookKey}`, body);
  const jobsFor = (opportunityId: string) => jobsWhere(world.leverEvents, (d) => d.opportunityId === opportunityId);
  const jobsOfAccount = (accountId: string) => jobsWhere(world.leverEvents, (d) => d.accountId === accountId);

  it('reports ready once the account cache is loaded (PostgreSQL is not on its hot path, so not a check of its own)', async () => {
    const res = await fetch(`${gateway.url}/health/ready`);
    expect(res.status).toBe(200);
    const { checks } = (await res.json()) as { checks: Record<string, unknown> };
    expect(checks).toMatchObject({ 'account-cache': { status: 'up' }, redis: { status: 'up' } });
    expect(Object.keys(checks).sort()).toEqual(['account-cache', 'redis']);
  });

  it('accepts a signed stage change with 202 and queues exactly one job with the delivery ids', async () => {
    const delivery = leverDelivery({ signatureToken: acme.signatureToken });
    const res = await post(acme, delivery);
    expect(res).toEqual({ status: 202, body: { status: 'accepted' } });

    const jobs = await jobsFor(delivery.data.opportunityId as string);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).toBe(leverEventJobId({ accountId: acme.account.id, deliveryToken: delivery.token }));
    expect(jobs[0].data).toEqual({
      accountId: acme.account.id,
      opportunityId: delivery.data.opportunityId,
      candidateId: delivery.data.candidateId,
      fromStageId: delivery.data.fromStageId,
      toStageId: delivery.data.toStageId,
      triggeredAt: new Date(delivery.triggeredAt).toISOString(),
      deliveryToken: delivery.token,
      correlationId: delivery.token,
    });
    expect(jobs[0].opts.attempts).toBe(QUEUE_CONFIG['lever-events'].job.attempts);
  });

  it('answers the same delivery three times with 2xx and queues it once', async () => {
    const delivery = leverDelivery({ signatureToken: acme.signatureToken });
    const answers = [await post(acme, delivery), await post(acme, delivery), await post(acme, delivery)];
    expect(answers.map((a) => a.status)).toEqual([202, 200, 200]);
    expect(answers[2].body).toEqual({ status: 'duplicate' });
    await expect(jobsFor(delivery.data.opportunityId as string)).resolves.toHaveLength(1);
  });

  it('a burst sent at once (group-committed): one job per delivery, copies answered as duplicates, a forged reuse queues nothing', async () => {
    const deliveries = Array.from({ length: 40 }, () => leverDelivery({ signatureToken: acme.signatureToken }));
    // The same token with other data, in the same burst as the genuine delivery and its copy.
    const forgedOpportunity = randomUUID();
    const forged = { ...deliveries[0], data: { ...deliveries[0].data, opportunityId: forgedOpportunity } };
    const burst = [...deliveries, deliveries[1], forged];
    const answers = await Promise.all(burst.map((delivery) => post(acme, delivery)));

    expect(answers.slice(2, 40).every((a) => a.status === 202)).toBe(true);
    // Of a delivery and its copy sent together, one is accepted and the other is a duplicate, whichever comes first.
    expect([answers[1].status, answers[40].status].sort()).toEqual([200, 202]);
    // deliveries[0] and its forged copy: the first to be recorded wins; the other is refused as a reused token.
    expect([answers[0].status, answers[41].status].sort()).toEqual([200, 202]);
    expect(answers[answers[0].status === 202 ? 41 : 0].body).toMatchObject({ status: 'duplicate' });
    const counts = await Promise.all(
      [...deliveries.map((d) => d.data.opportunityId as string), forgedOpportunity].map(async (id) => (await jobsFor(id)).length),
    );
    // One job for each delivery but the first, and exactly one for the first or its forgery.
    expect(counts.slice(1, 40)).toEqual(Array(39).fill(1));
    expect(counts[0] + counts[40]).toBe(1);
  });

  it('records the tokens of one event-loop turn in one script call, each delivery with its own answer and expiry', async () => {
    const enqueuer = gateway.app.get(WebhookEnqueuer);
    const record = (token: string, fingerprint: string) => enqueuer.recordLeverToken(acme.account.id, token, fingerprint, 60_000);
    const [fresh, retried, reused] = [randomUUID(), randomUUID(), randomUUID()];
    await record(retried, 'fingerprint-r');
    await record(reused, 'fingerprint-u');
    const redis = gateway.app.get<Redis & { recordLeverTokens: () => Promise<unknown> }>(REDIS);
    const script = jest.spyOn(redis, 'recordLeverTokens');
    try {
      const uses = await Promise.all([
        record(fresh, 'fingerprint-f'),
        record(retried, 'fingerprint-r'),
        record(reused, 'something else'),
        record(fresh, 'fingerprint-f'),
      ]);
      expect(uses).toEqual(['first', 'repeat', 'reused', 'repeat']);
      expect(script).toHaveBeenCalledTimes(1);
      const ttl = await world.ns.redis.pttl(leverTokenKey(world.ns.prefix, acme.account.id, fresh));
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // A repeat or a reuse does not overwrite the fingerprint recorded first.
      expect(await world.ns.redis.get(leverTokenKey(world.ns.prefix, acme.account.id, reused))).toBe('fingerprint-u');
    } finally {
      script.mockRestore();
    }
  });

  it('sends a turn of more than BATCH_MAX tokens in batches of at most BATCH_MAX, each delivery answered', async () => {
    const enqueuer = gateway.app.get(WebhookEnqueuer);
    const redis = gateway.app.get<Redis & { recordLeverTokens: (...args: unknown[]) => Promise<unknown> }>(REDIS);
    const script = jest.spyOn(redis, 'recordLeverTokens');
    try {
      const count = 2 * BATCH_MAX + 3;
      const tokens = Array.from({ length: count }, () => randomUUID());
      const uses = await Promise.all(tokens.map((t) => enqueuer.recordLeverToken(acme.account.id, t, `fp-${t}`, 60_000)));
      expect(uses).toEqual(Array(count).fill('first'));
      expect(script).toHaveBeenCalledTimes(3);
      // Each call carries its batch's keys first (numkeys, then the keys): 16, 16 and 3.
      expect(script.mock.calls.map((args) => args[0])).toEqual([BATCH_MAX, BATCH_MAX, 3]);
    } finally {
      script.mockRestore();
    }
  });

  it('a job Redis refuses in a burst fails its own delivery (503) alone; its retry is accepted once', async () => {
    const producer = gateway.app.get(LeverEventsProducer);
    const deliveries = Array.from({ length: 6 }, () => leverDelivery({ signatureToken: acme.signatureToken }));
    const refused = deliveries[2].data.opportunityId;
    const add = producer.add.bind(producer);
    const spy = jest
      .spyOn(producer, 'add')
      .mockImplementation((job) =>
        job.opportunityId === refused ? Promise.reject(new Error('OOM command not allowed when used memory > maxmemory')) : add(job),
      );
    try {
      const answers = await Promise.all(deliveries.map((delivery) => post(acme, delivery)));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 503, 202, 202, 202]);
    } finally {
      spy.mockRestore();
    }
    const counts = await Promise.all(deliveries.map(async (d) => (await jobsFor(d.data.opportunityId as string)).length));
    expect(counts).toEqual([1, 1, 0, 1, 1, 1]);
    // Lever retries the refused delivery: its token is known, its job is not, so it is queued now.
    expect((await post(acme, deliveries[2])).status).toBe(202);
    expect(await post(acme, deliveries[2])).toEqual({ status: 200, body: { status: 'duplicate' } });
    await expect(jobsFor(refused as string)).resolves.toHaveLength(1);
  });

  it('still answers 2xx to a late copy of an accepted delivery outside the replay window', async () => {
    const first = leverDelivery({ signatureToken: acme.signatureToken });
    expect((await post(acme, first)).status).toBe(202);
    const late = leverDelivery({
      signatureToken: acme.signatureToken,
      token: first.token,
      triggeredAt: Date.now() - 2 * DAY_MS,
      data: first.data,
    });
    expect(await post(acme, late)).toEqual({ status: 200, body: { status: 'duplicate' } });
    await expect(jobsFor(first.data.opportunityId as string)).resolves.toHaveLength(1);
  });

  it('defaults candidateId to the opportunity and fromStageId to null', async () => {
    const opportunityId = randomUUID();
    const delivery = leverDelivery({ signatureToken: acme.signatureToken, data: { opportunityId, toStageId: 'stage-2' } });
    expect((await post(acme, delivery)).status).toBe(202);
    const [job] = await jobsFor(opportunityId);
    expect(job.data).toMatchObject({ opportunityId, candidateId: opportunityId, fromStageId: null, toStageId: 'stage-2' });
  });

  describe('refuses with 401 and queues nothing', () => {
    it.each([
      [
        'a forged signature (another token)',
        () => leverDelivery({ signatureToken: 'not-the-account-token' }),
        'invalid_signature',
        /regenerated in Lever/,
      ],
      [
        'an altered token',
        () => ({ ...leverDelivery({ signatureToken: acme.signatureToken }), token: 'f'.repeat(48) }),
        'invalid_signature',
        /regenerated in Lever/,
      ],
      [
        'an unsigned delivery',
        () => ({ ...leverDelivery({ signatureToken: acme.signatureToken }), signature: undefined }),
        'invalid_signature',
        /no signature/,
      ],
      [
        'a stale triggeredAt',
        () => leverDelivery({ signatureToken: acme.signatureToken, triggeredAt: Date.now() - DAY_MS - 60_000 }),
        'stale_delivery',
        /24 h/,
      ],
    ])('%s', async (_, make, error, message) => {
      const delivery = make();
      const res = await post(acme, delivery);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error, message: expect.stringMatching(message) });
      await expect(jobsFor(delivery.data.opportunityId as string)).resolves.toHaveLength(0);
    });

    it('an unknown webhook key', async () => {
      const res = await postJson(`${gateway.url}/webhooks/lever/no-such-key`, leverDelivery({ signatureToken: acme.signatureToken }));
      expect(res).toEqual({ status: 401, body: { error: 'unknown_webhook_key', message: expect.stringContaining('webhook URL') } });
    });
  });

  describe('refuses malformed bodies with 400 naming the problem, queueing nothing', () => {
    it('not JSON', async () => {
      const res = await postJson(`${gateway.url}/webhooks/lever/${acme.account.webhookKey}`, '{"token": "abc", ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_body', message: expect.stringMatching(/json/i) });
    });

    it.each([
      ['text/plain', 400, { error: 'invalid_body', message: 'body must be a JSON object' }],
      ['application/xml', 415, { error: 'unsupported_media_type', message: expect.any(String) }],
    ])('a delivery sent as %s', async (contentType, status, answer) => {
      const delivery = leverDelivery({ signatureToken: acme.signatureToken });
      const res = await fetch(`${gateway.url}/webhooks/lever/${acme.account.webhookKey}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify(delivery),
      });
      expect({ status: res.status, body: await res.json() }).toEqual({ status, body: answer });
      await expect(jobsFor(delivery.data.opportunityId as string)).resolves.toHaveLength(0);
    });

    it('a GET on the webhook URL: 404, as for any unknown route', async () => {
      const res = await fetch(`${gateway.url}/webhooks/lever/${acme.account.webhookKey}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found', message: expect.any(String) });
    });

    it('JSON that is not an object', async () => {
      expect(await post(acme, [1, 2])).toEqual({ status: 400, body: { error: 'invalid_body', message: 'body must be a JSON object' } });
    });

    it.each([
      ['opportunityId', { toStageId: 'stage-2' }, 'data.opportunityId is required'],
      ['toStageId', { opportunityId: randomUUID() }, 'data.toStageId is required'],
      ['a numeric opportunityId', { opportunityId: 42, toStageId: 'stage-2' }, 'data.opportunityId must be a non-empty string'],
    ])('a stage change without %s', async (_, data, message) => {
      const delivery = leverDelivery({ signatureToken: acme.signatureToken, data });
      const res = await post(acme, delivery);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_body', message: expect.stringContaining(message) });
      await expect(jobsWhere(world.leverEvents, (d) => d.deliveryToken === delivery.token)).resolves.toHaveLength(0);
    });
  });

  it('answers 413 to a body over WEBHOOK_BODY_LIMIT_BYTES', async () => {
    const delivery = { ...leverDelivery({ signatureToken: acme.signatureToken }), padding: 'x'.repeat(300 * 1024) };
    const res = await post(acme, delivery);
    expect(res).toEqual({ status: 413, body: { error: 'body_too_large', message: 'The body is larger than 262144 bytes' } });
    await expect(jobsFor(delivery.data.opportunityId as string)).resolves.toHaveLength(0);
  });

  it("answers Lever's test ping with 200 without queueing, whatever event name it carries", async () => {
    const account = await createAccount(world);
    await new AccountChangesPublisher(world.ns.redis, world.ns.prefix).announce(account.account.id);
    const ping = leverDelivery({ signatureToken: account.signatureToken, event: 'candidateHired', data: {} });
    await eventually(async () => (await post(account, ping)).status === 200);
    expect(await post(account, leverDelivery({ signatureToken: account.signatureToken, data: {} }))).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    // Signed pings only: a ping is also how an attacker would probe the URL.
    expect((await post(account, leverDelivery({ signatureToken: 'wrong', data: {} }))).status).toBe(401);
    await expect(jobsOfAccount(account.account.id)).resolves.toHaveLength(0);
  });

  it('verifies other event types with their own token when the account has one: queues lifecycle events, ignores the rest', async () => {
    const account = await createAccount(world, 'stage-token-' + randomUUID(), { candidateHired: 'hired-token-' + randomUUID() });
    await new AccountChangesPublisher(world.ns.redis, world.ns.prefix).announce(account.account.id);
    const hiredToken = (await world.accounts.findByIdWithSecrets(account.account.id))!.leverSignatureTokensEnc!;
    const perEvent = JSON.parse(world.box.decrypt(hiredToken)) as Record<string, string>;
    const hired = leverDelivery({ signatureToken: perEvent.candidateHired, event: 'candidateHired' });
    await eventually(async () => (await post(account, hired)).status !== 401);
    expect(await post(account, hired)).toEqual({ status: 200, body: { status: 'duplicate' } });
    // Other events without their own token are signed with the stage-change token.
    expect((await post(account, leverDelivery({ signatureToken: account.signatureToken, event: 'applicationCreated' }))).status).toBe(200);
    // Each token is only good for its own event.
    expect((await post(account, leverDelivery({ signatureToken: account.signatureToken, event: 'candidateHired' }))).status).toBe(401);
    expect((await post(account, leverDelivery({ signatureToken: perEvent.candidateHired }))).status).toBe(401);
    const jobs = await jobsOfAccount(account.account.id);
    expect(jobs.map((j) => (j.data as { event?: string }).event)).toEqual(['candidateHired']);
  });

  it('answers 200 and queues nothing for a disabled account', async () => {
    const account = await createAccount(world);
    await world.accounts.setStatus(account.account.id, AccountStatus.Disabled);
    await new AccountChangesPublisher(world.ns.redis, world.ns.prefix).announce(account.account.id);
    const delivery = leverDelivery({ signatureToken: account.signatureToken });
    await eventually(async () => (await post(account, delivery)).status === 200);
    expect(await post(account, delivery)).toEqual({ status: 200, body: { status: 'ignored', reason: 'the account is disabled' } });
    // The signature is checked first: a forged or unsigned request learns nothing about the account.
    expect((await post(account, leverDelivery({ signatureToken: 'forged' }))).status).toBe(401);
    expect((await post(account, { ...delivery, signature: undefined })).status).toBe(401);
    await expect(jobsOfAccount(account.account.id)).resolves.toHaveLength(0);
  });

  it('records every signed token: a ping sent again as a stage change with forged data queues nothing', async () => {
    const ping = leverDelivery({ signatureToken: acme.signatureToken, data: {} });
    expect(await post(acme, ping)).toEqual({ status: 200, body: { status: 'ok' } });
    const opportunityId = randomUUID();
    const forged = { ...ping, event: 'candidateStageChange', data: { opportunityId, toStageId: 'a0000000-0000-4000-8000-000000000003' } };
    expect(await post(acme, forged)).toEqual({
      status: 200,
      body: { status: 'duplicate', reason: 'this delivery token was already used by a delivery with another event or data' },
    });
    await expect(jobsFor(opportunityId)).resolves.toHaveLength(0);
    expect(gateway.logs.filter((l) => l.correlationId === ping.token && l.outcome === 'token_reused')).toEqual([
      expect.objectContaining({ level: 'warn', status: 200, accountId: acme.account.id }),
    ]);
    // Lever retrying the ping itself is still answered as a ping.
    expect(await post(acme, ping)).toEqual({ status: 200, body: { status: 'ok' } });
    // Kept in Redis for the replay window, plus the 5 minutes a triggeredAt may lie in the future.
    const ttl = await world.ns.redis.pttl(leverTokenKey(world.ns.prefix, acme.account.id, ping.token));
    expect(ttl).toBeGreaterThan(DAY_MS);
    expect(ttl).toBeLessThanOrEqual(DAY_MS + 5 * 60_000);
  });

  it('logs one line per webhook with outcome, account and correlation id, never a secret or the body', async () => {
    const delivery = leverDelivery({ signatureToken: acme.signatureToken });
    await post(acme, delivery);
    await post(acme, { ...delivery, signature: 'a'.repeat(64) });
    const lines = gateway.logs.filter((l) => l.correlationId === delivery.token && l.source === 'lever');
    expect(lines).toEqual([
      expect.objectContaining({ outcome: 'accepted', status: 202, accountId: acme.account.id, level: 'info' }),
      expect.objectContaining({ outcome: 'bad_signature', status: 401, accountId: acme.account.id, level: 'warn' }),
    ]);
    const everything = JSON.stringify(gateway.logs);
    expect(everything).not.toContain(acme.signatureToken);
    expect(everything).not.toContain(delivery.signature);
    expect(everything).not.toContain(delivery.data.contactId as string);
  });

  it('counts webhooks by source and outcome', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const outcome of [
      'accepted',
      'duplicate',
      'token_reused',
      'ping',
      'ignored_event',
      'account_disabled',
      'unknown_key',
      'unsigned',
      'bad_signature',
      'stale',
      'invalid_body',
      'body_too_large',
    ]) {
      expect(metrics).toMatch(new RegExp(`webhooks_received_total\\{source="lever",outcome="${outcome}"\\} [1-9]`));
    }
    // Timed under the route's pattern, never its URL (one series per webhook key would grow without bound).
    for (const status of ['202', '200', '401', '400', '413', '503']) {
      expect(metrics).toMatch(
        new RegExp(
          `http_request_duration_seconds_count\\{service="webhook-gateway",method="POST",route="/webhooks/lever/:webhookKey",status="${status}"\\} [1-9]`,
        ),
      );
    }
    expect(metrics).not.toContain(`route="/webhooks/lever/${acme.account.webhookKey}"`);
  });
});
