import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { QUEUE_CONFIG, QueueName } from '@lever-assess/queues';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * Which rule and which test a stage change gets, and what one sent test leaves behind (Flow A
 * and B). Set-up: support/dispatcher-harness.ts (own database, queue prefix and sandboxes).
 */
describe('dispatcher: sending and test resolution', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_sending', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  // ---- Flow A --------------------------------------------------------------------------------

  it('sends the stage default test: one assessment sent with the invitation, one invitation, one lever-sync job', async () => {
    const s = await h.scenario([{ name: 'Ada Lovelace' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id, timeLimitMinutes: 90 });

    const event = s.event('Ada Lovelace');
    const job = await h.run(event);
    expect(job.returnvalue).toEqual({ outcome: 'sent' });

    const [assessment, ...more] = await s.assessments();
    expect(more).toHaveLength(0);
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    expect(assessment).toMatchObject({
      status: AssessmentStatus.Sent,
      platformInvitationId: invitations[0].id,
      testId: s.catalog.basics.id,
      kind: RuleKind.TakeHome,
      sourceDeliveryToken: event.deliveryToken,
      triggeredAt: new Date(event.triggeredAt),
    });
    expect(assessment.candidateUrl).toMatch(/^http/);
    expect(assessment.interviewerUrl).toBeNull();
    expect(invitations[0].idempotencyKey).toBe(assessment.id);
    expect(invitations[0].request).toEqual({
      testId: 'tst_python_basics',
      kind: 'take_home',
      timeLimitMinutes: 90,
      candidate: { name: 'Ada Lovelace', email: 'ada.lovelace@candidates.example' },
      reference: assessment.id,
      accountId: invitations[0].request.accountId,
    });
    const syncJobs = await s.syncJobs();
    expect(syncJobs.map((j) => j.data)).toEqual([
      { accountId: s.account.id, opportunityId: event.opportunityId, assessmentId: assessment.id, correlationId: event.correlationId },
    ]);
    expect(syncJobs[0].opts).toMatchObject({ attempts: QUEUE_CONFIG[QueueName.LeverSync].job.attempts });
    expect((await s.delivery(event))?.outcome).toBe(`sent: ${assessment.id}=sent`);
  });

  it('does nothing for a stage without a trigger rule', async () => {
    const s = await h.scenario([{ name: 'Nina Nontrigger', stage: 'Onsite' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Nina Nontrigger', { toStageId: s.stage('Onsite') });
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'no-rule' });
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);
    expect((await s.delivery(event))?.outcome).toBe('no-rule');
    // No rule: Lever is not even asked about the candidate.
    expect(await s.leverRequests()).toHaveLength(0);
  });

  it('skips a stale event whose opportunity has left the stage', async () => {
    const s = await h.scenario([{ name: 'Stan Stale', stage: 'Onsite' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Stan Stale');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'stale-stage' });
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);
  });

  it('sends the catalog test named by a candidate tag instead of the rule test', async () => {
    const s = await h.scenario([{ name: 'Olga Override', tags: ['Full-time', ' python advanced'] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    expect((await h.run(s.event('Olga Override'))).returnvalue).toEqual({ outcome: 'sent' });
    const [invitation] = await s.invitations();
    expect(invitation.request.testId).toBe('tst_python_advanced');
    expect((await s.assessments())[0].testId).toBe(s.catalog.advanced.id);
  });

  // ---- Flow B --------------------------------------------------------------------------------

  it('lets tagged rules win: each matching tagged rule creates its own pad, untagged candidates get the untagged rule', async () => {
    const s = await h.scenario([{ name: 'Tom Tagged', tags: ['live pad', 'Take Home Pad'] }, { name: 'Una Untagged' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const live = await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.LiveInterview, requiredTag: 'Live Pad', testId: null });
    const takeHome = await s.addRule({
      stageId: s.stage('Coding Test'),
      kind: RuleKind.TakeHome,
      requiredTag: 'Take Home Pad',
      testId: s.catalog.advanced.id,
      timeLimitMinutes: 45,
    });

    expect((await h.run(s.event('Tom Tagged'))).returnvalue).toEqual({ outcome: 'sent' });
    expect((await h.run(s.event('Una Untagged'))).returnvalue).toEqual({ outcome: 'sent' });

    const tagged = await s.assessments('Tom Tagged');
    expect(tagged.map((a) => a.ruleId).sort()).toEqual([live.id, takeHome.id].sort());
    expect(tagged.find((a) => a.ruleId === live.id)?.interviewerUrl).toMatch(/^http/);
    const requests = (await s.invitations()).map((i) => i.request);
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'live_interview',
          testId: null,
          timeLimitMinutes: 120,
          candidate: expect.objectContaining({ name: 'Tom Tagged' }),
        }),
        expect.objectContaining({
          kind: 'take_home',
          testId: 'tst_python_advanced',
          timeLimitMinutes: 45,
          candidate: expect.objectContaining({ name: 'Tom Tagged' }),
        }),
        expect.objectContaining({
          kind: 'take_home',
          testId: 'tst_python_basics',
          candidate: expect.objectContaining({ name: 'Una Untagged' }),
        }),
      ]),
    );
    expect(requests).toHaveLength(3);
  });
});
