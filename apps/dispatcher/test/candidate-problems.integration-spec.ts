import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * Candidates the test cannot go to: an error assessment (shown in Lever by result-sync) or a skip.
 * Set-up: support/dispatcher-harness.ts (own database, queue prefix and sandboxes).
 */
describe('dispatcher: error assessments and skipped candidates', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_candidates', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('records an error assessment and a lever-sync job, without an invitation, for a candidate without email', async () => {
    const s = await h.scenario([{ name: 'Sam Noemail', emails: [] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Sam Noemail');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL', platformInvitationId: null });
    expect(assessment.errorText).toMatch(/no email address in Lever/);
    expect(await s.invitations()).toHaveLength(0);
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([assessment.id]);

    // The same move delivered again under another token: still one error; its sync again (state-based,
    // the note is claimed once), since the run that recorded it may have died before enqueueing.
    expect((await h.run({ ...event, deliveryToken: 'again', correlationId: 'again' })).returnvalue).toEqual({ outcome: 'already-handled' });
    expect(await s.assessments()).toHaveLength(1);
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([assessment.id, assessment.id]);
  });

  it('records an error when a take-home rule has no test and no tag names one', async () => {
    const s = await h.scenario([{ name: 'Tina Notest', tags: ['Full-time'] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: null });

    expect((await h.run(s.event('Tina Notest'))).returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'NO_TEST_RESOLVABLE', testId: null });
    expect(assessment.errorText).toMatch(/no test is chosen/);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('skips an archived candidate without recording an assessment', async () => {
    const s = await h.scenario([{ name: 'Archie Archived', archived: true }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Archie Archived');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'candidate-skipped' });
    expect((await s.delivery(event))?.outcome).toBe('candidate-skipped: CANDIDATE_ARCHIVED');
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
  });
});
