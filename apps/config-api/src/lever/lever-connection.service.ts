import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { SecretDecryptionError } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import {
  LeverAuthError,
  LeverClient,
  LeverError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  type LeverAuth,
} from '@lever-assess/lever-client';
import { AccountsRepository } from '@lever-assess/persistence';
import { Injectable, Logger } from '@nestjs/common';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { AccountNotFoundError } from '../shared/errors/api.errors';
import type { ConnectionCheckDto, ConnectionTestDto } from './dto/connection-test.dto';
import { LeverStagesService } from './lever-stages.service';

type Outcome = { ok: true; detail: string } | { ok: false; detail: string; error?: unknown };

const NEW_KEY_HINT =
  'Create a new key in Lever (Settings > Integrations and API > API Credentials) and save it with PATCH /v1/accounts/:id';

/**
 * "Test connection" with the calls the integration really needs (lever-api.md 4.8): stages,
 * opportunities, and the perform-as user. It talks to Lever directly, not through withLever,
 * because that refuses disconnected accounts, and re-testing one is the point. A rejected key
 * (401) or a missing required permission (403) marks the account disconnected; all required
 * checks passing reconnects a disconnected account (a disabled one stays disabled).
 */
@Injectable()
export class LeverConnectionService {
  private readonly logger = new Logger(LeverConnectionService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly lever: LeverClient,
    private readonly leverAccounts: LeverAccountsService,
    private readonly stages: LeverStagesService,
    private readonly audit: AuditService,
  ) {}

  async test(actor: AdminActor, accountId: string): Promise<ConnectionTestDto> {
    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(accountId, { anyStatus: true });
    } catch (err) {
      if (err instanceof AccountUnavailableError) throw new AccountNotFoundError(accountId);
      if (!(err instanceof SecretDecryptionError)) throw err;
      const account = await this.accounts.findById(accountId);
      if (!account) throw new AccountNotFoundError(accountId);
      const check = {
        name: 'storedKey',
        ok: false,
        detail:
          'The stored Lever API key cannot be decrypted with the configured ENCRYPTION_KEY; save the key again with PATCH /v1/accounts/:id',
      };
      return this.finish(actor, null, accountId, account.status, [check], null);
    }
    const { account, auth } = access;
    const checks: ConnectionCheckDto[] = [];
    let stopped: string | null = null;
    let keyFailure: string | null = null;

    const run = async (name: string, required: boolean, probe: () => Promise<Outcome>) => {
      if (stopped) {
        checks.push({ name, ok: false, detail: `Not checked: ${stopped}` });
        return;
      }
      const outcome = await probe().catch((err: unknown) => this.explain(err));
      checks.push({ name, ok: outcome.ok, detail: outcome.detail });
      if (outcome.ok) return;
      const error = outcome.error;
      if (error instanceof LeverAuthError) {
        keyFailure = error.code;
        stopped = 'Lever rejected the API key';
      } else if (error instanceof LeverPermissionError && required) {
        keyFailure ??= error.code;
      } else if (error instanceof LeverUnavailableError || error instanceof LeverRateLimitedError) {
        stopped = error instanceof LeverUnavailableError ? 'Lever could not be reached' : 'Lever is rate-limiting this key';
      }
    };

    await run('stages', true, async () => {
      const stages = await this.lever.listStages(auth);
      this.stages.remember(accountId, stages);
      return { ok: true, detail: `The key can read stages (${stages.length} found)` };
    });
    await run('opportunities', true, async () => {
      // Like every list of ours: confidential candidates included when the key may see them.
      await this.lever.listOpportunities(auth, { limit: 1, confidentiality: 'all' });
      return { ok: true, detail: 'The key can read candidates (opportunities)' };
    });
    await run('performAsUser', false, () => this.checkPerformAs(auth, account.performAsUserId));

    const requiredPassed = checks.filter((c) => c.name === 'stages' || c.name === 'opportunities').every((c) => c.ok);
    return this.finish(actor, access, accountId, account.status, checks, keyFailure ?? (requiredPassed ? 'connected' : null));
  }

  private async checkPerformAs(auth: LeverAuth, userId: string | null): Promise<Outcome> {
    if (!userId) {
      return {
        ok: true,
        detail:
          'No perform-as user configured (optional): tags and notes will be written without an author. Set lever.performAsUserId to your integration user.',
      };
    }
    try {
      const user = await this.lever.getUser(auth, userId);
      if (user.deactivatedAt)
        return { ok: false, detail: `The perform-as user ${user.name} is deactivated in Lever; choose an active user` };
      return { ok: true, detail: `Writes will be made as ${user.name}` };
    } catch (err) {
      if (err instanceof LeverNotFoundError)
        return { ok: false, detail: `No Lever user has the id ${userId}; set lever.performAsUserId to an existing user's id`, error: err };
      throw err;
    }
  }

  /** Plain words for each failure kind (lever-api.md 5); the key itself never appears. */
  private explain(err: unknown): Outcome {
    if (err instanceof LeverAuthError) {
      return { ok: false, error: err, detail: `Lever rejected the API key: it is invalid or was revoked. ${NEW_KEY_HINT}.` };
    }
    if (err instanceof LeverPermissionError) {
      return {
        ok: false,
        error: err,
        detail: `The API key is missing a permission for ${err.endpoint}. Lever key permissions cannot be edited: ${NEW_KEY_HINT.charAt(0).toLowerCase()}${NEW_KEY_HINT.slice(1)}, with that permission.`,
      };
    }
    if (err instanceof LeverUnavailableError) {
      return {
        ok: false,
        error: err,
        detail:
          'Lever could not be reached (network error, timeout or Lever maintenance). Check LEVER_API_URL and the network, then test again.',
      };
    }
    if (err instanceof LeverRateLimitedError) {
      return { ok: false, error: err, detail: `Lever is rate-limiting this key; test again in ${Math.ceil(err.retryAfterMs / 1000)} s.` };
    }
    if (err instanceof LeverError) return { ok: false, error: err, detail: err.message };
    throw err;
  }

  /** `access`: the account as the checks read it (its key), null when the key could not be opened. */
  private async finish(
    actor: AdminActor,
    access: LeverAccount | null,
    accountId: string,
    statusBefore: AccountStatus,
    checks: ConnectionCheckDto[],
    verdict: string | null,
  ): Promise<ConnectionTestDto> {
    let status = statusBefore;
    if (verdict === 'connected') {
      if (statusBefore === AccountStatus.Disconnected) {
        await this.leverAccounts.markConnected(accountId);
        status = AccountStatus.Active;
      }
    } else if (verdict && access && statusBefore !== AccountStatus.Disabled) {
      // Only if the account still holds the key that failed: a key saved during the test is not condemned by it.
      if (await this.leverAccounts.markDisconnected(access, verdict)) status = AccountStatus.Disconnected;
      else status = (await this.accounts.findById(accountId))?.status ?? statusBefore;
    }
    const ok = checks.every((c) => c.ok);
    await this.audit.record(actor, {
      action: 'account.lever.test-connection',
      accountId,
      entityType: 'account',
      entityId: accountId,
      details: { ok, failed: checks.filter((c) => !c.ok).map((c) => c.name), statusBefore, statusAfter: status },
    });
    this.logger.log({ accountId, ok, status, msg: 'Lever connection tested' });
    return { ok, checks, accountStatus: status };
  }
}
