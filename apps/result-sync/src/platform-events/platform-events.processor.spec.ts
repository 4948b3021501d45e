import { AssessmentStatus, PlatformEventType } from '@lever-assess/domain';
import type { JobContext, LeverSyncJob, LeverSyncProducer, PlatformEventJob } from '@lever-assess/queues';
import { RecordingProducer, UnitFakes, standIn } from '@lever-assess/testing';
import { PlatformEventsProcessor } from './platform-events.processor';
import { sentAssessmentWithInvitation } from '../../test/support/result-sync-over-fakes';
import { PlatformEventsService } from './platform-events.service';

const context: JobContext = { id: 'job-1', attempt: 1, isLastAttempt: false, queueKey: 'bull:platform-events' };

/** The processor over the real service and in-memory fakes; one sent assessment with invitation inv_1. */
async function setup() {
  const f = new UnitFakes();
  const leverSync = new RecordingProducer<LeverSyncJob>();
  const { account, assessment } = await sentAssessmentWithInvitation(f);
  const event: PlatformEventJob = {
    eventId: 'evt-1',
    type: PlatformEventType.Completed,
    invitationId: 'inv_1',
    reference: assessment.id,
    score: null,
    reportUrl: null,
    occurredAt: new Date().toISOString(),
    correlationId: 'evt-1',
  };
  return {
    f,
    leverSync,
    event,
    processor: new PlatformEventsProcessor(
      new PlatformEventsService(f.assessments.asRepository(), standIn<LeverSyncProducer>(leverSync), f.events.asRepository()),
    ),
    stored: () => f.assessments.findById(account.id, assessment.id),
  };
}

describe(PlatformEventsProcessor.name, () => {
  let w: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    w = await setup();
  });

  it('applies the event and completes', async () => {
    await expect(w.processor.run(w.event, context)).resolves.toEqual({ kind: 'done', result: undefined });

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Completed });
    expect(w.leverSync.jobs).toHaveLength(1);
  });

  it('completes an ignored event too', async () => {
    await w.processor.run(w.event, context);

    await expect(w.processor.run({ ...w.event, eventId: 'evt-2' }, context)).resolves.toMatchObject({ kind: 'done' });
  });

  it.each<[string, (event: PlatformEventJob) => unknown, string]>([
    ['an invalid payload', (event) => ({ ...event, type: 'invitation.exploded' }), 'INVALID_JOB_PAYLOAD'],
    ['an unknown reference', (event) => ({ ...event, invitationId: 'inv_other' }), 'UNKNOWN_PLATFORM_REFERENCE'],
    ['facts that cannot be stored', (event) => ({ ...event, type: PlatformEventType.Scored, score: -5 }), 'INVALID_PLATFORM_EVENT'],
  ])('fails %s for good', async (_case, corrupt, code) => {
    await expect(w.processor.run(corrupt(w.event), context)).resolves.toMatchObject({ kind: 'fail', code });

    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Sent });
  });

  it('retries when the database is unreachable', async () => {
    w.f.store.outage();

    await expect(w.processor.run(w.event, context)).resolves.toMatchObject({ kind: 'retry', code: 'TRANSIENT_FAILURE' });
  });

  it('retries when Redis refuses the lever-sync job; the retry enqueues it though the move is done', async () => {
    w.leverSync.failNext(new Error('Connection is closed.'));

    await expect(w.processor.run(w.event, context)).resolves.toMatchObject({ kind: 'retry', code: 'TRANSIENT_FAILURE' });
    await expect(w.stored()).resolves.toMatchObject({ status: AssessmentStatus.Completed });

    await expect(w.processor.run(w.event, context)).resolves.toMatchObject({ kind: 'done' });
    expect(w.leverSync.jobs).toHaveLength(1);
  });
});
