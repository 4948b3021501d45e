import { withLogContext } from '@lever-assess/common';
import { InvalidJobPayloadError, QUEUE_CONFIG, QueueName, parseJobPayload, ShutdownAwareWorkerHost } from '@lever-assess/queues';
import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { InvalidPlatformEventError, UnknownPlatformReferenceError } from '../result-sync.errors';
import { platformEventsTotal } from '../result-sync.metrics';
import { PlatformEventsService } from './platform-events.service';

/** Thin adapter: validates the payload, applies the event, maps errors to BullMQ's vocabulary. */
@Processor(QueueName.PlatformEvents, { concurrency: QUEUE_CONFIG[QueueName.PlatformEvents].concurrency })
export class PlatformEventsProcessor extends ShutdownAwareWorkerHost {
  private readonly logger = new Logger(PlatformEventsProcessor.name);

  constructor(private readonly events: PlatformEventsService) {
    super();
  }

  async process(job: Job<unknown>): Promise<void> {
    let event;
    try {
      event = parseJobPayload(QueueName.PlatformEvents, job.data);
    } catch (err) {
      if (!(err instanceof InvalidJobPayloadError)) throw err;
      platformEventsTotal.inc({ type: 'unknown', outcome: 'invalid' });
      this.logger.error({ msg: err.message, code: err.code, jobId: job.id });
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    const { type } = event;
    await withLogContext({ correlationId: event.correlationId, assessmentId: event.reference, jobId: job.id }, async () => {
      try {
        platformEventsTotal.inc({ type, outcome: await this.events.apply(event) });
      } catch (err) {
        if (err instanceof UnknownPlatformReferenceError || err instanceof InvalidPlatformEventError) {
          // Permanent: retrying cannot make the reference known or the facts valid. The failed job
          // stays listed (config API) with this reason.
          platformEventsTotal.inc({ type, outcome: err instanceof UnknownPlatformReferenceError ? 'unknown_assessment' : 'invalid' });
          this.logger.warn({ msg: err.message, code: err.code, eventId: event.eventId, invitationId: event.invitationId });
          throw new UnrecoverableError(`${err.code}: ${err.message}`);
        }
        platformEventsTotal.inc({ type, outcome: 'transient_error' });
        throw err; // Postgres or Redis trouble: attempts with backoff apply
      }
    });
  }
}
