import 'reflect-metadata';
import { QUEUE_CONFIG, platformEventJobId } from '@lever-assess/queues';
import { TEST_REDIS_URL, createTestDatabase, createTestRedisNamespace, eventually } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import {
  createGatewayWorld,
  jobsWhere,
  platformCallback,
  postJson,
  startGateway,
  type GatewayWorld,
  type RunningGateway,
} from './gateway-harness';

const event = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  id: 'evt_' + randomUUID(),
  type: 'invitation.completed',
  data: { invitationId: 'inv_' + randomUUID(), reference: randomUUID(), occurredAt: '2026-01-05T10:00:00.000Z', ...data },
  ...over,
});

describe('POST /webhooks/platform', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_platform'),
      ns: await createTestRedisNamespace('gw_platform'),
      redisUrl: TEST_REDIS_URL,
    });
    gateway = await startGateway(world.env, eventually);
  });

  afterAll(async () => {
    await gateway?.close();
    await world?.dispose();
  });

  const send = (raw: string, headers: Record<string, string>) => postJson(`${gateway.url}/webhooks/platform`, raw, headers);
  const jobsFor = (eventId: string) => jobsWhere(world.platformEvents, (d) => d.eventId === eventId);

  it('accepts a signed callback with 202 and queues one job; absent score and report URL are null', async () => {
    const callback = event();
    const { raw, headers } = platformCallback(callback);
    expect(await send(raw, headers)).toEqual({ status: 202, body: { status: 'accepted' } });
    const jobs = await jobsFor(callback.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).toBe(platformEventJobId({ eventId: callback.id }));
    expect(jobs[0].data).toEqual({
      eventId: callback.id,
      type: 'invitation.completed',
      invitationId: callback.data.invitationId,
      reference: callback.data.reference,
      score: null,
      reportUrl: null,
      occurredAt: callback.data.occurredAt,
      correlationId: callback.id,
    });
    expect(jobs[0].opts.attempts).toBe(QUEUE_CONFIG['platform-events'].job.attempts);
  });

  it('carries the score and report URL of a scored event', async () => {
    const callback = event({ type: 'invitation.scored' }, { score: 87.5, reportUrl: 'https://platform.example/reports/1' });
    const { raw, headers } = platformCallback(callback);
    expect((await send(raw, headers)).status).toBe(202);
    const [job] = await jobsFor(callback.id);
    expect(job.data).toMatchObject({ type: 'invitation.scored', score: 87.5, reportUrl: 'https://platform.example/reports/1' });
  });

  it('queues a repeated event id once and answers every copy with 2xx', async () => {
    const callback = event();
    const first = platformCallback(callback);
    // A retry is signed again, with a later timestamp.
    const retry = platformCallback(callback, { timestamp: Date.now() + 1000 });
    const answers = [await send(first.raw, first.headers), await send(retry.raw, retry.headers), await send(first.raw, first.headers)];
    expect(answers.map((a) => a.status)).toEqual([202, 200, 200]);
    expect(answers[1].body).toEqual({ status: 'duplicate' });
    await expect(jobsFor(callback.id)).resolves.toHaveLength(1);
  });

  describe('refuses with 401 and queues nothing', () => {
    it.each([
      [
        'a bad signature',
        (raw: string) => platformCallback(JSON.parse(raw), { secret: 'another-secret-entirely' }).headers,
        /does not match/,
      ],
      ['a stale timestamp', (raw: string) => platformCallback(JSON.parse(raw), { timestamp: Date.now() - 6 * 60_000 }).headers, /5 min/],
      ['a future timestamp', (raw: string) => platformCallback(JSON.parse(raw), { timestamp: Date.now() + 6 * 60_000 }).headers, /5 min/],
      ['no signature headers', () => ({}), /required/],
      ['a signature over other bytes', (raw: string) => platformCallback({ ...JSON.parse(raw), extra: 1 }).headers, /does not match/],
    ])('%s', async (_, headersFor, message) => {
      const callback = event();
      const raw = JSON.stringify(callback);
      const res = await send(raw, headersFor(raw));
      expect(res).toEqual({ status: 401, body: { error: 'invalid_signature', message: expect.stringMatching(message) } });
      await expect(jobsFor(callback.id)).resolves.toHaveLength(0);
    });
  });

  describe('refuses a malformed callback with 400 naming the field, queueing nothing', () => {
    it.each([
      ['no reference', event({}, { reference: undefined }), 'data.reference'],
      // Our references are assessment ids: another one would only fail in result-sync, after its retries.
      ['a reference that is not an assessment id', event({}, { reference: 'asm-42' }), 'data.reference'],
      ['an unknown type', event({ type: 'invitation.exploded' }), 'type'],
      ['a scored event without a score', event({ type: 'invitation.scored' }), 'data.score'],
    ])('%s', async (_, callback, field) => {
      const { raw, headers } = platformCallback(callback);
      const res = await send(raw, headers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_body', message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')} `)) });
      await expect(jobsFor(callback.id)).resolves.toHaveLength(0);
    });

    it('a body that is not JSON', async () => {
      const raw = '{"id": "evt_1", ';
      const res = await send(raw, platformCallback({}).headers);
      expect(res).toEqual({ status: 400, body: { error: 'invalid_body', message: expect.stringMatching(/json/i) } });
    });
  });

  it('counts callbacks by outcome', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const outcome of ['accepted', 'duplicate', 'bad_signature', 'stale', 'unsigned', 'invalid_body']) {
      expect(metrics).toMatch(new RegExp(`webhooks_received_total\\{source="platform",outcome="${outcome}"\\} [1-9]`));
    }
  });
});
