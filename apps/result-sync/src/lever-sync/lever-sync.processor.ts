import { withLogContext, type LogContext } from '@lever-assess/common';
import { LeverRateLimitedError } from '@lever-assess/lever-client';
import {
  InvalidJobPayloadError,
  QUEUE_CONFIG,
  QueueName,
  REDIS,
  parseJobPayload,
  tryLock,
  type LeverSyncJob,
  ShutdownAwareWorkerHost,
} from '@lever-assess/queues';
import { Processor } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { leverSyncTotal } from '../result-sync.metrics';
import { LeverSyncService } from './lever-sync.service';
import { classifySyncFailure } from './sync-failure';

/** Longer than one sync can take (a few Lever calls, each waiting at most 30 s for the limiter). */
const SYNC_LOCK_TTL_MS = 120_000;

/**
 * Thin adapter: validates the payload, reconciles, maps each failure kind to BullMQ (style §6).
 * Syncs of one opportunity run one at a time across all replicas: two concurrent syncs would each
 * add their own status tag from the same read (e.g. Needs Review and Fail after a quick score).
 */
@Processor(QueueName.LeverSync, { concurrency: QUEUE_CONFIG[QueueName.LeverSync].concurrency })
export class LeverSyncProcessor extends ShutdownAwareWorkerHost {
  private readonly logger = new Logger(LeverSyncProcessor.name);

  constructor(
    private readonly sync: LeverSyncService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  async process(job: Job<unknown>, token?: string): Promise<void> {
    let data;
    try {
      data = parseJobPayload(QueueName.LeverSync, job.data);
    } catch (err) {
      if (!(err instanceof InvalidJobPayloadError)) throw err;
      leverSyncTotal.inc({ outcome: 'invalid_payload' });
      this.logger.error({ msg: err.message, code: err.code, jobId: job.id });
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    const context = { correlationId: data.correlationId, accountId: data.accountId, assessmentId: data.assessmentId, jobId: job.id };
    const lock = await tryLock(this.redis, `${job.queueQualifiedName}:lock:${data.accountId}:${data.opportunityId}`, SYNC_LOCK_TTL_MS);
    if (!lock) {
      // Another replica is syncing this opportunity: come back shortly, without using an attempt.
      leverSyncTotal.inc({ outcome: 'waiting_for_opportunity' });
      await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 300), token);
      throw new DelayedError();
    }
    try {
      await this.runLocked(job, data, context, token);
    } finally {
      await lock.release();
    }
  }

  private async runLocked(job: Job<unknown>, data: LeverSyncJob, context: LogContext, token?: string): Promise<void> {
    await withLogContext(context, async () => {
      try {
        await this.sync.reconcile(data);
        leverSyncTotal.inc({ outcome: 'synced' });
        return;
      } catch (err) {
        const kind = classifySyncFailure(err);
        if (err instanceof LeverRateLimitedError) {
          // The account's Lever budget is spent: wait without using an attempt, and without
          // blocking other accounts' jobs (a queue-wide rate limit would).
          leverSyncTotal.inc({ outcome: 'rate_limited' });
          await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
          throw new DelayedError();
        }
        if (kind === 'transient') {
          leverSyncTotal.inc({ outcome: 'transient_error' });
          throw err;
        }
        const error = err as Error & { code?: string };
        await this.sync.recordFailure(data, kind, error);
        leverSyncTotal.inc({ outcome: kind });
        if (kind === 'opportunity_not_found') {
          // Deleted in Lever: there is nothing left to update, so the job ends here.
          this.logger.warn({ msg: 'opportunity gone from Lever; lever-sync dropped', opportunityId: data.opportunityId, code: error.code });
          return;
        }
        this.logger.warn({
          msg: kind === 'permission_missing' ? 'Lever key lacks a permission: the recruiter cannot be told in Lever' : error.message,
          outcome: kind,
          code: error.code,
        });
        throw new UnrecoverableError(`${error.code ?? kind}: ${error.message}`);
      }
    });
  }
}
