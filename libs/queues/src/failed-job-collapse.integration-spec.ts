import { createTestRedisNamespace, eventually, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { failedGroupKey } from './failed-job-collapse';
import { JobOutcome } from './job-outcome';
import type { LeverSyncJob } from './job-payloads';
import { FAILED_JOB_RETENTION, QUEUE_CONFIG } from './queue-config';
import { QueueName } from './queue-names';
import { QueueProcessor, QueueWorker, type JobContext } from './queue-processor';
import { QueuesModule } from './queues.module';

/**
 * A lever-sync processor registered as the apps register theirs (QueuesModule + @QueueWorker), so
 * the `failed` event handler inherited from QueueProcessor is the one Nest wires to the worker.
 */
@Injectable()
@QueueWorker(QueueName.LeverSync)
class FailingSyncProcessor extends QueueProcessor<typeof QueueName.LeverSync, void> {
  /** Assessments whose syncs fail for good; others fail an attempt when `flaky`, else complete. */
  failing = new Set<string>();
  flaky = false;

  constructor() {
    super(QueueName.LeverSync);
  }
  protected override failedGroupOf(p: LeverSyncJob): string {
    return `${p.accountId}:${p.assessmentId}`;
  }
  protected logContext(p: LeverSyncJob) {
    return { correlationId: p.correlationId };
  }
  protected async handle(p: LeverSyncJob, job: JobContext): Promise<JobOutcome<void>> {
    if (this.failing.has(p.assessmentId)) return JobOutcome.fail('LEVER_KEY_REVOKED', 'key revoked');
    if (this.flaky && job.attempt === 1) return JobOutcome.retry('LEVER_UNAVAILABLE', new Error('503'));
    return JobOutcome.done();
  }
}

const sync = (assessmentId: string, n: number): LeverSyncJob => ({
  accountId: 'acct-1',
  opportunityId: 'opp-1',
  assessmentId,
  correlationId: `c-${assessmentId}-${n}`,
});

describe('failed lever-sync jobs collapse per assessment', () => {
  let ns: TestRedisNamespace;
  let moduleRef: TestingModule;
  let queue: Queue;
  let processor: FailingSyncProcessor;

  beforeAll(async () => {
    ns = await createTestRedisNamespace('fcollapse');
    moduleRef = await Test.createTestingModule({
      imports: [QueuesModule.forRoot({ redis: { url: TEST_REDIS_URL, keyPrefix: ns.prefix }, queues: [QueueName.LeverSync] })],
      providers: [FailingSyncProcessor],
    }).compile();
    await moduleRef.init();
    queue = moduleRef.get(getQueueToken(QueueName.LeverSync));
    processor = moduleRef.get(FailingSyncProcessor);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await ns?.cleanup();
  });

  const failedIds = async () => (await queue.getFailed(0, -1)).map((j) => j.id).sort();
  const stateOf = (id: string) => queue.getJobState(id);
  /** Adds the job with the queue's defaults (as LeverSyncProducer does) and waits until it is failed or completed. */
  const run = async (payload: LeverSyncJob) => {
    const job = await queue.add(QueueName.LeverSync, payload, { backoff: { type: 'fixed', delay: 10 } });
    await eventually(async () => ['failed', 'completed'].includes(await stateOf(job.id!)), { timeoutMs: 15_000 });
    // The collapse runs on the worker's `failed` event, right after the move: let it land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return job.id!;
  };

  it('jobs carry the retention bounds of QUEUE_CONFIG', async () => {
    expect(QUEUE_CONFIG[QueueName.LeverSync].job.removeOnFail).toEqual({ age: 30 * 24 * 3600, count: 20_000 });
    const job = await queue.add(QueueName.LeverSync, sync('none', 0), { delay: 60_000 });
    expect(job.opts.removeOnFail).toEqual(FAILED_JOB_RETENTION);
    await job.remove();
  });

  it('keeps only the newest failed sync of an assessment, and the only one of another', async () => {
    processor.failing = new Set(['a-1', 'a-2']);
    const lone = await run(sync('a-2', 1));
    const first = await run(sync('a-1', 1));
    expect(await failedIds()).toEqual([first, lone].sort());
    const second = await run(sync('a-1', 2));
    const third = await run(sync('a-1', 3));
    expect(await failedIds()).toEqual([third, lone].sort());
    expect(await queue.getJob(first)).toBeUndefined();
    expect(await queue.getJob(second)).toBeUndefined();
    // The pointer to the group's last failed job expires with the retention age.
    const redis = new Redis(redisOptionsFromUrl(TEST_REDIS_URL));
    try {
      const pointer = failedGroupKey(queue.qualifiedName, 'acct-1:a-1');
      expect(await redis.get(pointer)).toBe(third);
      expect(await redis.ttl(pointer)).toBeGreaterThan(FAILED_JOB_RETENTION.age - 60);
    } finally {
      redis.disconnect();
    }

    // The same job failing again after a replay removes nothing: it is the group's only failed job.
    await (await queue.getJob(third))!.retry('failed');
    await eventually(async () => (await stateOf(third)) === 'failed', { timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await failedIds()).toEqual([third, lone].sort());
  });

  it('leaves a replayed older job alone, and a failed attempt that is retried collapses nothing', async () => {
    processor.failing = new Set(['b-1']);
    const older = await run(sync('b-1', 1));
    // The admin replays the older job while Lever still refuses: it fails again and stays the last one.
    processor.failing = new Set();
    processor.flaky = true;
    const replayed = (await queue.getJob(older))!;
    await replayed.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    await eventually(async () => (await stateOf(older)) === 'completed', { timeoutMs: 15_000 });
    // Its first attempt failed (and was retried): no collapse happened, the job completed.
    processor.flaky = false;
    processor.failing = new Set(['b-1']);
    const newer = await run(sync('b-1', 2));
    // The older job completed after its replay: it is not failed, so the newer failure leaves it.
    expect(await stateOf(older)).toBe('completed');
    expect(await stateOf(newer)).toBe('failed');
  });
});
