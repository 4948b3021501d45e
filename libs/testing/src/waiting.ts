import type { Queue } from 'bullmq';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `probe` until it stops throwing (or returns a truthy value), then returns its result;
 * fails loudly with the last error after `timeoutMs`.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined && value !== null) return value as Exclude<T, false | null | undefined>;
      lastError = new Error(`probe returned ${String(value)}`);
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`eventually: gave up after ${timeoutMs} ms: ${reason}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * A queue's waiting, active, delayed and prioritized jobs. A job scheduler's next run (the sweep's
 * fan-out) is always delayed, so each scheduler's one job is not counted.
 */
export async function pendingJobCounts(queue: Queue): Promise<Record<string, number>> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return { ...counts, delayed: Math.max(0, counts.delayed - (await queue.getJobSchedulersCount())) };
}

/** Waits until no queue has pending jobs (pendingJobCounts), two quiet polls in a row. */
export async function waitForQueuesIdle(queues: Queue[], { stallMs = 10_000, hardMs = 60_000 } = {}): Promise<void> {
  const start = Date.now();
  let quiet = 0;
  let last = -1;
  let lastChange = start;
  while (quiet < 2) {
    const counts = await Promise.all(queues.map(pendingJobCounts));
    const pending = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
    quiet = pending === 0 ? quiet + 1 : 0;
    if (pending !== last) {
      last = pending;
      lastChange = Date.now();
    }
    if (pending > 0 && (Date.now() - lastChange > stallMs || Date.now() - start > hardMs)) {
      throw new Error(`queues not idle: ${JSON.stringify(counts)}`);
    }
    await sleep(50);
  }
}
