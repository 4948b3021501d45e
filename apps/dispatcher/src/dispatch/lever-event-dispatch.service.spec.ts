import { AccountUnavailableError } from '@lever-assess/account-access';
import { AccountStatus, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import type { LeverOpportunity } from '@lever-assess/lever-client';
import type { NewTriggerRule } from '@lever-assess/persistence';
import {
  PlatformAuthError,
  PlatformNotFoundError,
  PlatformRejectedError,
  PlatformUnavailableError,
  type CreateInvitationRequest,
} from '@lever-assess/platform-client';
import type { LeverEventJob } from '@lever-assess/queues';
import { UnitFakes } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import { dispatchOverFakes } from '../../test/support/dispatch-over-fakes';
import { DispatchOutcome } from './dispatch-outcome';
import { LeverEventDispatchService } from './lever-event-dispatch.service';

const STAGE = 'stage-coding-test';
const OTHER_STAGE = 'stage-onsite';

/** One account with a catalog, the service over in-memory fakes, and builders for candidates and events. */
async function setup(accountInput: Parameters<UnitFakes['addAccount']>[0] = {}) {
  const f = new UnitFakes();
  const { account, apiKey } = await f.addAccount(accountInput);
  const catalog = {
    basics: await f.tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome }),
    advanced: await f.tests.create(account.id, { name: 'Python Advanced', platformTestId: 'tst_python_advanced', kind: RuleKind.TakeHome }),
    pairing: await f.tests.create(account.id, { name: 'Live Pairing', platformTestId: 'tst_live_pairing', kind: RuleKind.LiveInterview }),
  };
  const { service, leverSync } = dispatchOverFakes(f);
  const triggeredAt = new Date().toISOString();
  return {
    f,
    leverSync,
    account,
    apiKey,
    catalog,
    service,
    /** A take-home rule at STAGE sending Python Basics unless told otherwise. */
    addRule: (input: Partial<NewTriggerRule> = {}) =>
      f.rules.create(account.id, { stageId: STAGE, kind: RuleKind.TakeHome, testId: catalog.basics.id, ...input }),
    /** A candidate in Lever, at STAGE unless told otherwise. */
    candidate: (input: Partial<LeverOpportunity> = {}) => f.lever.addOpportunity(apiKey, { stageId: STAGE, ...input }),
    /** The job the gateway enqueues when the candidate moved to STAGE: a fresh delivery token of the same move. */
    event: (opportunity: LeverOpportunity, overrides: Partial<LeverEventJob> = {}): LeverEventJob => {
      const deliveryToken = randomUUID();
      return {
        accountId: account.id,
        opportunityId: opportunity.id,
        candidateId: opportunity.id,
        fromStageId: 'stage-new',
        toStageId: STAGE,
        triggeredAt,
        deliveryToken,
        correlationId: deliveryToken,
        ...overrides,
      };
    },
    assessmentsOf: async (opportunity: LeverOpportunity) =>
      (await f.assessments.list(account.id, { opportunityId: opportunity.id })).items.reverse(),
    deliveryOutcome: async (event: LeverEventJob) => (await f.deliveries.find(event.accountId, event.deliveryToken))?.outcome,
  };
}

type World = Awaited<ReturnType<typeof setup>>;

describe(LeverEventDispatchService.name, () => {
  let w: World;
  beforeEach(async () => {
    w = await setup();
  });

  describe('sending', () => {
    it('records the assessment, creates the invitation with its id as key, enqueues lever-sync and records the outcome', async () => {
      const rule = await w.addRule({ timeLimitMinutes: 90 });
      const opportunity = w.candidate({ name: 'Ada Lovelace', emails: ['', 'ada@candidates.example', 'ada@home.example'] });
      const event = w.event(opportunity);

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);

      const [assessment] = await w.assessmentsOf(opportunity);
      const [{ invitation }] = w.f.platform.invitations;
      expect(assessment).toMatchObject({
        status: AssessmentStatus.Sent,
        ruleId: rule.id,
        testId: w.catalog.basics.id,
        kind: RuleKind.TakeHome,
        candidateId: opportunity.id,
        contactId: opportunity.contactId,
        sourceDeliveryToken: event.deliveryToken,
        triggeredAt: new Date(event.triggeredAt),
        platformInvitationId: invitation.id,
        candidateUrl: invitation.candidateUrl,
        interviewerUrl: null,
        // Stored with the row before the call, forgotten once the invitation is recorded.
        invitationRequest: null,
      });
      expect(w.f.platform.requests).toEqual([
        {
          idempotencyKey: assessment.id,
          request: {
            testId: 'tst_python_basics',
            kind: RuleKind.TakeHome,
            timeLimitMinutes: 90,
            candidate: { name: 'Ada Lovelace', email: 'ada@candidates.example' },
            reference: assessment.id,
            accountId: w.account.platformAccountId,
          },
        },
      ]);
      expect(w.leverSync.jobs).toEqual([
        { accountId: w.account.id, opportunityId: opportunity.id, assessmentId: assessment.id, correlationId: event.correlationId },
      ]);
      await expect(w.deliveryOutcome(event)).resolves.toBe(`sent: ${assessment.id}=sent`);
    });

    it.each([
      ['the same case', 'Python Advanced'],
      ['another case and spaces', '  python ADVANCED '],
    ])('sends the catalog test a candidate tag names (%s) instead of the rule test', async (_case, tag) => {
      await w.addRule();
      const opportunity = w.candidate({ tags: [tag] });

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Sent);

      expect((await w.assessmentsOf(opportunity))[0].testId).toBe(w.catalog.advanced.id);
      expect(w.f.platform.requests[0].request.testId).toBe('tst_python_advanced');
    });

    it('does not let a test of another kind override the rule', async () => {
      await w.addRule();
      const opportunity = w.candidate({ tags: ['Live Pairing'] });

      await w.service.dispatch(w.event(opportunity));

      expect(w.f.platform.requests[0].request.testId).toBe('tst_python_basics');
    });

    it('fires every tagged rule the candidate matches (one assessment each) and not the untagged ones', async () => {
      await w.addRule();
      const pad = await w.addRule({ requiredTag: 'Live Pad', kind: RuleKind.LiveInterview, testId: w.catalog.pairing.id });
      const takeHome = await w.addRule({ requiredTag: 'Take Home', testId: w.catalog.advanced.id });
      const opportunity = w.candidate({ tags: ['live pad', 'Take Home'] });

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Sent);

      const assessments = await w.assessmentsOf(opportunity);
      expect(assessments.map((a) => a.ruleId)).toEqual([pad.id, takeHome.id]);
      expect(assessments[0].interviewerUrl).toMatch(/^https:/);
      expect(w.leverSync.jobs).toHaveLength(2);
    });
  });

  describe('nothing to send', () => {
    it('drops a redelivered token that was processed to the end', async () => {
      await w.addRule();
      const event = w.event(w.candidate());
      await w.service.dispatch(event);

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Duplicate);

      expect(w.f.platform.requests).toHaveLength(1);
      expect(w.leverSync.jobs).toHaveLength(1);
    });

    it('handles a second delivery of the same move, while its test is out, as already handled', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      await w.service.dispatch(w.event(opportunity));
      const second = w.event(opportunity);

      await expect(w.service.dispatch(second)).resolves.toBe(DispatchOutcome.AlreadyHandled);

      const assessments = await w.assessmentsOf(opportunity);
      expect(assessments).toHaveLength(1);
      expect(w.f.platform.requests).toHaveLength(1);
      await expect(w.deliveryOutcome(second)).resolves.toBe(`already-handled: ${assessments[0].id}=already`);
    });

    it('does not start again a move whose assessment another delivery already ended, but still enqueues its sync', async () => {
      await w.addRule();
      const opportunity = w.candidate({ emails: [] });
      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Error);

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.AlreadyHandled);

      const assessments = await w.assessmentsOf(opportunity);
      expect(assessments).toHaveLength(1);
      // The sync is state-based and its note is claimed once: a second job writes no second note.
      expect(w.leverSync.jobs.map((j) => j.assessmentId)).toEqual([assessments[0].id, assessments[0].id]);
    });

    it('enqueues the sync again when a run died between recording the invitation and enqueueing it (issue 15)', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      // The invitation is created and recorded, then the process dies: the sync is never enqueued.
      w.leverSync.failNext(new Error('worker killed'));
      await expect(w.service.dispatch(event)).rejects.toThrow('worker killed');
      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment.platformInvitationId).toEqual(expect.any(String));
      expect(w.leverSync.jobs).toEqual([]);

      // The stalled job runs again: the work is done, its follow-up must still happen.
      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.AlreadyHandled);

      expect(w.leverSync.jobs).toEqual([
        { accountId: w.account.id, opportunityId: opportunity.id, assessmentId: assessment.id, correlationId: event.correlationId },
      ]);
      expect(w.f.platform.invitations).toHaveLength(1);
    });

    it('completes with account-missing when the account no longer exists, recording nothing', async () => {
      const event = w.event(w.candidate(), { accountId: randomUUID() });

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.AccountMissing);

      expect(w.f.store.deliveries.size).toBe(0);
      expect(w.f.lever.calls).toEqual([]);
    });

    it('completes with account-disabled without calling Lever', async () => {
      w = await setup({ status: AccountStatus.Disabled });
      await w.addRule();
      const event = w.event(w.candidate());

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.AccountDisabled);

      await expect(w.deliveryOutcome(event)).resolves.toBe('account-disabled');
      expect(w.f.lever.calls).toEqual([]);
    });

    it('lets a disconnected account fail the job (kept for replay) without calling Lever', async () => {
      w = await setup({ status: AccountStatus.Disconnected, statusReason: 'LEVER_KEY_REVOKED' });
      await w.addRule();
      const event = w.event(w.candidate());

      const failure = w.service.dispatch(event);

      await expect(failure).rejects.toBeInstanceOf(AccountUnavailableError);
      await expect(failure).rejects.toMatchObject({ status: AccountStatus.Disconnected });
      await expect(w.deliveryOutcome(event)).resolves.toBeNull();
      expect(w.f.lever.calls).toEqual([]);
    });

    it.each<[string, Partial<NewTriggerRule> | null]>([
      ['no rule at all', null],
      ['a rule at another stage only', { stageId: OTHER_STAGE }],
      ['a disabled rule only', { enabled: false }],
    ])('ends with no-rule, without calling Lever, for %s', async (_case, rule) => {
      if (rule) await w.addRule(rule);
      const event = w.event(w.candidate());

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.NoRule);

      await expect(w.deliveryOutcome(event)).resolves.toBe('no-rule');
      expect(w.f.lever.calls).toEqual([]);
    });

    it('skips a stale event: the candidate has left the stage since', async () => {
      await w.addRule();
      const opportunity = w.candidate({ stageId: OTHER_STAGE });

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.StaleStage);

      expect(await w.assessmentsOf(opportunity)).toEqual([]);
      expect(w.f.platform.requests).toEqual([]);
    });

    it('ends with no-matching-rule when only tagged rules are at the stage and the candidate has none of their tags', async () => {
      await w.addRule({ requiredTag: 'Live Pad', kind: RuleKind.LiveInterview, testId: null });
      const opportunity = w.candidate({ tags: ['Referral'] });

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.NoMatchingRule);

      expect(await w.assessmentsOf(opportunity)).toEqual([]);
    });

    it.each<[string, Partial<LeverOpportunity>, string]>([
      ['archived', { archived: true }, 'CANDIDATE_ARCHIVED'],
      ['anonymized', { isAnonymized: true, emails: [] }, 'CANDIDATE_ANONYMIZED'],
    ])('skips an %s candidate: no assessment, no sync, only the outcome', async (_case, candidate, code) => {
      await w.addRule();
      const opportunity = w.candidate(candidate);
      const event = w.event(opportunity);

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.CandidateSkipped);

      await expect(w.deliveryOutcome(event)).resolves.toBe(`candidate-skipped: ${code}`);
      expect(await w.assessmentsOf(opportunity)).toEqual([]);
      expect(w.leverSync.jobs).toEqual([]);
      expect(w.f.platform.requests).toEqual([]);
    });
  });

  describe('error assessments (shown in Lever by result-sync)', () => {
    it.each<[string, Partial<NewTriggerRule>, Partial<LeverOpportunity>, string]>([
      ['the candidate has no email', {}, { emails: ['  '] }, 'CANDIDATE_NO_EMAIL'],
      ['a take-home rule has no test and no tag names one', { testId: null }, { tags: ['Referral'] }, 'NO_TEST_RESOLVABLE'],
    ])('records an error assessment when %s, without calling the platform', async (_case, rule, candidate, code) => {
      await w.addRule(rule);
      const opportunity = w.candidate(candidate);
      const event = w.event(opportunity);

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Error);

      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: code, platformInvitationId: null });
      expect(assessment.errorText).toEqual(expect.any(String));
      expect(w.f.platform.requests).toEqual([]);
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
      await expect(w.deliveryOutcome(event)).resolves.toBe(`error: ${assessment.id}=error`);
    });

    it("records the platform's refusal (422) with its message, and completes", async () => {
      await w.addRule();
      const opportunity = w.candidate();
      w.f.platform.failNext('createInvitation', new PlatformRejectedError(422, 'candidate.email is not deliverable', 'candidate.email'));

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Error);

      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_REJECTED' });
      expect(assessment.errorText).toContain('candidate.email is not deliverable');
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
    });
  });

  describe("the account's Lever budget", () => {
    it('reads the opportunity on a turn of one request, held under this delivery', async () => {
      await w.addRule();
      const event = w.event(w.candidate());
      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);
      expect(w.f.lever.budgets).toEqual([
        { accountId: w.account.id, requests: 1, holdId: `lever-events:${w.account.id}:${event.deliveryToken}` },
      ]);
      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['getOpportunity']);
    });

    it('records what the read showed (tags, links) for result-sync to plan from', async () => {
      await w.addRule();
      const opportunity = w.candidate({ tags: ['Referral', 'Acme - Fail'], links: ['https://github.com/ada'] });
      await w.service.dispatch(w.event(opportunity));
      await expect(w.f.views.find(w.account.id, opportunity.id)).resolves.toMatchObject({
        tags: ['Referral', 'Acme - Fail'],
        links: ['https://github.com/ada'],
      });
    });

    it('when the turn is later, sends nothing, records nothing and says how long to wait (the job is delayed)', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.lever.delayTurns(4_000);

      await expect(w.service.dispatch(event)).rejects.toMatchObject({ code: 'LEVER_RATE_LIMITED', retryAfterMs: 4_000 });
      expect(w.f.lever.calls).toEqual([]);
      expect(await w.assessmentsOf(opportunity)).toEqual([]);
      await expect(w.deliveryOutcome(event)).resolves.toBeNull();

      // Back on its turn, the same delivery goes through once.
      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);
      expect(w.f.platform.invitations).toHaveLength(1);
      expect(w.f.lever.budgets.map((b) => b.holdId)).toEqual([
        `lever-events:${w.account.id}:${event.deliveryToken}`,
        `lever-events:${w.account.id}:${event.deliveryToken}`,
      ]);
    });
  });

  describe('retries', () => {
    it('lets a platform outage propagate and leaves the delivery unfinished, so the retry goes on', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503));

      await expect(w.service.dispatch(event)).rejects.toBeInstanceOf(PlatformUnavailableError);

      await expect(w.deliveryOutcome(event)).resolves.toBeNull();
      expect(await w.assessmentsOf(opportunity)).toEqual([
        expect.objectContaining({ status: AssessmentStatus.Sent, platformInvitationId: null }),
      ]);
      expect(w.leverSync.jobs).toEqual([]);
    });

    it('resumes an assessment left without invitation with the test it was recorded with', async () => {
      await w.addRule();
      const opportunity = w.candidate({ tags: ['Python Advanced'] });
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('timeout', 3));
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      // The override tag is gone by the time the job is retried: the platform request must not change.
      w.f.lever.updateOpportunity(w.apiKey, opportunity.id, { tags: [] });

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);

      const assessments = await w.assessmentsOf(opportunity);
      expect(assessments).toHaveLength(1);
      expect(assessments[0]).toMatchObject({ testId: w.catalog.advanced.id, platformInvitationId: expect.any(String) });
      expect(w.f.platform.requests.map((r) => r.request.testId)).toEqual(['tst_python_advanced']);
    });

    it('gets the same invitation when the platform created it but its answer was lost', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('timeout', 3), { afterApplying: true });
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);

      expect(w.f.platform.requests).toHaveLength(2);
      expect(w.f.platform.invitations).toHaveLength(1);
      expect((await w.assessmentsOf(opportunity))[0].platformInvitationId).toBe(w.f.platform.invitations[0].invitation.id);
    });
  });

  describe('recordFailure', () => {
    it('marks the delivery failed, so a replay of the kept job processes it again', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.lever.failNext('getOpportunity', 403);
      await expect(w.service.dispatch(event)).rejects.toMatchObject({ code: 'LEVER_CONFIDENTIAL_ACCESS' });

      await w.service.recordFailure(event, 'LEVER_CONFIDENTIAL_ACCESS');

      await expect(w.deliveryOutcome(event)).resolves.toBe('failed: LEVER_CONFIDENTIAL_ACCESS');
      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);
    });
  });

  describe('recordRetriesExhausted', () => {
    it("turns this delivery's assessments without invitation into errors, with a sync each; the others stay", async () => {
      const pad = await w.addRule({ requiredTag: 'Live Pad', kind: RuleKind.LiveInterview, testId: w.catalog.pairing.id });
      const takeHome = await w.addRule({ requiredTag: 'Take Home' });
      const opportunity = w.candidate({ tags: ['Live Pad', 'Take Home'] });
      const event = w.event(opportunity);
      // Another delivery's unsent assessment, then this one: the pad is sent, the take-home is not.
      const other = w.candidate({ tags: ['Take Home'] });
      const otherEvent = w.event(other);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503));
      await expect(w.service.dispatch(otherEvent)).rejects.toThrow(PlatformUnavailableError);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503), { skip: 1 });
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      w.leverSync.jobs.length = 0;

      await w.service.recordRetriesExhausted(event, 'PLATFORM_UNAVAILABLE');

      await expect(w.deliveryOutcome(event)).resolves.toBe('failed: PLATFORM_UNAVAILABLE');
      const [padAssessment, takeHomeAssessment] = await w.assessmentsOf(opportunity);
      expect(padAssessment).toMatchObject({ ruleId: pad.id, status: AssessmentStatus.Sent });
      expect(takeHomeAssessment).toMatchObject({ ruleId: takeHome.id, status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE' });
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: takeHomeAssessment.id })]);
      expect(await w.assessmentsOf(other)).toEqual([
        expect.objectContaining({ status: AssessmentStatus.Sent, platformInvitationId: null }),
      ]);
    });

    it('lets a replay of the kept job send the test, under the same assessment', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('network', 3));
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      await w.service.recordRetriesExhausted(event, 'PLATFORM_UNAVAILABLE');

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);

      expect(await w.assessmentsOf(opportunity)).toEqual([
        expect.objectContaining({ status: AssessmentStatus.Sent, errorCode: null, platformInvitationId: 'inv_1' }),
      ]);
    });
  });

  describe('a platform brown-out (issue 15): one invitation, and its result can reach Lever', () => {
    /**
     * The platform creates the invitation but its answer is lost; it then fails for the rest of
     * the job's attempts, and the last one ends the assessment as PLATFORM_UNAVAILABLE.
     */
    async function brownOut(opportunity: LeverOpportunity, event: LeverEventJob) {
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('timeout', 3), { afterApplying: true });
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503));
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      await w.service.recordRetriesExhausted(event, 'PLATFORM_UNAVAILABLE');
      const [errored] = await w.assessmentsOf(opportunity);
      expect(errored).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', platformInvitationId: null });
      expect(w.f.platform.invitations).toHaveLength(1);
      return errored;
    }

    it.each<[string, (event: LeverEventJob, opportunity: LeverOpportunity) => LeverEventJob]>([
      ['the kept job is replayed', (event) => event],
      [
        'an admin resends (a new delivery, a new move)',
        (_e, opportunity) => w.event(opportunity, { triggeredAt: new Date().toISOString() }),
      ],
    ])('when %s, the errored assessment gets the invitation the platform already had: no second email', async (_case, again) => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      const errored = await brownOut(opportunity, event);

      await expect(w.service.dispatch(again(event, opportunity))).resolves.toBe(DispatchOutcome.Sent);

      expect(w.f.platform.invitations).toHaveLength(1);
      const [{ invitation }] = w.f.platform.invitations;
      expect(await w.assessmentsOf(opportunity)).toEqual([
        expect.objectContaining({ id: errored.id, status: AssessmentStatus.Sent, errorCode: null, platformInvitationId: invitation.id }),
      ]);
      // Every try carried the same key and the same body.
      expect(new Set(w.f.platform.requests.map((r) => r.idempotencyKey))).toEqual(new Set([errored.id]));
      expect(new Set(w.f.platform.requests.map((r) => JSON.stringify(r.request))).size).toBe(1);
      expect(w.leverSync.jobs.at(-1)).toMatchObject({ assessmentId: errored.id });
    });

    it('resends the stored request verbatim although name, email and time limit changed since', async () => {
      const rule = await w.addRule({ timeLimitMinutes: 90 });
      const opportunity = w.candidate({ name: 'Ada Lovelace', emails: ['ada@candidates.example'] });
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', new PlatformUnavailableError('timeout', 3), { afterApplying: true });
      await expect(w.service.dispatch(event)).rejects.toThrow(PlatformUnavailableError);
      w.f.lever.updateOpportunity(w.apiKey, opportunity.id, { name: 'Ada King', emails: ['ada@king.example'] });
      await w.f.rules.update(w.account.id, rule.id, { timeLimitMinutes: 45 });

      await expect(w.service.dispatch(event)).resolves.toBe(DispatchOutcome.Sent);

      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment).toMatchObject({ status: AssessmentStatus.Sent, platformInvitationId: 'inv_1' });
      expect(w.f.platform.requests.map((r) => r.request)).toEqual([
        expect.objectContaining({ timeLimitMinutes: 90, candidate: { name: 'Ada Lovelace', email: 'ada@candidates.example' } }),
        expect.objectContaining({ timeLimitMinutes: 90, candidate: { name: 'Ada Lovelace', email: 'ada@candidates.example' } }),
      ]);
    });

    /** An assessment from before requests were stored, whose first try reached the platform with a body we cannot rebuild. */
    async function legacyAssessmentWithInvitation(opportunity: LeverOpportunity, ruleId: string) {
      const { assessment } = await w.f.assessments.insertIfNoActive({
        accountId: w.account.id,
        opportunityId: opportunity.id,
        candidateId: opportunity.id,
        ruleId,
        testId: w.catalog.basics.id,
        kind: RuleKind.TakeHome,
        triggeredAt: new Date(),
        sourceDeliveryToken: 'old-delivery',
      });
      const earlier: CreateInvitationRequest = {
        testId: 'tst_python_basics',
        kind: RuleKind.TakeHome,
        timeLimitMinutes: 120,
        candidate: { name: 'Name Before', email: 'before@candidates.example' },
        reference: assessment.id,
        accountId: w.account.platformAccountId,
      };
      const invitation = await w.f.platform.createInvitation(earlier, assessment.id);
      return { assessment, invitation };
    }

    it('takes a 422 for a reused key as "fetch the existing invitation" and records it', async () => {
      const rule = await w.addRule();
      const opportunity = w.candidate();
      const { assessment, invitation } = await legacyAssessmentWithInvitation(opportunity, rule.id);

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Sent);

      expect(await w.assessmentsOf(opportunity)).toEqual([
        expect.objectContaining({ id: assessment.id, status: AssessmentStatus.Sent, platformInvitationId: invitation.id, errorCode: null }),
      ]);
      expect(w.f.platform.invitations).toHaveLength(1);
    });

    it('when the platform cannot look the reused key up, records the refusal but keeps the request (callbacks will adopt it)', async () => {
      const rule = await w.addRule();
      const opportunity = w.candidate();
      const { assessment } = await legacyAssessmentWithInvitation(opportunity, rule.id);
      w.f.platform.failNext('findInvitationsByReference', new PlatformNotFoundError('invitation look-up by reference'));

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Error);

      const [stored] = await w.assessmentsOf(opportunity);
      expect(stored).toMatchObject({ id: assessment.id, status: AssessmentStatus.Error, errorCode: 'PLATFORM_REJECTED' });
      expect(stored.invitationRequest).toMatchObject({ reference: assessment.id });
    });
  });

  describe('an invitation its assessment no longer takes (issue 15)', () => {
    /** While the platform creates the invitation, something else changes the assessment. */
    function meanwhile(change: (assessmentId: string) => Promise<unknown>) {
      const create = w.f.platform.createInvitation.bind(w.f.platform);
      jest.spyOn(w.f.platform, 'createInvitation').mockImplementation(async (request, key) => {
        await change(key);
        return create(request, key);
      });
    }

    it('records it on an assessment an exhausted retry ended as error meanwhile, which is sent again', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      meanwhile((id) =>
        w.f.assessments.update(w.account.id, id, { status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', errorText: 'x' }),
      );

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.Sent);

      expect(await w.assessmentsOf(opportunity)).toEqual([
        expect.objectContaining({ status: AssessmentStatus.Sent, errorCode: null, platformInvitationId: 'inv_1' }),
      ]);
    });

    it('cancels it on the platform when the assessment was canceled meanwhile, and still enqueues the sync', async () => {
      await w.addRule();
      const opportunity = w.candidate();
      meanwhile((id) => w.f.assessments.update(w.account.id, id, { status: AssessmentStatus.Canceled }));

      await expect(w.service.dispatch(w.event(opportunity))).resolves.toBe(DispatchOutcome.AlreadyHandled);

      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment).toMatchObject({ status: AssessmentStatus.Canceled, platformInvitationId: null });
      await expect(w.f.platform.getInvitation('inv_1')).resolves.toMatchObject({ status: 'canceled' });
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
    });
  });

  describe('recordFailure after the assessment was recorded (issue 15)', () => {
    it.each<[string, Error, string]>([
      ['the platform refuses our API key', new PlatformAuthError(401), 'PLATFORM_AUTH_FAILED'],
      ['the platform answers 404', new PlatformNotFoundError('invitations endpoint'), 'PLATFORM_NOT_FOUND'],
    ])('ends the unsent assessment as error with its code and enqueues the sync when %s', async (_case, error, code) => {
      await w.addRule();
      const opportunity = w.candidate();
      const event = w.event(opportunity);
      w.f.platform.failNext('createInvitation', error);
      await expect(w.service.dispatch(event)).rejects.toBe(error);

      await w.service.recordFailure(event, code);

      const [assessment] = await w.assessmentsOf(opportunity);
      expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: code, platformInvitationId: null });
      expect(assessment.errorText).toMatch(/^The assessment was not sent/);
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
      await expect(w.deliveryOutcome(event)).resolves.toBe(`failed: ${code}`);
    });
  });
});
