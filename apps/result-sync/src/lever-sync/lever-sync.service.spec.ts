import { AccountUnavailableError } from '@lever-assess/account-access';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import {
  LeverAuthError,
  LeverBadRequestError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverUnavailableError,
  type LeverFailure,
} from '@lever-assess/lever-client';
import type { AssessmentPatch, NewTriggerRule } from '@lever-assess/persistence';
import type { LeverSyncJob } from '@lever-assess/queues';
import { UnitFakes, type FakeAccountInput } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import { AssessmentNotFoundError } from '../result-sync.errors';
import { noteReference } from './lever-notes';
import { leverSyncOverFakes } from '../../test/support/result-sync-over-fakes';
import { LeverSyncService } from './lever-sync.service';

const SENT = 'Acme Test - Sent';
const REPORT = 'https://platform.example/reports/r1';

interface AssessmentInput {
  rule?: Partial<NewTriggerRule>;
  status?: AssessmentStatus;
  patch?: AssessmentPatch;
  /** The Lever move that created it; assessments of one move share it. */
  triggeredAt?: Date;
}

/** One account (tag prefix "Acme Test", perform-as user-bot), one candidate in Lever, the service over fakes. */
async function setup(accountInput: FakeAccountInput = {}) {
  const f = new UnitFakes();
  const { account, apiKey } = await f.addAccount({ tagPrefix: 'Acme Test', performAsUserId: 'user-bot', ...accountInput });
  const opportunity = f.lever.addOpportunity(apiKey, { tags: ['Referral', SENT] });
  const service = leverSyncOverFakes(f);
  return {
    f,
    account,
    service,
    /** An assessment of a new rule for the candidate, moved to `status` with `patch`. */
    addAssessment: async ({ rule = {}, status = AssessmentStatus.Sent, patch = {}, triggeredAt = new Date() }: AssessmentInput = {}) => {
      const created = await f.rules.create(account.id, { stageId: 'stage-1', kind: RuleKind.TakeHome, ...rule });
      const { assessment } = await f.assessments.insertIfNoActive({
        accountId: account.id,
        opportunityId: opportunity.id,
        candidateId: opportunity.id,
        ruleId: created.id,
        kind: created.kind,
        triggeredAt,
      });
      const updated = await f.assessments.update(account.id, assessment.id, { status, ...patch });
      if (!updated) throw new Error('assessment vanished');
      return updated;
    },
    job: (assessment: { id: string }): LeverSyncJob => ({
      accountId: account.id,
      opportunityId: opportunity.id,
      assessmentId: assessment.id,
      correlationId: 'corr-1',
    }),
    /** The candidate as Lever holds it now. */
    inLever: () => f.lever.opportunity(apiKey, opportunity.id),
    notesInLever: () => f.lever.notesOf(apiKey, opportunity.id),
    setTags: (tags: string[]) => f.lever.updateOpportunity(apiKey, opportunity.id, { tags }),
    claims: (assessment: { id: string }) => f.notes.listForAssessment(account.id, assessment.id),
    reload: (assessment: { id: string }) => f.assessments.findById(account.id, assessment.id),
  };
}

const scored = (score: number, patch: AssessmentPatch = {}) => ({
  status: AssessmentStatus.Scored,
  patch: { score, reportUrl: REPORT, ...patch },
});

describe(LeverSyncService.name, () => {
  let w: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    w = await setup();
  });

  describe('the status tag', () => {
    it.each<[string, AssessmentInput, string]>([
      ['a sent take-home', {}, SENT],
      ['a sent live pad', { rule: { kind: RuleKind.LiveInterview } }, 'Acme Test - Live Pad'],
      ['a completed test', { status: AssessmentStatus.Completed }, 'Acme Test - Needs Review'],
      ['a score at the pass threshold', { ...scored(70), rule: { passThreshold: 70, failThreshold: 40 } }, 'Acme Test - Pass'],
      ['a score at the fail threshold', { ...scored(40), rule: { passThreshold: 70, failThreshold: 40 } }, 'Acme Test - Fail'],
      ['a score between the thresholds', { ...scored(55), rule: { passThreshold: 70, failThreshold: 40 } }, 'Acme Test - Needs Review'],
      ['an expired test', { status: AssessmentStatus.Expired }, 'Acme Test - Expired'],
      ['an error', { status: AssessmentStatus.Error, patch: { errorCode: 'CANDIDATE_NO_EMAIL' } }, 'Acme Test - Error'],
    ])('shows %s as %s, leaving the other tags alone', async (_case, input, tag) => {
      const assessment = await w.addAssessment(input);

      await w.service.reconcile(w.job(assessment));

      expect(w.inLever().tags.sort()).toEqual(['Referral', tag].sort());
    });

    it('adds the new status tag before removing the old one, as the perform-as user', async () => {
      const assessment = await w.addAssessment({ status: AssessmentStatus.Completed });

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.writes).toEqual([
        expect.objectContaining({ method: 'addTags', values: ['Acme Test - Needs Review'], performAs: 'user-bot' }),
        expect.objectContaining({ method: 'removeTags', values: [SENT], performAs: 'user-bot' }),
      ]);
    });

    it('writes without perform_as when the account has no perform-as user', async () => {
      w = await setup({ performAsUserId: null });
      const assessment = await w.addAssessment({ status: AssessmentStatus.Completed });

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.writes.map((write) => write.performAs)).toEqual([undefined, undefined]);
    });

    it('shows Canceled for a canceled assessment, removing every other status tag of the prefix and only those', async () => {
      w.setTags(['Referral', SENT, 'Acme Test - Error', 'Other Co - Sent', 'acme test - pass']);
      const assessment = await w.addAssessment({ status: AssessmentStatus.Canceled });

      await w.service.reconcile(w.job(assessment));

      expect(w.inLever().tags).toEqual(['Referral', 'Other Co - Sent', 'acme test - pass', 'Acme Test - Canceled']);
    });

    it("lets an older move's sync add its link and note but not put its tag over the newer move's", async () => {
      const older = await w.addAssessment({ ...scored(90), rule: { passThreshold: 70 }, triggeredAt: new Date('2026-01-01') });
      await w.addAssessment({ triggeredAt: new Date('2026-02-01') });

      await w.service.reconcile(w.job(older));

      expect(w.inLever().tags).toEqual(['Referral', SENT]);
      expect(w.inLever().links).toEqual([REPORT]);
      expect(w.notesInLever()).toHaveLength(1);
    });

    it("does not let a live pad's sync hide the take-home of the same move", async () => {
      const move = new Date('2026-03-01');
      await w.addAssessment({ status: AssessmentStatus.Completed, triggeredAt: move });
      const pad = await w.addAssessment({ rule: { kind: RuleKind.LiveInterview, requiredTag: 'Live Pad' }, triggeredAt: move });

      await w.service.reconcile(w.job(pad));

      expect(w.inLever().tags).not.toContain('Acme Test - Live Pad');
    });
  });

  describe('links', () => {
    it('adds the report link once, however often the job runs', async () => {
      const assessment = await w.addAssessment(scored(80));

      await w.service.reconcile(w.job(assessment));
      await w.service.reconcile(w.job(assessment));

      expect(w.inLever().links).toEqual([REPORT]);
      expect(w.f.lever.writes.filter((write) => write.method === 'addLinks')).toHaveLength(1);
    });

    it("adds a pad's candidate and interviewer links", async () => {
      const pad = await w.addAssessment({
        rule: { kind: RuleKind.LiveInterview, requiredTag: 'Live Pad' },
        patch: { candidateUrl: 'https://platform.example/take/1', interviewerUrl: 'https://platform.example/interview/1' },
      });

      await w.service.reconcile(w.job(pad));

      expect(w.inLever().links).toEqual(['https://platform.example/take/1', 'https://platform.example/interview/1']);
    });
  });

  describe('notes', () => {
    it('writes one result note per event, ending with its reference line, however often the job runs', async () => {
      const assessment = await w.addAssessment({ ...scored(80), rule: { passThreshold: 70 } });

      for (let i = 0; i < 3; i++) await w.service.reconcile(w.job(assessment));

      const notes = w.notesInLever();
      expect(notes).toHaveLength(1);
      expect(notes[0].value).toContain('Acme Test: assessment result: Pass');
      expect(notes[0].value.endsWith(noteReference(assessment.id, 'scored'))).toBe(true);
      expect(notes[0].userId).toBe('user-bot');
      expect(await w.claims(assessment)).toEqual([expect.objectContaining({ eventKey: 'scored', leverNoteId: notes[0].id })]);
    });

    it("writes an error assessment's text for the recruiter once, keyed by its error code", async () => {
      const assessment = await w.addAssessment({
        status: AssessmentStatus.Error,
        patch: { errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'Add an email address to the candidate.' },
      });

      await w.service.reconcile(w.job(assessment));
      await w.service.reconcile(w.job(assessment));

      expect(w.notesInLever().map((n) => n.value)).toEqual([
        `Acme Test: Add an email address to the candidate.\n${noteReference(assessment.id, 'error:CANDIDATE_NO_EMAIL')}`,
      ]);
    });

    it('after a 5xx whose note Lever did store, finds it by its reference line instead of writing it again', async () => {
      const assessment = await w.addAssessment(scored(80));
      w.f.lever.failNext('createNote', 503, { afterApplying: true });
      await expect(w.service.reconcile(w.job(assessment))).rejects.toBeInstanceOf(LeverUnavailableError);
      expect(await w.claims(assessment)).toEqual([expect.objectContaining({ leverNoteId: null })]);

      await w.service.reconcile(w.job(assessment));

      const notes = w.notesInLever();
      expect(notes).toHaveLength(1);
      expect(w.f.lever.callsOf('createNote')).toBe(1);
      expect(await w.claims(assessment)).toEqual([expect.objectContaining({ leverNoteId: notes[0].id })]);
    });

    it('after a 5xx whose note Lever did not store, looks for it, then writes it', async () => {
      const assessment = await w.addAssessment(scored(80));
      w.f.lever.failNext('createNote', 502);
      await expect(w.service.reconcile(w.job(assessment))).rejects.toBeInstanceOf(LeverUnavailableError);

      await w.service.reconcile(w.job(assessment));

      expect(w.notesInLever()).toHaveLength(1);
      expect(w.f.lever.callsOf('listNotes')).toBe(1);
      expect(w.f.lever.callsOf('createNote')).toBe(2);
    });

    it('releases the claim after a certain refusal (4xx), so the retry writes the note without looking first', async () => {
      const assessment = await w.addAssessment(scored(80));
      w.f.lever.failNext('createNote', 400);
      await expect(w.service.reconcile(w.job(assessment))).rejects.toBeInstanceOf(LeverBadRequestError);
      expect(await w.claims(assessment)).toEqual([]);

      await w.service.reconcile(w.job(assessment));

      expect(w.notesInLever()).toHaveLength(1);
      expect(w.f.lever.callsOf('listNotes')).toBe(0);
    });

    it('writes nothing when an unconfirmed note cannot be looked up (no notes:read): a lost note beats a duplicate', async () => {
      const assessment = await w.addAssessment(scored(80));
      w.f.lever.failNext('createNote', 504);
      await expect(w.service.reconcile(w.job(assessment))).rejects.toBeInstanceOf(LeverUnavailableError);
      w.f.lever.failNext('listNotes', 403);

      await w.service.reconcile(w.job(assessment));

      expect(w.notesInLever()).toEqual([]);
      expect(w.f.lever.callsOf('createNote')).toBe(1);
      // The claim stays unconfirmed: no later sync writes the note either.
      expect(await w.claims(assessment)).toEqual([expect.objectContaining({ leverNoteId: null })]);
    });
  });

  describe('sync errors', () => {
    it('clears a recorded sync error after a successful sync', async () => {
      const assessment = await w.addAssessment({
        ...scored(80),
        patch: { errorCode: 'LEVER_PERMISSION_MISSING', errorText: 'fix the key' },
      });

      await w.service.reconcile(w.job(assessment));

      await expect(w.reload(assessment)).resolves.toMatchObject({ status: AssessmentStatus.Scored, errorCode: null, errorText: null });
    });

    it("keeps an error assessment's own reason", async () => {
      const assessment = await w.addAssessment({
        status: AssessmentStatus.Error,
        patch: { errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'x' },
      });

      await w.service.reconcile(w.job(assessment));

      await expect(w.reload(assessment)).resolves.toMatchObject({ errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'x' });
    });

    it.each<[string, (job: LeverSyncJob, otherAccountId: string) => LeverSyncJob]>([
      ['does not exist', (job) => ({ ...job, assessmentId: randomUUID() })],
      ['is in another account', (job, otherAccountId) => ({ ...job, accountId: otherAccountId })],
    ])('fails with AssessmentNotFoundError, without calling Lever, when the assessment %s', async (_case, retarget) => {
      const assessment = await w.addAssessment();
      const other = await w.f.addAccount();
      const job = retarget(w.job(assessment), other.account.id);

      await expect(w.service.reconcile(job)).rejects.toBeInstanceOf(AssessmentNotFoundError);

      expect(w.f.lever.calls).toEqual([]);
    });

    it("syncs the assessment's own opportunity when the job names another one", async () => {
      w.setTags(['Referral']);
      const assessment = await w.addAssessment();

      await w.service.reconcile({ ...w.job(assessment), opportunityId: 'opp-named-wrongly' });

      expect(w.inLever().tags).toEqual(expect.arrayContaining(['Referral', SENT]));
    });
  });

  describe('the Lever budget: planned from our view of the opportunity', () => {
    /** What the dispatcher recorded when it read the candidate. */
    const recordView = (tags: string[], links: string[] = []) =>
      w.f.views.recordRead(w.account.id, w.inLever().id, { tags, links }, new Date(Date.now() - 1_000));

    it('shows Sent with a single Lever request: no read, no removal when no old status tag is carried', async () => {
      w.setTags(['Referral']);
      await recordView(['Referral']);
      const assessment = await w.addAssessment();

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['addTags']);
      expect(w.f.lever.budgets).toEqual([{ accountId: w.account.id, requests: 1, holdId: `lever-sync:${assessment.id}` }]);
      expect(w.inLever().tags.sort()).toEqual(['Referral', SENT].sort());
      await expect(w.f.views.find(w.account.id, w.inLever().id)).resolves.toMatchObject({ tags: ['Referral', SENT].sort() });
    });

    it('removes an old status tag the view shows, after adding the new one (two requests)', async () => {
      await recordView(['Referral', SENT]);
      const assessment = await w.addAssessment({ status: AssessmentStatus.Completed });

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['addTags', 'removeTags']);
      expect(w.f.lever.budgets[0].requests).toBe(2);
      expect(w.inLever().tags.sort()).toEqual(['Acme Test - Needs Review', 'Referral']);
    });

    it('a pass with its report link and note: four requests, sized on one turn', async () => {
      await recordView(['Referral', 'Acme Test - Needs Review']);
      w.setTags(['Referral', 'Acme Test - Needs Review']);
      const assessment = await w.addAssessment({ ...scored(90), rule: { passThreshold: 70 } });

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['addTags', 'removeTags', 'addLinks', 'createNote']);
      expect(w.f.lever.budgets[0].requests).toBe(4);
      // Repeated: nothing left to write, and nothing read.
      await w.service.reconcile(w.job(assessment));
      expect(w.f.lever.calls).toHaveLength(4);
      expect(w.f.lever.budgets[1].requests).toBe(0);
    });

    it('without a view, reads once, records the view, then plans from it', async () => {
      const assessment = await w.addAssessment({ status: AssessmentStatus.Completed });

      await w.service.reconcile(w.job(assessment));

      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['getOpportunity', 'addTags', 'removeTags']);
      await expect(w.f.views.find(w.account.id, w.inLever().id)).resolves.toMatchObject({
        tags: ['Acme Test - Needs Review', 'Referral'],
      });
    });

    it('when its turn is later, writes nothing and says how long to wait (the job is delayed)', async () => {
      await recordView(['Referral', SENT]);
      const assessment = await w.addAssessment({ status: AssessmentStatus.Completed });
      w.f.lever.delayTurns(3_000);

      await expect(w.service.reconcile(w.job(assessment))).rejects.toMatchObject({ code: 'LEVER_RATE_LIMITED', retryAfterMs: 3_000 });
      expect(w.f.lever.calls).toEqual([]);
    });

    it('checks the fence before every write, and writes nothing after the lock is lost', async () => {
      await recordView(['Referral', SENT]);
      const assessment = await w.addAssessment({ ...scored(90), rule: { passThreshold: 70 } });
      let checks = 0;
      const lost = new Error('lock lost');
      const fence = async () => {
        if (++checks === 2) throw lost;
      };

      await expect(w.service.reconcile(w.job(assessment), fence)).rejects.toBe(lost);

      // The first write went out under the lock; the second was stopped before it was sent.
      expect(w.f.lever.calls.map((c) => c.method)).toEqual(['addTags']);
    });
  });

  describe('recordFailure', () => {
    const f: LeverFailure = { accountId: 'acct', endpoint: 'POST /opportunities/:id/addTags' };

    it.each<[string, unknown, string]>([
      ['a revoked key', new LeverAuthError(f), 'LEVER_KEY_REVOKED'],
      ['a missing permission', new LeverPermissionError(f), 'LEVER_PERMISSION_MISSING'],
      ['a deleted opportunity', new LeverNotFoundError(f), 'LEVER_NOT_FOUND'],
      ['another refusal', new LeverBadRequestError({ ...f, status: 422 }), 'LEVER_SYNC_FAILED'],
      ['an unavailable account', new AccountUnavailableError('acct', 'disconnected', 'LEVER_KEY_REVOKED'), 'ACCOUNT_UNAVAILABLE'],
    ])('records %s on the assessment and keeps its status', async (_case, err, code) => {
      const assessment = await w.addAssessment(scored(80));

      await w.service.recordFailure(w.job(assessment), err);

      const stored = await w.reload(assessment);
      expect(stored).toMatchObject({ status: AssessmentStatus.Scored, errorCode: code });
      expect(stored?.errorText).toEqual(expect.stringContaining('Lever'));
    });

    it.each<[string, unknown]>([
      ['an outage (retried)', new LeverUnavailableError({ ...f, status: 503 })],
      ['an unexpected error', new Error('boom')],
    ])('records nothing for %s', async (_case, err) => {
      const assessment = await w.addAssessment(scored(80));

      await w.service.recordFailure(w.job(assessment), err);

      await expect(w.reload(assessment)).resolves.toMatchObject({ errorCode: null, errorText: null });
    });

    it("keeps an error assessment's own reason", async () => {
      const assessment = await w.addAssessment({
        status: AssessmentStatus.Error,
        patch: { errorCode: 'PLATFORM_REJECTED', errorText: 'x' },
      });

      await w.service.recordFailure(w.job(assessment), new LeverAuthError(f));

      await expect(w.reload(assessment)).resolves.toMatchObject({ errorCode: 'PLATFORM_REJECTED' });
    });
  });
});
