import { signPlatformPayload } from '@lever-assess/common';
import { platformEventJobId, type AddResult, type LeverEventJob, type PlatformEventJob } from '@lever-assess/queues';
import { RecordingProducer, type PublicOf } from '@lever-assess/testing';
import { GatewayEnv } from '../config';
import { PlatformWebhookService, type PlatformCallbackRequest } from './platform-webhook.service';
import type { LeverTokenUse, WebhookEnqueuer } from './webhook-enqueuer';
import { WebhookUnavailableError } from './webhook.errors';

const SECRET = 'platform-webhook-secret-for-tests';
/** References are our assessment ids. */
const ASSESSMENT_ID = 'a6d1c7e2-1111-4c4c-9a9a-000000000001';

/** Enqueues into a RecordingProducer; `unavailable` answers as the real one does when Redis is down. */
class FakeWebhookEnqueuer implements PublicOf<WebhookEnqueuer> {
  readonly platformEvents = new RecordingProducer<PlatformEventJob>(platformEventJobId);
  unavailable = false;

  asEnqueuer(): WebhookEnqueuer {
    return this as unknown as WebhookEnqueuer;
  }

  async enqueueLeverEvent(_job: LeverEventJob): Promise<AddResult> {
    throw new Error('not used by the platform webhook');
  }

  async enqueuePlatformEvent(job: PlatformEventJob): Promise<AddResult> {
    if (this.unavailable) throw new WebhookUnavailableError('Redis is unavailable; retry later');
    return this.platformEvents.addOnce(job);
  }

  async leverEventExists(_jobId: string): Promise<boolean> {
    throw new Error('not used by the platform webhook');
  }

  async recordLeverToken(): Promise<LeverTokenUse> {
    throw new Error('not used by the platform webhook');
  }
}

const SCORED = {
  id: 'evt-1',
  type: 'invitation.scored',
  data: {
    invitationId: 'inv_1',
    reference: ASSESSMENT_ID,
    score: 87.5,
    reportUrl: 'https://platform.example/r/1',
    occurredAt: '2026-05-01T10:00:00.000Z',
  },
};

/** The callback as the platform sends it: raw JSON bytes signed with the shared secret. */
function callback(body: unknown = SCORED, { secret = SECRET, timestamp = Date.now() } = {}): PlatformCallbackRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    rawBody,
    body,
    timestamp: String(timestamp),
    signature: signPlatformPayload(rawBody, timestamp, secret),
    requestId: 'req-1',
  };
}

describe(PlatformWebhookService.name, () => {
  let enqueuer: FakeWebhookEnqueuer;
  let service: PlatformWebhookService;
  beforeEach(() => {
    enqueuer = new FakeWebhookEnqueuer();
    service = new PlatformWebhookService(enqueuer.asEnqueuer(), Object.assign(new GatewayEnv(), { PLATFORM_WEBHOOK_SECRET: SECRET }));
  });

  it('queues a signed callback (202) with the event id as correlation id', async () => {
    await expect(service.receive(callback())).resolves.toEqual({
      httpStatus: 202,
      outcome: 'accepted',
      correlationId: 'evt-1',
      body: { status: 'accepted' },
    });

    expect(enqueuer.platformEvents.jobs).toEqual([
      {
        eventId: 'evt-1',
        type: 'invitation.scored',
        invitationId: 'inv_1',
        reference: ASSESSMENT_ID,
        score: 87.5,
        reportUrl: 'https://platform.example/r/1',
        occurredAt: '2026-05-01T10:00:00.000Z',
        correlationId: 'evt-1',
      },
    ]);
  });

  it('queues a completed event without score or report as nulls', async () => {
    const completed = {
      id: 'evt-2',
      type: 'invitation.completed',
      data: { invitationId: 'inv_1', reference: ASSESSMENT_ID, occurredAt: SCORED.data.occurredAt },
    };

    await service.receive(callback(completed));

    expect(enqueuer.platformEvents.jobs).toEqual([expect.objectContaining({ eventId: 'evt-2', score: null, reportUrl: null })]);
  });

  it('answers a repeated event 200 duplicate and queues it once', async () => {
    await service.receive(callback());

    await expect(service.receive(callback())).resolves.toMatchObject({ httpStatus: 200, outcome: 'duplicate' });

    expect(enqueuer.platformEvents.jobs).toHaveLength(1);
  });

  it.each<[string, () => PlatformCallbackRequest, object]>([
    ['a body that is not JSON', () => ({ ...callback(), rawBody: undefined }), { httpStatus: 400, outcome: 'invalid_body' }],
    ['a missing signature', () => ({ ...callback(), signature: undefined }), { httpStatus: 401, outcome: 'unsigned' }],
    ['a wrong secret', () => callback(SCORED, { secret: 'another-secret-entirely' }), { httpStatus: 401, outcome: 'bad_signature' }],
    ['an old timestamp', () => callback(SCORED, { timestamp: Date.now() - 10 * 60_000 }), { httpStatus: 401, outcome: 'stale' }],
    [
      'a scored event without score',
      () => callback({ ...SCORED, data: { ...SCORED.data, score: undefined } }),
      { httpStatus: 400, outcome: 'invalid_body', field: 'data.score', correlationId: 'req-1' },
    ],
    [
      // Not ours: queued, result-sync would only fail on it after its retries.
      'a reference that is not an assessment id',
      () => callback({ ...SCORED, data: { ...SCORED.data, reference: 'assessment-1' } }),
      { httpStatus: 400, outcome: 'invalid_body', field: 'data.reference' },
    ],
  ])('refuses %s', async (_case, request, refusal) => {
    await expect(service.receive(request())).rejects.toMatchObject(refusal);

    expect(enqueuer.platformEvents.jobs).toEqual([]);
  });

  it('answers 503 (the platform retries) when Redis does not take the job', async () => {
    enqueuer.unavailable = true;

    await expect(service.receive(callback())).rejects.toMatchObject({ httpStatus: 503, outcome: 'unavailable', correlationId: 'evt-1' });
  });
});
