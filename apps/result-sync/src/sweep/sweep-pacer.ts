import { pause } from '@lever-assess/common';
import { RedisTokenBucketLimiter } from '@lever-assess/lever-client';
import { REDIS } from '@lever-assess/redis';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SWEEP_SETTINGS, type SweepSettings } from './sweep.settings';

/** The longest single wait asked of the bucket; longer turns are waited for in several steps. */
const MAX_WAIT_MS = 60_000;

/**
 * Keeps every sweep of a Lever key, across replicas, within SWEEP_BUDGET_SHARE of the key's rate:
 * a second token bucket per key (its own Redis prefix) at share x rate, taken before each sweep
 * request, on top of the key's shared bucket that every request takes anyway. The wait happens
 * inside the sweep job, on the account-sweeps worker's own small set of slots: no lever-events or
 * lever-sync slot is ever held by it.
 */
@Injectable()
export class SweepPacer {
  private readonly limiter: RedisTokenBucketLimiter;

  constructor(@Inject(REDIS) redis: Redis, @Inject(SWEEP_SETTINGS) settings: SweepSettings) {
    this.limiter = new RedisTokenBucketLimiter({
      redis,
      keyPrefix: `${settings.queuePrefix}:sweep-rate:`,
      ratePerSecond: settings.leverRatePerSecond * settings.budgetShare,
      // A burst within the share too: a sweep starting after a quiet spell must not spend more.
      burst: Math.max(1, Math.floor(settings.leverRateBurst * settings.budgetShare)),
    });
  }

  /** Waits for the sweep's next request turn on this key (keyId = leverCredentialId of the account's credential). */
  async take(keyId: string): Promise<void> {
    for (;;) {
      const { granted, waitMs } = await this.limiter.acquire(keyId, 1, MAX_WAIT_MS);
      await pause(Math.min(waitMs, MAX_WAIT_MS));
      if (granted) return;
    }
  }
}
