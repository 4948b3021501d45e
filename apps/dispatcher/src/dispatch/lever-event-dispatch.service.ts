import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { withLogContext } from '@lever-assess/common';
import {
  ACTIVE_ASSESSMENT_STATUSES,
  AssessmentStatus,
  RuleKind,
  checkCandidate,
  noTestResolvableProblem,
  platformRejectedProblem,
  platformUnavailableProblem,
  primaryEmail,
  resolveTest,
  selectTriggerRules,
  type AssessmentProblem,
} from '@lever-assess/domain';
import type { LeverOpportunity } from '@lever-assess/lever-client';
import {
  AssessmentsRepository,
  LeverDeliveriesRepository,
  LeverOpportunityViewsRepository,
  TestsRepository,
  TriggerRulesRepository,
  isForeignKeyViolation,
  type Account,
  type Assessment,
  type TestDefinition,
  type TriggerRule,
} from '@lever-assess/persistence';
import { PlatformClient, PlatformRejectedError } from '@lever-assess/platform-client';
import { LeverSyncProducer, type LeverEventJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { DispatchOutcome, aggregateOutcome, deliveryOutcomeText, isFinishedDelivery, type RuleResult } from './dispatch-outcome';
import { invitationsCreatedTotal } from './dispatch.metrics';
import { buildInvitationRequest } from './invitation-request.builder';

interface EventContext {
  event: LeverEventJob;
  account: Account;
  opportunity: LeverOpportunity;
  triggeredAt: Date;
}

/**
 * Handles one Lever stage change (DESIGN.md, dispatcher): which rules fire, which test each sends,
 * then, per rule, the assessment row first and the platform invitation second, and a `lever-sync`
 * job so result-sync shows the outcome in Lever. Idempotent end to end: the delivery token is
 * recorded once, the unique active-assessment index turns a duplicate trigger into a no-op, and
 * the assessment id is the platform's Idempotency-Key, so a retry after a crash sends nothing twice.
 *
 * Throws the typed Lever/platform errors it cannot handle; the processor classifies them.
 */
@Injectable()
export class LeverEventDispatchService {
  private readonly logger = new Logger(LeverEventDispatchService.name);

  constructor(
    private readonly deliveries: LeverDeliveriesRepository,
    private readonly leverAccounts: LeverAccountsService,
    private readonly rules: TriggerRulesRepository,
    private readonly tests: TestsRepository,
    private readonly assessments: AssessmentsRepository,
    private readonly views: LeverOpportunityViewsRepository,
    private readonly platform: PlatformClient,
    private readonly sync: LeverSyncProducer,
  ) {}

  async dispatch(event: LeverEventJob): Promise<DispatchOutcome> {
    const claim = await this.claimDelivery(event);
    if (claim !== 'go') return claim;

    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(event.accountId);
    } catch (err) {
      // Disconnected accounts propagate: the job fails (kept) and can be replayed after the key is fixed.
      if (!(err instanceof AccountUnavailableError) || err.status === 'disconnected') throw err;
      return this.finish(event, err.status === 'missing' ? DispatchOutcome.AccountMissing : DispatchOutcome.AccountDisabled);
    }

    const stageRules = await this.rules.listEnabledForStage(event.accountId, event.toStageId);
    if (stageRules.length === 0) return this.finish(event, DispatchOutcome.NoRule);

    // The webhook's data is unsigned: only its ids are used, the facts come from Lever itself.
    // One request, on this delivery's turn of the key's budget (kept across the job's delays).
    const readSentAt = new Date();
    const opportunity = await this.leverAccounts.withLever(
      access,
      ({ auth }, lever) => lever.getOpportunity(auth, event.opportunityId),
      { requests: 1, holdId: `lever-events:${event.accountId}:${event.deliveryToken}` },
    );
    // result-sync plans its writes from this instead of reading the opportunity again.
    await this.views.recordRead(event.accountId, opportunity.id, opportunity, readSentAt);
    if (opportunity.stageId !== event.toStageId) {
      this.logger.log({
        opportunityId: event.opportunityId,
        toStageId: event.toStageId,
        msg: 'opportunity no longer at the stage: stale event skipped',
      });
      return this.finish(event, DispatchOutcome.StaleStage);
    }

    const selected = selectTriggerRules(stageRules, opportunity.tags);
    if (selected.length === 0) return this.finish(event, DispatchOutcome.NoMatchingRule);

    const candidateProblem = checkCandidate(opportunity);
    if (candidateProblem?.disposition === 'skip') {
      this.logger.log({ opportunityId: event.opportunityId, code: candidateProblem.code, msg: 'candidate skipped' });
      return this.finish(event, DispatchOutcome.CandidateSkipped, candidateProblem.code);
    }

    const catalog = await this.tests.list(event.accountId);
    const context: EventContext = { event, account: access.account, opportunity, triggeredAt: new Date(event.triggeredAt) };
    const results: RuleResult[] = [];
    for (const rule of selected) {
      results.push(await this.dispatchRule(context, rule, catalog, candidateProblem));
    }
    return this.finish(event, aggregateOutcome(results), results);
  }

  /** Records a permanent failure on the delivery (the processor then fails the job for good). */
  async recordFailure(event: LeverEventJob, code: string): Promise<void> {
    await this.deliveries.setOutcome(event.accountId, event.deliveryToken, deliveryOutcomeText(DispatchOutcome.Failed, code));
  }

  /**
   * The job's last attempt failed on an outage. Besides the delivery, the assessments this
   * delivery left without an invitation (the platform never answered) become `error`, so the
   * recruiter sees it in Lever instead of a "sent" test that never went out. Replaying the kept
   * job starts them afresh.
   */
  async recordRetriesExhausted(event: LeverEventJob, code: string): Promise<void> {
    await this.recordFailure(event, code);
    const problem = platformUnavailableProblem();
    const unsent = await this.assessments.listSentWithoutInvitation({
      accountId: event.accountId,
      opportunityId: event.opportunityId,
      sourceDeliveryToken: event.deliveryToken,
    });
    for (const assessment of unsent) {
      const marked = await this.assessments.transition(event.accountId, assessment.id, [AssessmentStatus.Sent], {
        status: AssessmentStatus.Error,
        errorCode: problem.code,
        errorText: problem.reason,
      });
      if (marked) {
        this.logger.warn({ assessmentId: assessment.id, errorCode: problem.code, msg: 'retries exhausted: assessment recorded as error' });
        await this.enqueueSync(event, assessment.id);
      }
    }
  }

  /**
   * 'go' for a new token, for a retry of this job, and for a delivery whose processing never
   * finished (a concurrent duplicate is safe: everything below is idempotent).
   */
  private async claimDelivery(
    event: LeverEventJob,
  ): Promise<'go' | typeof DispatchOutcome.Duplicate | typeof DispatchOutcome.AccountMissing> {
    try {
      const first = await this.deliveries.recordOnce({
        accountId: event.accountId,
        deliveryToken: event.deliveryToken,
        opportunityId: event.opportunityId,
        toStageId: event.toStageId,
        triggeredAt: new Date(event.triggeredAt),
      });
      if (first) return 'go';
    } catch (err) {
      // The account was deleted after the gateway accepted the webhook: nothing to record it on.
      if (isForeignKeyViolation(err)) return DispatchOutcome.AccountMissing;
      throw err;
    }
    const delivery = await this.deliveries.find(event.accountId, event.deliveryToken);
    if (delivery && isFinishedDelivery(delivery.outcome)) {
      this.logger.log({ outcome: delivery.outcome, msg: 'delivery already processed: duplicate dropped' });
      return DispatchOutcome.Duplicate;
    }
    return 'go';
  }

  private async dispatchRule(
    ctx: EventContext,
    rule: TriggerRule,
    catalog: readonly TestDefinition[],
    candidateProblem: AssessmentProblem | null,
  ): Promise<RuleResult> {
    const { event, opportunity } = ctx;
    const earlier = await this.findHandledMove(ctx, rule);
    if (earlier) return { ruleId: rule.id, result: 'already', assessmentId: earlier.id };

    const resolved = resolveTest(rule, opportunity.tags, catalog);
    const { assessment, created } = await this.assessments.insertIfNoActive({
      accountId: event.accountId,
      opportunityId: event.opportunityId,
      candidateId: event.candidateId,
      contactId: opportunity.contactId,
      ruleId: rule.id,
      testId: resolved.test?.id ?? null,
      kind: rule.kind,
      triggeredAt: ctx.triggeredAt,
      sourceDeliveryToken: event.deliveryToken,
    });

    return withLogContext({ assessmentId: assessment.id }, async (): Promise<RuleResult> => {
      if (!created && (assessment.platformInvitationId || assessment.status !== AssessmentStatus.Sent)) {
        this.logger.log({ ruleId: rule.id, msg: 'an assessment is already active for this opportunity and rule: nothing sent' });
        return { ruleId: rule.id, result: 'already', assessmentId: assessment.id };
      }
      if (!created) this.logger.warn({ ruleId: rule.id, msg: 'resuming an assessment that has no invitation yet' });
      if (resolved.overriddenBy && created)
        this.logger.log({ ruleId: rule.id, testId: resolved.test?.id, msg: 'test overridden by a candidate tag' });

      // A resumed assessment keeps the test it was recorded with: the platform request must not change.
      const test = created ? resolved.test : (catalog.find((t) => t.id === assessment.testId) ?? null);
      const problem =
        candidateProblem ?? (rule.kind === RuleKind.TakeHome && !test ? (resolved.problem ?? noTestResolvableProblem()) : null);
      if (problem) return this.recordError(ctx, rule, assessment, problem);

      let invitation;
      try {
        invitation = await this.platform.createInvitation(
          buildInvitationRequest({
            assessmentId: assessment.id,
            platformAccountId: ctx.account.platformAccountId,
            kind: rule.kind,
            platformTestId: test?.platformTestId ?? null,
            timeLimitMinutes: rule.timeLimitMinutes,
            candidateName: opportunity.name,
            candidateEmail: primaryEmail(opportunity.emails) as string,
          }),
          assessment.id,
        );
      } catch (err) {
        if (err instanceof PlatformRejectedError)
          return this.recordError(ctx, rule, assessment, platformRejectedProblem(err.platformMessage));
        throw err;
      }
      await this.assessments.transition(event.accountId, assessment.id, [...ACTIVE_ASSESSMENT_STATUSES], {
        platformInvitationId: invitation.id,
        candidateUrl: invitation.candidateUrl,
        interviewerUrl: invitation.interviewerUrl,
      });
      invitationsCreatedTotal.inc({ kind: rule.kind });
      this.logger.log({
        ruleId: rule.id,
        kind: rule.kind,
        testId: test?.id ?? null,
        invitationId: invitation.id,
        msg: 'invitation created',
      });
      await this.enqueueSync(event, assessment.id);
      return { ruleId: rule.id, result: 'sent', assessmentId: assessment.id };
    });
  }

  /**
   * An assessment of this rule for this very move (same triggeredAt) that is no longer active and
   * came from another delivery: a second delivery of a move whose test already finished or failed
   * must not start it again. Active ones are the unique index's business; the same delivery's own
   * earlier assessments are not, so replaying a failed job tries again.
   */
  private async findHandledMove(ctx: EventContext, rule: TriggerRule): Promise<Assessment | null> {
    return this.assessments.findFinishedForMove({
      accountId: ctx.event.accountId,
      opportunityId: ctx.event.opportunityId,
      ruleId: rule.id,
      triggeredAt: ctx.triggeredAt,
      otherThanDeliveryToken: ctx.event.deliveryToken,
    });
  }

  private async recordError(ctx: EventContext, rule: TriggerRule, assessment: Assessment, problem: AssessmentProblem): Promise<RuleResult> {
    await this.assessments.transition(ctx.event.accountId, assessment.id, [AssessmentStatus.Sent], {
      status: AssessmentStatus.Error,
      errorCode: problem.code,
      errorText: problem.reason,
    });
    this.logger.warn({ ruleId: rule.id, errorCode: problem.code, msg: 'assessment recorded as error' });
    await this.enqueueSync(ctx.event, assessment.id);
    return { ruleId: rule.id, result: 'error', assessmentId: assessment.id };
  }

  private async enqueueSync(event: LeverEventJob, assessmentId: string): Promise<void> {
    await this.sync.add({
      accountId: event.accountId,
      opportunityId: event.opportunityId,
      assessmentId,
      correlationId: event.correlationId,
    });
  }

  private async finish(event: LeverEventJob, outcome: DispatchOutcome, detail?: string | readonly RuleResult[]): Promise<DispatchOutcome> {
    if (outcome !== DispatchOutcome.AccountMissing) {
      await this.deliveries.setOutcome(event.accountId, event.deliveryToken, deliveryOutcomeText(outcome, detail));
    }
    return outcome;
  }
}
