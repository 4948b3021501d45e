import { createTestRedisNamespace, eventually, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { Queue, Worker, type Job } from 'bullmq';
import { JobOutcome } from './job-outcome';
import type { LeverSyncJob } from './job-payloads';
import { QueueProcessor, type JobContext } from './queue-processor';
import { QueueName } from './queue-names';

/** A processor whose outcome each test scripts, run by a real BullMQ worker on real Redis. */
class ScriptedProcessor extends QueueProcessor<typeof QueueName.LeverSync, string> {
  script: (payload: LeverSyncJob, job: JobContext) => Promise<JobOutcome<string>> = async () => JobOutcome.done('ok');
  contexts: JobContext[] = [];
  invalid = 0;

  constructor() {
    super(QueueName.LeverSync);
  }
  protected logContext(payload: LeverSyncJob) {
    return { correlationId: payload.correlationId };
  }
  protected override onInvalidPayload(): void {
    this.invalid++;
  }
  protected handle(payload: LeverSyncJob, job: JobContext): Promise<JobOutcome<string>> {
    this.contexts.push(job);
    return this.script(payload, job);
  }
}

const payload = (n: number): LeverSyncJob => ({
  accountId: 'acct',
  opportunityId: `opp-${n}`,
  assessmentId: `a-${n}`,
  correlationId: `c-${n}`,
});

describe(QueueProcessor.name, () => {
  let ns: TestRedisNamespace;
  let queue: Queue;
  let worker: Worker;
  const processor = new ScriptedProcessor();

  beforeAll(async () => {
    ns = await createTestRedisNamespace('qproc');
    const connection = { ...redisOptionsFromUrl(TEST_REDIS_URL), maxRetriesPerRequest: null };
    queue = new Queue(QueueName.LeverSync, { connection, prefix: ns.prefix });
    worker = new Worker(QueueName.LeverSync, (job: Job, token?: string) => processor.process(job, token), {
      connection,
      prefix: ns.prefix,
      concurrency: 4,
    });
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await ns?.cleanup();
  });

  const settled = (jobId: string) =>
    eventually(
      async () => {
        // The state first, then the job: a job read before it finished would lack its result.
        const state = await queue.getJobState(jobId);
        return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : null;
      },
      { timeoutMs: 15_000 },
    );

  it('done: the job completes with the handler result and the log context of the payload', async () => {
    processor.script = async (p) => JobOutcome.done(`synced ${p.assessmentId}`);
    const job = await queue.add('x', payload(1), { attempts: 3 });
    const finished = await settled(job.id!);
    expect(finished.returnvalue).toBe('synced a-1');
    expect(finished.attemptsMade).toBe(1);
  });

  it('retry: the error is rethrown, attempts apply, and the last attempt is flagged to the handler', async () => {
    processor.script = async (_p, job) =>
      job.isLastAttempt ? JobOutcome.fail('GAVE_UP', 'no luck') : JobOutcome.retry('DOWN', new Error('platform down'));
    processor.contexts = [];
    const job = await queue.add('x', payload(2), { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const finished = await settled(job.id!);
    expect(await finished.getState()).toBe('failed');
    expect(finished.attemptsMade).toBe(3);
    expect(finished.failedReason).toBe('GAVE_UP: no luck');
    expect(processor.contexts.map((c) => [c.attempt, c.isLastAttempt])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('fail: the job fails for good on its first attempt with "<code>: <message>"', async () => {
    processor.script = async () => JobOutcome.fail('LEVER_KEY_REVOKED', 'key revoked');
    const job = await queue.add('x', payload(3), { attempts: 5 });
    const finished = await settled(job.id!);
    expect(await finished.getState()).toBe('failed');
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toBe('LEVER_KEY_REVOKED: key revoked');
  });

  it('delay: the job waits as delayed without using an attempt, then runs again', async () => {
    let calls = 0;
    processor.script = async () => (++calls === 1 ? JobOutcome.delayFor(300, 'RATE_LIMITED') : JobOutcome.done('later'));
    const job = await queue.add('x', payload(4), { attempts: 1 });
    await eventually(async () => (await queue.getJob(job.id!))?.getState().then((s) => s === 'delayed'), { timeoutMs: 5_000 });
    const finished = await settled(job.id!);
    expect(finished.returnvalue).toBe('later');
    expect(calls).toBe(2);
    // With attempts: 1 a counted retry would have failed the job.
    expect(await finished.getState()).toBe('completed');
  });

  it('an invalid payload fails for good without reaching the handler', async () => {
    processor.contexts = [];
    const job = await queue.add('x', { accountId: 'acct' }, { attempts: 5 });
    const finished = await settled(job.id!);
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toMatch(/^INVALID_JOB_PAYLOAD: Invalid lever-sync job payload: opportunityId/);
    expect(processor.contexts).toEqual([]);
    expect(processor.invalid).toBe(1);
  });

  it('an unexpected throw from the handler counts as a retry', async () => {
    processor.script = async () => {
      throw new Error('database hiccup');
    };
    const job = await queue.add('x', payload(5), { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const finished = await settled(job.id!);
    expect(finished.attemptsMade).toBe(2);
    expect(finished.failedReason).toBe('database hiccup');
  });
});
