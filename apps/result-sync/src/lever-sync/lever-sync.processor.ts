import {
  JobOutcome,
  QueueName,
  QueueProcessor,
  QueueWorker,
  outcomeOfError,
  type InvalidJobPayloadError,
  type JobContext,
  type LeverSyncJob,
} from '@lever-assess/queues';
import { leverSyncTotal } from '../result-sync.metrics';
import { LeverSyncService } from './lever-sync.service';
import { OpportunityLocks } from './opportunity-locks';
import { syncMetricOutcome } from './sync-failure';

/** Longer than one sync can take (a few Lever calls, each waiting at most 30 s for the limiter). */
const SYNC_LOCK_TTL_MS = 120_000;

/**
 * Thin adapter: reconciles one assessment with Lever. Syncs of one opportunity run one at a time
 * across all replicas: two concurrent syncs would each add their own status tag from the same
 * read (e.g. Needs Review and Fail after a quick score).
 */
@QueueWorker(QueueName.LeverSync)
export class LeverSyncProcessor extends QueueProcessor<typeof QueueName.LeverSync, void> {
  constructor(
    private readonly sync: LeverSyncService,
    private readonly locks: OpportunityLocks,
  ) {
    super(QueueName.LeverSync);
  }

  protected logContext(data: LeverSyncJob) {
    return { correlationId: data.correlationId, accountId: data.accountId, assessmentId: data.assessmentId };
  }

  protected override onInvalidPayload(_err: InvalidJobPayloadError): void {
    leverSyncTotal.inc({ outcome: 'invalid_payload' });
  }

  protected async handle(data: LeverSyncJob, job: JobContext): Promise<JobOutcome<void>> {
    const lock = await this.locks.tryLock(`${job.queueKey}:lock:${data.accountId}:${data.opportunityId}`, SYNC_LOCK_TTL_MS);
    if (!lock) {
      // Another replica is syncing this opportunity: come back shortly, without using an attempt.
      leverSyncTotal.inc({ outcome: 'waiting_for_opportunity' });
      return JobOutcome.delayFor(200 + Math.floor(Math.random() * 300), 'OPPORTUNITY_LOCKED');
    }
    try {
      return await this.reconcile(data);
    } finally {
      await lock.release();
    }
  }

  private async reconcile(data: LeverSyncJob): Promise<JobOutcome<void>> {
    try {
      await this.sync.reconcile(data);
      leverSyncTotal.inc({ outcome: 'synced' });
      return JobOutcome.done();
    } catch (err) {
      const outcome = outcomeOfError(err);
      leverSyncTotal.inc({ outcome: syncMetricOutcome(outcome) });
      if (outcome.kind !== 'fail') return outcome;
      await this.sync.recordFailure(data, err);
      if (outcome.code === 'LEVER_NOT_FOUND') {
        // Deleted in Lever: there is nothing left to update, so the job ends here.
        this.logger.warn({ msg: 'opportunity gone from Lever; lever-sync dropped', opportunityId: data.opportunityId, code: outcome.code });
        return JobOutcome.done();
      }
      this.logger.warn({
        msg:
          outcome.code === 'LEVER_PERMISSION_MISSING'
            ? 'Lever key lacks a permission: the recruiter cannot be told in Lever'
            : outcome.message,
        code: outcome.code,
      });
      return outcome;
    }
  }
}
