import { ACCOUNT_STATUSES, AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import {
  UnsealedSecretError,
  generateWebhookKey,
  normalizePage,
  type Account,
  type AccountPatch,
  type AccountWithSecrets,
  type AccountsRepository,
  type NewAccount,
  type Page,
  type PageRequest,
  type SealedOAuthTokens,
} from '@lever-assess/persistence';
import { copyRow, definedFields, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

const SECRET_COLUMNS = ['leverApiKeyEnc', 'leverSignatureTokenEnc', 'leverSignatureTokensEnc'] as const;
type OAuthSecretColumn = 'leverOauthAccessTokenEnc' | 'leverOauthRefreshTokenEnc';
// SecretBox output; the real repository refuses plaintext the same way.
const SEALED = /^v\d+\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function assertSealed(field: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && !SEALED.test(value)) throw new UnsealedSecretError(field);
}

/** An ordinary read carries no secrets (they are `select: false` columns). */
function withoutSecrets(row: AccountWithSecrets): Account {
  const {
    leverApiKeyEnc: _key,
    leverSignatureTokenEnc: _token,
    leverSignatureTokensEnc: _tokens,
    leverOauthAccessTokenEnc: _access,
    leverOauthRefreshTokenEnc: _refresh,
    ...account
  } = copyRow(row);
  return account;
}

/** AccountsRepository over an InMemoryStore; deleting an account cascades like the foreign keys. */
export class InMemoryAccountsRepository implements PublicOf<AccountsRepository> {
  constructor(private readonly store: InMemoryStore) {}

  /** Where a service needs the real class (its private members make the type nominal). */
  asRepository(): AccountsRepository {
    return this as unknown as AccountsRepository;
  }

  async create(input: NewAccount): Promise<Account> {
    this.store.assertReachable();
    for (const field of SECRET_COLUMNS) assertSealed(field, input[field]);
    const now = this.store.now();
    const row: AccountWithSecrets = {
      id: input.id ?? this.store.newId(),
      name: input.name,
      tagPrefix: input.tagPrefix,
      status: input.status ?? AccountStatus.Active,
      statusReason: input.status ? (input.statusReason ?? null) : null,
      webhookKey: generateWebhookKey(),
      leverApiKeyEnc: input.leverApiKeyEnc,
      leverAuthKind: 'api_key',
      leverOauthAccessTokenEnc: null,
      leverOauthRefreshTokenEnc: null,
      leverOauthExpiresAt: null,
      leverSignatureTokenEnc: input.leverSignatureTokenEnc,
      leverSignatureTokensEnc: input.leverSignatureTokensEnc ?? null,
      leverWebhooks: input.leverWebhooks ?? null,
      performAsUserId: input.performAsUserId ?? null,
      leverApiUrl: input.leverApiUrl ?? null,
      platformAccountId: input.platformAccountId,
      notifyFollowers: input.notifyFollowers ?? false,
      healthStatus: KeyHealthStatus.Unchecked,
      healthCheckedAt: null,
      healthProblem: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.accounts.set(row.id, row);
    return withoutSecrets(row);
  }

  async countSecretsNeedingRotation(prefix: string): Promise<Record<string, number>> {
    this.store.assertReachable();
    const rows = [...this.store.accounts.values()];
    const count = (column: (typeof SECRET_COLUMNS)[number] | OAuthSecretColumn) =>
      rows.filter((r) => typeof r[column] === 'string' && !r[column].startsWith(prefix)).length;
    return {
      'accounts.lever_api_key_enc': count('leverApiKeyEnc'),
      'accounts.lever_signature_token_enc': count('leverSignatureTokenEnc'),
      'accounts.lever_signature_tokens_enc': count('leverSignatureTokensEnc'),
      'accounts.lever_oauth_access_token_enc': count('leverOauthAccessTokenEnc'),
      'accounts.lever_oauth_refresh_token_enc': count('leverOauthRefreshTokenEnc'),
    };
  }

  async findById(id: string): Promise<Account | null> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    return row ? withoutSecrets(row) : null;
  }

  async findByIdWithSecrets(id: string): Promise<AccountWithSecrets | null> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    return row ? copyRow(row) : null;
  }

  async findByWebhookKey(webhookKey: string): Promise<AccountWithSecrets | null> {
    this.store.assertReachable();
    const row = [...this.store.accounts.values()].find((a) => a.webhookKey === webhookKey);
    return row ? copyRow(row) : null;
  }

  async listWithSecrets({ afterId, limit = 500 }: { afterId?: string; limit?: number } = {}): Promise<AccountWithSecrets[]> {
    this.store.assertReachable();
    return [...this.store.accounts.values()]
      .filter((a) => afterId === undefined || a.id > afterId)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, Math.min(Math.max(1, limit), 1000))
      .map(copyRow);
  }

  async countByStatus(): Promise<Record<AccountStatus, number>> {
    this.store.assertReachable();
    const counts = Object.fromEntries(ACCOUNT_STATUSES.map((status) => [status, 0])) as Record<AccountStatus, number>;
    for (const { status } of this.store.accounts.values()) counts[status]++;
    return counts;
  }

  async list(page?: PageRequest): Promise<Page<Account>> {
    this.store.assertReachable();
    const { limit, offset } = normalizePage(page);
    const all = [...this.store.accounts.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    return { items: all.slice(offset, offset + limit).map(withoutSecrets), total: all.length, limit, offset };
  }

  async update(id: string, patch: AccountPatch): Promise<Account | null> {
    this.store.assertReachable();
    for (const field of SECRET_COLUMNS) assertSealed(field, patch[field]);
    const row = this.store.accounts.get(id);
    if (!row) return null;
    Object.assign(row, definedFields(patch), { updatedAt: this.store.now() });
    if (patch.leverApiKeyEnc !== undefined)
      Object.assign(row, { healthStatus: KeyHealthStatus.Unchecked, healthProblem: null, healthCheckedAt: null });
    if (patch.leverApiKeyEnc)
      Object.assign(row, {
        leverAuthKind: 'api_key',
        leverOauthAccessTokenEnc: null,
        leverOauthRefreshTokenEnc: null,
        leverOauthExpiresAt: null,
      });
    return withoutSecrets(row);
  }

  /** The shared write of recordHealthIfKey and recordHealthIfOAuth (the real repository has no unconditional one). */
  private recordHealth(id: string, health: { status: KeyHealthStatus; problem: string | null }, checkedAt: Date): boolean {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row) return false;
    Object.assign(row, { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: checkedAt });
    return true;
  }

  async recordHealthIfKey(
    id: string,
    leverApiKeyEnc: string | null,
    health: { status: KeyHealthStatus; problem: string | null },
    checkedAt = new Date(),
  ): Promise<boolean> {
    if (this.store.accounts.get(id)?.leverApiKeyEnc !== leverApiKeyEnc) return false;
    return this.recordHealth(id, health, checkedAt);
  }

  async recordHealthIfOAuth(
    id: string,
    health: { status: KeyHealthStatus; problem: string | null },
    checkedAt = new Date(),
  ): Promise<boolean> {
    if (this.store.accounts.get(id)?.leverAuthKind !== 'oauth') return false;
    return this.recordHealth(id, health, checkedAt);
  }

  async connectOAuth(id: string, tokens: SealedOAuthTokens): Promise<boolean> {
    this.store.assertReachable();
    assertSealed('leverOauthAccessTokenEnc', tokens.accessTokenEnc);
    assertSealed('leverOauthRefreshTokenEnc', tokens.refreshTokenEnc);
    const row = this.store.accounts.get(id);
    if (!row) return false;
    const disabled = row.status === AccountStatus.Disabled;
    Object.assign(row, {
      leverAuthKind: 'oauth',
      leverApiKeyEnc: null,
      leverOauthAccessTokenEnc: tokens.accessTokenEnc,
      leverOauthRefreshTokenEnc: tokens.refreshTokenEnc,
      leverOauthExpiresAt: tokens.expiresAt,
      status: disabled ? row.status : AccountStatus.Active,
      statusReason: disabled ? row.statusReason : null,
      healthStatus: KeyHealthStatus.Unchecked,
      healthProblem: null,
      healthCheckedAt: null,
      updatedAt: this.store.now(),
    });
    return true;
  }

  async replaceOAuthTokensIf(id: string, refreshTokenEnc: string, tokens: SealedOAuthTokens): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row || row.leverAuthKind !== 'oauth' || row.leverOauthRefreshTokenEnc !== refreshTokenEnc) return false;
    Object.assign(row, {
      leverOauthAccessTokenEnc: tokens.accessTokenEnc,
      leverOauthRefreshTokenEnc: tokens.refreshTokenEnc,
      leverOauthExpiresAt: tokens.expiresAt,
    });
    return true;
  }

  async markDisconnectedIfRefreshToken(
    id: string,
    refreshTokenEnc: string,
    reason: string,
    health?: { status: KeyHealthStatus; problem: string | null },
  ): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row || row.leverOauthRefreshTokenEnc !== refreshTokenEnc || row.status === AccountStatus.Disabled) return false;
    Object.assign(row, { status: AccountStatus.Disconnected, statusReason: reason, updatedAt: this.store.now() });
    if (health) Object.assign(row, { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: this.store.now() });
    return true;
  }

  async listIdsWithStatus(status: AccountStatus): Promise<string[]> {
    this.store.assertReachable();
    return [...this.store.accounts.values()]
      .filter((a) => a.status === status)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((a) => a.id);
  }

  async setStatus(id: string, status: AccountStatus, reason: string | null = null): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row) return false;
    Object.assign(row, { status, statusReason: reason, updatedAt: this.store.now() });
    return true;
  }

  async markDisconnectedIfKey(
    id: string,
    leverApiKeyEnc: string | null,
    reason: string,
    health?: { status: KeyHealthStatus; problem: string | null },
  ): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row || row.leverApiKeyEnc !== leverApiKeyEnc || row.status === AccountStatus.Disabled) return false;
    Object.assign(row, { status: AccountStatus.Disconnected, statusReason: reason, updatedAt: this.store.now() });
    if (health) Object.assign(row, { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: this.store.now() });
    return true;
  }

  async setWebhookKey(id: string, webhookKey: string = generateWebhookKey()): Promise<string | null> {
    this.store.assertReachable();
    const row = this.store.accounts.get(id);
    if (!row) return null;
    row.webhookKey = webhookKey;
    return webhookKey;
  }

  async delete(id: string): Promise<boolean> {
    this.store.assertReachable();
    if (!this.store.accounts.delete(id)) return false;
    const { store } = this;
    for (const table of [store.tests, store.rules, store.assessments] as const) {
      for (const [key, row] of table) if (row.accountId === id) table.delete(key);
    }
    for (const [key, note] of store.notes) if (!store.assessments.has(note.assessmentId)) store.notes.delete(key);
    for (const [key, delivery] of store.deliveries) if (delivery.accountId === id) store.deliveries.delete(key);
    store.candidateEvents.splice(0, store.candidateEvents.length, ...store.candidateEvents.filter((e) => e.accountId !== id));
    return true;
  }
}
