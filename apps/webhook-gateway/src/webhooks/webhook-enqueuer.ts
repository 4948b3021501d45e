import {
  LeverEventsProducer,
  PlatformEventsProducer,
  type AddResult,
  type LeverEventJob,
  type PlatformEventJob,
} from '@lever-assess/queues';
import { REDIS } from '@lever-assess/redis';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { WebhookUnavailableError } from './webhook.errors';

/**
 * Longest wait for Redis on the request path. With Redis gone the fail-fast connection errors at
 * once; this bounds the other cases (Redis unreachable since start-up, a hung server) so that the
 * sender gets its 503 well within its own timeout.
 */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * The queue producers on the request path: a duplicate delivery is reported (and answered) as
 * such, and Redis trouble becomes a WebhookUnavailableError (503) within ENQUEUE_TIMEOUT_MS. The
 * dispatcher's recorded deliveries are the lasting guard once a completed job has been removed.
 */
@Injectable()
export class WebhookEnqueuer {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly leverEvents: LeverEventsProducer,
    private readonly platformEvents: PlatformEventsProducer,
  ) {}

  /** @throws WebhookUnavailableError when Redis does not acknowledge in time */
  enqueueLeverEvent(job: LeverEventJob): Promise<AddResult> {
    // Only resolves once Redis has stored the job: the 202 is a promise we can keep.
    return this.withRedis(() => this.leverEvents.addOnce(job));
  }

  /** @throws WebhookUnavailableError when Redis does not acknowledge in time */
  enqueuePlatformEvent(job: PlatformEventJob): Promise<AddResult> {
    return this.withRedis(() => this.platformEvents.addOnce(job));
  }

  /** True when the lever-events job of this delivery is still in the queue (waiting, active, completed or failed). */
  leverEventExists(jobId: string): Promise<boolean> {
    return this.withRedis(() => this.leverEvents.exists(jobId));
  }

  private async withRedis<T>(work: () => Promise<T>): Promise<T> {
    // The shared client shares Redis with the queues: when it is not connected, answer at once.
    if (this.redis.status !== 'ready') throw new WebhookUnavailableError('Redis is unavailable; retry later');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WebhookUnavailableError(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms; retry later`)),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (err) {
      if (err instanceof WebhookUnavailableError) throw err;
      throw new WebhookUnavailableError('Redis refused the job; retry later', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
