import { PLATFORM_MAX_SKEW_MS, verifyPlatformSignature } from '@lever-assess/common';
import { PlatformCallbackParseError, parsePlatformCallback, type PlatformCallbackEvent } from '@lever-assess/platform-client';
import type { PlatformEventJob } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { WebhookEnqueuer } from './webhook-enqueuer';
import type { WebhookAnswer } from './webhook-outcome';
import { InvalidWebhookBodyError, PlatformSignatureInvalidError, WebhookRefusedError } from './webhook.errors';

export interface PlatformCallbackRequest {
  /** The exact bytes received: the signature covers them, not re-serialised JSON. */
  rawBody: Buffer | undefined;
  body: unknown;
  timestamp: string | undefined;
  signature: string | undefined;
  requestId: string;
}

/** Takes one signed callback of the assessment platform and queues it on `platform-events`. */
@Injectable()
export class PlatformWebhookService {
  constructor(
    private readonly enqueuer: WebhookEnqueuer,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  /** @throws WebhookRefusedError (401, 400, 503) */
  async receive(request: PlatformCallbackRequest): Promise<WebhookAnswer> {
    const context: { correlationId: string } = { correlationId: request.requestId };
    try {
      if (!request.rawBody) throw new InvalidWebhookBodyError('body', 'must be JSON (Content-Type: application/json)');
      const check = verifyPlatformSignature(request.rawBody, request.timestamp, request.signature, this.env.PLATFORM_WEBHOOK_SECRET);
      if (check !== 'valid') throw new PlatformSignatureInvalidError(check, PLATFORM_MAX_SKEW_MS);
      const event = parse(request.body);
      // The platform's event id follows the callback through result-sync's logs (docs/decisions.md).
      context.correlationId = event.id;
      const job = toJob(event);
      const result = await this.enqueuer.enqueuePlatformEvent(job);
      return result === 'accepted'
        ? { httpStatus: 202, outcome: 'accepted', ...context, body: { status: 'accepted' } }
        : { httpStatus: 200, outcome: 'duplicate', ...context, body: { status: 'duplicate' } };
    } catch (err) {
      if (err instanceof WebhookRefusedError) err.about(context);
      throw err;
    }
  }
}

/** Our assessment ids, which are the only references we ever send the platform. */
const ASSESSMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parse(body: unknown): PlatformCallbackEvent {
  let event: PlatformCallbackEvent;
  try {
    event = parsePlatformCallback(body);
  } catch (err) {
    if (err instanceof PlatformCallbackParseError) throw new InvalidWebhookBodyError(err.field, err.problem);
    throw err;
  }
  // Every invitation we create carries its assessment id (a UUID) as reference: anything else
  // names nothing of ours, and queued it would only fail in result-sync, after retries.
  if (!ASSESSMENT_ID.test(event.data.reference)) {
    throw new InvalidWebhookBodyError('data.reference', 'must be the assessment id (a UUID) the invitation was created with');
  }
  return event;
}

function toJob(event: PlatformCallbackEvent): PlatformEventJob {
  return {
    eventId: event.id,
    type: event.type,
    invitationId: event.data.invitationId,
    reference: event.data.reference,
    score: event.data.score ?? null,
    reportUrl: event.data.reportUrl ?? null,
    occurredAt: event.data.occurredAt,
    correlationId: event.id,
  };
}
