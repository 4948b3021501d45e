import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { SecretBox } from '@lever-assess/common';
import { LeverEventName } from '@lever-assess/domain';
import { LEVER_WEBHOOK_ORIGINS, LeverClient, LeverPermissionError, type LeverWebhook } from '@lever-assess/lever-client';
import { AccountsRepository, accountSecretContext, type AccountWithSecrets, type RegisteredLeverWebhooks } from '@lever-assess/persistence';
import { AccountChangesPublisher, REDIS, tryLock } from '@lever-assess/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { webhookUrl } from '../accounts/dto/account-response.dto';
import type { ConfigApiEnv } from '../config';
import { CONFIG_API_ENV } from '../config-api.tokens';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { AccountNotFoundError, ConflictApiError } from '../shared/errors/api.errors';
import type { WebhookEventCheckDto, WebhookEventStatus, WebhooksCheckDto, WebhooksSyncDto, WebhookSyncAction } from './dto/webhooks.dto';

/** Every event the product acts on gets a webhook (DESIGN.md "Lifecycle"). */
export const MANAGED_WEBHOOK_EVENTS: readonly string[] = Object.values(LeverEventName);
/** Lever offers origin conditions on these (lever-api.md 3.1); candidateDeleted has none. */
const EVENTS_WITH_ORIGINS: ReadonlySet<string> = new Set([LeverEventName.StageChange, LeverEventName.ArchiveChange, LeverEventName.Hired]);

const SYNC_LOCK_TTL_MS = 60_000;

export const WEBHOOKS_PERMISSION_FIX =
  'The Lever connection has no webhooks permission. Either connect with OAuth (it asks for webhooks:write:admin) or create a key with webhooks read and write, or set the webhooks up by hand in Lever (Settings > Integrations and API > Webhooks) with the URL shown here and save each signature token with PATCH /v1/accounts/:id.';
export const NOT_CONNECTED_FIX =
  'The account has no Lever connection yet: paste an API key (PATCH /v1/accounts/:id with lever.apiKey) or connect with OAuth (POST /v1/accounts/:id/lever/oauth/start).';
const SWITCH_ON_REMINDER =
  'Lever sends nothing until a Super Admin switches the webhook group on in Settings > Integrations and API > Webhooks.';

interface Plan {
  event: string;
  /** The webhook of ours whose token we hold, if any. */
  keep: LeverWebhook | null;
  /** Ours too, but extra (or of unknown token when nothing is kept): they go. */
  extras: LeverWebhook[];
}

/**
 * Webhooks registered through Lever's API (lever-api.md 4.9): `sync` creates or repairs one
 * webhook per event pointing at the account's URL, with no origin conditions, and stores each
 * returned signature token sealed; `check` compares what Lever has with what it should have.
 * A webhook is the account's when its URL ends with the account's webhook path (whatever the
 * host) or its id is one a sync recorded; webhooks of other integrations are never touched.
 * Like the connection test, it talks to Lever directly: a 403 here is an optional permission, not
 * a broken key, so it must not mark the key's health.
 */
@Injectable()
export class LeverWebhooksService {
  private readonly logger = new Logger(LeverWebhooksService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly leverAccounts: LeverAccountsService,
    private readonly lever: LeverClient,
    private readonly box: SecretBox,
    private readonly changes: AccountChangesPublisher,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
  ) {}

  async check(accountId: string): Promise<WebhooksCheckDto> {
    return this.inspect(await this.openAccount(accountId));
  }

  /** The check of an account already opened (the connection test has it at hand). */
  async inspect(access: LeverAccount): Promise<WebhooksCheckDto> {
    const url = this.urlFor(access);
    let listed: LeverWebhook[];
    try {
      listed = await this.lever.listWebhooks(access.auth);
    } catch (err) {
      if (!(err instanceof LeverPermissionError)) throw err;
      return { ok: false, canManage: false, webhookUrl: url, problem: WEBHOOKS_PERMISSION_FIX, reminder: SWITCH_ON_REMINDER, events: [] };
    }
    const events = this.plan(access, listed).map((p) => this.judge(p, url, access.account.leverWebhooks));
    return {
      ok: events.every((e) => e.status === 'ok'),
      canManage: true,
      webhookUrl: url,
      problem: null,
      reminder: SWITCH_ON_REMINDER,
      events,
    };
  }

  /**
   * One sync per account at a time (two would each create a webhook), and the account is read
   * under the lock: a sync that waited must see the webhooks the one before it recorded. New
   * webhooks' tokens are stored before any old webhook is deleted, so a failure halfway leaves
   * deliveries verifiable.
   * @throws ConflictApiError 409 LEVER_WEBHOOKS_PERMISSION_MISSING (nothing changed), LEVER_NOT_CONNECTED or LEVER_WEBHOOKS_SYNC_RUNNING
   */
  sync(actor: AdminActor, accountId: string): Promise<WebhooksSyncDto> {
    return this.syncUnderLock(actor, accountId, { onlyIfManaged: false }) as Promise<WebhooksSyncDto>;
  }

  /**
   * After an account connects (created with a key, a new key, OAuth, a new webhook URL): registers
   * or repairs its webhooks when they are this service's to manage, i.e. a sync registered them
   * before, or the admin gave no stage-change token (nothing was set up by hand, which a sync
   * would otherwise replace). Never throws: a failure is logged and audited, the connection stands,
   * and GET .../lever/webhooks says what to fix.
   */
  async syncAfterConnect(actor: AdminActor, accountId: string): Promise<void> {
    try {
      await this.syncUnderLock(actor, accountId, { onlyIfManaged: true });
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      this.logger.warn({ accountId, problem, msg: 'Lever webhooks could not be registered after connecting' });
      await this.audit.record(actor, {
        action: 'account.lever.webhooks.sync-failed',
        accountId,
        entityType: 'account',
        entityId: accountId,
        details: { problem },
      });
    }
  }

  /** Null when `onlyIfManaged` and the account's webhooks are not this service's (or it has no connection yet). */
  private async syncUnderLock(
    actor: AdminActor,
    accountId: string,
    { onlyIfManaged }: { onlyIfManaged: boolean },
  ): Promise<WebhooksSyncDto | null> {
    const lock = await tryLock(this.redis, `${this.env.QUEUE_PREFIX}:lever-webhooks-sync:${accountId}`, SYNC_LOCK_TTL_MS);
    if (!lock) {
      throw new ConflictApiError(
        'LEVER_WEBHOOKS_SYNC_RUNNING',
        'A webhook sync of this account is already running; check again in a moment',
      );
    }
    try {
      let access: LeverAccount;
      try {
        access = await this.openAccount(accountId);
      } catch (err) {
        if (onlyIfManaged && (err instanceof ConflictApiError || err instanceof AccountNotFoundError)) return null;
        throw err;
      }
      const { leverWebhooks, leverSignatureTokenEnc } = access.account;
      if (onlyIfManaged && leverWebhooks === null && leverSignatureTokenEnc !== null) return null;
      return await this.syncLocked(actor, access);
    } catch (err) {
      if (err instanceof LeverPermissionError) throw new ConflictApiError('LEVER_WEBHOOKS_PERMISSION_MISSING', WEBHOOKS_PERMISSION_FIX);
      throw err;
    } finally {
      await lock.release();
    }
  }

  private async syncLocked(actor: AdminActor, access: LeverAccount): Promise<WebhooksSyncDto> {
    const { auth, account } = access;
    const url = this.urlFor(access);
    const plans = this.plan(access, await this.lever.listWebhooks(auth));
    const actions: Record<string, WebhookSyncAction> = {};
    const ids: Record<string, string> = {};
    const newTokens: Record<string, string> = {};

    const updates: { id: string; url: string; origins?: readonly string[] }[] = [];
    try {
      for (const p of plans) {
        const origins = everyOrigin(p.event);
        if (p.keep) {
          ids[p.event] = p.keep.id;
          const fine = p.keep.url === url && !limitedOrigins(p.event, p.keep);
          if (!fine) updates.push({ id: p.keep.id, url, origins });
          actions[p.event] = fine ? 'unchanged' : 'updated';
        } else {
          const created = await this.lever.createWebhook(auth, { event: p.event, url, origins });
          ids[p.event] = created.id;
          newTokens[p.event] = created.signatureToken;
          actions[p.event] = 'created';
        }
      }
      if (updates.length > 0) await this.lever.updateWebhooks(auth, updates);
    } catch (err) {
      // Lever shows a token only once: the webhooks created before the failure keep theirs, so
      // their deliveries verify now and the next sync keeps them instead of replacing them.
      if (Object.keys(newTokens).length > 0) {
        const recorded = { ...(account.leverWebhooks?.ids ?? {}), ...ids };
        const syncedAt = account.leverWebhooks?.syncedAt ?? new Date().toISOString();
        await this.store(account, newTokens, { url, ids: recorded, syncedAt });
        await this.changes.announce(account.id);
      }
      throw err;
    }

    const registered: RegisteredLeverWebhooks = { url, ids, syncedAt: new Date().toISOString() };
    await this.store(account, newTokens, registered);
    await this.changes.announce(account.id);

    let removed = 0;
    for (const p of plans) {
      for (const extra of p.extras) {
        await this.lever.deleteWebhook(auth, extra.id);
        removed++;
      }
    }
    await this.audit.record(actor, {
      action: 'account.lever.webhooks.sync',
      accountId: account.id,
      entityType: 'account',
      entityId: account.id,
      details: { url, actions, removed },
    });
    this.logger.log({ accountId: account.id, actions, removed, msg: 'Lever webhooks synced' });
    return {
      webhookUrl: url,
      events: plans.map((p) => ({ event: p.event, action: actions[p.event], webhookId: ids[p.event] })),
      removed,
      reminder: SWITCH_ON_REMINDER,
    };
  }

  /**
   * Stage-change token to its column, the others merged into the per-event map; both sealed to the
   * row. `row` is the account as opened under the sync's lock.
   */
  private async store(row: AccountWithSecrets, tokens: Record<string, string>, registered: RegisteredLeverWebhooks): Promise<void> {
    const accountId = row.id;
    const { [LeverEventName.StageChange]: stageChange, ...others } = tokens;
    const merged = Object.keys(others).length > 0 ? { ...this.perEventTokens(row), ...others } : null;
    const updated = await this.accounts.update(accountId, {
      leverWebhooks: registered,
      ...(stageChange
        ? { leverSignatureTokenEnc: this.box.encrypt(stageChange, accountSecretContext('leverSignatureTokenEnc', accountId)) }
        : {}),
      ...(merged
        ? { leverSignatureTokensEnc: this.box.encrypt(JSON.stringify(merged), accountSecretContext('leverSignatureTokensEnc', accountId)) }
        : {}),
    });
    if (!updated) throw new AccountNotFoundError(accountId);
  }

  private perEventTokens(row: AccountWithSecrets): Record<string, string> {
    if (!row.leverSignatureTokensEnc) return {};
    const json = this.box.decrypt(row.leverSignatureTokensEnc, accountSecretContext('leverSignatureTokensEnc', row.id));
    return JSON.parse(json) as Record<string, string>;
  }

  private plan(access: LeverAccount, listed: readonly LeverWebhook[]): Plan[] {
    const recorded = access.account.leverWebhooks?.ids ?? {};
    const path = new URL(this.urlFor(access)).pathname;
    const ours = listed.filter((w) => Object.values(recorded).includes(w.id) || pathOf(w.url) === path);
    return MANAGED_WEBHOOK_EVENTS.map((event) => {
      const forEvent = ours.filter((w) => w.event === event);
      // Only a webhook this product registered has a token we hold; any other one is replaced.
      const keep = forEvent.find((w) => w.id === recorded[event]) ?? null;
      return { event, keep, extras: forEvent.filter((w) => w !== keep) };
    });
  }

  private judge(p: Plan, url: string, registered: RegisteredLeverWebhooks | null): WebhookEventCheckDto {
    const found = p.keep ?? p.extras[0] ?? null;
    const finding = (status: WebhookEventStatus, problem: string | null, fix: string | null): WebhookEventCheckDto => ({
      event: p.event,
      status,
      webhookId: found?.id ?? null,
      url: found?.url ?? null,
      origins: found?.origins ?? null,
      problem,
      fix,
    });
    const sync = 'Run "register webhooks" (POST /v1/accounts/:id/lever/webhooks/sync).';
    if (!found) return finding('missing', `Lever has no ${p.event} webhook for this account: those events never reach us.`, sync);
    if (!p.keep) {
      return finding(
        'not-registered-here',
        `The ${p.event} webhook was not registered by this service${registered ? ' (or was replaced in Lever since)' : ''}, so its signature token is not known here and its deliveries may be refused.`,
        `${sync} It replaces the webhook with one whose token is stored.`,
      );
    }
    if (p.keep.url !== url) {
      return finding(
        'wrong-url',
        `The ${p.event} webhook points at ${p.keep.url}, not at ${url}.`,
        `${sync} It points the webhook at the right URL.`,
      );
    }
    const missingOrigins = limitedOrigins(p.event, p.keep);
    if (missingOrigins) {
      return finding(
        'origins-limited',
        `The ${p.event} webhook only fires for candidates of origin ${(p.keep.origins ?? []).join(', ') || '(none)'}: events of ${missingOrigins.join(', ')} candidates never reach us.`,
        `${sync} It removes the origin conditions.`,
      );
    }
    if (p.extras.length > 0) {
      return finding(
        'duplicate',
        `${p.extras.length + 1} ${p.event} webhooks point at this account; each event is sent that many times and the extra ones are signed with tokens not known here.`,
        `${sync} It keeps one.`,
      );
    }
    return finding('ok', null, null);
  }

  private async openAccount(accountId: string): Promise<LeverAccount> {
    try {
      return await this.leverAccounts.open(accountId, { anyStatus: true });
    } catch (err) {
      if (!(err instanceof AccountUnavailableError)) throw err;
      if (err.status === 'missing') throw new AccountNotFoundError(accountId);
      throw new ConflictApiError('LEVER_NOT_CONNECTED', NOT_CONNECTED_FIX);
    }
  }

  private urlFor(access: { account: { webhookKey: string } }): string {
    return webhookUrl(this.env.PUBLIC_BASE_URL, access.account.webhookKey);
  }
}

/**
 * Every origin, spelled out as Lever's own example does (an update that left conditions out would
 * keep the old ones); none for an event Lever offers no origin conditions on.
 */
function everyOrigin(event: string): readonly string[] | undefined {
  return EVENTS_WITH_ORIGINS.has(event) ? LEVER_WEBHOOK_ORIGINS : undefined;
}

/** The origins a webhook leaves out, or null when it fires for all (or the event has no origins). */
function limitedOrigins(event: string, webhook: LeverWebhook): string[] | null {
  if (!EVENTS_WITH_ORIGINS.has(event) || webhook.origins === null) return null;
  const missing = LEVER_WEBHOOK_ORIGINS.filter((o) => !webhook.origins?.includes(o));
  return missing.length > 0 ? missing : null;
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}
