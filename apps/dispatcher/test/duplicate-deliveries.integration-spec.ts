import { RuleKind } from '@lever-assess/domain';
import { QueueName, leverEventJobId } from '@lever-assess/queues';
import * as testing from '@lever-assess/testing';
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
    expect(await s.assessments()).toHaveLength(1);
    expect(await s.syncJobs()).toHaveLength(1);
  });
});
