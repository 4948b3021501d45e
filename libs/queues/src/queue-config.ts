import type { JobsOptions } from 'bullmq';
import type { QueueName } from './queue-names';

export interface QueueSettings {
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /** Defaults for every job added to the queue. */
  job: JobsOptions;
}

const DAY_SECONDS = 24 * 60 * 60;

// Completed jobs are kept a day (bounded count too) so a redelivery inside that time is dropped by
// jobId; failed jobs are never removed automatically: they are listed and replayed by the config API.
const KEEP = {
  removeOnComplete: { age: DAY_SECONDS, count: 50_000 },
  removeOnFail: false,
} as const;

/** Exhaustive per-queue settings: adding a queue without configuring it does not compile. */
export const QUEUE_CONFIG: Record<QueueName, QueueSettings> = {
  'lever-events': {
    concurrency: 10,
    job: { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 }, ...KEEP },
  },
  'platform-events': {
    concurrency: 10,
    job: { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 }, ...KEEP },
  },
  'lever-sync': {
    concurrency: 10,
    // More attempts: Lever maintenance windows (503) can last minutes; the 8th retry waits ~4 min.
    job: { attempts: 10, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 }, ...KEEP },
  },
};
