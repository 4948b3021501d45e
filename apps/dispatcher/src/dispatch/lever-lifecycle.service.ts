import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { AssessmentStatus, CandidateEventType, LeverEventName } from '@lever-assess/domain';
import { LeverNotFoundError, type LeverOpportunity } from '@lever-assess/lever-client';
import {
  AssessmentsRepository,
  CandidateEventsRepository,
  LeverDeliveriesRepository,
  type CandidateEventBatch,
  LeverOpportunityViewsRepository,
  type Assessment,
} from '@lever-assess/persistence';
import { PlatformClient, PlatformNotFoundError, PlatformRejectedError } from '@lever-assess/platform-client';
import { LeverSyncProducer, type LeverLifecycleJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { claimDelivery } from './delivery-claim';
import { DispatchOutcome, deliveryOutcomeText } from './dispatch-outcome';
import { assessmentsCanceledTotal } from './dispatch.metrics';

/** Who the audit row of a purge names. */
export const LIFECYCLE_ACTOR = 'system:dispatcher';

/** Assessments whose invitation is still open on the platform: archiving or hiring withdraws them. */
const PENDING: readonly AssessmentStatus[] = [AssessmentStatus.Sent];
/** A deleted candidate keeps nothing open, not even a finished test still waiting for its score. */
const OPEN: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed];

/**
 * Lever lifecycle events (DESIGN.md "Lifecycle"): a candidate archived or hired has their pending
 * invitations canceled on the platform and shows `<prefix> - Canceled`; a result that already came
 * in (completed, scored) stays. A deleted candidate has everything open canceled and their
 * personal data purged. The webhook's data is unsigned, so the opportunity's state is read from
 * Lever first: an archive event for a candidate Lever shows unarchived (an unarchive, or a forged
 * delivery) cancels nothing, and a purge happens only once Lever answers 404 for the opportunity.
 * Idempotent: the delivery is recorded once, cancels are conditional updates, the platform's
 * cancel of a canceled invitation is a no-op.
 */
@Injectable()
export class LeverLifecycleService {
  private readonly logger = new Logger(LeverLifecycleService.name);

  constructor(
    private readonly deliveries: LeverDeliveriesRepository,
    private readonly leverAccounts: LeverAccountsService,
    private readonly assessments: AssessmentsRepository,
    private readonly views: LeverOpportunityViewsRepository,
    private readonly platform: PlatformClient,
    private readonly sync: LeverSyncProducer,
    private readonly timeline: CandidateEventsRepository,
  ) {}

  async handle(job: LeverLifecycleJob): Promise<DispatchOutcome> {
    const steps = this.timeline.batch({ accountId: job.accountId, opportunityId: job.opportunityId, correlationId: job.correlationId });
    const outcome = await this.process(job, steps);
    if (outcome !== DispatchOutcome.AccountMissing) {
      // The delivery and its outcome first, then what it did: the candidate's timeline (DESIGN.md).
      await steps.addFirst(CandidateEventType.WebhookReceived, { event: job.event, triggeredAt: job.triggeredAt, outcome }).flush();
    }
    return outcome;
  }

  private async process(job: LeverLifecycleJob, steps: CandidateEventBatch): Promise<DispatchOutcome> {
    const claim = await claimDelivery(this.deliveries, {
      accountId: job.accountId,
      deliveryToken: job.deliveryToken,
      opportunityId: job.opportunityId,
      event: job.event,
      toStageId: null,
      triggeredAt: new Date(job.triggeredAt),
    });
    if (claim !== 'go') return claim;

    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(job.accountId);
    } catch (err) {
      // A disconnected account's job fails (kept) and is replayed once the key is fixed.
      if (!(err instanceof AccountUnavailableError) || err.status === 'disconnected') throw err;
      return this.finish(job, err.status === 'missing' ? DispatchOutcome.AccountMissing : DispatchOutcome.AccountDisabled);
    }

    const opportunity = await this.readOpportunity(access, job);
    if (job.event === LeverEventName.Deleted) {
      if (opportunity) {
        this.logger.warn({ opportunityId: job.opportunityId, msg: 'deletion event for a candidate Lever still has: nothing purged' });
        return this.finish(job, DispatchOutcome.StillInLever);
      }
      return this.purge(job, steps);
    }
    if (!opportunity) return this.finish(job, DispatchOutcome.OpportunityGone);
    if (!opportunity.archived) {
      this.logger.log({ opportunityId: job.opportunityId, event: job.event, msg: 'candidate not archived in Lever: nothing canceled' });
      return this.finish(job, DispatchOutcome.NotArchived);
    }
    const canceled = await this.cancelOpen(job, PENDING, { evenIfPlatformKeeps: false }, steps);
    for (const assessment of canceled) await this.enqueueSync(job, assessment.id);
    return this.finish(job, canceled.length > 0 ? DispatchOutcome.Canceled : DispatchOutcome.NothingPending, ids(canceled));
  }

  /** Records a permanent failure (or exhausted retries) on the delivery, for support. */
  async recordFailure(job: LeverLifecycleJob, code: string): Promise<void> {
    await this.deliveries.setOutcome(job.accountId, job.deliveryToken, deliveryOutcomeText(DispatchOutcome.Failed, code));
  }

  /** The opportunity as Lever has it now (one request on this delivery's turn), or null when Lever has none. */
  private async readOpportunity(access: LeverAccount, job: LeverLifecycleJob): Promise<LeverOpportunity | null> {
    const sentAt = new Date();
    try {
      const opportunity = await this.leverAccounts.withLever(access, ({ auth }, lever) => lever.getOpportunity(auth, job.opportunityId), {
        requests: 1,
        holdId: `lever-events:${job.accountId}:${job.deliveryToken}`,
      });
      // The Canceled tag is then planned from what Lever shows now.
      await this.views.recordRead(job.accountId, opportunity.id, opportunity, sentAt);
      return opportunity;
    } catch (err) {
      if (err instanceof LeverNotFoundError) return null;
      throw err;
    }
  }

  private async purge(job: LeverLifecycleJob, steps: CandidateEventBatch): Promise<DispatchOutcome> {
    // Canceled here even where the platform keeps the invitation: a late result must not bring a report URL back.
    const canceled = await this.cancelOpen(job, OPEN, { evenIfPlatformKeeps: true }, steps);
    const scrubbed = await this.assessments.purgePersonalData(job.accountId, job.opportunityId, LIFECYCLE_ACTOR);
    steps.add(CandidateEventType.CandidatePurged, { assessmentsScrubbed: scrubbed });
    this.logger.log({
      canceled: canceled.length,
      scrubbed,
      msg: 'candidate deleted in Lever: open invitations canceled, personal data purged',
    });
    return this.finish(job, DispatchOutcome.Purged, `${canceled.length} canceled, ${scrubbed} scrubbed`);
  }

  /**
   * Cancels, on the platform first and then here, each of the opportunity's assessments in one of
   * `statuses`. An invitation the platform will not cancel any more (the candidate finished it
   * meanwhile) keeps its assessment, whose result is on the way, unless `evenIfPlatformKeeps`. An assessment whose invitation is
   * not recorded yet is canceled here only: the dispatcher run creating it finds it canceled and
   * cancels the invitation it got (LeverEventDispatchService.record).
   */
  private async cancelOpen(
    job: LeverLifecycleJob,
    statuses: readonly AssessmentStatus[],
    { evenIfPlatformKeeps }: { evenIfPlatformKeeps: boolean },
    steps: CandidateEventBatch,
  ): Promise<Assessment[]> {
    const open = (await this.assessments.listForOpportunity(job.accountId, job.opportunityId)).filter((a) => statuses.includes(a.status));
    const canceled: Assessment[] = [];
    for (const assessment of open) {
      const withdrawn = !assessment.platformInvitationId || (await this.cancelOnPlatform(assessment.platformInvitationId));
      if (!withdrawn && !evenIfPlatformKeeps) continue;
      const done = await this.assessments.transition(job.accountId, assessment.id, statuses, { status: AssessmentStatus.Canceled });
      if (!done) continue;
      assessmentsCanceledTotal.inc({ event: job.event });
      steps.add(
        CandidateEventType.AssessmentCanceled,
        { event: job.event, previousStatus: assessment.status },
        { assessmentId: assessment.id },
      );
      this.logger.log({ assessmentId: assessment.id, previousStatus: assessment.status, event: job.event, msg: 'assessment canceled' });
      canceled.push(done);
    }
    return canceled;
  }

  /** True when the invitation is canceled (now or before) or unknown to the platform; false when it finished meanwhile. */
  private async cancelOnPlatform(invitationId: string): Promise<boolean> {
    try {
      // A platform may answer a cancel of a finished invitation with its state instead of a refusal.
      const state = await this.platform.cancelInvitation(invitationId);
      if (state.status === 'canceled') return true;
      this.logger.log({
        invitationId,
        status: state.status,
        msg: 'the platform kept the invitation (finished meanwhile): assessment kept',
      });
      return false;
    } catch (err) {
      if (err instanceof PlatformNotFoundError) return true;
      if (err instanceof PlatformRejectedError) {
        this.logger.log({
          invitationId,
          reason: err.platformMessage,
          msg: 'the platform kept the invitation (finished meanwhile): assessment kept',
        });
        return false;
      }
      throw err;
    }
  }

  private async enqueueSync(job: LeverLifecycleJob, assessmentId: string): Promise<void> {
    await this.sync.add({ accountId: job.accountId, opportunityId: job.opportunityId, assessmentId, correlationId: job.correlationId });
  }

  private async finish(job: LeverLifecycleJob, outcome: DispatchOutcome, detail?: string): Promise<DispatchOutcome> {
    if (outcome !== DispatchOutcome.AccountMissing) {
      await this.deliveries.setOutcome(job.accountId, job.deliveryToken, deliveryOutcomeText(outcome, detail || undefined));
    }
    return outcome;
  }
}

const ids = (assessments: readonly Assessment[]) => assessments.map((a) => a.id).join(', ');
