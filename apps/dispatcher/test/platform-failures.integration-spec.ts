import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { QUEUE_CONFIG, QueueName, leverEventJobId, type LeverEventJob } from '@lever-assess/queues';
import * as testing from '@lever-assess/testing';
import { eventually } from '@lever-assess/testing';
import { Job } from 'bullmq';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * The platform refusing (final), or unavailable (retried by the queue, visible on the last attempt).
 * Its faults are global to the sandbox: the harness gives this file a platform sandbox of its own.
 */
describe('dispatcher: platform failures', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_platform', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('records the platform refusal on the assessment (with the platform message) and completes the job', async () => {
    const s = await h.scenario([{ name: 'Rita Refused' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await h.platform.fault({ status: 422, match: 'create', count: 1 });

    const job = await h.run(s.event('Rita Refused'));
    expect(job.returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_REJECTED', platformInvitationId: null });
    expect(assessment.errorText).toContain('The assessment platform refused the invitation: Injected fault: HTTP 422');
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('retries the job while the platform is unavailable, then sends one invitation', async () => {
    const s = await h.scenario([{ name: 'Una Unavailable' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // As many 503s as the client's own attempts: the first job attempt fails, the queue retries.
    await h.platform.fault({ status: 503, match: 'create', count: 3 });

    const job = await h.run(s.event('Una Unavailable'));
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'sent' });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    const assessments = await s.assessments();
    expect(assessments).toHaveLength(1);
    expect(assessments[0]).toMatchObject({ status: AssessmentStatus.Sent, platformInvitationId: invitations[0].id });
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('records an error when the platform stays down through the last attempt, and a replay of the kept job sends the test', async () => {
    const s = await h.scenario([{ name: 'Pete Platformdown' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await h.platform.fault({ status: 503, match: 'create', count: 3 });

    // One attempt only, so that the first is the last (production has 8).
    const event = s.event('Pete Platformdown');
    const jobId = leverEventJobId(event);
    await h.events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId, attempts: 1 });
    const failed = await h.finished(jobId);
    expect(await failed.getState()).toBe('failed');
    expect((await s.delivery(event))?.outcome).toBe('failed: PLATFORM_UNAVAILABLE');
    const [errored] = await s.assessments();
    expect(errored).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', platformInvitationId: null });
    expect(errored.errorText).toMatch(/could not be reached/);
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([errored.id]);
    expect(await s.invitations()).toHaveLength(0);

    // The platform is back; the admin replays the failed job (as the config API does).
    await failed.retry('failed', { resetAttemptsMade: true });
    await eventually(async () => (await h.events.getJobState(jobId)) === 'completed');
    const replayed = await Job.fromId<LeverEventJob>(h.events, jobId);
    expect(replayed?.returnvalue).toEqual({ outcome: 'sent' });
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    // The same assessment is taken back and sent: its id stays the Idempotency-Key and the reference.
    expect(await s.assessments()).toEqual([
      expect.objectContaining({ id: errored.id, status: AssessmentStatus.Sent, errorCode: null, platformInvitationId: invitations[0].id }),
    ]);
    expect(await s.syncJobs()).toHaveLength(2);
  });

  it('a brown-out (invitation created, answer lost, then the platform down to the last attempt): the replay gets that invitation, no second one', async () => {
    const s = await h.scenario([{ name: 'Bruno Brownout' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // The first create is served only after the client's 10 s timeout; the client's two retries get 503.
    await h.platform.fault({ delayMs: 10_500, match: 'create', count: 1 });
    await h.platform.fault({ status: 503, match: 'create', count: 2 });

    const event = s.event('Bruno Brownout');
    const jobId = leverEventJobId(event);
    await h.events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId, attempts: 1 });
    const failed = await h.finished(jobId);
    expect(await failed.getState()).toBe('failed');
    const [errored] = await s.assessments();
    expect(errored).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', platformInvitationId: null });
    // The platform did create it: the candidate has been emailed.
    const [created] = await eventually(async () => ((await s.invitations()).length === 1 ? s.invitations() : null));
    expect(created.request.reference).toBe(errored.id);

    await failed.retry('failed', { resetAttemptsMade: true });
    await eventually(async () => (await h.events.getJobState(jobId)) === 'completed');

    expect(await s.invitations()).toEqual([expect.objectContaining({ id: created.id })]);
    expect(await s.assessments()).toEqual([
      expect.objectContaining({ id: errored.id, status: AssessmentStatus.Sent, errorCode: null, platformInvitationId: created.id }),
    ]);
  }, 60_000);
});
