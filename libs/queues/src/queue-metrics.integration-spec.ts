import { createTestRedisNamespace, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { Queue, Worker } from 'bullmq';
import { register } from 'prom-client';
import type { LeverSyncJob, PlatformEventJob } from './job-payloads';
import { accountBacklog, BACKLOG_TOP_ACCOUNTS, oldestWaitingJobAgeSeconds, watchQueueMetrics } from './queue-metrics';
import { QueueName } from './queue-names';

const sync = (accountId: string, n: number): LeverSyncJob => ({
  accountId,
  opportunityId: `opp-${n}`,
  assessmentId: `a-${n}`,
  correlationId: `c-${n}`,
});

/** The value of one series of a gauge, as a scrape of /metrics computes it. */
async function scraped(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

/** The queue gauges against real BullMQ queues in Redis (a prefix of this file's own). */
describe('queue metrics', () => {
  let ns: TestRedisNamespace;
  const queues: Queue[] = [];
  const unwatch: (() => void)[] = [];
  const connection = () => ({ ...redisOptionsFromUrl(TEST_REDIS_URL), maxRetriesPerRequest: null });
  const open = (name: QueueName) => {
    const queue = new Queue(name, { connection: connection(), prefix: ns.prefix });
    queues.push(queue);
    unwatch.push(watchQueueMetrics([queue]));
    return queue;
  };

  beforeAll(async () => {
    ns = await createTestRedisNamespace('qmetrics');
  });
  afterEach(() => unwatch.splice(0).forEach((stop) => stop()));
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await ns?.cleanup();
  });

  it('queue_oldest_waiting_job_age_seconds: the age of the job a worker takes next, 0 when the list is empty', async () => {
    const queue = open(QueueName.LeverSync);
    await expect(oldestWaitingJobAgeSeconds(queue)).resolves.toBe(0);
    expect(await scraped('queue_oldest_waiting_job_age_seconds', { queue: QueueName.LeverSync })).toBe(0);

    const now = Date.now();
    await queue.add(QueueName.LeverSync, sync('acct-a', 1), { timestamp: now - 90_000 });
    await queue.add(QueueName.LeverSync, sync('acct-a', 2), { timestamp: now - 30_000 });
    await queue.add(QueueName.LeverSync, sync('acct-a', 3), { timestamp: now - 5_000 });
    await expect(oldestWaitingJobAgeSeconds(queue, now)).resolves.toBeCloseTo(90, 3);
    const age = await scraped('queue_oldest_waiting_job_age_seconds', { queue: QueueName.LeverSync });
    // The scrape reads the clock a moment later.
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(100);
  });

  it('a job that ran and came back to the wait list counts from its last start, not from when it was added', async () => {
    const queue = open(QueueName.LeverEvents);
    const added = Date.now() - 600_000;
    const job = await queue.add(QueueName.LeverEvents, { accountId: 'acct-a' }, { timestamp: added });
    // What BullMQ records when a worker takes the job (prepareJobForProcessing) before handing it back.
    const startedAt = Date.now() - 20_000;
    const client = await queue.getBackend().client;
    await client.hset(queue.toKey(job.id!), { processedOn: startedAt });
    const age = await oldestWaitingJobAgeSeconds(queue);
    expect(age).toBeGreaterThanOrEqual(20);
    expect(age).toBeLessThan(30);
  });

  it('the oldest job taken by a worker is no longer counted', async () => {
    const queue = open(QueueName.PlatformEvents);
    const now = Date.now();
    await queue.add(QueueName.PlatformEvents, { eventId: 'old' } as PlatformEventJob, { timestamp: now - 300_000 });
    await queue.add(QueueName.PlatformEvents, { eventId: 'new' } as PlatformEventJob, { timestamp: now - 10_000 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const worker = new Worker(QueueName.PlatformEvents, () => held, { connection: connection(), prefix: ns.prefix, concurrency: 1 });
    try {
      // The worker takes the oldest and holds it: the next one is now the oldest waiting.
      await new Promise<void>((resolve) => worker.once('active', () => resolve()));
      const age = await oldestWaitingJobAgeSeconds(queue, now);
      expect(age).toBeCloseTo(10, 3);
    } finally {
      release();
      await worker.close();
    }
  });

  it('queue_account_backlog_jobs: the accounts with the most waiting and delayed jobs, largest first', async () => {
    const queue = open(QueueName.LeverSync);
    await queue.obliterate({ force: true });
    let n = 0;
    const add = (accountId: string, count: number, delay = 0) =>
      queue.addBulk(Array.from({ length: count }, () => ({ name: QueueName.LeverSync, data: sync(accountId, n++), opts: { delay } })));
    await add('acct-big', 7);
    await add('acct-mid', 3);
    await add('acct-small', 1);
    await add('acct-delayed', 4, 60_000);
    await add('acct-mid', 2, 60_000);

    await expect(accountBacklog(queue)).resolves.toEqual([
      { state: 'waiting', accountId: 'acct-big', jobs: 7 },
      { state: 'waiting', accountId: 'acct-mid', jobs: 3 },
      { state: 'waiting', accountId: 'acct-small', jobs: 1 },
      { state: 'delayed', accountId: 'acct-delayed', jobs: 4 },
      { state: 'delayed', accountId: 'acct-mid', jobs: 2 },
    ]);
    // Top 2 of a sample of the 5 oldest waiting jobs (acct-big's 7 came first).
    await expect(accountBacklog(queue, 5, 2)).resolves.toEqual([
      { state: 'waiting', accountId: 'acct-big', jobs: 5 },
      { state: 'delayed', accountId: 'acct-delayed', jobs: 4 },
      { state: 'delayed', accountId: 'acct-mid', jobs: 1 },
    ]);

    const labels = { queue: QueueName.LeverSync, account: 'acct-big', state: 'waiting' };
    expect(await scraped('queue_account_backlog_jobs', labels)).toBe(7);
    expect(await scraped('queue_account_backlog_jobs', { ...labels, account: 'acct-mid', state: 'delayed' })).toBe(2);
  });

  it(`reports at most ${BACKLOG_TOP_ACCOUNTS} accounts per queue and state, and drops accounts whose backlog is gone`, async () => {
    const queue = open(QueueName.LeverEvents);
    await queue.obliterate({ force: true });
    const accounts = Array.from({ length: BACKLOG_TOP_ACCOUNTS + 3 }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
    await queue.addBulk(accounts.map((accountId, i) => ({ name: QueueName.LeverEvents, data: { accountId, n: i } })));
    await scraped('queue_account_backlog_jobs', {});
    const { values } = await register.getSingleMetric('queue_account_backlog_jobs')!.get();
    expect(values.filter((v) => v.labels.queue === QueueName.LeverEvents)).toHaveLength(BACKLOG_TOP_ACCOUNTS);

    await queue.obliterate({ force: true });
    const after = await register.getSingleMetric('queue_account_backlog_jobs')!.get();
    expect(after.values.filter((v) => v.labels.queue === QueueName.LeverEvents)).toEqual([]);
  });

  it('skips queues whose jobs carry no account (platform-events)', async () => {
    const queue = open(QueueName.PlatformEvents);
    await queue.add(QueueName.PlatformEvents, { eventId: 'e', accountId: 'not-a-field-of-platform-events' } as unknown as PlatformEventJob);
    const { values } = await register.getSingleMetric('queue_account_backlog_jobs')!.get();
    expect(values.filter((v) => v.labels.queue === QueueName.PlatformEvents)).toEqual([]);
  });

  it('queue_jobs still counts each state', async () => {
    const queue = open(QueueName.LeverSync);
    await queue.obliterate({ force: true });
    await queue.add(QueueName.LeverSync, sync('a', 1));
    await queue.add(QueueName.LeverSync, sync('a', 2), { delay: 60_000 });
    expect(await scraped('queue_jobs', { queue: QueueName.LeverSync, state: 'waiting' })).toBe(1);
    expect(await scraped('queue_jobs', { queue: QueueName.LeverSync, state: 'delayed' })).toBe(1);
  });
});
