import { withLogContext, type LogContext } from '@lever-assess/common';
import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq';
import { collapseFailedJob } from './failed-job-collapse';
import { InvalidJobPayloadError, parseJobPayload, type JobOf } from './job-payloads';
import { JobOutcome } from './job-outcome';
import { parkJob } from './parked-jobs';
import { QUEUE_CONFIG, WORKER_SETTINGS } from './queue-config';
import type { QueueName } from './queue-names';
import { ShutdownAwareWorkerHost } from './worker-shutdown';

/** `@Processor` for one of our queues, with the queue's configured concurrency and the worker settings. */
export const QueueWorker = (queue: QueueName) => Processor(queue, { concurrency: QUEUE_CONFIG[queue].concurrency, ...WORKER_SETTINGS });

/** How long a job that finds its account's slots full waits before it asks again (plus jitter). */
const SLOTS_FULL_DELAY_MS = 200;

/** What a handler knows about the job besides its payload. */
export interface JobContext {
  id: string | undefined;
  /** 1 for the first attempt. */
  attempt: number;
  /** A `retry` outcome now fails the job for good (the handler may record that first). */
  isLastAttempt: boolean;
  /** `<prefix>:<queue>`, for keys that belong to this queue (locks). */
  queueKey: string;
}

/**
 * The one way our processors run a job: validate the payload (Redis content is untrusted: an
 * invalid payload fails for good), run the handler inside the job's log context, and map its
 * JobOutcome onto BullMQ. Handlers return outcomes rather than throwing BullMQ's errors, so the
 * mapping lives here once.
 */
export abstract class QueueProcessor<Q extends QueueName, R = unknown> extends ShutdownAwareWorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  /** Jobs in hand per account in this process (the bound is QUEUE_CONFIG's slotsPerAccount). */
  private readonly activeByAccount = new Map<string, number>();

  protected constructor(private readonly queueName: Q) {
    super();
  }

  /** The account a job acts for, when it names one: its jobs share the account's slots. */
  protected accountOf(_payload: JobOf<Q>): string | null {
    return null;
  }

  /**
   * For state-based jobs: the group whose failed jobs collapse into the last one that failed
   * (collapseFailedJob), or null to keep every failed job (the default).
   */
  protected failedGroupOf(_payload: JobOf<Q>): string | null {
    return null;
  }

  /** The worker's `failed` event (every failed attempt): collapses the job's group when it failed for good. */
  @OnWorkerEvent('failed')
  async onJobFailed(job: Job<unknown> | undefined): Promise<void> {
    if (!job) return;
    let group: string | null;
    try {
      group = this.failedGroupOf(parseJobPayload(this.queueName, job.data));
    } catch {
      return; // An invalid payload has no group: the job is kept as it is.
    }
    if (group === null) return;
    try {
      const removed = await collapseFailedJob(this.worker, job, group);
      if (removed) this.logger.log({ jobId: job.id, removedJobId: removed, group, msg: 'older failed job of the same group removed' });
    } catch (err) {
      // Both jobs stay failed: one more to replay, nothing lost.
      this.logger.warn({ jobId: job.id, group, err, msg: 'could not collapse failed jobs' });
    }
  }

  /** Decides the job's outcome; may throw, which counts as `retry` (an unexpected error). */
  protected abstract handle(payload: JobOf<Q>, job: JobContext): Promise<JobOutcome<R>>;

  /** The correlation fields of a payload for every log line of the job. */
  protected abstract logContext(payload: JobOf<Q>): Partial<LogContext>;

  /** Called when a payload is refused (metrics); the job then fails for good. */
  protected onInvalidPayload(_err: InvalidJobPayloadError): void {
    // Subclasses count it in their own metrics.
  }

  async process(job: Job<unknown>, token?: string): Promise<R | undefined> {
    const context: JobContext = {
      id: job.id,
      attempt: job.attemptsMade + 1,
      isLastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      queueKey: job.queueQualifiedName,
    };
    // The worker is read only to park: a processor driven without a registered worker (tests) never parks.
    return applyOutcome(job, token, await this.run(job.data, context), () => this.worker);
  }

  /**
   * The job's outcome from its raw data, without BullMQ: what `process` applies, and what unit
   * tests call with in-memory fakes behind the handler.
   */
  async run(data: unknown, job: JobContext): Promise<JobOutcome<R>> {
    let payload: JobOf<Q>;
    try {
      payload = parseJobPayload(this.queueName, data);
    } catch (err) {
      if (!(err instanceof InvalidJobPayloadError)) throw err;
      this.onInvalidPayload(err);
      this.logger.error({
        jobId: job.id,
        code: err.code,
        problem: err.message,
        msg: `invalid ${this.queueName} payload: job failed without retry`,
      });
      return JobOutcome.fail(err.code, err.message);
    }
    const account = this.accountOf(payload);
    const active = account === null ? 0 : (this.activeByAccount.get(account) ?? 0);
    if (account !== null && active >= QUEUE_CONFIG[this.queueName].slotsPerAccount) {
      // This account holds its share of this worker's slots: wait outside them, without an attempt.
      return JobOutcome.delayFor(SLOTS_FULL_DELAY_MS + Math.floor(Math.random() * SLOTS_FULL_DELAY_MS), 'ACCOUNT_SLOTS_FULL');
    }
    if (account !== null) this.activeByAccount.set(account, active + 1);
    try {
      return await withLogContext({ ...this.logContext(payload), jobId: job.id }, () => this.handle(payload, job));
    } finally {
      if (account !== null) {
        const left = (this.activeByAccount.get(account) ?? 1) - 1;
        if (left > 0) this.activeByAccount.set(account, left);
        else this.activeByAccount.delete(account);
      }
    }
  }
}

/** Maps an outcome onto BullMQ: return, rethrow, move to delayed, or fail without retry. */
export async function applyOutcome<R>(
  job: Job<unknown>,
  token: string | undefined,
  outcome: JobOutcome<R>,
  worker: () => Worker,
): Promise<R | undefined> {
  switch (outcome.kind) {
    case 'done':
      return outcome.result;
    case 'retry':
      throw outcome.error instanceof Error ? outcome.error : new Error(`${outcome.code}: ${String(outcome.error)}`);
    case 'delay':
      // Not an attempt, and no worker slot held while waiting (worker.rateLimit would pause the whole queue).
      await job.moveToDelayed(outcome.until, token);
      throw new DelayedError();
    case 'fail':
      throw new UnrecoverableError(`${outcome.code}: ${outcome.message}`);
    case 'park':
      await parkJob(worker(), job, token, outcome.accountId);
      throw new DelayedError();
  }
}
