import { pause, SecretBox } from '@lever-assess/common';
import { AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import { LeverOAuthClient, LeverOAuthGrantError, LeverOAuthUnavailableError } from '@lever-assess/lever-client';
import { AccountsRepository, accountSecretContext, type AccountWithSecrets } from '@lever-assess/persistence';
import { AccountChangesPublisher, REDIS, tryLock } from '@lever-assess/redis';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AccountUnavailableError } from './account-access.errors';
import { ACCOUNT_ACCESS_OPTIONS, leverOAuthRefreshLockKey, type AccountAccessOptions } from './account-access.options';

/** statusReason of an account whose OAuth grant Lever refused. */
export const LEVER_OAUTH_REVOKED = 'LEVER_OAUTH_REVOKED';
export const LEVER_OAUTH_REVOKED_MESSAGE = 'Lever refused the stored authorization; reconnect the account with OAuth';

const DEFAULT_MARGIN_MS = 2 * 60_000;
const LOCK_TTL_MS = 30_000;
/** How long a replica waits for another one's refresh before handing the job back to the queue. */
const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 50;

/**
 * Keeps an OAuth account's access token fresh: one refresh across every replica, because Lever
 * rotates the refresh token and a second refresh with the old one would be refused (and lose the
 * grant). A Redis lock per account around the refresh; the new tokens are stored with a
 * compare-and-set on the old sealed refresh token; a replica that finds the lock taken waits and
 * re-reads the tokens the winner stored instead of refreshing again.
 */
@Injectable()
export class LeverOAuthSession {
  private readonly logger = new Logger(LeverOAuthSession.name);
  private readonly marginMs: number;
  private readonly client: LeverOAuthClient | undefined;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly box: SecretBox,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly accountChanges: AccountChangesPublisher,
    @Inject(ACCOUNT_ACCESS_OPTIONS) private readonly options: AccountAccessOptions,
    // Provided as null when LEVER_OAUTH_* is not set.
    @Optional() @Inject(LeverOAuthClient) client?: LeverOAuthClient | null,
  ) {
    this.client = client ?? undefined;
    this.marginMs = options.leverOAuthRefreshMarginMs ?? DEFAULT_MARGIN_MS;
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** The plaintext access token of an OAuth account row. */
  accessToken(account: AccountWithSecrets): string {
    if (!account.leverOauthAccessTokenEnc) throw new AccountUnavailableError(account.id, AccountStatus.Disconnected, 'LEVER_NOT_CONNECTED');
    return this.box.decrypt(account.leverOauthAccessTokenEnc, accountSecretContext('leverOauthAccessTokenEnc', account.id));
  }

  /**
   * The account with an access token good for at least the margin: as read, or refreshed (here
   * or by another replica). `force` refreshes even a token that looks fresh, unless it has
   * already been replaced (Lever answered 401 for it).
   * @throws AccountUnavailableError (disconnected, LEVER_OAUTH_REVOKED) when Lever refused the refresh token
   * @throws LeverOAuthUnavailableError when Lever's OAuth server did not answer, or another replica's refresh took too long
   */
  async fresh(account: AccountWithSecrets, { force = false } = {}): Promise<AccountWithSecrets> {
    if (!force && !this.expiresSoon(account)) return account;
    if (!this.client) return account; // Not configured: the token works until it expires, then 401s.
    const usedRefresh = account.leverOauthRefreshTokenEnc;
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const lock = await tryLock(this.redis, leverOAuthRefreshLockKey(this.options.queuePrefix, account.id), LOCK_TTL_MS);
      // Another replica may have refreshed while we were reading or waiting: use its tokens.
      const current = await this.reread(account.id);
      if (current.leverOauthRefreshTokenEnc !== usedRefresh || current.leverAuthKind !== 'oauth') {
        await lock?.release();
        return current;
      }
      if (lock) {
        try {
          return await this.refresh(current);
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > deadline) throw new LeverOAuthUnavailableError('another replica is still refreshing the token');
      await pause(POLL_MS);
    }
  }

  private async refresh(account: AccountWithSecrets): Promise<AccountWithSecrets> {
    const oldRefreshEnc = account.leverOauthRefreshTokenEnc as string;
    const refreshToken = this.box.decrypt(oldRefreshEnc, accountSecretContext('leverOauthRefreshTokenEnc', account.id));
    let tokens;
    try {
      tokens = await (this.client as LeverOAuthClient).refresh(refreshToken);
    } catch (err) {
      if (err instanceof LeverOAuthGrantError) await this.revoked(account.id, oldRefreshEnc);
      throw err instanceof LeverOAuthGrantError
        ? new AccountUnavailableError(account.id, AccountStatus.Disconnected, LEVER_OAUTH_REVOKED)
        : err;
    }
    // Stored whatever happened to the lock meanwhile: the old refresh token is dead at Lever now,
    // so the rotated one must not be lost. The compare-and-set keeps a newer one if there is one.
    const stored = await this.accounts.replaceOAuthTokensIf(account.id, oldRefreshEnc, {
      accessTokenEnc: this.box.encrypt(tokens.accessToken, accountSecretContext('leverOauthAccessTokenEnc', account.id)),
      refreshTokenEnc: this.box.encrypt(tokens.refreshToken, accountSecretContext('leverOauthRefreshTokenEnc', account.id)),
      expiresAt: tokens.expiresAt,
    });
    if (!stored)
      this.logger.warn({ accountId: account.id, msg: 'OAuth tokens changed during our refresh (reconnected?): kept the stored ones' });
    else this.logger.log({ accountId: account.id, expiresAt: tokens.expiresAt.toISOString(), msg: 'Lever OAuth token refreshed' });
    return this.reread(account.id);
  }

  /**
   * Marks the account disconnected while it still holds the refused refresh token, so a grant an
   * admin has just renewed is left alone; announces it and shows the reason as its health.
   */
  async revoked(accountId: string, refreshTokenEnc: string | null): Promise<boolean> {
    if (!refreshTokenEnc || !(await this.accounts.markDisconnectedIfRefreshToken(accountId, refreshTokenEnc, LEVER_OAUTH_REVOKED)))
      return false;
    await this.accounts.recordHealthIfOAuth(accountId, { status: KeyHealthStatus.KeyRevoked, problem: LEVER_OAUTH_REVOKED_MESSAGE });
    await this.accountChanges.announce(accountId);
    this.logger.warn({ accountId, reason: LEVER_OAUTH_REVOKED }, 'Lever OAuth grant refused: account marked disconnected');
    return true;
  }

  private expiresSoon(account: AccountWithSecrets): boolean {
    return !account.leverOauthExpiresAt || account.leverOauthExpiresAt.getTime() - Date.now() <= this.marginMs;
  }

  private async reread(accountId: string): Promise<AccountWithSecrets> {
    const account = await this.accounts.findByIdWithSecrets(accountId);
    if (!account) throw new AccountUnavailableError(accountId, 'missing');
    return account;
  }
}
