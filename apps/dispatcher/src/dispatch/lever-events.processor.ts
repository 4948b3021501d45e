import {
  JobOutcome,
  QueueProcessor,
  QueueWorker,
  QueueName,
  outcomeOfError,
  type InvalidJobPayloadError,
  isLifecycleJob,
  type JobContext,
  type LeverEventsJob,
} from '@lever-assess/queues';
import type { DispatchOutcome } from './dispatch-outcome';
import { dispatcherEventsTotal } from './dispatch.metrics';
import { LeverEventDispatchService } from './lever-event-dispatch.service';
import { LeverLifecycleService } from './lever-lifecycle.service';

/**
 * Thin adapter from the `lever-events` queue to LeverEventDispatchService (stage changes) and
 * LeverLifecycleService (archived, hired, deleted). A permanent failure is
 * recorded on the delivery, and on the assessments it left without an invitation (`error` with its
 * code, and a lever-sync), before the job fails (kept for replay); a retry on the last attempt
 * records the exhausted retries the same way, so the recruiter sees an error instead of a test
 * never sent.
 */
@QueueWorker(QueueName.LeverEvents)
export class LeverEventsProcessor extends QueueProcessor<typeof QueueName.LeverEvents, { outcome: DispatchOutcome }> {
  constructor(
    private readonly dispatcher: LeverEventDispatchService,
    private readonly lifecycle: LeverLifecycleService,
  ) {
    super(QueueName.LeverEvents);
  }

  protected override accountOf(event: LeverEventsJob): string {
    return event.accountId;
  }

  protected logContext(event: LeverEventsJob) {
    return { correlationId: event.correlationId, accountId: event.accountId };
  }

  protected override onInvalidPayload(_err: InvalidJobPayloadError): void {
    dispatcherEventsTotal.inc({ outcome: 'invalid-payload' });
  }

  protected async handle(event: LeverEventsJob, job: JobContext): Promise<JobOutcome<{ outcome: DispatchOutcome }>> {
    try {
      const outcome = isLifecycleJob(event) ? await this.lifecycle.handle(event) : await this.dispatcher.dispatch(event);
      dispatcherEventsTotal.inc({ outcome });
      this.logger.log({
        opportunityId: event.opportunityId,
        event: isLifecycleJob(event) ? event.event : undefined,
        outcome,
        msg: 'lever event processed',
      });
      return JobOutcome.done({ outcome });
    } catch (err) {
      return this.onError(event, job, err);
    }
  }

  private async onError(event: LeverEventsJob, job: JobContext, err: unknown): Promise<JobOutcome<never>> {
    const outcome = outcomeOfError(err);
    const problem = err instanceof Error ? err.message : String(err);
    switch (outcome.kind) {
      case 'delay':
        dispatcherEventsTotal.inc({ outcome: 'rate-limited' });
        // Its turn of the key's Lever budget is later (or a 429, or a shutdown): no attempt used.
        this.logger.log({ delayMs: outcome.until - Date.now(), code: outcome.code, msg: 'lever event delayed until its turn' });
        break;
      case 'park':
        dispatcherEventsTotal.inc({ outcome: 'parked' });
        this.logger.warn({
          code: outcome.code,
          msg: "the account's Lever connection is broken: lever event parked until its key is replaced",
        });
        break;
      case 'fail':
        if (isLifecycleJob(event)) await this.lifecycle.recordFailure(event, outcome.code);
        else await this.dispatcher.recordFailure(event, outcome.code);
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
  private async recordExhausted(event: LeverEventsJob, code: string): Promise<void> {
    try {
      if (isLifecycleJob(event)) await this.lifecycle.recordFailure(event, code);
      else await this.dispatcher.recordRetriesExhausted(event, code);
    } catch (err) {
      this.logger.error({ err, msg: 'could not record the exhausted retries' });
    }
  }
}
