import { RuleKind } from '@lever-assess/domain';
import { QueueName, leverEventJobId } from '@lever-assess/queues';
import * as testing from '@lever-assess/testing';
import { DataSource } from 'typeorm';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * Redelivered tokens and second webhooks of one move send one invitation only.
 * Set-up: support/dispatcher-harness.ts (own database, queue prefix and sandboxes).
 */
describe('dispatcher: duplicate deliveries', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_duplicates', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('sends exactly one invitation for the same delivery three times plus a second delivery of the same move', async () => {
    const s = await h.scenario([{ name: 'Dora Duplicate' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Dora Duplicate');

    const first = await h.run(event);
    // The same delivery again: dropped by jobId while the job exists, and by the recorded token
    // once it is gone (simulated with other job ids, as after the completed job's removal).
    await h.events.add(QueueName.LeverEvents, event, { jobId: leverEventJobId(event) });
    const replays = [await h.run(event, `replay-1-${event.deliveryToken}`), await h.run(event, `replay-2-${event.deliveryToken}`)];
    // A second webhook configured for the same event: same move, its own token.
    const second = await h.run({ ...event, deliveryToken: 'second-token', correlationId: 'second-token' });

    expect(first.returnvalue).toEqual({ outcome: 'sent' });
    expect(replays.map((j) => j.returnvalue)).toEqual([{ outcome: 'duplicate' }, { outcome: 'duplicate' }]);
    expect(second.returnvalue).toEqual({ outcome: 'already-handled' });
    expect(await s.invitations()).toHaveLength(1);
    const assessments = await s.assessments();
    expect(assessments).toHaveLength(1);
    // The second delivery found the work done and still made sure of its sync (state-based: harmless).
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([assessments[0].id, assessments[0].id]);
  });

  it('enqueues the lost lever-sync when the job runs again after dying between recording the invitation and enqueueing it', async () => {
    const s = await h.scenario([{ name: 'Kurt Killed' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Kurt Killed');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'sent' });
    const [assessment] = await s.assessments();
    expect(assessment.platformInvitationId).toEqual(expect.any(String));

    // The state a killed worker leaves: invitation recorded, no sync job, the delivery not finished.
    for (const job of await s.syncJobs()) await job.remove();
    await h.app
      .get(DataSource)
      .query(`UPDATE lever_deliveries SET outcome = NULL WHERE account_id = $1 AND delivery_token = $2`, [
        s.account.id,
        event.deliveryToken,
      ]);
    expect(await s.syncJobs()).toEqual([]);

    // The stalled job runs again (under another job id: the completed one is still kept).
    const rerun = await h.run(event, `stalled-${event.deliveryToken}`);

    expect(rerun.returnvalue).toEqual({ outcome: 'already-handled' });
    expect((await s.syncJobs()).map((j) => j.data)).toEqual([
      { accountId: s.account.id, opportunityId: assessment.opportunityId, assessmentId: assessment.id, correlationId: event.correlationId },
    ]);
    expect(await s.invitations()).toHaveLength(1);
  });
});
