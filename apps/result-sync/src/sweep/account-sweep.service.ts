import { AssessmentActionError, AssessmentActionsService, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { pause } from '@lever-assess/common';
import { RecruiterAction, recruiterActionTag, requestedRecruiterActions, statusTagOwner } from '@lever-assess/domain';
import {
  LeverError,
  LeverRateLimitedError,
  leverCredentialId,
  type LeverClient,
  type LeverOpportunity,
  type LeverPage,
  type ListOpportunitiesQuery,
} from '@lever-assess/lever-client';
import {
  AssessmentsRepository,
  LeverDeliveriesRepository,
  LeverOpportunityViewsRepository,
  RecruiterActionsRepository,
  TriggerRulesRepository,
  type Assessment,
  type TriggerRule,
} from '@lever-assess/persistence';
import {
  LeverEventsProducer,
  LeverSyncProducer,
  leverEventJobId,
  type AccountSweepJob,
  type AccountSweepResult,
} from '@lever-assess/queues';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK_TOLERANCE_MS, assessmentForMove, driftedOwner, enteredStageAt, inviteCheck, sweepDeliveryToken } from './sweep-plan';
import { SweepPacer } from './sweep-pacer';
import { SWEEP_SETTINGS, type SweepSettings } from './sweep.settings';

/** Lever's largest page. */
const PAGE_LIMIT = 100;
/** Pages per listing before the sweep stops it (`complete: false`): 20,000 candidates per stage. */
const MAX_PAGES = 200;
/** A turn of the key's shared budget this close is waited for in the job (the sweep's own slot). */
const MAX_INLINE_TURN_WAIT_MS = 30_000;

/** One sweep in progress: the opened account and its Lever request count. */
interface SweepRun {
  job: AccountSweepJob;
  access: LeverAccount;
  keyId: string;
  holdBase: string;
  result: AccountSweepResult;
}

/**
 * Reconciles one account with Lever (docs/sweep.md): candidates in its trigger stages whose stage
 * change never reached us are invited through the normal lever-events path, drifted status tags
 * are repaired through lever-sync, and recruiter action tags are run once and removed. Every
 * Lever request is paced to SWEEP_BUDGET_SHARE of the key's rate and runs on the key's budget.
 */
@Injectable()
export class AccountSweepService {
  private readonly logger = new Logger(AccountSweepService.name);

  constructor(
    private readonly rules: TriggerRulesRepository,
    private readonly assessments: AssessmentsRepository,
    private readonly deliveries: LeverDeliveriesRepository,
    private readonly views: LeverOpportunityViewsRepository,
    private readonly recruiterActions: RecruiterActionsRepository,
    private readonly accounts: LeverAccountsService,
    private readonly assessmentActions: AssessmentActionsService,
    private readonly leverEvents: LeverEventsProducer,
    private readonly leverSync: LeverSyncProducer,
    private readonly pacer: SweepPacer,
    @Inject(SWEEP_SETTINGS) private readonly settings: SweepSettings,
  ) {}

  /**
   * @param holdBase names this run's reserved turns of the key's budget (stable per job attempt)
   * @throws AccountUnavailableError when the account is not active; LeverError from a listing
   */
  async sweep(job: AccountSweepJob, holdBase: string): Promise<AccountSweepResult> {
    const access = await this.accounts.open(job.accountId);
    const run: SweepRun = {
      job,
      access,
      keyId: leverCredentialId(access.auth),
      holdBase,
      result: {
        accountId: job.accountId,
        startedAt: new Date().toISOString(),
        finishedAt: '',
        stages: [],
        invited: [],
        skipped: { beforeLookback: 0, beforeRule: 0, alreadyHandled: 0 },
        tagsRepaired: [],
        actions: [],
        leverRequests: 0,
        complete: true,
      },
    };
    const rules = await this.rules.list(job.accountId);
    const byStage = new Map<string, TriggerRule[]>();
    for (const rule of rules.filter((r) => r.enabled)) byStage.set(rule.stageId, [...(byStage.get(rule.stageId) ?? []), rule]);
    const thresholds = new Map(rules.map((r) => [r.id, r]));

    for (const [stageId, stageRules] of byStage) {
      const seen = await this.listAll(run, { stageId, archived: false, confidentiality: 'all' }, async (page, requestedAt) => {
        for (const o of page) await this.checkCandidate(run, o, stageId, stageRules, thresholds, requestedAt);
      });
      run.result.stages.push({ stageId, ...seen });
    }
    const prefix = access.account.tagPrefix;
    await this.listAll(
      run,
      {
        tags: [recruiterActionTag(prefix, RecruiterAction.Resend), recruiterActionTag(prefix, RecruiterAction.Cancel)],
        confidentiality: 'all',
      },
      async (page, requestedAt) => {
        for (const o of page) {
          for (const action of requestedRecruiterActions(prefix, o.tags)) await this.runAction(run, o, action, requestedAt);
        }
      },
    );
    run.result.finishedAt = new Date().toISOString();
    this.logger.log({
      msg: 'account swept',
      invited: run.result.invited.length,
      skipped: run.result.skipped,
      tagsRepaired: run.result.tagsRepaired.length,
      actions: run.result.actions.length,
      leverRequests: run.result.leverRequests,
      complete: run.result.complete,
    });
    return run.result;
  }

  /** Every page of a listing, each handed on before the next is requested (its request time: the view's age). */
  private async listAll(
    run: SweepRun,
    query: Omit<ListOpportunitiesQuery, 'offset' | 'limit'>,
    onPage: (page: LeverOpportunity[], requestedAt: Date) => Promise<void>,
  ): Promise<{ listed: number; pages: number }> {
    let offset: string | undefined;
    let listed = 0;
    for (let pages = 0; pages < MAX_PAGES;) {
      let requestedAt = new Date();
      const page: LeverPage<LeverOpportunity> = await this.call(run, (lever, auth) => {
        // After the pacing wait: the listing shows Lever as of (no earlier than) this moment.
        requestedAt = new Date();
        return lever.listOpportunities(auth, { ...query, limit: PAGE_LIMIT, offset });
      });
      pages++;
      listed += page.data.length;
      await onPage(page.data, requestedAt);
      if (!page.hasNext || !page.next || page.next === offset) return { listed, pages };
      offset = page.next;
    }
    run.result.complete = false;
    return { listed, pages: MAX_PAGES };
  }

  /** A missed stage change, and status-tag drift, of one candidate in a trigger stage. */
  private async checkCandidate(
    run: SweepRun,
    o: LeverOpportunity,
    stageId: string,
    stageRules: readonly TriggerRule[],
    rules: ReadonlyMap<string, TriggerRule>,
    requestedAt: Date,
  ): Promise<void> {
    const { accountId } = run.job;
    const assessments = await this.assessments.listForOpportunity(accountId, o.id);
    await this.inviteIfMissed(run, o, stageId, stageRules, assessments);
    if (assessments.length === 0) return;
    const owner = driftedOwner(run.access.account.tagPrefix, o.tags, assessments, (ruleId) => rules.get(ruleId) ?? null);
    if (!owner) return;
    // The listing is what Lever shows now: lever-sync plans its writes from it.
    await this.views.recordRead(accountId, o.id, o, requestedAt);
    await this.leverSync.add({
      accountId,
      opportunityId: o.id,
      assessmentId: owner.id,
      correlationId: `sweep-repair:${o.id}:${requestedAt.getTime()}`,
    });
    run.result.tagsRepaired.push({ opportunityId: o.id, assessmentId: owner.id });
  }

  private async inviteIfMissed(
    run: SweepRun,
    o: LeverOpportunity,
    stageId: string,
    stageRules: readonly TriggerRule[],
    assessments: readonly Assessment[],
  ): Promise<void> {
    const { accountId } = run.job;
    const check = inviteCheck(enteredStageAt(o, stageId), stageRules, Date.now(), this.settings.lookbackMs);
    if (check.kind === 'skip') {
      run.result.skipped[check.reason]++;
      return;
    }
    const { enteredAt } = check;
    const recorded =
      assessmentForMove(assessments, check.ruleIds, enteredAt) ||
      (await this.deliveries.existsForMove({
        accountId,
        opportunityId: o.id,
        toStageId: stageId,
        since: new Date(enteredAt - CLOCK_TOLERANCE_MS),
      }));
    const deliveryToken = sweepDeliveryToken(o.id, stageId, enteredAt);
    // The same token from another sweep still queued or running: one job (its id) does the move.
    if (recorded || (await this.leverEvents.addOnce(this.stageChange(run, o, stageId, enteredAt, deliveryToken))) === 'duplicate') {
      run.result.skipped.alreadyHandled++;
      return;
    }
    const jobId = leverEventJobId({ accountId, deliveryToken });
    run.result.invited.push({ opportunityId: o.id, stageId, enteredAt: new Date(enteredAt).toISOString(), jobId });
    this.logger.log({ msg: 'missed stage change enqueued', opportunityId: o.id, stageId, deliveryToken });
  }

  private stageChange(run: SweepRun, o: LeverOpportunity, stageId: string, enteredAt: number, deliveryToken: string) {
    return {
      accountId: run.job.accountId,
      opportunityId: o.id,
      candidateId: o.id,
      fromStageId: null,
      toStageId: stageId,
      triggeredAt: new Date(enteredAt).toISOString(),
      deliveryToken,
      correlationId: deliveryToken,
    };
  }

  /**
   * One recruiter action tag: claimed in Postgres, run on the candidate's current assessment (its
   * status-tag owner), then the tag is removed. A claim left by a sweep whose removal failed
   * means only the removal is left; a tag removed after this listing was requested is the one
   * just handled by a concurrent sweep.
   */
  private async runAction(run: SweepRun, o: LeverOpportunity, action: RecruiterAction, listedAt: Date): Promise<void> {
    const { accountId } = run.job;
    const key = { accountId, opportunityId: o.id, action };
    if (await this.recruiterActions.removedSince(key, listedAt)) return;
    const { record, claimed } = await this.recruiterActions.claim(key);
    let assessmentId = record.assessmentId;
    let outcome = record.outcome ?? 'acted earlier';
    if (claimed) {
      const owner = statusTagOwner(await this.assessments.listForOpportunity(accountId, o.id));
      assessmentId = owner?.id ?? null;
      try {
        outcome = owner ? await this.act(action, owner, o.id) : `nothing to ${action.toLowerCase()}`;
      } catch (err) {
        // Nothing changed (the platform or Redis failed): the next sweep tries the action again.
        await this.recruiterActions.release(accountId, record.id);
        run.result.actions.push({ opportunityId: o.id, action, assessmentId, outcome: `failed, tag kept: ${(err as Error).message}` });
        this.logger.warn({ msg: 'recruiter action failed; kept for the next sweep', opportunityId: o.id, action, err });
        return;
      }
      await this.recruiterActions.setOutcome(accountId, record.id, assessmentId, outcome);
    }
    const tag = recruiterActionTag(run.access.account.tagPrefix, action);
    try {
      await this.call(run, (lever, auth) => lever.removeTags(auth, o.id, [tag], run.access.performAs ?? undefined));
      await this.recruiterActions.markTagRemoved(accountId, record.id);
      await this.views.recordTagWrite(accountId, o.id, { remove: [tag] });
    } catch (err) {
      if (!(err instanceof LeverError)) throw err;
      // Acted (recorded): the next sweep only removes the tag.
      outcome = `${outcome}; tag not removed: ${err.message}`;
    }
    run.result.actions.push({ opportunityId: o.id, action, assessmentId, outcome });
    this.logger.log({ msg: 'recruiter action handled', opportunityId: o.id, action, assessmentId, outcome });
  }

  /** What the config API's resend / cancel does; a refusal is the outcome, not an error. */
  private async act(action: RecruiterAction, owner: Assessment, opportunityId: string): Promise<string> {
    const correlationId = `${action === RecruiterAction.Resend ? 'resend' : 'cancel'}-tag:${opportunityId}:${Date.now()}`;
    try {
      if (action === RecruiterAction.Resend) return `resend: ${(await this.assessmentActions.resend(owner, correlationId)).action}`;
      const { previousStatus } = await this.assessmentActions.cancel(owner, correlationId);
      return previousStatus === 'canceled' ? 'already canceled' : 'canceled';
    } catch (err) {
      if (err instanceof AssessmentActionError) return `refused: ${err.code}: ${err.message}`;
      throw err;
    }
  }

  /**
   * One Lever request of the sweep: its turn within the sweep's share first, then a turn of the
   * key's shared budget (as every job's request). A shared turn a little away is waited for here.
   */
  private async call<T>(run: SweepRun, request: (lever: LeverClient, auth: LeverAccount['auth']) => Promise<T>): Promise<T> {
    await this.pacer.take(run.keyId);
    const holdId = `${run.holdBase}:${run.result.leverRequests}`;
    run.result.leverRequests++;
    for (;;) {
      try {
        return await this.accounts.withLever(run.access, (access, lever) => request(lever, access.auth), { requests: 1, holdId });
      } catch (err) {
        if (!(err instanceof LeverRateLimitedError) || err.retryAfterMs > MAX_INLINE_TURN_WAIT_MS) throw err;
        await pause(err.retryAfterMs);
      }
    }
  }
}
