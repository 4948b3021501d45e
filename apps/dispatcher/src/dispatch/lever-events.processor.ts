import {
  JobOutcome,
  QueueProcessor,
  QueueWorker,
  QueueName,
  outcomeOfError,
  type InvalidJobPayloadError,
  type JobContext,
  type LeverEventJob,
} from '@lever-assess/queues';
import type { DispatchOutcome } from './dispatch-outcome';
import { dispatcherEventsTotal } from './dispatch.metrics';
import { LeverEventDispatchService } from './lever-event-dispatch.service';

/**
 * Thin adapter from the `lever-events` queue to LeverEventDispatchService. A permanent failure is
 * recorded on the delivery, and on the assessments it left without an invitation (`error` with its
 * code, and a lever-sync), before the job fails (kept for replay); a retry on the last attempt
 * records the exhausted retries the same way, so the recruiter sees an error instead of a test
 * never sent.
 */
@QueueWorker(QueueName.LeverEvents)
export class LeverEventsProcessor extends QueueProcessor<typeof QueueName.LeverEvents, { outcome: DispatchOutcome }> {
  constructor(private readonly dispatcher: LeverEventDispatchService) {
    super(QueueName.LeverEvents);
  }

  protected override accountOf(event: LeverEventJob): string {
    return event.accountId;
  }

  protected logContext(event: LeverEventJob) {
    return { correlationId: event.correlationId, accountId: event.accountId };
  }

  protected override onInvalidPayload(_err: InvalidJobPayloadError): void {
    dispatcherEventsTotal.inc({ outcome: 'invalid-payload' });
  }

  protected async handle(event: LeverEventJob, job: JobContext): Promise<JobOutcome<{ outcome: DispatchOutcome }>> {
    try {
      const outcome = await this.dispatcher.dispatch(event);
      dispatcherEventsTotal.inc({ outcome });
      this.logger.log({ opportunityId: event.opportunityId, outcome, msg: 'lever event processed' });
      return JobOutcome.done({ outcome });
    } catch (err) {
      return this.onError(event, job, err);
    }
  }

  private async onError(event: LeverEventJob, job: JobContext, err: unknown): Promise<JobOutcome<never>> {
    const outcome = outcomeOfError(err);
    const problem = err instanceof Error ? err.message : String(err);
    switch (outcome.kind) {
      case 'delay':
        dispatcherEventsTotal.inc({ outcome: 'rate-limited' });
        // Its turn of the key's Lever budget is later (or a 429, or a shutdown): no attempt used.
        this.logger.log({ delayMs: outcome.until - Date.now(), code: outcome.code, msg: 'lever event delayed until its turn' });
        break;
      case 'fail':
        await this.dispatcher.recordFailure(event, outcome.code);
        dispatcherEventsTotal.inc({ outcome: 'failed' });
        this.logger.error({ code: outcome.code, problem, msg: 'lever event failed permanently: job kept for replay' });
        break;
      case 'retry':
        if (job.isLastAttempt) {
          await this.recordExhausted(event, outcome.code);
          dispatcherEventsTotal.inc({ outcome: 'failed' });
          this.logger.error({
            attempt: job.attempt,
            code: outcome.code,
            problem,
            msg: 'lever event failed on its last attempt: job kept for replay',
          });
        } else {
          dispatcherEventsTotal.inc({ outcome: 'retry' });
          this.logger.warn({ attempt: job.attempt, code: outcome.code, problem, msg: 'lever event failed: will be retried' });
        }
        break;
    }
    return outcome;
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
