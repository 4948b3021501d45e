import { AccountUnavailableError, LeverAccountsService } from '@lever-assess/account-access';
import { counter } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { REDIS, tryLock } from '@lever-assess/redis';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

export const KEY_HEALTH_OPTIONS = Symbol('KEY_HEALTH_OPTIONS');

export interface KeyHealthOptions {
  queuePrefix: string;
  /** How often every active account's key is checked (KEY_HEALTH_INTERVAL_MS); 0 turns the schedule off. */
  intervalMs: number;
}

const keyChecksTotal = counter('lever_key_checks_total', 'Scheduled Lever key checks, by what they found', ['status'] as const);

/** What one round did, for logs and tests. */
export interface KeyHealthRound {
  checked: number;
  /** Found without a turn of the key's budget this round; checked next round. */
  skipped: number;
  problems: { accountId: string; status: string }[];
}

/**
 * The scheduled key check (DESIGN.md "Key health"): every interval, one replica (Redis lock) walks
 * the active accounts and makes one cheap Lever read per account (LeverAccountsService.checkKeyHealth).
 * A revoked key is found before the next candidate needs it, and a missing permission shows on the
 * account instead of only on the first failed write.
 */
@Injectable()
export class KeyHealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeyHealthService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly leverAccounts: LeverAccountsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEY_HEALTH_OPTIONS) private readonly options: KeyHealthOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.checkAll().catch((err: unknown) => this.logger.warn({ err, msg: 'Lever key check round failed; next round tries again' }));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One round over every active account; null when another replica holds the round. */
  async checkAll(now = new Date()): Promise<KeyHealthRound | null> {
    // The lock outlives the round's start; a round longer than the interval is not run twice at once.
    const lock = await tryLock(
      this.redis,
      `${this.options.queuePrefix}:housekeeping:key-health`,
      Math.max(60_000, this.options.intervalMs),
    );
    if (!lock) return null;
    const round: KeyHealthRound = { checked: 0, skipped: 0, problems: [] };
    try {
      // One hold per account per round: a round retried after a crash finds its reserved turn.
      const roundId = Math.floor(now.getTime() / Math.max(1, this.options.intervalMs));
      for (const accountId of await this.accounts.listIdsWithStatus(AccountStatus.Active)) {
        const result = await this.checkOne(accountId, `key-health:${accountId}:${roundId}`);
        if (result === null) continue;
        if (result === 'skipped') {
          round.skipped += 1;
          continue;
        }
        round.checked += 1;
        keyChecksTotal.inc({ status: result.status });
        if (result.status !== 'ok') round.problems.push({ accountId, status: result.status });
      }
    } finally {
      await lock.release();
    }
    if (round.problems.length > 0) this.logger.warn({ ...round, msg: 'Lever key check found problems' });
    return round;
  }

  private async checkOne(accountId: string, holdId: string) {
    try {
      return await this.leverAccounts.checkKeyHealth(accountId, holdId);
    } catch (err) {
      // Disabled or deleted since the list was read: nothing to check.
      if (err instanceof AccountUnavailableError) return null;
      throw err;
    }
  }
}
