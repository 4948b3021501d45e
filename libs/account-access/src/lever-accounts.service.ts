import { SecretBox } from '@lever-assess/common';
import { AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import {
  CONFIDENTIAL_ACCESS_FIX,
  LeverAuthError,
  LeverClient,
  LeverError,
  LeverOAuthUnavailableError,
  LeverPermissionError,
  LeverRateLimitedError,
  type LeverAuth,
} from '@lever-assess/lever-client';
import { AccountsRepository, accountSecretContext, type AccountWithSecrets } from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AccountUnavailableError } from './account-access.errors';
import { AccountConfigCache } from './account-config.cache';
import { LEVER_OAUTH_REVOKED, LEVER_OAUTH_REVOKED_MESSAGE, LeverOAuthSession } from './lever-oauth.session';

/** An account ready to be acted for in Lever. */
export interface LeverAccount {
  account: AccountWithSecrets;
  auth: LeverAuth;
  /** `perform_as` for writes; null when the account has none configured. */
  performAs: string | null;
}

/**
 * A job's Lever work: how many requests it will make, and the id under which its reserved turn
 * of the key's budget is kept while the job waits for it (stable across the job's runs).
 */
export interface LeverBudget {
  requests: number;
  holdId: string;
}

/** What a key check found; `skipped` when the key's budget had no turn for it now (tried next round). */
export type KeyHealthResult = { status: KeyHealthStatus; problem: string | null } | 'skipped';

/**
 * The one way workers reach Lever for an account: decrypts the key, refuses accounts that are
 * disabled or known disconnected (no point hammering Lever with a revoked key), and marks the
 * account disconnected the moment Lever answers 401, telling the gateway's cache through pub/sub.
 */
@Injectable()
export class LeverAccountsService {
  private readonly logger = new Logger(LeverAccountsService.name);
  /**
   * Lever keys of the rows the workers' cache keeps, decrypted once per row: every job of an
   * account shares the cached (frozen) row until a change drops it, so the key is not decrypted
   * again for each job (2-3% of a worker's profiled time under load; docs/performance.md, tenth round). The
   * entry goes with the row. A row read without the cache is decrypted each time.
   */
  private readonly cachedApiKeys = new WeakMap<AccountWithSecrets, string>();

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly box: SecretBox,
    readonly lever: LeverClient,
    private readonly accountChanges: AccountChangesPublisher,
    /** OAuth accounts' token refresh; without it they use the stored access token as it is. */
    @Optional() @Inject(LeverOAuthSession) private readonly oauth?: LeverOAuthSession,
    /** Worker apps keep the account's row in memory (dropped on every announced change); config-api reads it each time. */
    @Optional() private readonly cache?: AccountConfigCache,
  ) {}

  /**
   * `anyStatus` is for the connection test, which must reach Lever precisely when the account is
   * disconnected (to find out whether a new key works). `fresh` reads the row from PostgreSQL even
   * where it is kept in memory (the key check reads its health fields, which change unannounced).
   * @throws AccountUnavailableError when missing, or (without anyStatus) disabled or disconnected
   * @throws SecretDecryptionError when the stored key cannot be decrypted with ENCRYPTION_KEY
   */
  async open(accountId: string, { anyStatus = false, fresh = false } = {}): Promise<LeverAccount> {
    const account = this.cache && !fresh ? await this.cache.account(accountId) : await this.accounts.findByIdWithSecrets(accountId);
    if (!account) throw new AccountUnavailableError(accountId, 'missing');
    if (!anyStatus && account.status !== AccountStatus.Active)
      throw new AccountUnavailableError(accountId, account.status, account.statusReason);
    if (account.leverAuthKind === 'oauth') return this.openOAuth(account);
    if (!account.leverApiKeyEnc)
      throw new AccountUnavailableError(accountId, AccountStatus.Disconnected, account.statusReason ?? 'LEVER_NOT_CONNECTED');
    return {
      account,
      auth: {
        accountId,
        apiKey: this.apiKeyOf(account, account.leverApiKeyEnc),
        // The account's region (EU and others); absent: the client's LEVER_API_URL.
        ...(account.leverApiUrl ? { baseUrl: account.leverApiUrl } : {}),
      },
      performAs: account.performAsUserId,
    };
  }

  private apiKeyOf(account: AccountWithSecrets, sealed: string): string {
    const kept = this.cachedApiKeys.get(account);
    if (kept !== undefined) return kept;
    const apiKey = this.box.decrypt(sealed, accountSecretContext('leverApiKeyEnc', account.id));
    if (Object.isFrozen(account)) this.cachedApiKeys.set(account, apiKey);
    return apiKey;
  }

  /** An OAuth account: its access token, refreshed first when it expires within the margin (or `force`). */
  private async openOAuth(account: AccountWithSecrets, force = false): Promise<LeverAccount> {
    const current = this.oauth ? await this.oauth.fresh(account, { force }) : account;
    // An admin pasted an API key meanwhile: the account is on its key again.
    if (current.leverAuthKind !== 'oauth' || !current.leverOauthAccessTokenEnc) return this.open(current.id, { fresh: true });
    const accessToken = this.box.decrypt(current.leverOauthAccessTokenEnc, accountSecretContext('leverOauthAccessTokenEnc', current.id));
    const auth = { accountId: current.id, accessToken, ...(current.leverApiUrl ? { baseUrl: current.leverApiUrl } : {}) };
    return { account: current, auth, performAs: current.performAsUserId };
  }

  /**
   * Runs Lever calls for an account (its id, or the account `open` gave); a 401 marks the account disconnected (reason
   * LEVER_KEY_REVOKED, unless the key was replaced meanwhile) before the error propagates, so later jobs stop at `open`. With a
   * `budget` (or a function of the opened account giving it), the calls run on a reserved turn of
   * the key's budget; when that turn is not now, LeverRateLimitedError says when (the queue
   * delays the job, which then finds its turn).
   */
  async withLever<T>(
    account: string | LeverAccount,
    work: (access: LeverAccount, lever: LeverClient) => Promise<T>,
    budget?: LeverBudget | ((access: LeverAccount) => LeverBudget),
  ): Promise<T> {
    // A job that already opened the account passes it: one Postgres read per job, not two.
    const access = typeof account === 'string' ? await this.open(account) : account;
    try {
      if (!budget) return await work(access, this.lever);
      const { requests, holdId } = typeof budget === 'function' ? budget(access) : budget;
      return await this.lever.withBudget(access.auth, requests, holdId, () => work(access, this.lever));
    } catch (err) {
      if (err instanceof LeverAuthError && err.credential === 'oauth' && this.oauth?.configured) {
        // A 401 on an access token: one refresh (unless another replica already did) and one retry.
        return this.retryWithFreshToken(access, work, err);
      }
      await this.recordRefusal(access, err);
      throw err;
    }
  }

  /**
   * What a Lever refusal says about the account, whichever job met it first: a 401 disconnects it
   * and records `key_revoked` in the same UPDATE (the reason and problem default to the error's);
   * a 403 records the missing permission. Both show on the account (GET /v1/accounts/:id).
   */
  private async recordRefusal(access: LeverAccount, err: unknown, revoked?: { reason: string; problem: string }): Promise<void> {
    if (err instanceof LeverAuthError) {
      await this.markDisconnected(access, revoked?.reason ?? err.code, {
        status: KeyHealthStatus.KeyRevoked,
        problem: revoked?.problem ?? err.message,
      });
    } else if (err instanceof LeverPermissionError) {
      await this.recordHealth(access, KeyHealthStatus.MissingPermission, err.message);
    }
  }

  private async retryWithFreshToken<T>(
    access: LeverAccount,
    work: (access: LeverAccount, lever: LeverClient) => Promise<T>,
    first: LeverAuthError,
  ): Promise<T> {
    const refreshed = await this.openOAuth(access.account, true);
    try {
      // The retry's requests take turns from the shared limiter (the reserved turn was spent).
      return await work(refreshed, this.lever);
    } catch (err) {
      await this.recordRefusal(refreshed, err, {
        reason: LEVER_OAUTH_REVOKED,
        problem: `${first.message} Refreshed, and Lever refused the new token too.`,
      });
      throw err;
    }
  }

  /**
   * The scheduled key check (DESIGN.md "Key health"): one cheap read, the list of opportunities
   * with limit 1 (the permission every flow needs), on the key's budget like any job. A 401 marks
   * the account disconnected (withLever), a 403 records the missing permission; either way the
   * account shows it as `health`. Only active accounts are checked: a disconnected one waits for a
   * new key, and its check starts again once an admin pastes it.
   */
  async checkKeyHealth(accountId: string, holdId: string): Promise<KeyHealthResult> {
    let access: LeverAccount | undefined;
    try {
      access = await this.open(accountId, { fresh: true });
      await this.withLever(access, ({ auth }, lever) => lever.listOpportunities(auth, { limit: 1, confidentiality: 'all' }), {
        requests: 1,
        holdId,
      });
    } catch (err) {
      // No turn of the key's budget now, or Lever's OAuth server did not answer: the next round tries again.
      if (err instanceof LeverRateLimitedError || err instanceof LeverOAuthUnavailableError) return 'skipped';
      // An OAuth account whose refresh Lever refused is already marked (LEVER_OAUTH_REVOKED) by the session.
      if (err instanceof AccountUnavailableError && err.reason === LEVER_OAUTH_REVOKED)
        return { status: KeyHealthStatus.KeyRevoked, problem: LEVER_OAUTH_REVOKED_MESSAGE };
      if (err instanceof LeverAuthError) return { status: KeyHealthStatus.KeyRevoked, problem: err.message };
      if (err instanceof LeverPermissionError) return { status: KeyHealthStatus.MissingPermission, problem: err.message };
      if (!(err instanceof LeverError) || !access) throw err;
      const problem = `Lever did not answer the key check (${err.code}); the key may be fine, the next check tries again.`;
      await this.recordHealth(access, KeyHealthStatus.Unreachable, problem);
      return { status: KeyHealthStatus.Unreachable, problem };
    }
    // Lists leave confidential candidates out for a key without that access, so this read cannot
    // see what a job found; a key's permissions cannot change, so only a new key clears it.
    const { healthStatus, healthProblem } = access.account;
    if (healthStatus === KeyHealthStatus.MissingPermission && healthProblem?.includes(CONFIDENTIAL_ACCESS_FIX)) {
      await this.recordHealth(access, healthStatus, healthProblem);
      return { status: healthStatus, problem: healthProblem };
    }
    await this.recordHealth(access, KeyHealthStatus.Ok, null);
    return { status: KeyHealthStatus.Ok, problem: null };
  }

  // Only while the account still holds the key the finding is about (an admin may have replaced it meanwhile).
  private async recordHealth(access: LeverAccount, status: KeyHealthStatus, problem: string | null): Promise<void> {
    if (access.account.leverAuthKind === 'oauth') await this.accounts.recordHealthIfOAuth(access.account.id, { status, problem });
    else await this.accounts.recordHealthIfKey(access.account.id, access.account.leverApiKeyEnc, { status, problem });
  }

  /**
   * Marks the account disconnected because Lever refused the key `access` was opened with, but
   * only while the account still holds that very key (compared sealed, in the UPDATE itself): a
   * late 401 for a key an admin has just replaced leaves the account as the admin left it. A
   * disabled account stays disabled. Resolves whether the account was marked.
   */
  async markDisconnected(
    access: LeverAccount,
    reason: string,
    health?: { status: KeyHealthStatus; problem: string | null },
  ): Promise<boolean> {
    const accountId = access.account.id;
    // An OAuth account is compared on its refresh token: a reconnect meanwhile stores a new one.
    const marked =
      access.account.leverAuthKind === 'oauth'
        ? !!access.account.leverOauthRefreshTokenEnc &&
          (await this.accounts.markDisconnectedIfRefreshToken(accountId, access.account.leverOauthRefreshTokenEnc, reason, health))
        : await this.accounts.markDisconnectedIfKey(accountId, access.account.leverApiKeyEnc, reason, health);
    if (!marked) {
      this.logger.log({
        accountId,
        reason,
        msg: 'Lever refused a key the account no longer holds (or the account is disabled): status kept',
      });
      return false;
    }
    await this.announceChange(accountId);
    this.logger.warn({ accountId, reason }, 'Lever connection broken: account marked disconnected');
    return true;
  }

  async markConnected(accountId: string): Promise<void> {
    if (await this.accounts.setStatus(accountId, AccountStatus.Active, null)) await this.announceChange(accountId);
  }

  /** Tells every process; this one drops its kept row first, so its own next job need not wait for the announcement. */
  private async announceChange(accountId: string): Promise<void> {
    this.cache?.forget(accountId);
    await this.accountChanges.announce(accountId);
  }
}
