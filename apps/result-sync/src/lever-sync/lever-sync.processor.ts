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
import { LeverSyncService, type WriteFence } from './lever-sync.service';
import { OpportunityLocks } from './opportunity-locks';
import { syncMetricOutcome } from './sync-failure';

/**
 * The lock renews itself every third of this while its sync works, so the TTL only bounds how
 * long a crashed holder blocks the opportunity.
 */
const SYNC_LOCK_TTL_MS = 15_000;

/**
 * Thin adapter: reconciles one assessment with Lever. Syncs of one opportunity run one at a time
 * across all replicas: two concurrent syncs would each add their own status tag from the same
 * view (e.g. Needs Review and Fail after a quick score). The lock is fenced: every Lever write
 * first checks it is still held, so a sync whose lock was taken over stops before writing.
 */
@QueueWorker(QueueName.LeverSync)
export class LeverSyncProcessor extends QueueProcessor<typeof QueueName.LeverSync, void> {
  constructor(
    private readonly sync: LeverSyncService,
    private readonly locks: OpportunityLocks,
  ) {
    super(QueueName.LeverSync);
  }

  protected override accountOf(data: LeverSyncJob): string {
    return data.accountId;
  }

  /**
   * The sync is state-based, so the failed syncs of one assessment are one job to replay: only the
   * last one that failed is kept (a week of a disconnected account would otherwise leave one per event).
   */
  protected override failedGroupOf(data: LeverSyncJob): string {
    return `${data.accountId}:${data.assessmentId}`;
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
      return await this.reconcile(data, () => lock.assertHeld());
    } finally {
      await lock.release();
    }
  }

  private async reconcile(data: LeverSyncJob, fence: WriteFence): Promise<JobOutcome<void>> {
    try {
      await this.sync.reconcile(data, fence);
      leverSyncTotal.inc({ outcome: 'synced' });
      return JobOutcome.done();
    } catch (err) {
      const outcome = outcomeOfError(err);
      leverSyncTotal.inc({ outcome: syncMetricOutcome(outcome) });
      if (outcome.kind === 'park') {
        // Shown on the assessment until the key is replaced and the parked job syncs (which clears it).
        await this.sync.recordFailure(data, err);
        this.logger.warn({
          code: outcome.code,
          msg: "the account's Lever connection is broken: lever-sync parked until its key is replaced",
        });
        return outcome;
      }
      if (outcome.kind !== 'fail') return outcome;
      await this.sync.recordFailure(data, err, outcome.code);
      if (outcome.code === 'LEVER_NOT_FOUND') {
        // Deleted in Lever: there is nothing left to update, so the job ends here.
        this.logger.warn({ msg: 'opportunity gone from Lever; lever-sync dropped', opportunityId: data.opportunityId, code: outcome.code });
        return JobOutcome.done();
      }
      this.logger.warn({
        msg:
          outcome.code === 'LEVER_PERMISSION_MISSING' || outcome.code === 'LEVER_CONFIDENTIAL_ACCESS'
            ? 'Lever key lacks a permission: the recruiter cannot be told in Lever'
            : outcome.message,
        code: outcome.code,
      });
      return outcome;
    }
  }
}
