import { withLogContext } from '@lever-assess/common';
import {
  InvalidJobPayloadError,
  QUEUE_CONFIG,
  QueueName,
  parseJobPayload,
  type LeverEventJob,
  ShutdownAwareWorkerHost,
} from '@lever-assess/queues';
import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { classifyDispatchError } from './dispatch-error.classifier';
import type { DispatchOutcome } from './dispatch-outcome';
import { dispatcherEventsTotal } from './dispatch.metrics';
import { LeverEventDispatchService } from './lever-event-dispatch.service';

/**
 * Thin adapter from the `lever-events` queue to LeverEventDispatchService: validates the payload,
 * sets the log context, and turns errors into BullMQ's vocabulary (style-examples §6). The job's
 * return value is the outcome, visible on completed jobs.
 */
@Processor(QueueName.LeverEvents, { concurrency: QUEUE_CONFIG[QueueName.LeverEvents].concurrency })
export class LeverEventsProcessor extends ShutdownAwareWorkerHost {
  private readonly logger = new Logger(LeverEventsProcessor.name);

  constructor(private readonly dispatcher: LeverEventDispatchService) {
    super();
  }

  async process(job: Job<unknown>, token?: string): Promise<{ outcome: DispatchOutcome }> {
    let event: LeverEventJob;
    try {
      event = parseJobPayload(QueueName.LeverEvents, job.data);
    } catch (err) {
      if (!(err instanceof InvalidJobPayloadError)) throw err;
      dispatcherEventsTotal.inc({ outcome: 'invalid-payload' });
      this.logger.error({ jobId: job.id, problem: err.message, msg: 'invalid lever-events payload: job failed without retry' });
      throw new UnrecoverableError(err.message);
    }

    return withLogContext({ correlationId: event.correlationId, accountId: event.accountId, jobId: job.id }, async () => {
      try {
        const outcome = await this.dispatcher.dispatch(event);
        dispatcherEventsTotal.inc({ outcome });
        this.logger.log({ opportunityId: event.opportunityId, outcome, msg: 'lever event processed' });
        return { outcome };
      } catch (err) {
        const kind = classifyDispatchError(err);
        const message = err instanceof Error ? err.message : String(err);
        if (kind.kind === 'rate-limited') {
          // Waits without using an attempt and without blocking other accounts (worker.rateLimit would pause the queue).
          await job.moveToDelayed(Date.now() + kind.retryAfterMs, token);
          dispatcherEventsTotal.inc({ outcome: 'rate-limited' });
          this.logger.warn({ delayMs: kind.retryAfterMs, msg: 'Lever rate limit for the account: job delayed' });
          throw new DelayedError();
        }
        if (kind.kind === 'permanent') {
          await this.dispatcher.recordFailure(event, kind.code);
          dispatcherEventsTotal.inc({ outcome: 'failed' });
          this.logger.error({ code: kind.code, problem: message, msg: 'lever event failed permanently: job kept for replay' });
          throw new UnrecoverableError(`${kind.code}: ${message}`);
        }
        const attempt = job.attemptsMade + 1;
        if (attempt >= (job.opts.attempts ?? 1)) {
          await this.recordExhausted(event, kind.code);
          dispatcherEventsTotal.inc({ outcome: 'failed' });
          this.logger.error({
            attempt,
            code: kind.code,
            problem: message,
            msg: 'lever event failed on its last attempt: job kept for replay',
          });
        } else {
          dispatcherEventsTotal.inc({ outcome: 'retry' });
          this.logger.warn({ attempt, code: kind.code, problem: message, msg: 'lever event failed: will be retried' });
        }
        throw err;
      }
    });
  }

  // Recording must not replace the job's own error (an outage may well prevent the write too).
  private async recordExhausted(event: LeverEventJob, code: string): Promise<void> {
    try {
      await this.dispatcher.recordRetriesExhausted(event, code);
    } catch (err) {
      this.logger.error({ err, msg: 'could not record the exhausted retries' });
    }
  }
}
