import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { SecretDecryptionError } from '@lever-assess/common';
import { AccountStatus, KeyHealthStatus, allStatusTags } from '@lever-assess/domain';
import {
  CONFIDENTIAL_ACCESS_FIX,
  LeverAuthError,
  LeverClient,
  LeverError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  type LeverAuth,
  type LeverUser,
} from '@lever-assess/lever-client';
import { AccountsRepository } from '@lever-assess/persistence';
import { Injectable, Logger } from '@nestjs/common';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { AccountNotFoundError } from '../shared/errors/api.errors';
import type { ConnectionCheckDto, ConnectionCheckSeverity, ConnectionTestDto } from './dto/connection-test.dto';
import { LeverStagesService } from './lever-stages.service';
import { LeverWebhooksService, NOT_CONNECTED_FIX, WEBHOOKS_PERMISSION_FIX } from './lever-webhooks.service';

/** A warning passes (the connection works) but tells what may break later and how to prevent it. */
type Outcome = { ok: true; detail: string; warning?: string; fix?: string } | { ok: false; detail: string; fix?: string; error?: unknown };

/** No opportunity has this id: a write probe to it is refused (403) without the permission and answered 404 with it, and writes nothing. */
const PROBE_OPPORTUNITY_ID = '00000000-0000-0000-0000-000000000000';

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
    private readonly webhooks: LeverWebhooksService,
  ) {}

  async test(actor: AdminActor, accountId: string): Promise<ConnectionTestDto> {
    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(accountId, { anyStatus: true });
    } catch (err) {
      if (err instanceof AccountUnavailableError && err.status === 'missing') throw new AccountNotFoundError(accountId);
      if (err instanceof AccountUnavailableError) {
        // Created to connect with OAuth and not connected yet: nothing to call Lever with.
        const check = checkOf('connection', { ok: false, detail: 'The account has no Lever connection yet.', fix: NOT_CONNECTED_FIX });
        return this.finish(actor, null, accountId, err.status as AccountStatus, [check], null);
      }
      if (!(err instanceof SecretDecryptionError)) throw err;
      const account = await this.accounts.findById(accountId);
      if (!account) throw new AccountNotFoundError(accountId);
      const check = checkOf('storedKey', {
        ok: false,
        detail: 'The stored Lever API key cannot be decrypted with the configured ENCRYPTION_KEY.',
        fix: 'Save the key again with PATCH /v1/accounts/:id (or check ENCRYPTION_KEY / ENCRYPTION_KEYS_OLD on this server).',
      });
      return this.finish(actor, null, accountId, account.status, [check], null);
    }
    const { account, auth } = access;
    const checks: ConnectionCheckDto[] = [];
    let stopped: string | null = null;
    let keyFailure: string | null = null;

    const run = async (name: string, required: boolean, probe: () => Promise<Outcome>) => {
      if (stopped) {
        checks.push(checkOf(name, { ok: false, detail: `Not checked: ${stopped}` }));
        return;
      }
      const outcome = await probe().catch((err: unknown) => this.explain(err));
      checks.push(checkOf(name, outcome));
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
    // The user is read once: tagCreation asks again whether it is a super admin.
    let performer: LeverUser | null = null;
    await run('performAsUser', false, async () => {
      const { outcome, user } = await this.checkPerformAs(auth, account.performAsUserId);
      performer = user;
      return outcome;
    });
    // Writes cannot be tested without writing (lever-api.md 5): each probe writes to an opportunity
    // that does not exist, so Lever answers 403 without the permission and 404 with it.
    await run('writeTags', false, () =>
      this.probeWrite('tags', () => this.lever.addTags(auth, PROBE_OPPORTUNITY_ID, [`${account.tagPrefix} - Sent`])),
    );
    await run('writeLinks', false, () =>
      this.probeWrite('links', () => this.lever.addLinks(auth, PROBE_OPPORTUNITY_ID, ['https://example.invalid/'])),
    );
    await run('writeNotes', false, () =>
      this.probeWrite('notes', () => this.lever.createNote(auth, PROBE_OPPORTUNITY_ID, { value: 'lever-assess permission check' })),
    );
    await run('confidentialAccess', false, () => this.checkConfidential(access));
    const tagsWritable = checks.find((c) => c.name === 'writeTags')?.ok === true;
    await run('tagCreation', false, () => this.checkTagCreation(access, tagsWritable, performer));
    await run('webhooks', false, () => this.checkWebhooks(access));

    const requiredPassed = checks.filter((c) => c.name === 'stages' || c.name === 'opportunities').every((c) => c.ok);
    return this.finish(actor, access, accountId, account.status, checks, keyFailure ?? (requiredPassed ? 'connected' : null));
  }

  /** `user`: the perform-as user when Lever has it (deactivated or not), for the later checks. */
  private async checkPerformAs(auth: LeverAuth, userId: string | null): Promise<{ outcome: Outcome; user: LeverUser | null }> {
    if (!userId) {
      const outcome: Outcome = {
        ok: true,
        detail: 'No perform-as user configured (optional): tags and notes will be written without an author.',
        warning: 'Writes are not attributed to anyone in Lever.',
        fix: "Set lever.performAsUserId to your integration user's Lever id (PATCH /v1/accounts/:id).",
      };
      return { outcome, user: null };
    }
    try {
      const user = await this.lever.getUser(auth, userId);
      if (user.deactivatedAt) {
        const outcome: Outcome = {
          ok: false,
          detail: `The perform-as user ${user.name} is deactivated in Lever.`,
          fix: 'Choose an active user as lever.performAsUserId.',
        };
        return { outcome, user };
      }
      return { outcome: { ok: true, detail: `Writes will be made as ${user.name}` }, user };
    } catch (err) {
      if (!(err instanceof LeverNotFoundError)) throw err;
      const outcome: Outcome = {
        ok: false,
        detail: `No Lever user has the id ${userId}.`,
        fix: "Set lever.performAsUserId to an existing user's id.",
        error: err,
      };
      return { outcome, user: null };
    }
  }

  /** Plain words for each failure kind (lever-api.md 5); the key itself never appears. */
  private explain(err: unknown): Outcome {
    if (err instanceof LeverAuthError) {
      return { ok: false, error: err, detail: 'Lever rejected the API key: it is invalid or was revoked.', fix: `${NEW_KEY_HINT}.` };
    }
    if (err instanceof LeverPermissionError) {
      return {
        ok: false,
        error: err,
        detail: `The API key is missing a permission for ${err.endpoint}.`,
        fix: `Lever key permissions cannot be edited: ${NEW_KEY_HINT.charAt(0).toLowerCase()}${NEW_KEY_HINT.slice(1)}, with that permission.`,
      };
    }
    if (err instanceof LeverUnavailableError) {
      return {
        ok: false,
        error: err,
        detail: 'Lever could not be reached (network error, timeout or Lever maintenance).',
        fix: "Check the account's Lever API URL (or LEVER_API_URL) and the network, then test again.",
      };
    }
    if (err instanceof LeverRateLimitedError) {
      return {
        ok: false,
        error: err,
        detail: 'Lever is rate-limiting this key.',
        fix: `Test again in ${Math.ceil(err.retryAfterMs / 1000)} s.`,
      };
    }
    if (err instanceof LeverError) return { ok: false, error: err, detail: err.message };
    throw err;
  }

  /** A write permission: 404 on the probe opportunity means the key may write there. */
  private async probeWrite(what: 'tags' | 'links' | 'notes', write: () => Promise<unknown>): Promise<Outcome> {
    const uses = { tags: 'status tags', links: 'report links', notes: 'result notes' }[what];
    try {
      await write();
    } catch (err) {
      if (err instanceof LeverNotFoundError) return { ok: true, detail: `The key can write ${what} (${uses})` };
      if (err instanceof LeverPermissionError) {
        return {
          ok: false,
          error: err,
          detail: `The API key may not write ${what}: ${uses} cannot be shown in Lever.`,
          fix: `${NEW_KEY_HINT}, with write permission for ${err.endpoint}.`,
        };
      }
      throw err;
    }
    return { ok: true, detail: `The key can write ${what} (${uses})` };
  }

  /**
   * Lists leave out confidential candidates for a key without that access, so a key cannot be
   * caught lacking it until one is refused: a job that met such a refusal recorded it on the
   * account (health), and it stays until a new key is saved.
   */
  private async checkConfidential({ auth, account }: LeverAccount): Promise<Outcome> {
    if (account.healthProblem?.includes(CONFIDENTIAL_ACCESS_FIX)) {
      return {
        ok: false,
        detail: `Lever refused a confidential candidate to this key: ${account.healthProblem}`,
        fix: `Confidential candidates get no tests or results until then: ${CONFIDENTIAL_ACCESS_FIX} ("Allow access to confidential data") and save it with PATCH /v1/accounts/:id.`,
      };
    }
    const page = await this.lever.listOpportunities(auth, { limit: 1, confidentiality: 'confidential' });
    if (page.data.length > 0) return { ok: true, detail: 'The key can see confidential candidates' };
    return {
      ok: true,
      detail: 'No confidential candidate is visible to the key: either there are none, or the key was created without confidential access.',
      warning: 'If you hire confidentially, those candidates would be refused.',
      fix: `If you hire confidentially: ${CONFIDENTIAL_ACCESS_FIX} ("Allow access to confidential data").`,
    };
  }

  /**
   * Lever can restrict creating new tags to super admins. The status tags exist once any candidate
   * has carried them; until then they are created by the first write, which such a Lever refuses
   * unless the perform-as user is a super admin. The setting cannot be read, so this warns.
   */
  private async checkTagCreation({ auth, account }: LeverAccount, tagsWritable: boolean, performer: LeverUser | null): Promise<Outcome> {
    // A job was refused adding a tag although the key may write tags: only a new tag can be refused.
    if (tagsWritable && account.healthStatus === KeyHealthStatus.MissingPermission && account.healthProblem?.includes('/addTags')) {
      return {
        ok: false,
        detail: 'Lever refused to add a status tag although the key may write tags: this Lever lets only super admins create new tags.',
        fix: 'Create the status tags once in Lever (add them to any candidate and remove them), or set a super admin as lever.performAsUserId; then retry the failed lever-sync jobs.',
      };
    }
    const inUse = new Set((await this.lever.listTags(auth)).map((t) => t.text));
    const missing = allStatusTags(account.tagPrefix).filter((t) => !inUse.has(t));
    if (missing.length === 0) return { ok: true, detail: 'Every status tag already exists in Lever' };
    if (performer?.accessRole === 'super admin') {
      return { ok: true, detail: `New status tags will be created by ${performer.name}, a super admin` };
    }
    return {
      ok: true,
      detail: `${missing.length} status tag(s) do not exist in Lever yet: ${missing.join(', ')}.`,
      warning: 'If your Lever lets only super admins create tags, status tags will be refused.',
      fix: 'Create these tags once in Lever (add them to any candidate and remove them), or set a super admin as lever.performAsUserId.',
    };
  }

  private async checkWebhooks(access: LeverAccount): Promise<Outcome> {
    const report = await this.webhooks.inspect(access);
    // Set up by hand: nothing registered here, but the admin saved a token from Lever's settings.
    const byHand = access.account.leverWebhooks === null && !!access.account.leverSignatureTokenEnc;
    if (!report.canManage) {
      return byHand
        ? {
            ok: true,
            detail: 'The webhooks are set up by hand in Lever; the key may not read them, so they were not checked.',
            warning: 'A webhook switched off or limited to some origins in Lever would go unnoticed.',
            fix: WEBHOOKS_PERMISSION_FIX,
          }
        : { ok: false, detail: 'The key may not read webhooks.', fix: WEBHOOKS_PERMISSION_FIX };
    }
    if (report.ok) return { ok: true, detail: `Every event has its webhook at ${report.webhookUrl}. ${report.reminder}` };
    const problems = report.events.filter((e) => e.status !== 'ok');
    if (byHand && problems.every((e) => e.status === 'missing')) {
      return {
        ok: true,
        detail:
          "No webhook is registered through Lever's API; they are presumably set up by hand in Lever's settings (the API cannot see those).",
        warning: 'Webhooks set up by hand cannot be checked from here.',
        fix: 'Run "register webhooks" (POST /v1/accounts/:id/lever/webhooks/sync) to have them registered and checked, then remove the hand-made ones in Lever.',
      };
    }
    return {
      ok: false,
      detail: problems.map((e) => e.problem).join(' '),
      fix: 'Run "register webhooks" (POST /v1/accounts/:id/lever/webhooks/sync): it creates the missing ones, re-points and repairs the others.',
    };
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

/** A check as the API shows it: `ok` stays true for a warning; `fix` says what to do in plain words. */
function checkOf(name: string, outcome: Outcome): ConnectionCheckDto {
  const severity: ConnectionCheckSeverity = !outcome.ok ? 'failed' : outcome.warning ? 'warning' : 'passed';
  return {
    name,
    ok: outcome.ok,
    severity,
    detail: outcome.ok && outcome.warning ? `${outcome.detail} ${outcome.warning}` : outcome.detail,
    fix: outcome.fix ?? null,
  };
}
