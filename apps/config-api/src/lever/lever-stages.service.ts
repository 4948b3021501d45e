import { LeverAccountsService } from '@lever-assess/account-access';
import type { LeverStage } from '@lever-assess/lever-client';
import { Injectable } from '@nestjs/common';

/** Long enough for an admin editing rules, short enough that a renamed stage shows soon. */
export const STAGES_CACHE_TTL_MS = 60_000;

/**
 * Lever's stages per account (all pages), cached in memory for a minute: the rule editor and
 * stage-name resolution ask for them repeatedly, and Lever's rate limit is per key.
 */
@Injectable()
export class LeverStagesService {
  private readonly cache = new Map<string, { stages: LeverStage[]; expiresAt: number }>();

  constructor(private readonly leverAccounts: LeverAccountsService) {}

  /** @throws AccountUnavailableError, LeverError */
  async list(accountId: string): Promise<LeverStage[]> {
    const hit = this.cache.get(accountId);
    if (hit && hit.expiresAt > Date.now()) return hit.stages;
    const stages = await this.leverAccounts.withLever(accountId, ({ auth }, lever) => lever.listStages(auth));
    this.remember(accountId, stages);
    return stages;
  }

  /** Stores stages read elsewhere (the connection test reads them anyway). */
  remember(accountId: string, stages: LeverStage[]): void {
    this.cache.set(accountId, { stages, expiresAt: Date.now() + STAGES_CACHE_TTL_MS });
  }

  /** After the key changed or the account was deleted. */
  forget(accountId: string): void {
    this.cache.delete(accountId);
  }
}
