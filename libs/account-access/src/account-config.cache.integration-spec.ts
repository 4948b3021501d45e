import { SecretBox } from '@lever-assess/common';
import { RuleKind } from '@lever-assess/domain';
import {
  Account,
  AccountsRepository,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
  createDataSource,
} from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccountConfigCache, type AccountConfigCacheOptions } from './account-config.cache';

/** The real repositories, counting the reads the cache makes. */
class CountingRules extends TriggerRulesRepository {
  reads = 0;
  override list(accountId: string) {
    this.reads++;
    return super.list(accountId);
  }
  override listEnabledForStage(accountId: string, stageId: string) {
    this.reads++;
    return super.listEnabledForStage(accountId, stageId);
  }
  override findById(accountId: string, id: string) {
    this.reads++;
    return super.findById(accountId, id);
  }
}
class CountingAccounts extends AccountsRepository {
  reads = 0;
  override findByIdWithSecrets(id: string) {
    this.reads++;
    return super.findByIdWithSecrets(id);
  }
}
class CountingTests extends TestsRepository {
  reads = 0;
  override list(accountId: string) {
    this.reads++;
    return super.list(accountId);
  }
}

describe(AccountConfigCache.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let ns: TestRedisNamespace;
  let accounts: CountingAccounts;
  let rules: CountingRules;
  let tests: CountingTests;
  let publisher: AccountChangesPublisher;
  const started: AccountConfigCache[] = [];
  const box = new SecretBox(Buffer.alloc(32, 7));

  beforeAll(async () => {
    db = await createTestDatabase('la_test_config_cache');
    ds = createDataSource(db.url);
    await ds.initialize();
    ns = await createTestRedisNamespace('config-cache');
    accounts = new CountingAccounts(ds.getRepository(Account));
    rules = new CountingRules(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition));
    tests = new CountingTests(ds.getRepository(TestDefinition));
    publisher = new AccountChangesPublisher(ns.redis, ns.prefix);
  });

  afterEach(async () => {
    for (const cache of started.splice(0)) await cache.onApplicationShutdown();
  });

  afterAll(async () => {
    await ns?.cleanup();
    await ds?.destroy();
    await db?.drop();
  });

  const connectionName = () => `config-cache-spec-${randomUUID()}`;

  async function startCache(options: Partial<AccountConfigCacheOptions> = {}): Promise<AccountConfigCache> {
    const cache = new AccountConfigCache(accounts, rules, tests, {
      redisUrl: TEST_REDIS_URL,
      queuePrefix: ns.prefix,
      maxAgeMs: 60_000,
      connectionName: connectionName(),
      ...options,
    });
    started.push(cache);
    cache.onApplicationBootstrap();
    if (options.maxAgeMs !== 0) await eventually(() => cache.isServing);
    return cache;
  }

  async function accountWithConfig() {
    const account = await accounts.create({
      name: 'Acme',
      tagPrefix: 'Acme Test',
      leverApiKeyEnc: box.encrypt('key'),
      leverSignatureTokenEnc: box.encrypt('sig'),
      performAsUserId: 'user-1',
      platformAccountId: 'p1',
    });
    const python = await tests.create(account.id, { name: 'Python Basics', platformTestId: 'py-1', kind: RuleKind.TakeHome });
    const go = await tests.create(account.id, { name: 'Go Basics', platformTestId: 'go-1', kind: RuleKind.TakeHome });
    const first = await rules.create(account.id, { stageId: 'coding', kind: RuleKind.TakeHome, testId: python.id });
    const second = await rules.create(account.id, { stageId: 'coding', kind: RuleKind.TakeHome, testId: go.id, requiredTag: 'go' });
    const disabled = await rules.create(account.id, { stageId: 'coding', kind: RuleKind.TakeHome, enabled: false });
    const other = await rules.create(account.id, { stageId: 'onsite', kind: RuleKind.LiveInterview });
    return { account, python, go, first, second, disabled, other };
  }

  const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

  it('answers as the repositories do, reading each account once', async () => {
    const { account, first, second, disabled } = await accountWithConfig();
    const cache = await startCache();
    const before = rules.reads + tests.reads;

    expect(ids(await cache.rulesForStage(account.id, 'coding'))).toEqual(ids(await rules.listEnabledForStage(account.id, 'coding')));
    expect(ids(await cache.rulesForStage(account.id, 'coding'))).toEqual([first.id, second.id]);
    expect(await cache.rulesForStage(account.id, 'nowhere')).toEqual([]);
    expect((await cache.rule(account.id, disabled.id))?.enabled).toBe(false);
    expect(ids(await cache.catalog(account.id))).toEqual(ids(await tests.list(account.id)));
    expect((await cache.catalog(account.id)).map((t) => t.name)).toEqual(['Go Basics', 'Python Basics']);

    // Counted: the two direct repository reads above, and one rule list and one catalog read by the cache.
    expect(rules.reads + tests.reads - before).toBe(2 + 2);
  });

  it('drops an account when its change is announced', async () => {
    const { account, first, second } = await accountWithConfig();
    const cache = await startCache();
    expect(ids(await cache.rulesForStage(account.id, 'coding'))).toEqual([first.id, second.id]);

    await rules.update(account.id, first.id, { enabled: false });
    // Not announced yet: the kept list is still used.
    expect(ids(await cache.rulesForStage(account.id, 'coding'))).toEqual([first.id, second.id]);
    await publisher.announce(account.id);
    await eventually(async () => ids(await cache.rulesForStage(account.id, 'coding')).join() === second.id);
  });

  it('reads again after maxAgeMs when a change was never announced', async () => {
    const { account, python } = await accountWithConfig();
    const cache = await startCache({ maxAgeMs: 300 });
    expect((await cache.catalog(account.id)).map((t) => t.name)).toContain('Python Basics');
    await tests.update(account.id, python.id, { name: 'Python Advanced' });
    await eventually(async () => (await cache.catalog(account.id)).some((t) => t.name === 'Python Advanced'), { timeoutMs: 3_000 });
  });

  it('starts from nothing when its subscription is re-established (announcements may have been missed)', async () => {
    const { account, first, second } = await accountWithConfig();
    const name = connectionName();
    const cache = await startCache({ connectionName: name });
    expect(ids(await cache.rulesForStage(account.id, 'coding'))).toEqual([first.id, second.id]);

    await rules.update(account.id, second.id, { enabled: false });
    const line = ((await ns.redis.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await ns.redis.client('KILL', 'ID', id as string);
    // ioredis reconnects and subscribes again; nothing kept from before is used.
    await eventually(async () => cache.isServing && ids(await cache.rulesForStage(account.id, 'coding')).join() === first.id);
  });

  it('reads the repositories for every call while not subscribed, or when turned off', async () => {
    const { account } = await accountWithConfig();
    const off = await startCache({ maxAgeMs: 0 });
    const notStarted = new AccountConfigCache(accounts, rules, tests, {
      redisUrl: TEST_REDIS_URL,
      queuePrefix: ns.prefix,
      maxAgeMs: 60_000,
    });
    for (const cache of [off, notStarted]) {
      expect(cache.isServing).toBe(false);
      const before = rules.reads + tests.reads;
      await cache.rulesForStage(account.id, 'coding');
      await cache.rulesForStage(account.id, 'coding');
      await cache.catalog(account.id);
      expect(rules.reads + tests.reads - before).toBe(3);
    }
  });

  it('reads a rule created after the list was kept', async () => {
    const { account } = await accountWithConfig();
    const cache = await startCache();
    await cache.rulesForStage(account.id, 'coding');
    const late = await rules.create(account.id, { stageId: 'late', kind: RuleKind.TakeHome });
    expect((await cache.rule(account.id, late.id))?.id).toBe(late.id);
    expect(await cache.rule(account.id, randomUUID())).toBeNull();
  });

  it('shares frozen rows: a caller cannot change what the next job reads', async () => {
    const { account } = await accountWithConfig();
    const cache = await startCache();
    const [rule] = await cache.rulesForStage(account.id, 'coding');
    expect(() => {
      (rule as { stageId: string }).stageId = 'changed';
    }).toThrow(TypeError);
    expect((await cache.rulesForStage(account.id, 'coding'))[0].stageId).toBe('coding');
  });

  it("keeps an API-key account's row, frozen, until its change is announced", async () => {
    const { account } = await accountWithConfig();
    const cache = await startCache();
    const before = accounts.reads;
    const row = await cache.account(account.id);
    expect(row).toEqual(await accounts.findByIdWithSecrets(account.id));
    expect(await cache.account(account.id)).toBe(row);
    // Counted: the direct read above and one read by the cache.
    expect(accounts.reads - before).toBe(2);
    expect(() => {
      (row as { tagPrefix: string }).tagPrefix = 'changed';
    }).toThrow(TypeError);

    await accounts.update(account.id, { tagPrefix: 'Renamed' });
    expect((await cache.account(account.id))?.tagPrefix).toBe('Acme Test');
    await publisher.announce(account.id);
    await eventually(async () => (await cache.account(account.id))?.tagPrefix === 'Renamed');
  });

  it('reads a missing account and an OAuth account every time', async () => {
    const { account } = await accountWithConfig();
    const cache = await startCache();
    const missing = randomUUID();
    expect(await cache.account(missing)).toBeNull();
    expect(await cache.account(missing)).toBeNull();
    const connected = await accounts.connectOAuth(account.id, {
      accessTokenEnc: box.encrypt('access'),
      refreshTokenEnc: box.encrypt('refresh'),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(connected).toBe(true);
    const before = accounts.reads;
    expect((await cache.account(account.id))?.leverAuthKind).toBe('oauth');
    expect((await cache.account(account.id))?.leverAuthKind).toBe('oauth');
    await cache.account(missing);
    expect(accounts.reads - before).toBe(3);
  });
});
