import { ACCOUNT_STATUSES, AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Not, type Repository } from 'typeorm';
import { Account, type AccountWithSecrets, type RegisteredLeverWebhooks } from '../entities/account.entity';
import { normalizePage, type Page, type PageRequest } from './pagination';
import { assertSealed } from './sealed-secret';
import { countAccountSecretsNeedingRotation } from '../secrets/reencrypt-secrets';
import { definedFields } from './defined-fields';
import { selectEntities } from './returned-rows';

/** Secrets arrive sealed by SecretBox; this repository never sees plaintext. */
export interface NewAccount {
  /** Chosen by the caller when its secrets are sealed bound to the row (accountSecretContext); else generated. */
  id?: string;
  name: string;
  tagPrefix: string;
  /** Null for an account that will connect with OAuth (it starts disconnected, see `status`). */
  leverApiKeyEnc: string | null;
  /** Null: none yet (the account's webhooks are to be registered through Lever's API). */
  leverSignatureTokenEnc: string | null;
  leverSignatureTokensEnc?: string | null;
  leverWebhooks?: RegisteredLeverWebhooks | null;
  performAsUserId?: string | null;
  /** Lever API base URL of the account's region; null: LEVER_API_URL. */
  leverApiUrl?: string | null;
  platformAccountId: string;
  /** Result notes notify the candidate's followers in Lever (default false). */
  notifyFollowers?: boolean;
  /** Default active; an account without a key yet starts disconnected until it connects with OAuth. */
  status?: AccountStatus;
  statusReason?: string | null;
}

export type AccountPatch = Partial<Omit<NewAccount, 'status' | 'statusReason'>>;

/** OAuth tokens as stored: both sealed with SecretBox (accountSecretContext). */
export interface SealedOAuthTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date;
}

const SECRET_COLUMNS = [
  'leverApiKeyEnc',
  'leverSignatureTokenEnc',
  'leverSignatureTokensEnc',
  'leverOauthAccessTokenEnc',
  'leverOauthRefreshTokenEnc',
] as const;
const PATCHABLE_SECRET_COLUMNS = ['leverApiKeyEnc', 'leverSignatureTokenEnc', 'leverSignatureTokensEnc'] as const;

/** A key check's finding as columns, written in the same UPDATE as what it caused (nobody reads one without the other). */
function healthValues(health?: { status: KeyHealthStatus; problem: string | null }): Partial<Account> {
  return health ? { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: new Date() } : {};
}

/** 24 random bytes, base64url: 32 URL-safe characters, not guessable. */
export function generateWebhookKey(): string {
  return randomBytes(24).toString('base64url');
}

@Injectable()
export class AccountsRepository {
  constructor(@InjectRepository(Account) private readonly repo: Repository<Account>) {}

  /** Creates the account with a fresh webhook key. Resolves it without secrets. */
  async create(input: NewAccount): Promise<Account> {
    for (const field of PATCHABLE_SECRET_COLUMNS) assertSealed(field, input[field]);
    const { identifiers } = await this.repo.insert({
      ...(input.id ? { id: input.id } : {}),
      name: input.name,
      tagPrefix: input.tagPrefix,
      leverApiKeyEnc: input.leverApiKeyEnc,
      leverSignatureTokenEnc: input.leverSignatureTokenEnc,
      leverSignatureTokensEnc: input.leverSignatureTokensEnc ?? null,
      leverWebhooks: input.leverWebhooks ?? null,
      performAsUserId: input.performAsUserId ?? null,
      leverApiUrl: input.leverApiUrl ?? null,
      platformAccountId: input.platformAccountId,
      notifyFollowers: input.notifyFollowers ?? false,
      ...(input.status ? { status: input.status, statusReason: input.statusReason ?? null } : {}),
      webhookKey: generateWebhookKey(),
    });
    return this.repo.findOneByOrFail({ id: identifiers[0].id as string });
  }

  /** Without secrets. */
  findById(id: string): Promise<Account | null> {
    return this.repo.findOneBy({ id });
  }

  /** With the sealed secrets, for workers that call Lever on the account's behalf. */
  async findByIdWithSecrets(id: string): Promise<AccountWithSecrets | null> {
    // Plain SQL: read for every job a worker runs (returned-rows.ts). `*` includes the secret columns.
    const [account] = await selectEntities(this.repo, 'SELECT * FROM "accounts" WHERE "id" = $1', [id]);
    return (account as AccountWithSecrets | undefined) ?? null;
  }

  /** With the sealed secrets: the gateway verifies the webhook signature with them. */
  findByWebhookKey(webhookKey: string): Promise<AccountWithSecrets | null> {
    return this.withSecrets().where('a.webhookKey = :webhookKey', { webhookKey }).getOne() as Promise<AccountWithSecrets | null>;
  }

  /**
   * One page of every account with its sealed secrets, in id order (keyset pagination: pass the
   * last id of a page as `afterId` for the next). For the gateway's in-memory cache of webhook
   * keys and signature tokens, loaded at start-up and as a periodic safety net.
   */
  listWithSecrets({ afterId, limit = 500 }: { afterId?: string; limit?: number } = {}): Promise<AccountWithSecrets[]> {
    const query = this.withSecrets()
      .orderBy('a.id', 'ASC')
      .limit(Math.min(Math.max(1, limit), 1000));
    if (afterId) query.where('a.id > :afterId', { afterId });
    return query.getMany() as Promise<AccountWithSecrets[]>;
  }

  /** Oldest first, without secrets. */
  async list(page?: PageRequest): Promise<Page<Account>> {
    const { limit, offset } = normalizePage(page);
    const [items, total] = await this.repo.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items, total, limit, offset };
  }

  /** Accounts per status, every status present (0 when none): the config API's accounts gauge. */
  async countByStatus(): Promise<Record<AccountStatus, number>> {
    const rows = await this.repo
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('a.status')
      .getRawMany<{ status: AccountStatus; count: string }>();
    const counts = Object.fromEntries(ACCOUNT_STATUSES.map((status) => [status, 0])) as Record<AccountStatus, number>;
    for (const { status, count } of rows) counts[status] = Number(count);
    return counts;
  }

  /** Sealed values per `accounts.<column>` not starting with `prefix` (SecretBox.currentPrefix): the rotation gauge. */
  countSecretsNeedingRotation(prefix: string): Promise<Record<string, number>> {
    return countAccountSecretsNeedingRotation(this.repo.manager.connection, prefix);
  }

  /** Resolves the updated account (without secrets), or null when it does not exist. */
  async update(id: string, patch: AccountPatch): Promise<Account | null> {
    for (const field of PATCHABLE_SECRET_COLUMNS) assertSealed(field, patch[field]);
    const values: Partial<Account> = definedFields(patch);
    // A new key has not been checked yet: what the old one's check found says nothing about it.
    if (patch.leverApiKeyEnc !== undefined)
      Object.assign(values, { healthStatus: KeyHealthStatus.Unchecked, healthProblem: null, healthCheckedAt: null });
    // A pasted key replaces an OAuth connection: the account is back on its key, the tokens go.
    if (patch.leverApiKeyEnc)
      Object.assign(values, {
        leverAuthKind: 'api_key',
        leverOauthAccessTokenEnc: null,
        leverOauthRefreshTokenEnc: null,
        leverOauthExpiresAt: null,
      });
    if (Object.keys(values).length > 0) {
      const { affected } = await this.repo.update({ id }, values);
      if (!affected) return null;
    }
    return this.findById(id);
  }

  /** Records what a check of the account's Lever key found, only while the account still holds the sealed key the check used (one conditional UPDATE). */
  async recordHealthIfKey(
    id: string,
    leverApiKeyEnc: string | null,
    health: { status: KeyHealthStatus; problem: string | null },
    checkedAt: Date = new Date(),
  ): Promise<boolean> {
    const { affected } = await this.repo.update(
      { id, leverApiKeyEnc: leverApiKeyEnc ?? IsNull() },
      { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: checkedAt },
    );
    return (affected ?? 0) > 0;
  }

  /** Like recordHealthIfKey for an account on OAuth (its tokens rotate, so the finding is kept while it stays on OAuth). */
  async recordHealthIfOAuth(
    id: string,
    health: { status: KeyHealthStatus; problem: string | null },
    checkedAt: Date = new Date(),
  ): Promise<boolean> {
    const { affected } = await this.repo.update(
      { id, leverAuthKind: 'oauth' },
      { healthStatus: health.status, healthProblem: health.problem, healthCheckedAt: checkedAt },
    );
    return (affected ?? 0) > 0;
  }

  /**
   * The admin approved in Lever: the account moves to OAuth with these tokens, its API key is
   * dropped, and it is active again (a disabled account stays disabled). Resolves false when the
   * account does not exist.
   */
  async connectOAuth(id: string, tokens: SealedOAuthTokens): Promise<boolean> {
    assertSealed('leverOauthAccessTokenEnc', tokens.accessTokenEnc);
    assertSealed('leverOauthRefreshTokenEnc', tokens.refreshTokenEnc);
    const { affected } = await this.repo
      .createQueryBuilder()
      .update(Account)
      .set({
        leverAuthKind: 'oauth',
        leverApiKeyEnc: null,
        leverOauthAccessTokenEnc: tokens.accessTokenEnc,
        leverOauthRefreshTokenEnc: tokens.refreshTokenEnc,
        leverOauthExpiresAt: tokens.expiresAt,
        status: () => `CASE WHEN status = '${AccountStatus.Disabled}' THEN status ELSE '${AccountStatus.Active}' END`,
        statusReason: () => `CASE WHEN status = '${AccountStatus.Disabled}' THEN status_reason ELSE NULL END`,
        healthStatus: KeyHealthStatus.Unchecked,
        healthProblem: null,
        healthCheckedAt: null,
      })
      .where('id = :id', { id })
      .execute();
    return (affected ?? 0) > 0;
  }

  /**
   * Stores refreshed tokens only while the account still holds `refreshTokenEnc`, the sealed
   * refresh token the refresh used (compare-and-set): Lever rotates refresh tokens, so a second
   * writer with an older one must never overwrite the newest. Resolves false when it changed.
   */
  async replaceOAuthTokensIf(id: string, refreshTokenEnc: string, tokens: SealedOAuthTokens): Promise<boolean> {
    assertSealed('leverOauthAccessTokenEnc', tokens.accessTokenEnc);
    assertSealed('leverOauthRefreshTokenEnc', tokens.refreshTokenEnc);
    const { affected } = await this.repo.update(
      { id, leverAuthKind: 'oauth', leverOauthRefreshTokenEnc: refreshTokenEnc },
      {
        leverOauthAccessTokenEnc: tokens.accessTokenEnc,
        leverOauthRefreshTokenEnc: tokens.refreshTokenEnc,
        leverOauthExpiresAt: tokens.expiresAt,
      },
    );
    return (affected ?? 0) > 0;
  }

  /** markDisconnectedIfKey for OAuth: only while the account still holds the refresh token Lever refused. */
  async markDisconnectedIfRefreshToken(
    id: string,
    refreshTokenEnc: string,
    reason: string,
    health?: { status: KeyHealthStatus; problem: string | null },
  ): Promise<boolean> {
    const { affected } = await this.repo.update(
      { id, leverAuthKind: 'oauth', leverOauthRefreshTokenEnc: refreshTokenEnc, status: Not(AccountStatus.Disabled) },
      { status: AccountStatus.Disconnected, statusReason: reason, ...healthValues(health) },
    );
    return (affected ?? 0) > 0;
  }

  /** Ids of the accounts in `status`, oldest first (the key check walks the active ones). */
  async listIdsWithStatus(status: AccountStatus): Promise<string[]> {
    const rows = await this.repo.find({ select: { id: true }, where: { status }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => r.id);
  }

  /** Resolves false when the account does not exist. `reason` is cleared when not given. */
  async setStatus(id: string, status: AccountStatus, reason: string | null = null): Promise<boolean> {
    const { affected } = await this.repo.update({ id }, { status, statusReason: reason });
    return (affected ?? 0) > 0;
  }

  /**
   * Marks the account disconnected only while its stored Lever key is still `leverApiKeyEnc` (the
   * sealed key the failing call was made with) and it is not disabled: a 401 that arrives after an
   * admin replaced the key says nothing about the new key, and an admin's disable stands. One
   * conditional UPDATE, so a key replaced at the same moment is never marked. Resolves false when
   * nothing matched (key replaced, account disabled or gone).
   */
  async markDisconnectedIfKey(
    id: string,
    leverApiKeyEnc: string | null,
    reason: string,
    health?: { status: KeyHealthStatus; problem: string | null },
  ): Promise<boolean> {
    const { affected } = await this.repo.update(
      { id, leverApiKeyEnc: leverApiKeyEnc ?? IsNull(), status: Not(AccountStatus.Disabled) },
      { status: AccountStatus.Disconnected, statusReason: reason, ...healthValues(health) },
    );
    return (affected ?? 0) > 0;
  }

  /**
   * Replaces the webhook key (rotation after a leak): the old URL stops working at once. Without a
   * key a fresh random one is generated; a fixed key is for the seeded demo account only.
   * Resolves the new key, or null when the account does not exist.
   */
  async setWebhookKey(id: string, webhookKey: string = generateWebhookKey()): Promise<string | null> {
    const { affected } = await this.repo.update({ id }, { webhookKey });
    return affected ? webhookKey : null;
  }

  /** Deletes the account and, by cascade, its catalog, rules, assessments and deliveries. */
  async delete(id: string): Promise<boolean> {
    const { affected } = await this.repo.delete({ id });
    return (affected ?? 0) > 0;
  }

  private withSecrets() {
    return this.repo.createQueryBuilder('a').addSelect(SECRET_COLUMNS.map((c) => `a.${c}`));
  }
}
