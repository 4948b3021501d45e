import { gauge } from '@lever-assess/common';
import type { Queue } from 'bullmq';
import type { JobPayloads } from './job-payloads';
import type { QueueName } from './queue-names';

/**
 * Queue gauges read from Redis at scrape time, for the autoscaler's and the on-call engineer's
 * view of a backlog (docs/deploy.md). Each app exports them for the queues it registered; with
 * several pods the series repeat per pod, so alert rules and dashboards take `max by (queue)`.
 */

/** Jobs read per queue and state when counting jobs per account: bounds the scrape's cost. */
export const BACKLOG_SAMPLE_SIZE = 200;
/** Accounts reported per queue and state. */
export const BACKLOG_TOP_ACCOUNTS = 10;
/** Jobs read from the tail of the wait list: the oldest may be taken while it is read. */
const OLDEST_PROBE = 5;

/** Queues whose jobs name their account; checked against the payload types at compile time. */
const HAS_ACCOUNT = {
  'lever-events': true,
  'platform-events': false,
  'lever-sync': true,
  'account-sweeps': true,
} as const satisfies { [Q in QueueName]: 'accountId' extends keyof JobPayloads[Q] ? true : false };

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;
const watched = new Set<Queue>();

/** Adds queues to every queue gauge; the returned function removes them (app shutdown). */
export function watchQueueMetrics(queues: readonly Queue[]): () => void {
  for (const queue of queues) watched.add(queue);
  return () => {
    for (const queue of queues) watched.delete(queue);
  };
}

/**
 * When a job started waiting, as far as its hash tells: when it was added, or when it last
 * started running (a job handed back as delayed, or after a stall, waits again after that).
 */
function waitingSince(timestamp: string | null, processedOn: string | null): number | null {
  if (timestamp === null) return null;
  return Math.max(Number(timestamp), Number(processedOn ?? 0));
}

/**
 * Seconds the oldest job of the wait list (the next one a worker takes) has waited, from when it
 * was added or last started; 0 when the list is empty. A job that was delayed and came back
 * counts from its last run, so its figure includes the delay: an upper bound of its time in wait.
 */
export async function oldestWaitingJobAgeSeconds(queue: Queue, now = Date.now()): Promise<number> {
  const client = await queue.getBackend().client;
  // Workers take from the tail (RPOPLPUSH), so the tail is the oldest.
  const tail = (await client.lrange(queue.keys.wait, -OLDEST_PROBE, -1)).reverse();
  const fields = await Promise.all(tail.map((id) => client.hmget(queue.toKey(id), 'timestamp', 'processedOn')));
  for (const [timestamp, processedOn] of fields) {
    const since = waitingSince(timestamp, processedOn);
    if (since !== null) return Math.max(0, (now - since) / 1000);
  }
  return 0;
}

export interface AccountBacklog {
  state: 'waiting' | 'delayed';
  accountId: string;
  jobs: number;
}

/**
 * The accounts with the most jobs among the oldest `sampleSize` waiting jobs and the `sampleSize`
 * delayed jobs due first (a rate-limited account's backlog waits there for its Lever turns), `top`
 * per state, largest first. Exact while a list holds at most `sampleSize` jobs; beyond that, the
 * counts are of the sample. Jobs without an `accountId` in their data (platform-events) are skipped.
 */
export async function accountBacklog(
  queue: Queue,
  sampleSize = BACKLOG_SAMPLE_SIZE,
  top = BACKLOG_TOP_ACCOUNTS,
): Promise<AccountBacklog[]> {
  const client = await queue.getBackend().client;
  const [waiting, delayed] = await Promise.all([
    client.lrange(queue.keys.wait, -sampleSize, -1),
    client.zrange(queue.keys.delayed, 0, sampleSize - 1),
  ]);
  const tally = async (state: AccountBacklog['state'], ids: string[]): Promise<AccountBacklog[]> => {
    const data = await Promise.all(ids.map((id) => client.hget(queue.toKey(id), 'data')));
    const counts = new Map<string, number>();
    for (const raw of data) {
      const accountId = accountOf(raw);
      if (accountId) counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
    }
    return [...counts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, top)
      .map(([accountId, jobs]) => ({ state, accountId, jobs }));
  };
  return [...(await tally('waiting', waiting)), ...(await tally('delayed', delayed))];
}

function accountOf(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const accountId: unknown = (JSON.parse(raw) as { accountId?: unknown }).accountId;
    return typeof accountId === 'string' && accountId.length > 0 ? accountId : null;
  } catch {
    return null;
  }
}

// Queue depth: worker replicas scale on the wait list (DESIGN.md, Scale; deploy/k8s KEDA triggers).
gauge('queue_jobs', 'Jobs per queue and state, read at scrape time', ['queue', 'state'] as const, async function () {
  for (const queue of watched) {
    const counts = await queue.getJobCounts(...STATES).catch(() => null);
    if (!counts) continue;
    for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
  }
});

gauge(
  'queue_oldest_waiting_job_age_seconds',
  'Seconds the oldest job of the wait list has waited (since it was added or last started; 0 when empty), read at scrape time',
  ['queue'] as const,
  async function () {
    for (const queue of watched) {
      const age = await oldestWaitingJobAgeSeconds(queue).catch(() => null);
      if (age !== null) this.set({ queue: queue.name }, age);
    }
  },
);

gauge(
  'queue_account_backlog_jobs',
  `Jobs of the ${BACKLOG_TOP_ACCOUNTS} accounts with the most, per queue and state (waiting, delayed), ` +
    `counted among the ${BACKLOG_SAMPLE_SIZE} oldest waiting and ${BACKLOG_SAMPLE_SIZE} first-due delayed jobs at scrape time ` +
    '(exact below that many; a sample above); jobs without an account (platform-events) are not counted',
  ['queue', 'state', 'account'] as const,
  async function () {
    // Accounts leave the top list (or drain): only this scrape's series are kept.
    this.reset();
    for (const queue of watched) {
      if (!HAS_ACCOUNT[queue.name as QueueName]) continue;
      const backlog = await accountBacklog(queue).catch(() => []);
      for (const { state, accountId, jobs } of backlog) this.set({ queue: queue.name, state, account: accountId }, jobs);
    }
  },
);
