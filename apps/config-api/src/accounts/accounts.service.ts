import { AccountChangesPublisher } from '@lever-assess/redis';
import { SecretBox } from '@lever-assess/common';
import { ACTIVE_ASSESSMENT_STATUSES, AccountStatus } from '@lever-assess/domain';
import {
  AccountsRepository,
  AssessmentsRepository,
  accountSecretContext,
  type Account,
  type AccountPatch,
  type AccountSecretProperty,
} from '@lever-assess/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ConfigApiEnv } from '../config';
import { CONFIG_API_ENV } from '../config-api.tokens';
import { LeverStagesService } from '../lever/lever-stages.service';
import { LeverWebhooksService } from '../lever/lever-webhooks.service';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { AccountNotFoundError, FieldConflictApiError } from '../shared/errors/api.errors';
import type { PageQueryDto } from '../shared/http/page-query.dto';
import { AccountDto, type AccountPageDto } from './dto/account-response.dto';
import type { CreateAccountDto } from './dto/create-account.dto';
import type { UpdateAccountDto } from './dto/update-account.dto';

/** statusReason of an account created without an API key, until it connects with OAuth. */
export const LEVER_NOT_CONNECTED = 'LEVER_NOT_CONNECTED';

/** Set when an admin disables an account (statusReason shows who decided, not a failure). */
export const DISABLED_BY_ADMIN = 'DISABLED_BY_ADMIN';

/**
 * Accounts: Lever secrets are sealed with SecretBox before they reach the repository and never
 * come back out through the API. Every change is audited and announced to the gateways.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly assessments: AssessmentsRepository,
    private readonly lookup: AccountLookup,
    private readonly box: SecretBox,
    private readonly changes: AccountChangesPublisher,
    private readonly audit: AuditService,
    private readonly stages: LeverStagesService,
    private readonly webhooks: LeverWebhooksService,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
  ) {}

  async create(actor: AdminActor, dto: CreateAccountDto): Promise<AccountDto> {
    // The id is chosen here so that the secrets can be sealed bound to the row they go into.
    const id = randomUUID();
    const seal = (property: AccountSecretProperty, plaintext: string) => this.box.encrypt(plaintext, accountSecretContext(property, id));
    const account = await this.accounts.create({
      id,
      name: dto.name,
      tagPrefix: dto.tagPrefix,
      platformAccountId: dto.platformAccountId,
      performAsUserId: dto.lever.performAsUserId ?? null,
      leverApiUrl: normalizeApiUrl(dto.lever.apiUrl),
      notifyFollowers: dto.notifyFollowers ?? false,
      leverApiKeyEnc: dto.lever.apiKey === undefined ? null : seal('leverApiKeyEnc', dto.lever.apiKey),
      // Without a key the account waits for its admin to connect it with OAuth.
      ...(dto.lever.apiKey === undefined ? { status: AccountStatus.Disconnected, statusReason: LEVER_NOT_CONNECTED } : {}),
      leverSignatureTokenEnc: dto.lever.signatureToken === undefined ? null : seal('leverSignatureTokenEnc', dto.lever.signatureToken),
      leverSignatureTokensEnc: dto.lever.signatureTokens
        ? seal('leverSignatureTokensEnc', JSON.stringify(dto.lever.signatureTokens))
        : null,
    });
    await this.changed(actor, account.id, 'account.create', {
      name: account.name,
      tagPrefix: account.tagPrefix,
      platformAccountId: account.platformAccountId,
      performAsUserId: account.performAsUserId,
      notifyFollowers: account.notifyFollowers,
      extraWebhookEvents: Object.keys(dto.lever.signatureTokens ?? {}),
    });
    if (dto.lever.apiKey !== undefined) await this.webhooks.syncAfterConnect(actor, account.id);
    return this.get(account.id);
  }

  async get(accountId: string): Promise<AccountDto> {
    return this.toDto(await this.lookup.require(accountId));
  }

  /** Every account; for an account-scoped caller (`scope`), its own account only. */
  async list(page: PageQueryDto, scope: string | null = null): Promise<AccountPageDto> {
    if (scope) {
      const offset = page.offset ?? 0;
      const items = offset === 0 ? [await this.get(scope)] : [];
      return { items, total: 1, limit: page.limit ?? 50, offset };
    }
    const result = await this.accounts.list(page);
    return { ...result, items: result.items.map((a) => this.toDto(a)) };
  }

  async update(actor: AdminActor, accountId: string, dto: UpdateAccountDto): Promise<AccountDto> {
    const current = await this.lookup.require(accountId);
    if (dto.tagPrefix !== undefined && dto.tagPrefix !== current.tagPrefix) await this.assertPrefixFree(accountId);
    const { patch, changed } = this.toPatch(accountId, dto);
    const keyReplaced = dto.lever?.apiKey !== undefined;
    // Another region is another Lever: its stages are not the cached ones.
    const leverMoved = dto.lever?.apiUrl !== undefined && normalizeApiUrl(dto.lever.apiUrl) !== current.leverApiUrl;
    if (Object.keys(patch).length > 0 && !(await this.accounts.update(accountId, patch))) throw new AccountNotFoundError(accountId);

    const status = this.nextStatus(current, dto.status, keyReplaced);
    if (status) {
      await this.accounts.setStatus(accountId, status.status, status.reason);
      changed.push('status');
    }
    if (keyReplaced || leverMoved) this.stages.forget(accountId);
    await this.changed(actor, accountId, 'account.update', { changed, ...(status ? { status: status.status } : {}) });
    if (keyReplaced || leverMoved) await this.webhooks.syncAfterConnect(actor, accountId);
    return this.get(accountId);
  }

  async delete(actor: AdminActor, accountId: string): Promise<void> {
    if (!(await this.accounts.delete(accountId))) throw new AccountNotFoundError(accountId);
    this.stages.forget(accountId);
    await this.changed(actor, accountId, 'account.delete', {});
  }

  /** The old webhook URL stops working at once; the admin pastes the new one into Lever (or a sync re-points registered webhooks). */
  async rotateWebhookKey(actor: AdminActor, accountId: string): Promise<AccountDto> {
    if ((await this.accounts.setWebhookKey(accountId)) === null) throw new AccountNotFoundError(accountId);
    await this.changed(actor, accountId, 'account.webhook-key.rotate', {});
    // Webhooks registered through the API are pointed at the new URL at once.
    await this.webhooks.syncAfterConnect(actor, accountId);
    return this.get(accountId);
  }

  /**
   * The status tag of an assessment in progress carries the current prefix, and result-sync only
   * removes tags of the prefix it knows: after a change, `Old - Sent` would stay beside
   * `New - Needs Review`. So the prefix changes only while nothing is in progress; finished
   * candidates keep their old-prefix tags as history (docs/config-api.md).
   * @throws FieldConflictApiError (409 TAG_PREFIX_IN_USE) while assessments are sent or completed
   */
  private async assertPrefixFree(accountId: string): Promise<void> {
    let inProgress = 0;
    for (const status of ACTIVE_ASSESSMENT_STATUSES) inProgress += (await this.assessments.list(accountId, { status }, { limit: 1 })).total;
    if (inProgress === 0) return;
    throw new FieldConflictApiError(
      'TAG_PREFIX_IN_USE',
      'tagPrefix',
      `tagPrefix cannot change while ${inProgress} assessment(s) are in progress (sent or completed): their status tags in Lever carry the ` +
        'current prefix and would be left behind. Change it once they are scored, expired or canceled.',
    );
  }

  /**
   * - `disabled` by the admin: stops processing, whatever the connection state.
   * - `active` by the admin: re-enables (also overrides `disconnected`; a still-broken key is
   *   marked disconnected again by the next Lever call).
   * - A new API key clears `disconnected`: that status was about the old key.
   */
  private nextStatus(
    current: Account,
    requested: UpdateAccountDto['status'],
    keyReplaced: boolean,
  ): { status: AccountStatus; reason: string | null } | null {
    if (requested === AccountStatus.Disabled)
      return current.status === AccountStatus.Disabled ? null : { status: AccountStatus.Disabled, reason: DISABLED_BY_ADMIN };
    if (requested === AccountStatus.Active)
      return current.status === AccountStatus.Active ? null : { status: AccountStatus.Active, reason: null };
    if (keyReplaced && current.status === AccountStatus.Disconnected) return { status: AccountStatus.Active, reason: null };
    return null;
  }

  private toPatch(accountId: string, dto: UpdateAccountDto): { patch: AccountPatch; changed: string[] } {
    const seal = (property: AccountSecretProperty, plaintext: string) =>
      this.box.encrypt(plaintext, accountSecretContext(property, accountId));
    const patch: AccountPatch = {};
    const changed: string[] = [];
    const set = <K extends keyof AccountPatch>(key: K, value: AccountPatch[K] | undefined, label: string) => {
      if (value === undefined) return;
      patch[key] = value;
      changed.push(label);
    };
    set('name', dto.name, 'name');
    set('tagPrefix', dto.tagPrefix, 'tagPrefix');
    set('platformAccountId', dto.platformAccountId, 'platformAccountId');
    set('notifyFollowers', dto.notifyFollowers, 'notifyFollowers');
    const lever = dto.lever;
    if (lever) {
      set('performAsUserId', lever.performAsUserId, 'lever.performAsUserId');
      set('leverApiUrl', lever.apiUrl === undefined ? undefined : normalizeApiUrl(lever.apiUrl), 'lever.apiUrl');
      set('leverApiKeyEnc', lever.apiKey === undefined ? undefined : seal('leverApiKeyEnc', lever.apiKey), 'lever.apiKey');
      set(
        'leverSignatureTokenEnc',
        lever.signatureToken === undefined ? undefined : seal('leverSignatureTokenEnc', lever.signatureToken),
        'lever.signatureToken',
      );
      if (lever.signatureTokens !== undefined) {
        set(
          'leverSignatureTokensEnc',
          lever.signatureTokens === null ? null : seal('leverSignatureTokensEnc', JSON.stringify(lever.signatureTokens)),
          'lever.signatureTokens',
        );
      }
    }
    return { patch, changed };
  }

  private async changed(actor: AdminActor, accountId: string, action: string, details: Record<string, unknown>): Promise<void> {
    await this.changes.announce(accountId);
    await this.audit.record(actor, { action, accountId, entityType: 'account', entityId: accountId, details });
    this.logger.log({ accountId, action, msg: action });
  }

  private toDto(account: Account): AccountDto {
    return AccountDto.from(account, this.env.PUBLIC_BASE_URL);
  }
}

/** Stored without a trailing slash, so the same URL compares equal; null or absent: the default. */
function normalizeApiUrl(apiUrl: string | null | undefined): string | null {
  return apiUrl ? apiUrl.replace(/\/+$/, '') : null;
}
