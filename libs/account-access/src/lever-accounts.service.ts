import { SecretBox } from '@lever-assess/common';
import { AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import {
  CONFIDENTIAL_ACCESS_FIX,
  LeverAuthError,
  LeverClient,
  LeverError,
  LeverPermissionError,
  LeverRateLimitedError,
  type LeverAuth,
} from '@lever-assess/lever-client';
import { AccountsRepository, accountSecretContext, type AccountWithSecrets } from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import { Injectable, Logger } from '@nestjs/common';
import { AccountUnavailableError } from './account-access.errors';

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

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly box: SecretBox,
    readonly lever: LeverClient,
    private readonly accountChanges: AccountChangesPublisher,
  ) {}

  /**
   * `anyStatus` is for the connection test, which must reach Lever precisely when the account is
   * disconnected (to find out whether a new key works).
   * @throws AccountUnavailableError when missing, or (without anyStatus) disabled or disconnected
   * @throws SecretDecryptionError when the stored key cannot be decrypted with ENCRYPTION_KEY
   */
  async open(accountId: string, { anyStatus = false } = {}): Promise<LeverAccount> {
    const account = await this.accounts.findByIdWithSecrets(accountId);
    if (!account) throw new AccountUnavailableError(accountId, 'missing');
    if (!anyStatus && account.status !== AccountStatus.Active)
      throw new AccountUnavailableError(accountId, account.status, account.statusReason);
    return {
      account,
      auth: {
        accountId,
        apiKey: this.box.decrypt(account.leverApiKeyEnc, accountSecretContext('leverApiKeyEnc', accountId)),
        // The account's region (EU and others); absent: the client's LEVER_API_URL.
        ...(account.leverApiUrl ? { baseUrl: account.leverApiUrl } : {}),
      },
      performAs: account.performAsUserId,
    };
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
      if (err instanceof LeverAuthError) {
        await this.markDisconnected(access, err.code, { status: KeyHealthStatus.KeyRevoked, problem: err.message });
      } else if (err instanceof LeverPermissionError) {
        // Shown on the account (GET /v1/accounts/:id), whichever job met it first.
        await this.recordHealth(access, KeyHealthStatus.MissingPermission, err.message);
      }
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
    const access = await this.open(accountId);
    try {
      await this.withLever(access, ({ auth }, lever) => lever.listOpportunities(auth, { limit: 1, confidentiality: 'all' }), {
        requests: 1,
        holdId,
      });
    } catch (err) {
      if (err instanceof LeverRateLimitedError) return 'skipped';
      if (err instanceof LeverAuthError) return { status: KeyHealthStatus.KeyRevoked, problem: err.message };
      if (err instanceof LeverPermissionError) return { status: KeyHealthStatus.MissingPermission, problem: err.message };
      if (!(err instanceof LeverError)) throw err;
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
    await this.accounts.recordHealthIfKey(access.account.id, access.account.leverApiKeyEnc, { status, problem });
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
    if (!(await this.accounts.markDisconnectedIfKey(accountId, access.account.leverApiKeyEnc, reason, health))) {
      this.logger.log({
        accountId,
        reason,
        msg: 'Lever refused a key the account no longer holds (or the account is disabled): status kept',
      });
      return false;
    }
    await this.accountChanges.announce(accountId);
    this.logger.warn({ accountId, reason }, 'Lever connection broken: account marked disconnected');
    return true;
  }

  async markConnected(accountId: string): Promise<void> {
    if (await this.accounts.setStatus(accountId, AccountStatus.Active, null)) await this.accountChanges.announce(accountId);
  }
}
