import { RuleKind } from '@lever-assess/domain';
import { createDataSource } from '@lever-assess/persistence';
import { QUEUE_CONFIG, QueueName, leverEventJobId } from '@lever-assess/queues';
import * as testing from '@lever-assess/testing';
import { eventually } from '@lever-assess/testing';
import { Job } from 'bullmq';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * Graceful shutdown with a job in hand. It closes the app, hence a file (and app) of its own.
 * Set-up: support/dispatcher-harness.ts (own database, queue prefix and sandboxes).
 */
describe('dispatcher: graceful shutdown', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_shutdown', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('finishes the job in hand when the app shuts down', async () => {
    const s = await h.scenario([{ name: 'Sid Shutdown' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // The platform takes 1.5 s to answer: the job is in hand when the shutdown starts.
    await h.platform.fault({ delayMs: 1_500, match: 'create', count: 1 });

    const event = s.event('Sid Shutdown');
    const jobId = leverEventJobId(event);
    await h.events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    await eventually(async () => (await (await Job.fromId(h.events, jobId))?.getState()) === 'active');
    await h.closeApp();

    expect(await (await Job.fromId(h.events, jobId))?.getState()).toBe('completed');
    // The app's pool is closed: read what it stored through a connection of our own.
    const ds = createDataSource(h.db.url);
    await ds.initialize();
    try {
      const rows: { status: string; platform_invitation_id: string | null }[] = await ds.query(
        'SELECT status, platform_invitation_id FROM assessments WHERE account_id = $1',
        [s.account.id],
      );
      const invitations = await s.invitations();
      expect(invitations).toHaveLength(1);
      expect(rows).toEqual([{ status: 'sent', platform_invitation_id: invitations[0].id }]);
    } finally {
      await ds.destroy();
    }
    expect(await s.syncJobs()).toHaveLength(1);
  });
});
