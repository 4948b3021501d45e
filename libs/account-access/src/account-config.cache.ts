import {
  AccountsRepository,
  TestsRepository,
  TriggerRulesRepository,
  type AccountWithSecrets,
  type TestDefinition,
  type TriggerRule,
} from '@lever-assess/persistence';
import { subscribeAccountChanges, type AccountChangesSubscription } from '@lever-assess/redis';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

export const ACCOUNT_CONFIG_CACHE_OPTIONS = Symbol('ACCOUNT_CONFIG_CACHE_OPTIONS');

export interface AccountConfigCacheOptions {
  redisUrl: string;
  queuePrefix: string;
  /** Longest time a cached rule list or catalog is used (ACCOUNT_CONFIG_CACHE_MS); 0 turns the cache off. */
  maxAgeMs: number;
  /** Accounts kept at most; the least recently loaded goes first. */
  maxAccounts?: number;
  /** The subscriber's Redis connection name (CLIENT LIST). */
  connectionName?: string;
}

interface Entry {
  rules?: Promise<readonly object[]>;
  tests?: Promise<readonly object[]>;
  account?: Promise<AccountWithSecrets | null>;
  loadedAt: number;
}

/**
 * An account's row, trigger rules and test catalog, read once and kept in memory for the workers:
 * every job needs the row and every stage change the rest, and they change only when an admin
 * edits them or a worker marks the account. Every such change is announced on the account-changes
 * channel (the one the gateway's account cache listens to), which drops the account here at once;
 * `maxAgeMs` bounds how long a change whose announcement was lost can go unseen. While the
 * subscription is not established (start-up, Redis reconnecting) nothing is served from memory:
 * announcements could be missed then.
 */
@Injectable()
export class AccountConfigCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountConfigCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly maxAccounts: number;
  private subscription?: AccountChangesSubscription;
  private subscribed = false;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly rules: TriggerRulesRepository,
    private readonly tests: TestsRepository,
    @Inject(ACCOUNT_CONFIG_CACHE_OPTIONS) private readonly options: AccountConfigCacheOptions,
  ) {
    this.maxAccounts = options.maxAccounts ?? 5_000;
  }

  onApplicationBootstrap(): void {
    if (this.options.maxAgeMs <= 0) return;
    this.subscription = subscribeAccountChanges(
      this.options.redisUrl,
      this.options.queuePrefix,
      {
        onChange: (accountId) => this.forget(accountId),
        onSubscribed: async () => {
          // Anything announced while we were not listening is unknown: start from nothing.
          this.entries.clear();
          this.subscribed = true;
        },
        onDisconnected: () => {
          this.subscribed = false;
          this.entries.clear();
        },
        warn: (message, err) => this.logger.warn({ err, msg: message }),
      },
      this.options.connectionName ?? 'lever-assess-config-cache',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscribed = false;
    await this.subscription?.close();
  }

  /** The account's enabled rules for `stageId`, oldest first (as TriggerRulesRepository.listEnabledForStage). */
  async rulesForStage(accountId: string, stageId: string): Promise<TriggerRule[]> {
    if (!this.isServing) return this.rules.listEnabledForStage(accountId, stageId);
    const all = await this.cached(accountId, 'rules', () => this.rules.list(accountId));
    return all.filter((r) => r.enabled && r.stageId === stageId);
  }

  /** One rule of the account, enabled or not (as TriggerRulesRepository.findById). */
  async rule(accountId: string, ruleId: string): Promise<TriggerRule | null> {
    if (!this.isServing) return this.rules.findById(accountId, ruleId);
    const all = await this.cached(accountId, 'rules', () => this.rules.list(accountId));
    const found = all.find((r) => r.id === ruleId);
    // A rule created after the list was read (its announcement not yet here) is read directly.
    return found ?? this.rules.findById(accountId, ruleId);
  }

  /** The account's test catalog, by name (as TestsRepository.list). */
  async catalog(accountId: string): Promise<readonly TestDefinition[]> {
    if (!this.isServing) return this.tests.list(accountId);
    return this.cached(accountId, 'tests', () => this.tests.list(accountId));
  }

  /**
   * The account with its sealed secrets (as AccountsRepository.findByIdWithSecrets). An OAuth
   * account is read every time: its tokens are refreshed in the background without announcement.
   */
  async account(accountId: string): Promise<AccountWithSecrets | null> {
    if (!this.isServing) return this.accounts.findByIdWithSecrets(accountId);
    const entry = this.entryOf(accountId);
    if (entry.account) return entry.account;
    const drop = () => {
      if (entry.account === loading) entry.account = undefined;
    };
    const loading = this.accounts.findByIdWithSecrets(accountId).then(
      (row) => {
        // Frozen when kept (every job shares it, so none may change it); a missing account (it
        // may yet be created) and an OAuth account are not kept, nor is a failed read.
        if (row && row.leverAuthKind !== 'oauth') return Object.freeze(row);
        drop();
        return row;
      },
      (err: unknown) => {
        drop();
        throw err;
      },
    );
    entry.account = loading;
    return loading;
  }

  /** Drops what is kept for the account (an announced change). */
  forget(accountId: string): void {
    this.entries.delete(accountId);
  }

  /** True while kept rules and catalogs are used (subscribed to announcements, not turned off). */
  get isServing(): boolean {
    return this.options.maxAgeMs > 0 && this.subscribed;
  }

  /** The account's entry, a new one when it has none or has kept it for maxAgeMs. */
  private entryOf(accountId: string): Entry {
    const now = Date.now();
    let entry = this.entries.get(accountId);
    if (entry && now - entry.loadedAt >= this.options.maxAgeMs) {
      this.entries.delete(accountId);
      entry = undefined;
    }
    if (!entry) {
      if (this.entries.size >= this.maxAccounts) this.entries.delete(this.entries.keys().next().value as string);
      entry = { loadedAt: now };
      this.entries.set(accountId, entry);
    }
    return entry;
  }

  private cached<T extends object>(accountId: string, kind: 'rules' | 'tests', load: () => Promise<T[]>): Promise<readonly T[]> {
    const entry = this.entryOf(accountId);
    const kept = entry[kind] as Promise<readonly T[]> | undefined;
    if (kept) return kept;
    // Frozen: every caller shares these objects, so none may change them.
    const loading = load().then((rows) => Object.freeze(rows.map((row) => Object.freeze(row))));
    entry[kind] = loading;
    const owner = entry;
    // A failed read is not kept: the next call reads again.
    loading.catch(() => {
      if (this.entries.get(accountId) === owner) owner[kind] = undefined;
    });
    return loading;
  }
}
