import { AssessmentStatus, PlatformEventType } from '@lever-assess/domain';
import type { LeverSyncJob, LeverSyncProducer, PlatformEventJob } from '@lever-assess/queues';
import { RecordingProducer, UnitFakes, standIn } from '@lever-assess/testing';
import { InvalidPlatformEventError, UnknownPlatformReferenceError } from '../result-sync.errors';
import { sentAssessmentWithInvitation } from '../../test/support/result-sync-over-fakes';
import { PlatformEventsService } from './platform-events.service';

const COMPLETED_AT = '2026-05-01T10:00:00.000Z';
const SCORED_AT = '2026-05-01T11:00:00.000Z';
const REPORT = 'https://platform.example/reports/r1';

/** One sent assessment with its platform invitation, and the service over in-memory fakes. */
async function setup() {
  const f = new UnitFakes();
  const leverSync = new RecordingProducer<LeverSyncJob>();
  const { account, assessment } = await sentAssessmentWithInvitation(f);
  return {
    f,
    leverSync,
    account,
    assessment,
    service: new PlatformEventsService(f.assessments.asRepository(), standIn<LeverSyncProducer>(leverSync), f.events.asRepository()),
    /** A callback of the platform about this assessment's invitation. */
    event: (type: PlatformEventJob['type'], overrides: Partial<PlatformEventJob> = {}): PlatformEventJob => ({
      eventId: `evt-${type}`,
      type,
      invitationId: 'inv_1',
      reference: assessment.id,
      score: type === PlatformEventType.Scored ? 80 : null,
      reportUrl: type === PlatformEventType.Scored ? REPORT : null,
      occurredAt: type === PlatformEventType.Scored ? SCORED_AT : COMPLETED_AT,
      correlationId: `corr-${type}`,
      ...overrides,
    }),
    stored: () => f.assessments.findById(account.id, assessment.id),
  };
}

describe(PlatformEventsService.name, () => {
  let w: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    w = await setup();
  });

  it('moves a sent assessment to completed and asks lever-sync to show it, with the event correlation id', async () => {
    await expect(w.service.apply(w.event(PlatformEventType.Completed))).resolves.toBe('applied');

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Completed, completedAt: new Date(COMPLETED_AT) });
    expect(w.leverSync.jobs).toEqual([
      { accountId: w.account.id, opportunityId: 'opp-1', assessmentId: w.assessment.id, correlationId: 'corr-invitation.completed' },
    ]);
  });

  it('stores the score and report, keeping the completion time of an earlier completed event', async () => {
    await w.service.apply(w.event(PlatformEventType.Completed));

    await expect(w.service.apply(w.event(PlatformEventType.Scored))).resolves.toBe('applied');

    await expect(w.stored()).resolves.toMatchObject({
      status: AssessmentStatus.Scored,
      score: 80,
      reportUrl: REPORT,
      completedAt: new Date(COMPLETED_AT),
      scoredAt: new Date(SCORED_AT),
    });
  });

  it('marks a scored event that arrives before its completed event completed too, and ignores the late completed one', async () => {
    await w.service.apply(w.event(PlatformEventType.Scored));

    await expect(w.service.apply(w.event(PlatformEventType.Completed))).resolves.toBe('ignored');

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Scored, completedAt: new Date(SCORED_AT) });
    // Enqueued even when ignored: the sync is state-based and this may be the retry of a job that died before enqueueing.
    expect(w.leverSync.jobs).toHaveLength(2);
  });

  it('makes an event that lost a race a no-op, not a step backwards (the move is conditional on the status read)', async () => {
    // Both read `sent`; the scored event writes first, so the completed one no longer applies.
    const [scoredOutcome, completedOutcome] = await Promise.all([
      w.service.apply(w.event(PlatformEventType.Scored)),
      w.service.apply(w.event(PlatformEventType.Completed)),
    ]);

    expect([scoredOutcome, completedOutcome]).toEqual(['applied', 'ignored']);
    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Scored });
    expect(w.leverSync.jobs).toHaveLength(2);
  });

  it('ignores an event for an assessment that is already final', async () => {
    await w.f.assessments.update(w.account.id, w.assessment.id, { status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE' });

    await expect(w.service.apply(w.event(PlatformEventType.Expired))).resolves.toBe('ignored');

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Error });
  });

  it.each<[string, Partial<PlatformEventJob>]>([
    ['an unknown reference', { reference: '00000000-0000-4000-8000-000000000000' }],
    ['another invitation id', { invitationId: 'inv_forged' }],
  ])('refuses %s, enqueueing nothing', async (_case, overrides) => {
    await expect(w.service.apply(w.event(PlatformEventType.Completed, overrides))).rejects.toBeInstanceOf(UnknownPlatformReferenceError);

    expect(w.leverSync.jobs).toEqual([]);
  });

  describe('a callback for an assessment whose invitation id is not recorded (issue 15)', () => {
    /** The dispatcher has not recorded inv_1 yet (or never will): the row has no invitation id. */
    async function withoutInvitationId(patch: Parameters<typeof w.f.assessments.update>[2] = {}) {
      await w.f.assessments.update(w.account.id, w.assessment.id, { platformInvitationId: null, ...patch });
    }

    it('adopts the invitation the signed callback names and applies the event', async () => {
      await withoutInvitationId();

      await expect(w.service.apply(w.event(PlatformEventType.Completed))).resolves.toBe('applied');

      await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Completed, platformInvitationId: 'inv_1' });
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: w.assessment.id })]);
    });

    it('brings the result of an assessment an outage ended as error to Lever (the brown-out: the invitation existed)', async () => {
      await withoutInvitationId({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', errorText: 'not sent' });

      await expect(w.service.apply(w.event(PlatformEventType.Scored))).resolves.toBe('applied');

      await expect(w.stored()).resolves.toMatchObject({
        status: AssessmentStatus.Scored,
        score: 80,
        reportUrl: REPORT,
        errorCode: null,
        errorText: null,
        platformInvitationId: 'inv_1',
      });
      expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: w.assessment.id })]);
    });

    it('adopts nothing for a canceled assessment, or an errored one whose slot another assessment holds', async () => {
      await withoutInvitationId({ status: AssessmentStatus.Canceled });
      await expect(w.service.apply(w.event(PlatformEventType.Completed))).rejects.toBeInstanceOf(UnknownPlatformReferenceError);

      await w.f.assessments.update(w.account.id, w.assessment.id, { status: AssessmentStatus.Error });
      await w.f.assessments.insertIfNoActive({
        accountId: w.account.id,
        opportunityId: w.assessment.opportunityId,
        candidateId: w.assessment.candidateId,
        ruleId: w.assessment.ruleId,
        kind: w.assessment.kind,
        triggeredAt: new Date(),
      });
      await expect(w.service.apply(w.event(PlatformEventType.Completed))).rejects.toBeInstanceOf(UnknownPlatformReferenceError);

      await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Error, platformInvitationId: null });
      expect(w.leverSync.jobs).toEqual([]);
    });
  });

  it.each<[string, Partial<PlatformEventJob>]>([
    ['a score above 100', { score: 101 }],
    ['a report that is not a web link', { reportUrl: 'javascript:alert(1)' }],
  ])('refuses %s without touching the assessment', async (_case, overrides) => {
    await expect(w.service.apply(w.event(PlatformEventType.Scored, overrides))).rejects.toBeInstanceOf(InvalidPlatformEventError);

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Sent, score: null });
    expect(w.leverSync.jobs).toEqual([]);
  });
});
