import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The process is shutting down (SIGTERM): code that would wait in-process (a rate-limit turn, a
 * retry backoff) stops waiting at once, so the job in hand is handed back as delayed instead of
 * holding up the shutdown. Its `delayJobMs` makes the queue kit delay the job without using an
 * attempt; another replica takes it.
 */
export class ShuttingDownError extends Error {
  readonly code = 'SHUTTING_DOWN';
  readonly retryable = true;
  readonly delayJobMs = 0;
  constructor() {
    super('The worker is shutting down; the job is handed back');
    this.name = 'ShuttingDownError';
  }
}

let controller = new AbortController();

/** Aborts every `pause` in progress and makes later ones fail at once. Idempotent. */
export function beginShutdown(): void {
  controller.abort();
}

export function isShuttingDown(): boolean {
  return controller.signal.aborted;
}

/** Tests only: a fresh process state. */
export function resetShutdownForTests(): void {
  controller = new AbortController();
}

/**
 * Waits `ms` unless the process begins shutting down first (no wait at all always passes).
 * @throws ShuttingDownError when shutdown began before or during a wait
 */
export async function pause(ms: number): Promise<void> {
  // No wait, nothing to cut short: work in hand goes on during a shutdown.
  if (ms <= 0) return;
  if (controller.signal.aborted) throw new ShuttingDownError();
  try {
    await sleep(ms, undefined, { signal: controller.signal });
  } catch (err) {
    if (controller.signal.aborted) throw new ShuttingDownError();
    throw err;
  }
}
