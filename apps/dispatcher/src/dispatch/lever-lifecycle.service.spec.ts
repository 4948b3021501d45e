import { AccountStatus, AssessmentStatus, LeverEventName, RuleKind, type LeverLifecycleEventName } from '@lever-assess/domain';
import type { LeverOpportunity } from '@lever-assess/lever-client';
import { PlatformUnavailableError } from '@lever-assess/platform-client';
import type { LeverEventJob, LeverLifecycleJob } from '@lever-assess/queues';
import { UnitFakes } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import { dispatchOverFakes } from '../../test/support/dispatch-over-fakes';
import { DispatchOutcome } from './dispatch-outcome';
import { LeverLifecycleService } from './lever-lifecycle.service';

const STAGE = 'stage-coding-test';

/** One account, a take-home and a live-pad rule at STAGE, and a candidate who got both (sent). */
async function setup(accountInput: Parameters<UnitFakes['addAccount']>[0] = {}) {
  const f = new UnitFakes();
  const { account, apiKey } = await f.addAccount(accountInput);
  const test = await f.tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome });
  await f.rules.create(account.id, { stageId: STAGE, kind: RuleKind.TakeHome, testId: test.id });
  await f.rules.create(account.id, { stageId: STAGE, kind: RuleKind.LiveInterview });
  const { service: dispatcher, lifecycle, leverSync } = dispatchOverFakes(f);
  const opportunity = f.lever.addOpportunity(apiKey, { stageId: STAGE, name: 'Ada Lovelace', emails: ['ada@candidates.example'] });
  const moved = stageChange(account.id, opportunity);
  await expect(dispatcher.dispatch(moved)).resolves.toBe(DispatchOutcome.Sent);
  leverSync.jobs.length = 0;
  const assessments = async () => (await f.assessments.list(account.id, { opportunityId: opportunity.id })).items.reverse();
  return {
    f,
    account,
    apiKey,
    opportunity,
    lifecycle,
    leverSync,
    assessments,
    job: (event: LeverLifecycleEventName): LeverLifecycleJob => {
      const deliveryToken = randomUUID();
      return {
        event,
        accountId: account.id,
        opportunityId: opportunity.id,
        candidateId: opportunity.id,
        triggeredAt: new Date().toISOString(),
        deliveryToken,
        correlationId: deliveryToken,
      };
    },
    archive: () => f.lever.updateOpportunity(apiKey, opportunity.id, { archived: true }),
    outcome: async (job: LeverLifecycleJob) => (await f.deliveries.find(account.id, job.deliveryToken))?.outcome,
  };
}

function stageChange(accountId: string, opportunity: LeverOpportunity): LeverEventJob {
  const deliveryToken = randomUUID();
  return {
    accountId,
    opportunityId: opportunity.id,
    candidateId: opportunity.id,
    fromStageId: null,
    toStageId: STAGE,
    triggeredAt: new Date().toISOString(),
    deliveryToken,
    correlationId: deliveryToken,
  };
}

type World = Awaited<ReturnType<typeof setup>>;

describe(LeverLifecycleService.name, () => {
  let w: World;
  beforeEach(async () => {
    w = await setup();
  });

  it.each([LeverEventName.ArchiveChange, LeverEventName.Hired])(
    '%s of an archived candidate cancels every pending invitation on the platform and here, and syncs each',
    async (event) => {
      w.archive();
      const job = w.job(event);

      await expect(w.lifecycle.handle(job)).resolves.toBe(DispatchOutcome.Canceled);

      const assessments = await w.assessments();
      expect(assessments.map((a) => a.status)).toEqual([AssessmentStatus.Canceled, AssessmentStatus.Canceled]);
      for (const a of assessments) {
        await expect(w.f.platform.getInvitation(a.platformInvitationId as string)).resolves.toMatchObject({ status: 'canceled' });
      }
      expect(w.leverSync.jobs.map((j) => j.assessmentId).sort()).toEqual(assessments.map((a) => a.id).sort());
      expect(w.leverSync.jobs.every((j) => j.correlationId === job.correlationId)).toBe(true);
      expect(await w.outcome(job)).toMatch(/^canceled: /);
      const timeline = await w.f.events.listForOpportunity(w.account.id, w.opportunity.id);
      expect(timeline.filter((e) => e.correlationId === job.correlationId).map((e) => [e.type, e.detail])).toEqual([
        ['webhook.received', { event, triggeredAt: job.triggeredAt, outcome: 'canceled' }],
        ['assessment.canceled', { event, previousStatus: 'sent' }],
        ['assessment.canceled', { event, previousStatus: 'sent' }],
      ]);
    },
  );

  it('keeps a result that already came in: completed and scored assessments stay', async () => {
    const [takeHome, pad] = await w.assessments();
    w.f.platform.setState(takeHome.platformInvitationId as string, { status: 'completed' });
    await w.f.assessments.update(w.account.id, takeHome.id, { status: AssessmentStatus.Completed });
    w.archive();

    await expect(w.lifecycle.handle(w.job(LeverEventName.Hired))).resolves.toBe(DispatchOutcome.Canceled);

    expect((await w.assessments()).map((a) => [a.id, a.status])).toEqual([
      [takeHome.id, AssessmentStatus.Completed],
      [pad.id, AssessmentStatus.Canceled],
    ]);
  });

  it('keeps an assessment whose invitation the candidate finished meanwhile (the platform refuses the cancel)', async () => {
    const [takeHome] = await w.assessments();
    w.f.platform.setState(takeHome.platformInvitationId as string, { status: 'completed' }); // we have not heard yet
    w.archive();

    await w.lifecycle.handle(w.job(LeverEventName.ArchiveChange));

    expect((await w.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Sent, AssessmentStatus.Canceled]);
  });

  it('cancels nothing when Lever shows the candidate unarchived (an unarchive, or a forged event)', async () => {
    await expect(w.lifecycle.handle(w.job(LeverEventName.ArchiveChange))).resolves.toBe(DispatchOutcome.NotArchived);
    expect((await w.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Sent, AssessmentStatus.Sent]);
    expect(w.leverSync.jobs).toEqual([]);
  });

  it('is idempotent: the same delivery twice, and a second event, cancel once', async () => {
    w.archive();
    const job = w.job(LeverEventName.Hired);
    await w.lifecycle.handle(job);
    const syncs = w.leverSync.jobs.length;

    await expect(w.lifecycle.handle(job)).resolves.toBe(DispatchOutcome.Duplicate);
    await expect(w.lifecycle.handle(w.job(LeverEventName.ArchiveChange))).resolves.toBe(DispatchOutcome.NothingPending);
    expect(w.leverSync.jobs).toHaveLength(syncs);
  });

  it('lets a platform outage propagate (the job retries) and cancels the rest on the retry', async () => {
    w.archive();
    const job = w.job(LeverEventName.Hired);
    w.f.platform.failNext('cancelInvitation', new PlatformUnavailableError('http', 3, 503), { skip: 1 });

    await expect(w.lifecycle.handle(job)).rejects.toThrow(PlatformUnavailableError);
    expect((await w.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Canceled, AssessmentStatus.Sent]);

    await expect(w.lifecycle.handle(job)).resolves.toBe(DispatchOutcome.Canceled);
    expect((await w.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Canceled, AssessmentStatus.Canceled]);
  });

  describe('candidateDeleted', () => {
    it('once Lever answers 404: cancels everything open, even a finished test, and purges personal data', async () => {
      const [takeHome] = await w.assessments();
      await w.f.assessments.update(w.account.id, takeHome.id, { status: AssessmentStatus.Completed, reportUrl: 'https://p.example/r/1' });
      w.f.platform.setState(takeHome.platformInvitationId as string, { status: 'completed' });
      w.f.lever.failNext('getOpportunity', 404);
      const job = w.job(LeverEventName.Deleted);

      await expect(w.lifecycle.handle(job)).resolves.toBe(DispatchOutcome.Purged);

      const after = await w.assessments();
      expect(after.map((a) => a.status)).toEqual([AssessmentStatus.Canceled, AssessmentStatus.Canceled]);
      for (const a of after) {
        expect(a).toMatchObject({ candidateUrl: null, interviewerUrl: null, reportUrl: null, invitationRequest: null, contactId: null });
        expect(a.platformInvitationId).not.toBeNull(); // the anonymous record of what was sent stays
      }
      await expect(w.f.views.find(w.account.id, w.opportunity.id)).resolves.toBeNull();
      expect(w.leverSync.jobs).toEqual([]); // nothing left in Lever to write to
      expect(await w.outcome(job)).toBe('purged: 2 canceled, 2 scrubbed');
      const timeline = (await w.f.events.listForOpportunity(w.account.id, w.opportunity.id)).filter(
        (e) => e.correlationId === job.correlationId,
      );
      expect(timeline.map((e) => e.type)).toEqual(['webhook.received', 'assessment.canceled', 'assessment.canceled', 'candidate.purged']);
      expect(JSON.stringify(timeline)).not.toContain('ada@candidates.example');
    });

    it('purges nothing while Lever still has the candidate', async () => {
      await expect(w.lifecycle.handle(w.job(LeverEventName.Deleted))).resolves.toBe(DispatchOutcome.StillInLever);
      expect((await w.assessments()).every((a) => a.status === AssessmentStatus.Sent && a.candidateUrl !== null)).toBe(true);
    });
  });

  it('leaves a disabled account alone and lets a disconnected one fail (kept for replay)', async () => {
    w.archive();
    await w.f.accounts.setStatus(w.account.id, AccountStatus.Disabled, 'by admin');
    await expect(w.lifecycle.handle(w.job(LeverEventName.Hired))).resolves.toBe(DispatchOutcome.AccountDisabled);
    await w.f.accounts.setStatus(w.account.id, AccountStatus.Disconnected, 'LEVER_KEY_REVOKED');
    await expect(w.lifecycle.handle(w.job(LeverEventName.Hired))).rejects.toThrow(/disconnected/);
    expect((await w.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Sent, AssessmentStatus.Sent]);
  });
});
