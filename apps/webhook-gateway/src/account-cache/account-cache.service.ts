import { HealthRegistry, SecretBox, gauge } from '@lever-assess/common';
import { AccountsRepository, DatabaseConnection } from '@lever-assess/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { toCachedAccount, type CachedAccount } from './cached-account';

/** Accounts read from Postgres per query while (re)loading the whole cache. */
const LOAD_PAGE_SIZE = 500;
/**
 * Until the first load succeeds (Postgres down at start-up: the app starts anyway and connects in
 * the background), it is retried this often.
 */
const FIRST_LOAD_RETRY_MS = 5_000;

const cachedAccounts = gauge('gateway_cached_accounts', 'Accounts held in the webhook-gateway cache');

/**
 * Every account's webhook key, status and decrypted signature tokens, in memory: a Lever delivery
 * is answered without a Postgres query (an unknown key is a 401 from memory). Loaded at start-up,
 * refreshed per account when the config API announces a change (AccountChangesListener), and
 * fully reloaded periodically as a safety net for a missed message.
 *
 * Every load runs through one serial chain, so a full reload that read the table before a change
 * cannot overwrite the fresher single-account reload that follows it.
 */
@Injectable()
export class AccountCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountCache.name);
  private byKey = new Map<string, CachedAccount>();
  private keyById = new Map<string, string>();
  private loaded = false;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly database: DatabaseConnection,
    private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    health: HealthRegistry,
  ) {
    health.register({
      name: 'account-cache',
      check: async () => {
        if (!this.loaded) throw new Error('accounts not loaded from Postgres yet');
      },
    });
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Undefined for an unknown key. Synchronous: never waits for a reload in progress. */
  get(webhookKey: string): CachedAccount | undefined {
    return this.byKey.get(webhookKey);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.box.isDevelopmentKey) this.logger.warn('ENCRYPTION_KEY is not set: signature tokens are decrypted with the development key');
    await this.reloadAll();
    this.schedule(this.loaded ? this.env.ACCOUNT_CACHE_RELOAD_MS : FIRST_LOAD_RETRY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.chain;
  }

  /** Replaces the whole cache with what Postgres holds now. Failures are logged, never thrown. */
  reloadAll(): Promise<void> {
    return this.enqueue('full reload', async () => {
      if (!this.database.isConnected) throw new Error('PostgreSQL is not connected yet (the connection is retried in the background)');
      const byKey = new Map<string, CachedAccount>();
      let afterId: string | undefined;
      for (;;) {
        const page = await this.accounts.listWithSecrets({ afterId, limit: LOAD_PAGE_SIZE });
        for (const row of page) byKey.set(row.webhookKey, this.open(toCachedAccount(row, this.box)));
        if (page.length < LOAD_PAGE_SIZE) break;
        afterId = page[page.length - 1].id;
      }
      this.byKey = byKey;
      this.keyById = new Map([...byKey.values()].map((a) => [a.accountId, a.webhookKey]));
      this.loaded = true;
      cachedAccounts.set(byKey.size);
      this.logger.log({ msg: 'account cache loaded', accounts: byKey.size });
    });
  }

  /** Re-reads one account (after a change announcement); drops it when it no longer exists. */
  reloadAccount(accountId: string): Promise<void> {
    return this.enqueue(
      'account reload',
      async () => {
        const row = await this.accounts.findByIdWithSecrets(accountId);
        const oldKey = this.keyById.get(accountId);
        // A rotated webhook key: the old URL must stop working at once.
        if (oldKey !== undefined) this.byKey.delete(oldKey);
        this.keyById.delete(accountId);
        if (row) {
          const account = this.open(toCachedAccount(row, this.box));
          this.byKey.set(account.webhookKey, account);
          this.keyById.set(accountId, account.webhookKey);
        }
        cachedAccounts.set(this.byKey.size);
        this.logger.log({ msg: row ? 'account reloaded' : 'account dropped', accountId });
      },
      accountId,
    );
  }

  private open(account: CachedAccount): CachedAccount {
    if (!account.tokens) {
      this.logger.error({
        msg: 'cannot decrypt the signature tokens of an account; its deliveries get 503 until ENCRYPTION_KEY is fixed',
        accountId: account.accountId,
      });
    }
    return account;
  }

  private enqueue(what: string, work: () => Promise<void>, accountId?: string): Promise<void> {
    const run = this.chain.then(work).catch((err: unknown) => {
      this.logger.error({ msg: `account cache ${what} failed`, accountId, err });
    });
    this.chain = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.reloadAll().then(() => this.schedule(this.loaded ? this.env.ACCOUNT_CACHE_RELOAD_MS : FIRST_LOAD_RETRY_MS));
    }, delayMs);
    // The timer alone must not keep the process (or a test) alive.
    this.timer.unref();
  }
}
