import { countSocketWrites, createTestRedisNamespace, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { Queue } from 'bullmq';
import type { Socket } from 'node:net';
import { leverEventJobId, platformEventJobId } from './job-ids';
import type { LeverEventJob, PlatformEventJob } from './job-payloads';
import { LeverEventsProducer, LeverSyncProducer, PlatformEventsProducer, QueueProducer } from './producers';
import { QUEUE_CONFIG } from './queue-config';
import { QueueName } from './queue-names';

const leverEvent: LeverEventJob = {
  accountId: 'acct',
  opportunityId: 'opp',
  candidateId: 'cand',
  fromStageId: null,
  toStageId: 'stage',
  triggeredAt: '2026-01-01T00:00:00.000Z',
  deliveryToken: 'token-1',
  correlationId: 'token-1',
};
const platformEvent: PlatformEventJob = {
  eventId: 'evt-1',
  type: 'invitation.completed',
  invitationId: 'inv',
  reference: 'ref',
  score: null,
  reportUrl: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'evt-1',
};

/** The producers against real BullMQ queues registered with their defaults, as QueuesModule does. */
describe('queue producers', () => {
  let ns: TestRedisNamespace;
  const queues: Queue[] = [];
  const open = (name: QueueName) => {
    const queue = new Queue(name, {
      connection: redisOptionsFromUrl(TEST_REDIS_URL),
      prefix: ns.prefix,
      defaultJobOptions: QUEUE_CONFIG[name].job,
    });
    queues.push(queue);
    return queue;
  };

  beforeAll(async () => {
    ns = await createTestRedisNamespace('producers');
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await ns?.cleanup();
  });

  it('lever-events: one job per delivery, with the queue defaults; a repeat is reported as duplicate', async () => {
    const queue = open(QueueName.LeverEvents);
    const producer = new LeverEventsProducer(queue);
    await expect(producer.addOnce(leverEvent)).resolves.toBe('accepted');
    await expect(producer.addOnce({ ...leverEvent, correlationId: 'other' })).resolves.toBe('duplicate');
    await expect(producer.add(leverEvent)).resolves.toBe(leverEventJobId(leverEvent));
    expect(await queue.getJobCountByTypes('waiting')).toBe(1);
    const job = await queue.getJob(leverEventJobId(leverEvent));
    expect(job?.opts.attempts).toBe(QUEUE_CONFIG[QueueName.LeverEvents].job.attempts);
    expect(job?.opts.backoff).toEqual(QUEUE_CONFIG[QueueName.LeverEvents].job.backoff);
    await expect(producer.exists(leverEventJobId(leverEvent))).resolves.toBe(true);
    await expect(producer.exists(leverEventJobId({ ...leverEvent, deliveryToken: 'token-2' }))).resolves.toBe(false);
  });

  it('lever-events addMany: several deliveries at once, each with its id and the queue defaults; a job still in Redis is kept', async () => {
    const queue = open(QueueName.LeverEvents);
    const producer = new LeverEventsProducer(queue);
    const batch = ['many-1', 'many-2', 'many-3'].map((token) => ({ ...leverEvent, deliveryToken: token, correlationId: token }));
    await producer.add(batch[0]);
    const ids = await producer.addMany([{ ...batch[0], correlationId: 'changed' }, batch[1], batch[2]]);
    expect(ids).toEqual(batch.map((job) => leverEventJobId(job)));
    const jobs = await Promise.all(batch.map((job) => queue.getJob(leverEventJobId(job))));
    expect(jobs.map((job) => job?.data.correlationId)).toEqual(['many-1', 'many-2', 'many-3']);
    expect(jobs.every((job) => job?.opts.attempts === QUEUE_CONFIG[QueueName.LeverEvents].job.attempts)).toBe(true);
  });

  it('addMany: a batch of jobs leaves in one socket write once the queue is connected', async () => {
    const queue = open(QueueName.LeverEvents);
    const producer = new LeverEventsProducer(queue);
    const job = (token: string) => ({ ...leverEvent, deliveryToken: token, correlationId: token });
    // The first batch learns the queue's connection (BullMQ hands it out as a promise).
    await producer.addMany([job('first-batch')]);
    const connection = (await queue.getBackend().client) as unknown as { stream: Socket };
    const writes = countSocketWrites(connection.stream);
    const batch = Array.from({ length: 16 }, (_, i) => job(`one-write-${i}`));
    const ids = await producer.addMany(batch);
    expect(ids).toEqual(batch.map((each) => leverEventJobId(each)));
    expect(writes).toEqual({ write: 0, writev: 1, chunks: [16] });
    expect(await queue.getJobCountByTypes('waiting')).toBeGreaterThanOrEqual(17);
  });

  it('addMany: a job refused alone fails alone, in its place; the others are stored', async () => {
    const queue = open(QueueName.LeverEvents);
    // BullMQ refuses a custom id with a colon: a refusal that real Redis and BullMQ give for one job.
    class RefusingProducer extends QueueProducer<typeof QueueName.LeverEvents> {
      constructor() {
        super(queue, QueueName.LeverEvents, (job) => (job.deliveryToken === 'refused' ? 'not:allowed' : leverEventJobId(job)));
      }
    }
    const producer = new RefusingProducer();
    const batch = ['ok-1', 'refused', 'ok-2'].map((token) => ({ ...leverEvent, deliveryToken: token, correlationId: token }));
    const results = await producer.addMany(batch);
    expect(results[0]).toBe(leverEventJobId(batch[0]));
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toMatch(/cannot contain :/);
    expect(results[2]).toBe(leverEventJobId(batch[2]));
    expect(await queue.getJob(leverEventJobId(batch[2]))).toBeDefined();
    expect(await queue.getJob('not:allowed')).toBeUndefined();
  });

  it('platform-events: one job per event id', async () => {
    const queue = open(QueueName.PlatformEvents);
    const producer = new PlatformEventsProducer(queue);
    await expect(producer.addOnce(platformEvent)).resolves.toBe('accepted');
    await expect(producer.addOnce(platformEvent)).resolves.toBe('duplicate');
    expect((await queue.getJob(platformEventJobId(platformEvent)))?.data).toEqual(platformEvent);
  });

  it('lever-sync: no job id (state-based), so every add makes a job', async () => {
    const queue = open(QueueName.LeverSync);
    const producer = new LeverSyncProducer(queue);
    const sync = { accountId: 'acct', opportunityId: 'opp', assessmentId: 'a', correlationId: 'c' };
    const [first, second] = [await producer.add(sync), await producer.add(sync)];
    expect(first).not.toBe(second);
    expect(await queue.getJobCountByTypes('waiting')).toBe(2);
    expect((await queue.getJob(first))?.opts.attempts).toBe(QUEUE_CONFIG[QueueName.LeverSync].job.attempts);
  });
});
