import { counter } from '@lever-assess/common';
import { LeverDeliveriesRepository } from '@lever-assess/persistence';
import { REDIS, tryLock } from '@lever-assess/redis';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

export const DELIVERY_RETENTION_OPTIONS = Symbol('DELIVERY_RETENTION_OPTIONS');

export interface DeliveryRetentionOptions {
  retentionDays: number;
  queuePrefix: string;
  /** How often each replica tries; one of them does the work (Redis lock). */
  intervalMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const deliveriesPruned = counter('lever_deliveries_pruned_total', 'Recorded Lever delivery tokens forgotten after the retention period');

/**
 * Forgets recorded Lever delivery tokens older than the retention period, so lever_deliveries
 * does not grow forever. Every replica schedules it; a Redis lock lets one run at a time.
 */
@Injectable()
export class DeliveryRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRetentionService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deliveries: LeverDeliveriesRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DELIVERY_RETENTION_OPTIONS) private readonly options: DeliveryRetentionOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((err: unknown) => this.logger.warn({ err }, 'pruning old Lever deliveries failed; will try again'));
    }, this.options.intervalMs ?? HOUR_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Resolves the number of rows deleted, or null when another replica holds the lock. */
  async prune(now = new Date()): Promise<number | null> {
    const lock = await tryLock(this.redis, `${this.options.queuePrefix}:housekeeping:lever-deliveries`, 10 * 60 * 1000);
    if (!lock) return null;
    try {
      const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
      const deleted = await this.deliveries.deleteReceivedBefore(cutoff);
      deliveriesPruned.inc(deleted);
      if (deleted > 0) this.logger.log({ deleted, cutoff: cutoff.toISOString() }, 'forgot old Lever delivery tokens');
      return deleted;
    } finally {
      await lock.release();
    }
  }
}
