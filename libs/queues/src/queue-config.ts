import type { JobsOptions } from 'bullmq';
import type { QueueName } from './queue-names';

export interface QueueSettings {
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /**
   * Of those, at most this many for one account: a busy account never holds every slot, so
   * another account's job always finds one. Its further jobs wait briefly as delayed jobs.
   */
  slotsPerAccount: number;
  /** Defaults for every job added to the queue. */
  job: JobsOptions;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * How long failed jobs are kept for the config API to list and replay, per queue: 30 days and at
 * most 20,000 (the newest). BullMQ applies both bounds whenever another job of the queue fails, so
 * an older job goes only when a newer one fails (never on a quiet queue). A week-long outage of a
 * busy account stays within them; repeated failed syncs of one assessment are collapsed on top
 * (collapseFailedJob). Memory: about 1-2 KB per failed job, so tens of MB per queue at worst.
 */
export const FAILED_JOB_RETENTION = { age: 30 * DAY_SECONDS, count: 20_000 } as const;

// Completed jobs are kept a day (bounded count too) so a redelivery inside that time is dropped by
// jobId; failed jobs are kept within FAILED_JOB_RETENTION, listed and replayed by the config API.
const KEEP = {
  removeOnComplete: { age: DAY_SECONDS, count: 50_000 },
  removeOnFail: FAILED_JOB_RETENTION,
} as const;

/**
 * Jobs one worker process runs at once on each queue that webhooks feed. A job spends most of its
 * time waiting on Lever, the platform and PostgreSQL, not on the CPU: with Lever answering in
 * 150 ms (the bench's latency run), one dispatcher and one result-sync moved 53 candidates/s to
 * "Sent" at 10 slots, 89 at 20, 122 at 40 and 131 at 64 (the machine's CPU then the limit);
 * docs/performance.md, tenth round. 32 keeps most of that gain at a bounded number of jobs in
 * flight per pod (PostgreSQL connections stay at the pool's 10: a job holds one only per statement).
 */
const WEBHOOK_WORK_CONCURRENCY = 32;

/** Exhaustive per-queue settings: adding a queue without configuring it does not compile. */
export const QUEUE_CONFIG: Record<QueueName, QueueSettings> = {
  'lever-events': {
    concurrency: WEBHOOK_WORK_CONCURRENCY,
    slotsPerAccount: 4,
    job: { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 }, ...KEEP },
  },
  'platform-events': {
    concurrency: WEBHOOK_WORK_CONCURRENCY,
    slotsPerAccount: 10,
    job: { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 }, ...KEEP },
  },
  'lever-sync': {
    concurrency: WEBHOOK_WORK_CONCURRENCY,
    slotsPerAccount: 4,
    // More attempts: Lever maintenance windows (503) can last minutes; the 8th retry waits ~4 min.
    job: { attempts: 10, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 }, ...KEEP },
  },
  // Its own small worker: a sweep paces itself to a share of the key's budget (docs/sweep.md), so
  // its waits hold only these slots, never one that webhook work needs.
  'account-sweeps': {
    concurrency: 2,
    slotsPerAccount: 1,
    job: { attempts: 3, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 }, ...KEEP },
  },
};

/**
 * Worker settings of every queue. Jobs are short (no job waits in-process for more than a moment:
 * rate-limit turns and shutdowns become delayed jobs), so a job's lock can be short too: by
 * these settings a crashed worker's jobs run again within lockDuration + stalledInterval (25 s;
 * derived from the settings, not yet measured: the fault suite of issue 15 will). BullMQ renews
 * the lock every lockDuration / 2 while the job runs. A job stalls only when its worker dies
 * mid-job, so a job interrupted by one pod replacement after another still has room: it fails as
 * stalled only at the sixth.
 */
export const WORKER_SETTINGS = { lockDuration: 15_000, stalledInterval: 10_000, maxStalledCount: 5 } as const;
