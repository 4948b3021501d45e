import { AccountConfigCache, AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { withLogContext } from '@lever-assess/common';
import {
  AssessmentStatus,
  CandidateEventType,
  RuleKind,
  applicationPostingIds,
  checkCandidate,
  isPostingRule,
  noTestResolvableProblem,
  platformRejectedProblem,
  platformUnavailableProblem,
  primaryEmail,
  resolveTest,
  selectTriggerRules,
  sendFailedProblem,
  type AssessmentProblem,
} from '@lever-assess/domain';
import type { LeverOpportunity } from '@lever-assess/lever-client';
import {
  AssessmentsRepository,
  CandidateEventsRepository,
  LeverDeliveriesRepository,
  LeverOpportunityViewsRepository,
  type Account,
  type Assessment,
  type CandidateEventBatch,
  type EarlierAttempts,
  type TestDefinition,
  type TriggerRule,
} from '@lever-assess/persistence';
import {
  PlatformClient,
  PlatformError,
  PlatformRejectedError,
  isIdempotencyKeyReused,
  type CreateInvitationRequest,
  type Invitation,
} from '@lever-assess/platform-client';
import { LeverSyncProducer, type LeverEventJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DispatchOutcome, aggregateOutcome, deliveryOutcomeText, type RuleResult } from './dispatch-outcome';
import { claimDelivery } from './delivery-claim';
import { invitationsCreatedTotal } from './dispatch.metrics';
import { buildInvitationRequest } from './invitation-request.builder';

interface EventContext {
  event: LeverEventJob;
  account: Account;
  opportunity: LeverOpportunity;
  triggeredAt: Date;
  /** This delivery's timeline steps, written once when it finishes. */
  steps: CandidateEventBatch;
}

/**
 * Handles one Lever stage change (DESIGN.md, dispatcher): which rules fire, which test each sends,
 * then, per rule, the assessment row first and the platform invitation second, and a `lever-sync`
 * job so result-sync shows the outcome in Lever. Idempotent end to end: the delivery token is
 * recorded once, the unique active-assessment index turns a duplicate trigger into a no-op, and
 * the assessment id is the platform's Idempotency-Key, sent with the request stored on the row, so
 * a retry after a crash, a replay or a resend sends nothing twice. Every path that finds the work
 * done still enqueues its lever-sync (the run that did it may have died just before).
 *
 * Throws the typed Lever/platform errors it cannot handle; the processor classifies them.
 */
@Injectable()
export class LeverEventDispatchService {
  private readonly logger = new Logger(LeverEventDispatchService.name);

  constructor(
    private readonly deliveries: LeverDeliveriesRepository,
    private readonly leverAccounts: LeverAccountsService,
    // Rules and catalog from memory: read for every stage change, edited rarely (announced).
    private readonly config: AccountConfigCache,
    private readonly assessments: AssessmentsRepository,
    private readonly views: LeverOpportunityViewsRepository,
    private readonly platform: PlatformClient,
    private readonly sync: LeverSyncProducer,
    private readonly timeline: CandidateEventsRepository,
  ) {}

  async dispatch(event: LeverEventJob): Promise<DispatchOutcome> {
    const steps = this.stepsOf(event);
    const claim = await claimDelivery(this.deliveries, {
      accountId: event.accountId,
      deliveryToken: event.deliveryToken,
      opportunityId: event.opportunityId,
      toStageId: event.toStageId,
      triggeredAt: new Date(event.triggeredAt),
    });
    if (claim === DispatchOutcome.Duplicate) await this.webhookStep(event, steps, claim).flush();
    if (claim !== 'go') return claim;

    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(event.accountId);
    } catch (err) {
      // Disconnected accounts propagate: the job fails (kept) and can be replayed after the key is fixed.
      if (!(err instanceof AccountUnavailableError) || err.status === 'disconnected') throw err;
      return this.finish(event, steps, err.status === 'missing' ? DispatchOutcome.AccountMissing : DispatchOutcome.AccountDisabled);
    }

    const stageRules = await this.config.rulesForStage(event.accountId, event.toStageId);
    if (stageRules.length === 0) {
      steps.add(CandidateEventType.RuleNotMatched, { reason: DispatchOutcome.NoRule, stageId: event.toStageId });
      return this.finish(event, steps, DispatchOutcome.NoRule);
    }

    // The webhook's data is unsigned: only its ids are used, the facts come from Lever itself.
    // One request, on this delivery's turn of the key's budget (kept across the job's delays).
    const readSentAt = new Date();
    const opportunity = await this.leverAccounts.withLever(access, ({ auth }, lever) => lever.getOpportunity(auth, event.opportunityId), {
      requests: 1,
      holdId: `lever-events:${event.accountId}:${event.deliveryToken}`,
    });
    // result-sync plans its writes from this instead of reading the opportunity again.
    await this.views.recordRead(event.accountId, opportunity.id, opportunity, readSentAt);
    if (opportunity.stageId !== event.toStageId) {
      this.logger.log({
        opportunityId: event.opportunityId,
        toStageId: event.toStageId,
        msg: 'opportunity no longer at the stage: stale event skipped',
      });
      return this.finish(event, steps, DispatchOutcome.StaleStage, undefined, { currentStageId: opportunity.stageId });
    }

    // The read expands applications, so the posting comes with it: still one request.
    const postingIds = applicationPostingIds(opportunity.applications);
    const selected = selectTriggerRules(stageRules, opportunity.tags, postingIds);
    if (selected.length === 0) {
      steps.add(CandidateEventType.RuleNotMatched, {
        reason: DispatchOutcome.NoMatchingRule,
        stageId: event.toStageId,
        ruleIds: stageRules.map((r) => r.id),
        requiredTags: stageRules.map((r) => r.requiredTag),
        // Posting details only when a rule names a posting: the timeline of tag-only stages stays as it was.
        ...(stageRules.some(isPostingRule) ? { postingIds: stageRules.map((r) => r.postingId), candidatePostingIds: postingIds } : {}),
      });
      return this.finish(event, steps, DispatchOutcome.NoMatchingRule);
    }

    const candidateProblem = checkCandidate(opportunity);
    if (candidateProblem?.disposition === 'skip') {
      this.logger.log({ opportunityId: event.opportunityId, code: candidateProblem.code, msg: 'candidate skipped' });
      return this.finish(event, steps, DispatchOutcome.CandidateSkipped, candidateProblem.code);
    }

    const catalog = await this.config.catalog(event.accountId);
    const context: EventContext = { event, account: access.account, opportunity, triggeredAt: new Date(event.triggeredAt), steps };
    const results: RuleResult[] = [];
    for (const rule of selected) {
      results.push(await this.dispatchRule(context, rule, catalog, candidateProblem));
    }
    return this.finish(event, steps, aggregateOutcome(results), results);
  }

  /**
   * A permanent failure (the processor then fails the job for good, kept for replay): recorded on
   * the delivery, and the assessments this delivery left without an invitation end as `error`
   * with the failure's code, so the recruiter sees that no test went out (and a later resend
   * never tags `Sent` for a test never sent).
   */
  async recordFailure(event: LeverEventJob, code: string): Promise<void> {
    await this.deliveries.setOutcome(event.accountId, event.deliveryToken, deliveryOutcomeText(DispatchOutcome.Failed, code));
    const steps = this.webhookStep(event, this.stepsOf(event), DispatchOutcome.Failed, { code });
    await this.endUnsent(event, sendFailedProblem(code), 'failed for good', steps);
    await steps.flush();
  }

  /**
   * The job's last attempt failed on an outage. Besides the delivery, the assessments this
   * delivery left without an invitation (the platform never answered) become `error`, so the
   * recruiter sees it in Lever instead of a "sent" test that never went out. They keep their
   * stored request: replaying the kept job, or a resend, takes them back and sends it again under
   * the same id, so an invitation the platform did create is found instead of doubled.
   */
  async recordRetriesExhausted(event: LeverEventJob, code: string): Promise<void> {
    await this.deliveries.setOutcome(event.accountId, event.deliveryToken, deliveryOutcomeText(DispatchOutcome.Failed, code));
    const steps = this.webhookStep(event, this.stepsOf(event), DispatchOutcome.Failed, { code, retriesExhausted: true });
    await this.endUnsent(event, platformUnavailableProblem(), 'retries exhausted', steps);
    await steps.flush();
  }

  private async endUnsent(event: LeverEventJob, problem: AssessmentProblem, why: string, steps: CandidateEventBatch): Promise<void> {
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
        this.logger.warn({ assessmentId: assessment.id, errorCode: problem.code, msg: `${why}: assessment recorded as error` });
        steps.add(CandidateEventType.InvitationFailed, { ruleId: assessment.ruleId, code: problem.code }, { assessmentId: assessment.id });
        await this.enqueueSync(event, assessment.id);
      }
    }
  }

  private async dispatchRule(
    ctx: EventContext,
    rule: TriggerRule,
    catalog: readonly TestDefinition[],
    candidateProblem: AssessmentProblem | null,
  ): Promise<RuleResult> {
    const { event, opportunity } = ctx;
    const { finishedForMove: earlier, inDoubt } = await this.findEarlierAttempts(ctx, rule);
    if (earlier) {
      this.ruleStep(ctx, rule, earlier, 'finished-before');
      // Its follow-up too: the run that handled it may have died before enqueueing the sync.
      await this.enqueueSync(event, earlier.id);
      return { ruleId: rule.id, result: 'already', assessmentId: earlier.id };
    }

    // An earlier attempt whose invitation may exist (its answer was lost, then the retries ran out)
    // is taken back and sent again under its own id, instead of a new assessment and a second email.
    // (Asked only when the read above saw one: the UPDATE is a statement most stage changes need not make.)
    const reopened = inDoubt
      ? await this.assessments.reopenInDoubt({
          accountId: event.accountId,
          opportunityId: event.opportunityId,
          ruleId: rule.id,
          sourceDeliveryToken: event.deliveryToken,
        })
      : null;
    let fresh: { problem: AssessmentProblem | null; request: CreateInvitationRequest | null } | null = null;
    let assessment: Assessment;
    let overrideTag: string | null = null;
    if (reopened) {
      assessment = reopened;
    } else {
      const resolved = resolveTest(rule, opportunity.tags, catalog);
      const id = randomUUID();
      const problem =
        candidateProblem ?? (rule.kind === RuleKind.TakeHome && !resolved.test ? (resolved.problem ?? noTestResolvableProblem()) : null);
      // The request is stored with the row, before it is first sent: every later try sends it verbatim.
      const request = problem ? null : this.buildRequest(ctx, rule, resolved.test, id);
      const inserted = await this.assessments.insertIfNoActive({
        id,
        accountId: event.accountId,
        opportunityId: event.opportunityId,
        candidateId: event.candidateId,
        contactId: opportunity.contactId,
        ruleId: rule.id,
        testId: resolved.test?.id ?? null,
        kind: rule.kind,
        triggeredAt: ctx.triggeredAt,
        sourceDeliveryToken: event.deliveryToken,
        invitationRequest: request,
      });
      assessment = inserted.assessment;
      if (inserted.created) {
        fresh = { problem, request };
        overrideTag = resolved.overriddenBy ?? null;
        if (resolved.overriddenBy)
          this.logger.log({ ruleId: rule.id, testId: resolved.test?.id, msg: 'test overridden by a candidate tag' });
      }
    }

    this.ruleStep(ctx, rule, assessment, reopened ? 'reopened' : fresh ? 'new' : 'existing', overrideTag);
    return withLogContext({ assessmentId: assessment.id }, async (): Promise<RuleResult> => {
      if (!fresh && (assessment.platformInvitationId || assessment.status !== AssessmentStatus.Sent)) {
        this.logger.log({ ruleId: rule.id, msg: 'an assessment is already active for this opportunity and rule: nothing sent' });
        // A run that died between recording the invitation and enqueueing the sync leaves this as its only chance.
        await this.enqueueSync(event, assessment.id);
        return { ruleId: rule.id, result: 'already', assessmentId: assessment.id };
      }
      if (reopened) {
        this.logger.warn({
          ruleId: rule.id,
          msg: 'taking back an errored assessment whose invitation may exist: its request is sent again',
        });
      } else if (!fresh) {
        this.logger.warn({ ruleId: rule.id, msg: 'resuming an assessment that has no invitation yet' });
      }

      const { problem, request } = fresh ?? (await this.resumedRequest(ctx, rule, assessment, catalog, candidateProblem));
      if (problem || !request) return this.recordError(ctx, rule, assessment, problem ?? noTestResolvableProblem(), { inDoubt: !fresh });
      return this.send(ctx, rule, assessment, request, { inDoubt: !fresh });
    });
  }

  /**
   * The request of an assessment recorded by an earlier attempt: the stored one, verbatim (the
   * platform answers the same Idempotency-Key with another body by a 422, and the candidate may
   * already hold that invitation). A row from before requests were stored gets one built with the
   * test it was recorded with, stored now.
   */
  private async resumedRequest(
    ctx: EventContext,
    rule: TriggerRule,
    assessment: Assessment,
    catalog: readonly TestDefinition[],
    candidateProblem: AssessmentProblem | null,
  ): Promise<{ problem: AssessmentProblem | null; request: CreateInvitationRequest | null }> {
    if (assessment.invitationRequest) return { problem: null, request: assessment.invitationRequest };
    const test = catalog.find((t) => t.id === assessment.testId) ?? null;
    const problem = candidateProblem ?? (rule.kind === RuleKind.TakeHome && !test ? noTestResolvableProblem() : null);
    if (problem) return { problem, request: null };
    const request = this.buildRequest(ctx, rule, test, assessment.id);
    await this.assessments.update(ctx.event.accountId, assessment.id, { invitationRequest: request });
    return { problem: null, request };
  }

  private buildRequest(ctx: EventContext, rule: TriggerRule, test: TestDefinition | null, assessmentId: string): CreateInvitationRequest {
    return buildInvitationRequest({
      assessmentId,
      platformAccountId: ctx.account.platformAccountId,
      kind: rule.kind,
      platformTestId: test?.platformTestId ?? null,
      timeLimitMinutes: rule.timeLimitMinutes,
      candidateName: ctx.opportunity.name,
      candidateEmail: primaryEmail(ctx.opportunity.emails) as string,
    });
  }

  /**
   * Creates the invitation (Idempotency-Key = reference = assessment id) and records it. A 422
   * for a reused key means an earlier attempt created it: it is fetched by reference. Other
   * errors propagate (the processor retries, or ends this delivery's unsent assessments as errors).
   * `inDoubt`: an earlier attempt may have reached the platform, so a refusal now does not prove
   * that no invitation exists, and the stored request is kept for a replay.
   */
  private async send(
    ctx: EventContext,
    rule: TriggerRule,
    assessment: Assessment,
    request: CreateInvitationRequest,
    { inDoubt }: { inDoubt: boolean },
  ): Promise<RuleResult> {
    let invitation: Invitation;
    try {
      invitation = await this.platform.createInvitation(request, assessment.id);
    } catch (err) {
      if (!(err instanceof PlatformRejectedError)) throw err;
      const existing = isIdempotencyKeyReused(err) ? await this.findByReference(assessment.id) : null;
      if (!existing) {
        // A reused key whose invitation cannot be fetched still exists: keep the request, callbacks adopt it (result-sync).
        return this.recordError(ctx, rule, assessment, platformRejectedProblem(err.platformMessage), {
          inDoubt: inDoubt || isIdempotencyKeyReused(err),
        });
      }
      this.logger.warn({ invitationId: existing.id, msg: 'the platform already had an invitation under this key: fetched by reference' });
      invitation = existing;
    }
    return this.record(ctx, rule, assessment, invitation);
  }

  /** The invitation the platform holds for this reference (the oldest), or null when it has none or cannot look it up. */
  private async findByReference(reference: string): Promise<Invitation | null> {
    try {
      const [oldest] = await this.platform.findInvitationsByReference(reference);
      return oldest ?? null;
    } catch (err) {
      // A platform without the look-up (404) or refusing it: the key's invitation stays unknown to us.
      if (err instanceof PlatformError && !err.retryable) {
        this.logger.warn({ code: err.code, msg: 'the platform could not look the invitation up by reference' });
        return null;
      }
      throw err;
    }
  }

  /**
   * Stores the invitation on its assessment, then enqueues the sync. When nothing records it (the
   * assessment was canceled, holds another invitation, or another assessment took its slot), an
   * invitation exists that no callback could bring to Lever: it is canceled on the platform.
   */
  private async record(ctx: EventContext, rule: TriggerRule, assessment: Assessment, invitation: Invitation): Promise<RuleResult> {
    const { event } = ctx;
    const recorded = await this.assessments.recordInvitation(event.accountId, assessment.id, {
      platformInvitationId: invitation.id,
      candidateUrl: invitation.candidateUrl,
      interviewerUrl: invitation.interviewerUrl,
    });
    if (!recorded) {
      this.logger.error({
        ruleId: rule.id,
        invitationId: invitation.id,
        msg: 'invitation created but its assessment no longer takes it: canceling it on the platform',
      });
      await this.cancelUnrecorded(invitation.id);
      await this.enqueueSync(event, assessment.id);
      return { ruleId: rule.id, result: 'already', assessmentId: assessment.id };
    }
    invitationsCreatedTotal.inc({ kind: rule.kind });
    ctx.steps.add(
      CandidateEventType.InvitationCreated,
      { ruleId: rule.id, assessmentId: assessment.id, invitationId: invitation.id, kind: rule.kind, testId: recorded.testId },
      { assessmentId: assessment.id },
    );
    this.logger.log({
      ruleId: rule.id,
      kind: rule.kind,
      testId: recorded.testId,
      invitationId: invitation.id,
      msg: 'invitation created',
    });
    await this.enqueueSync(event, assessment.id);
    return { ruleId: rule.id, result: 'sent', assessmentId: assessment.id };
  }

  private async cancelUnrecorded(invitationId: string): Promise<void> {
    try {
      await this.platform.cancelInvitation(invitationId);
      this.logger.warn({ invitationId, msg: 'unrecorded invitation canceled' });
    } catch (err) {
      // Best effort: failing the job would only run it again into the same state.
      this.logger.error({ invitationId, err, msg: 'could not cancel the unrecorded invitation: cancel it on the platform by hand' });
    }
  }

  /**
   * `finishedForMove`: an assessment of this rule for this very move (same triggeredAt) that is no
   * longer active and came from another delivery: a second delivery of a move whose test already
   * finished or failed must not start it again. Active ones are the unique index's business; the
   * same delivery's own earlier assessments are not, so replaying a failed job tries again.
   * `inDoubt`: an errored attempt of this rule whose invitation may exist (reopenInDoubt's).
   */
  private async findEarlierAttempts(ctx: EventContext, rule: TriggerRule): Promise<EarlierAttempts> {
    return this.assessments.findEarlierAttempts({
      accountId: ctx.event.accountId,
      opportunityId: ctx.event.opportunityId,
      ruleId: rule.id,
      triggeredAt: ctx.triggeredAt,
      otherThanDeliveryToken: ctx.event.deliveryToken,
    });
  }

  /**
   * `inDoubt`: an earlier attempt may have created the invitation, so the stored request is kept
   * (a replay or resend takes the assessment back and sends it again); otherwise it is dropped.
   */
  private async recordError(
    ctx: EventContext,
    rule: TriggerRule,
    assessment: Assessment,
    problem: AssessmentProblem,
    { inDoubt }: { inDoubt: boolean },
  ): Promise<RuleResult> {
    await this.assessments.transition(ctx.event.accountId, assessment.id, [AssessmentStatus.Sent], {
      status: AssessmentStatus.Error,
      errorCode: problem.code,
      errorText: problem.reason,
      ...(inDoubt ? {} : { invitationRequest: null }),
    });
    this.logger.warn({ ruleId: rule.id, errorCode: problem.code, msg: 'assessment recorded as error' });
    ctx.steps.add(CandidateEventType.InvitationFailed, { ruleId: rule.id, code: problem.code }, { assessmentId: assessment.id });
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

  // The timeline and the outcome in one statement: both or neither, so a failure leaves the
  // delivery unfinished and the retry records both.
  private async finish(
    event: LeverEventJob,
    steps: CandidateEventBatch,
    outcome: DispatchOutcome,
    detail?: string | readonly RuleResult[],
    extra: Record<string, unknown> = {},
  ): Promise<DispatchOutcome> {
    if (outcome !== DispatchOutcome.AccountMissing) {
      const text = deliveryOutcomeText(outcome, detail);
      await this.webhookStep(event, steps, outcome, typeof detail === 'string' ? { code: detail, ...extra } : extra).flushWith((rows) =>
        this.deliveries.setOutcome(event.accountId, event.deliveryToken, text, { steps: rows }),
      );
    }
    return outcome;
  }

  // Recorded here, not in the gateway: the gateway keeps PostgreSQL off its hot path, and only a
  // delivery it accepted (signed) reaches this queue (docs/dispatcher.md, timeline).
  private stepsOf(event: LeverEventJob): CandidateEventBatch {
    return this.timeline.batch({ accountId: event.accountId, opportunityId: event.opportunityId, correlationId: event.correlationId });
  }

  /** The delivery and its outcome, first among the delivery's steps. */
  private webhookStep(
    event: LeverEventJob,
    steps: CandidateEventBatch,
    outcome: DispatchOutcome,
    extra: Record<string, unknown> = {},
  ): CandidateEventBatch {
    return steps.addFirst(CandidateEventType.WebhookReceived, {
      toStageId: event.toStageId,
      triggeredAt: new Date(event.triggeredAt).toISOString(),
      outcome,
      ...extra,
    });
  }

  private ruleStep(ctx: EventContext, rule: TriggerRule, assessment: Assessment, path: string, overrideTag: string | null = null): void {
    ctx.steps.add(
      CandidateEventType.RuleMatched,
      { ruleId: rule.id, kind: rule.kind, testId: assessment.testId, overrideTag, assessment: path },
      { assessmentId: assessment.id },
    );
  }
}
