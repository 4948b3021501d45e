import { QUEUE_CONFIG, REDIS, type JobOf, type QueueName } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { WebhookUnavailableError } from './webhook.errors';

/**
 * Longest wait for Redis on the request path. With Redis gone the fail-fast connection errors at
 * once; this bounds the other cases (Redis unreachable since start-up, a hung server) so that the
 * sender gets its 503 well within its own timeout.
 */
export const ENQUEUE_TIMEOUT_MS = 2_000;

export type EnqueueResult = 'accepted' | 'duplicate';

/**
 * Adds webhook jobs with deterministic ids. BullMQ keeps the existing job when a jobId is added
 * again, but its add() does not say which happened, so the job is looked up first: a repeat is
 * reported (and answered) as a duplicate. Two copies racing each other both see "accepted" and
 * still make one job. The dispatcher's recorded deliveries are the lasting guard once the
 * completed job has been removed.
 */
@Injectable()
export class WebhookEnqueuer {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** @throws WebhookUnavailableError when Redis does not acknowledge in time */
  enqueueOnce<Q extends QueueName>(queue: Queue<JobOf<Q>>, name: Q, data: JobOf<Q>, jobId: string): Promise<EnqueueResult> {
    return this.withRedis(async () => {
      if (await queue.getJob(jobId)) return 'duplicate';
      // Only resolves once Redis has stored the job: the 202 is a promise we can keep.
      await queue.add(name as never, data as never, { ...QUEUE_CONFIG[name].job, jobId });
      return 'accepted';
    });
  }

  /** True when a job with this id is still in the queue (waiting, active, completed or failed). */
  exists(queue: Queue, jobId: string): Promise<boolean> {
    return this.withRedis(async () => (await queue.getJob(jobId)) !== undefined);
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
