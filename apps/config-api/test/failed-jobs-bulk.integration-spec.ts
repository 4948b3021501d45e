import * as testing from '@lever-assess/testing';
import { FAILED_JOB_RETENTION, QUEUE_CONFIG, QueueName } from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { TEST_REDIS_URL, eventually } from '@lever-assess/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ConfigApiHarness } from './config-api.harness';

/** POST /v1/failed-jobs/retry: bulk replay by queue, account and error code, over real BullMQ failed jobs. */
describe('config-api bulk retry of failed jobs', () => {
  let h: ConfigApiHarness;
  let queues: Record<QueueName, Queue>;
  let acme: string;
  const other = randomUUID();
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);
  /** Job id by label, in the order the jobs failed. */
  const ids: Record<string, string> = {};

  const leverEvent = (accountId: string, label: string) => ({
    accountId,
    opportunityId: `opp-${label}`,
    candidateId: 'cand',
    fromStageId: null,
    toStageId: 'stage',
    triggeredAt: new Date().toISOString(),
    deliveryToken: label,
    correlationId: label,
  });
  const leverSync = (accountId: string, label: string) => ({
    accountId,
    opportunityId: `opp-${label}`,
    assessmentId: randomUUID(),
    correlationId: label,
  });
  const platformEvent = (label: string) => ({
    eventId: label,
    type: 'invitation.scored',
    invitationId: 'inv',
    reference: randomUUID(),
    score: 50,
    reportUrl: null,
    occurredAt: new Date().toISOString(),
    correlationId: label,
  });

  /** Adds the job and fails it for good with `reason`, as a worker would. */
  const fail = async (queue: QueueName, label: string, data: object, reason: string) => {
    const job = await queues[queue].add(queue, data, { attempts: 1, removeOnFail: FAILED_JOB_RETENTION });
    const worker = new Worker(
      queue,
      async () => {
        throw new Error(reason);
      },
      { connection, prefix: h.ns.prefix, concurrency: 1 },
    );
    try {
      await eventually(async () => (await queues[queue].getJobState(job.id!)) === 'failed');
    } finally {
      await worker.close();
    }
    ids[label] = job.id!;
  };

  const withRedis = async <T>(use: (redis: Redis) => Promise<T>) => {
    const redis = new Redis(connection);
    try {
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  };

  const stateOf = (queue: QueueName, label: string) => queues[queue].getJobState(ids[label]);

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_bulk_retry', testing);
    queues = Object.fromEntries(
      Object.values(QueueName).map((name) => [name, new Queue(name, { connection, prefix: h.ns.prefix })]),
    ) as Record<QueueName, Queue>;
    acme = (await h.createAccount()).id;
    await fail(QueueName.LeverEvents, 'acmeRevoked1', leverEvent(acme, 'acmeRevoked1'), 'LEVER_KEY_REVOKED: Lever refused the key');
    await fail(QueueName.LeverEvents, 'acmeRevoked2', leverEvent(acme, 'acmeRevoked2'), 'LEVER_KEY_REVOKED: Lever refused the key');
    await fail(QueueName.LeverEvents, 'otherRevoked', leverEvent(other, 'otherRevoked'), 'LEVER_KEY_REVOKED: Lever refused the key');
    await fail(QueueName.LeverEvents, 'acmePermission', leverEvent(acme, 'acmePermission'), 'LEVER_PERMISSION_MISSING: no stages:read');
    await fail(QueueName.LeverSync, 'acmeSync', leverSync(acme, 'acmeSync'), 'ACCOUNT_UNAVAILABLE: account disconnected');
    await fail(QueueName.LeverSync, 'acmeSyncRevoked', leverSync(acme, 'acmeSyncRevoked'), 'LEVER_KEY_REVOKED: Lever refused the key');
    await fail(QueueName.PlatformEvents, 'platform', platformEvent('platform'), 'UNKNOWN_PLATFORM_REFERENCE: no assessment');
  });

  afterAll(async () => {
    await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
    await h?.close();
  });

  it('the app registers its queues with the failed-job retention of QUEUE_CONFIG', async () => {
    for (const name of Object.values(QueueName)) {
      const queue = h.app.get<Queue>(getQueueToken(name), { strict: false });
      expect(queue.defaultJobOptions.removeOnFail).toEqual(FAILED_JOB_RETENTION);
      expect(QUEUE_CONFIG[name].job.removeOnFail).toEqual({ age: 30 * 24 * 3600, count: 20_000 });
    }
  });

  it('is in the OpenAPI document with its body', async () => {
    const doc = await h.call('GET', '/docs-json', { token: null });
    const op = doc.body.paths['/v1/failed-jobs/retry'].post;
    expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/RetryFailedJobsDto$/);
    expect(Object.keys(doc.body.components.schemas.RetryFailedJobsDto.properties)).toEqual(['queue', 'accountId', 'code', 'limit']);
    expect(op.responses['202']).toBeDefined();
  });

  it('401 without a token or with a wrong one', async () => {
    expect((await h.call('POST', '/v1/failed-jobs/retry', { body: {}, token: null })).status).toBe(401);
    expect((await h.call('POST', '/v1/failed-jobs/retry', { body: {}, token: 'wrong-token-wrong-token' })).status).toBe(401);
    expect(await stateOf(QueueName.LeverEvents, 'acmeRevoked1')).toBe('failed');
  });

  it.each([
    [{ queue: 'nope' }, 'queue'],
    [{ accountId: 'acme' }, 'accountId'],
    [{ code: 'lever_key_revoked' }, 'code'],
    [{ code: 'LEVER KEY' }, 'code'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ state: 'failed' }, 'state'],
  ])('400 VALIDATION_FAILED for %j naming %s; nothing retried', async (body, field) => {
    const res = await h.call('POST', '/v1/failed-jobs/retry', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    expect(await queues[QueueName.LeverEvents].getFailedCount()).toBe(4);
  });

  it('retries exactly the jobs of the account with the code, across queues, and audits it', async () => {
    const res = await h.call('POST', '/v1/failed-jobs/retry', { body: { accountId: acme, code: 'LEVER_KEY_REVOKED' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      retried: 3,
      jobs: [
        { id: ids.acmeRevoked1, queue: 'lever-events', state: 'waiting' },
        { id: ids.acmeRevoked2, queue: 'lever-events', state: 'waiting' },
        { id: ids.acmeSyncRevoked, queue: 'lever-sync', state: 'waiting' },
      ],
      notRetried: [],
      more: false,
    });
    const replayed: Job | undefined = await queues[QueueName.LeverEvents].getJob(ids.acmeRevoked1);
    expect(replayed!.attemptsMade).toBe(0);
    // Everything else is still failed: another account, another code, another queue.
    expect(await stateOf(QueueName.LeverEvents, 'otherRevoked')).toBe('failed');
    expect(await stateOf(QueueName.LeverEvents, 'acmePermission')).toBe('failed');
    expect(await stateOf(QueueName.LeverSync, 'acmeSync')).toBe('failed');
    expect(await stateOf(QueueName.PlatformEvents, 'platform')).toBe('failed');

    const audit = await h.call('GET', `/v1/accounts/${acme}/audit`);
    const entry = audit.body.items.find((e: { action: string }) => e.action === 'failed-job.retry-bulk');
    expect(entry).toMatchObject({
      entityType: 'job',
      details: {
        filter: { queue: null, accountId: acme, code: 'LEVER_KEY_REVOKED', limit: 100 },
        retried: [`lever-events/${ids.acmeRevoked1}`, `lever-events/${ids.acmeRevoked2}`, `lever-sync/${ids.acmeSyncRevoked}`],
        notRetried: [],
        more: false,
      },
    });

    // The same request again finds nothing left to replay.
    const again = await h.call('POST', '/v1/failed-jobs/retry', { body: { accountId: acme, code: 'LEVER_KEY_REVOKED' } });
    expect(again.body).toEqual({ retried: 0, jobs: [], notRetried: [], more: false });
  });

  it('a queue filter with a limit replays the oldest failures first and says when more match', async () => {
    const res = await h.call('POST', '/v1/failed-jobs/retry', { body: { queue: 'lever-events', limit: 1 } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      retried: 1,
      jobs: [{ id: ids.otherRevoked, queue: 'lever-events', state: 'waiting' }],
      notRetried: [],
      more: true,
    });
    expect(await stateOf(QueueName.LeverEvents, 'acmePermission')).toBe('failed');
    expect(await stateOf(QueueName.LeverSync, 'acmeSync')).toBe('failed');

    const code = await h.call('POST', '/v1/failed-jobs/retry', { body: { code: 'UNKNOWN_PLATFORM_REFERENCE' } });
    expect(code.body).toMatchObject({ retried: 1, jobs: [{ id: ids.platform, queue: 'platform-events' }], more: false });
    expect(await stateOf(QueueName.LeverSync, 'acmeSync')).toBe('failed');
    expect(await stateOf(QueueName.LeverEvents, 'acmePermission')).toBe('failed');
  });
  it('a failed job trims its queue to the retention bounds: older than 30 days, then beyond 20,000', async () => {
    // The app's own queue, so the job gets the defaults the apps register (QUEUE_CONFIG).
    const queue = h.app.get<Queue>(getQueueToken(QueueName.PlatformEvents), { strict: false });
    await queue.obliterate({ force: true });
    // Fill the failed set with placeholder entries (scores are the failure times): 3 failed 31 days
    // ago and exactly FAILED_JOB_RETENTION.count within the last hour, older first.
    const now = Date.now();
    const entries: (string | number)[] = [];
    for (let i = 0; i < 3; i++) entries.push(now - 31 * 24 * 3600_000 + i, `aged${i}`);
    for (let i = 0; i < FAILED_JOB_RETENTION.count; i++) entries.push(now - 3600_000 + i, `recent${i}`);
    await withRedis((redis) => redis.zadd(queue.toKey('failed'), ...entries));
    const job = await queue.add(QueueName.PlatformEvents, platformEvent('trimmed'));
    expect(job.opts.removeOnFail).toEqual(FAILED_JOB_RETENTION);
    const worker = new Worker(
      QueueName.PlatformEvents,
      async () => {
        throw new UnrecoverableError('UNKNOWN_PLATFORM_REFERENCE: no assessment');
      },
      { connection, prefix: h.ns.prefix },
    );
    try {
      await eventually(async () => (await queue.getJobState(job.id!)) === 'failed');
    } finally {
      await worker.close();
    }
    // The aged entries went by age, then the oldest recent one by count; the new failure stays.
    expect(await queue.getFailedCount()).toBe(FAILED_JOB_RETENTION.count);
    expect(await withRedis((redis) => redis.zrange(queue.toKey('failed'), 0, 0))).toEqual(['recent1']);
    const listed = await h.call('GET', '/v1/failed-jobs?queue=platform-events&limit=1');
    expect(listed.body.totals['platform-events']).toBe(FAILED_JOB_RETENTION.count);
    expect(listed.body.items[0].id).toBe(job.id);
    expect((await h.call('POST', `/v1/failed-jobs/platform-events/${job.id}/retry`)).status).toBe(202);
    await queue.obliterate({ force: true });
  });
});
