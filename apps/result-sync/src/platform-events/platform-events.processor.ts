import {
  JobOutcome,
  QueueName,
  QueueProcessor,
  QueueWorker,
  outcomeOfError,
  type InvalidJobPayloadError,
  type PlatformEventJob,
} from '@lever-assess/queues';
import { UnknownPlatformReferenceError } from '../result-sync.errors';
import { platformEventsTotal } from '../result-sync.metrics';
import { PlatformEventsService } from './platform-events.service';

/** Thin adapter: applies one platform event to its assessment. */
@QueueWorker(QueueName.PlatformEvents)
export class PlatformEventsProcessor extends QueueProcessor<typeof QueueName.PlatformEvents, void> {
  constructor(private readonly events: PlatformEventsService) {
    super(QueueName.PlatformEvents);
  }

  protected logContext(event: PlatformEventJob) {
    return { correlationId: event.correlationId, assessmentId: event.reference };
  }

  protected override onInvalidPayload(_err: InvalidJobPayloadError): void {
    platformEventsTotal.inc({ type: 'unknown', outcome: 'invalid' });
  }

  protected async handle(event: PlatformEventJob): Promise<JobOutcome<void>> {
    const { type } = event;
    try {
      platformEventsTotal.inc({ type, outcome: await this.events.apply(event) });
      return JobOutcome.done();
    } catch (err) {
      const outcome = outcomeOfError(err);
      if (outcome.kind === 'fail') {
        // Retrying cannot make the reference known or the facts valid; the failed job stays listed with this reason.
        platformEventsTotal.inc({ type, outcome: err instanceof UnknownPlatformReferenceError ? 'unknown_assessment' : 'invalid' });
        this.logger.warn({ msg: outcome.message, code: outcome.code, eventId: event.eventId, invitationId: event.invitationId });
      } else {
        // Postgres or Redis trouble: attempts with backoff apply.
        platformEventsTotal.inc({ type, outcome: 'transient_error' });
      }
      return outcome;
    }
  }
}
