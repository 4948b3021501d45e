import { beginShutdown } from '@lever-assess/common';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';

/**
 * Closes a worker on shutdown: stop taking jobs and finish the ones in hand. When Redis cannot
 * be reached, nothing in hand can complete anyway (its result could not be stored) and a normal
 * close would wait on the dead connection until the shutdown watchdog kills the process; close
 * at once instead, and BullMQ's stalled-job check hands those jobs to another worker.
 */
export async function closeWorker(worker: Worker, readyProbeMs = 300): Promise<'graceful' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const reachable = await Promise.race([
    worker.waitUntilReady().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), readyProbeMs);
    }),
  ]);
  clearTimeout(timer);
  await worker.close(!reachable);
  return reachable ? 'graceful' : 'forced';
}

/**
 * WorkerHost that closes its worker before any module closes Postgres or Redis (@nestjs/bullmq
 * closes workers only in onApplicationShutdown, in no guaranteed order), with `closeWorker`.
 * Closing twice is harmless.
 */
export abstract class ShutdownAwareWorkerHost extends WorkerHost implements BeforeApplicationShutdown {
  async beforeApplicationShutdown(): Promise<void> {
    // In-process waits (a Lever turn, a retry backoff) end now; their jobs are handed back as delayed.
    beginShutdown();
    const logger = new Logger(this.constructor.name);
    logger.log({ queue: this.worker.name }, 'closing the worker: finishing jobs in hand');
    if ((await closeWorker(this.worker)) === 'forced') {
      logger.warn({ queue: this.worker.name }, 'Redis unreachable: worker closed without waiting');
    }
  }
}
