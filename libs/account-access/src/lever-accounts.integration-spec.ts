import { SecretBox } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import { LeverAuthError, LeverClient, RedisTokenBucketLimiter } from '@lever-assess/lever-client';
import {
  Account,
  AccountsRepository,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
  createDataSource,
} from '@lever-assess/persistence';
import { AccountChangesPublisher, accountChangesChannel } from '@lever-assess/redis';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import IORedis from 'ioredis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { AccountUnavailableError } from './account-access.errors';
import { AccountConfigCache } from './account-config.cache';
import { LeverAccountsService } from './lever-accounts.service';

// A fake Lever of the real contract over HTTP: 200 with stages for the good key, 401 otherwise.
function fakeLever(goodKey: string): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const ok = req.headers.authorization === `Basic ${Buffer.from(goodKey + ':').toString('base64')}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        ok ? { data: [{ id: 's1', text: 'Coding Test' }], hasNext: false } : { code: 'Unauthorized', message: 'Invalid API key' },
      ),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests: () => requests }),
    ),
  );
}

describe(LeverAccountsService.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let ns: TestRedisNamespace;
  let subscriber: IORedis;
  let lever: Awaited<ReturnType<typeof fakeLever>>;
  let accounts: AccountsRepository;
  let sut: LeverAccountsService;
  let client: LeverClient;
  const box = new SecretBox(Buffer.alloc(32, 7));
  const published: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('la_test_access');
    ds = createDataSource(db.url);
    await ds.initialize();
    ns = await createTestRedisNamespace('access');
    subscriber = new IORedis(TEST_REDIS_URL);
    await subscriber.subscribe(accountChangesChannel(ns.prefix));
    subscriber.on('message', (_channel, message: string) => published.push(message));
    lever = await fakeLever('good-key');
    accounts = new AccountsRepository(ds.getRepository(Account));
    client = new LeverClient({
      baseUrl: lever.url,
      limiter: new RedisTokenBucketLimiter({ redis: ns.redis, keyPrefix: `${ns.prefix}:rate:` }),
      maxAttempts: 1,
    });
    sut = new LeverAccountsService(accounts, box, client, new AccountChangesPublisher(ns.redis, ns.prefix));
  });

  afterAll(async () => {
    await subscriber?.quit();
    await ns?.cleanup();
    await new Promise((r) => lever?.server.close(r));
    await ds?.destroy();
    await db?.drop();
  });

  const newAccount = (apiKey: string) =>
    accounts.create({
      name: 'Acme',
      tagPrefix: 'Acme Test',
      leverApiKeyEnc: box.encrypt(apiKey),
      leverSignatureTokenEnc: box.encrypt('sig'),
      performAsUserId: 'user-1',
      platformAccountId: 'p1',
    });

  it('opens an active account with its decrypted key and perform-as user', async () => {
    const account = await newAccount('good-key');
    const stages = await sut.withLever(account.id, ({ auth, performAs }, client) => {
      expect(auth).toEqual({ accountId: account.id, apiKey: 'good-key' });
      expect(performAs).toBe('user-1');
      return client.listStages(auth);
    });
    expect(stages).toEqual([{ id: 's1', text: 'Coding Test' }]);
  });

  it('marks the account disconnected on a 401, announces it, and stops calling Lever for it', async () => {
    const account = await newAccount('revoked-key');
    await expect(sut.withLever(account.id, ({ auth }, client) => client.listStages(auth))).rejects.toBeInstanceOf(LeverAuthError);
    await expect(accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });
    await eventually(() => published.includes(account.id));

    const before = lever.requests();
    await expect(sut.withLever(account.id, ({ auth }, client) => client.listStages(auth))).rejects.toBeInstanceOf(AccountUnavailableError);
    expect(lever.requests()).toBe(before);
    // The connection test still reaches a disconnected account, to find out whether a key works.
    await expect(sut.open(account.id, { anyStatus: true })).resolves.toMatchObject({ auth: { apiKey: 'revoked-key' } });

    await sut.markConnected(account.id);
    await expect(sut.open(account.id)).resolves.toMatchObject({ auth: { apiKey: 'revoked-key' } });
  });

  /** A LeverAccountsService with the workers' account cache, serving; `work` runs with it, then the cache stops. */
  async function withCachedService(
    connectionName: string,
    work: (cached: LeverAccountsService, cache: AccountConfigCache) => Promise<void>,
  ): Promise<void> {
    const cache = new AccountConfigCache(
      accounts,
      new TriggerRulesRepository(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition)),
      new TestsRepository(ds.getRepository(TestDefinition)),
      { redisUrl: TEST_REDIS_URL, queuePrefix: ns.prefix, maxAgeMs: 60_000, connectionName },
    );
    cache.onApplicationBootstrap();
    try {
      await eventually(() => cache.isServing);
      await work(
        new LeverAccountsService(accounts, box, client, new AccountChangesPublisher(ns.redis, ns.prefix), undefined, cache),
        cache,
      );
    } finally {
      await cache.onApplicationShutdown();
    }
  }

  it("with the workers' account cache: a 401 stops this process's next job at once, and a reconnect lets it through", async () => {
    await withCachedService('lever-accounts-spec-cache', async (cached) => {
      const account = await newAccount('revoked-key');
      // Kept: the same row for both opens.
      expect((await cached.open(account.id)).account).toBe((await cached.open(account.id)).account);

      await expect(cached.withLever(account.id, ({ auth }, lever) => lever.listStages(auth))).rejects.toBeInstanceOf(LeverAuthError);
      const before = lever.requests();
      // No wait for the announcement to come back: the kept row was dropped when the account was marked.
      await expect(cached.withLever(account.id, ({ auth }, lever) => lever.listStages(auth))).rejects.toBeInstanceOf(
        AccountUnavailableError,
      );
      expect(lever.requests()).toBe(before);

      await cached.markConnected(account.id);
      await expect(cached.open(account.id)).resolves.toMatchObject({ account: { status: AccountStatus.Active } });
    });
  });

  it("with the workers' account cache: the key is decrypted once per kept row, and again after a change", async () => {
    const decrypt = jest.spyOn(box, 'decrypt');
    try {
      await withCachedService('lever-accounts-spec-decrypt', async (cached, cache) => {
        const account = await newAccount('good-key');
        decrypt.mockClear();
        for (let i = 0; i < 3; i++) await expect(cached.open(account.id)).resolves.toMatchObject({ auth: { apiKey: 'good-key' } });
        expect(decrypt).toHaveBeenCalledTimes(1);

        // The admin pastes another key: the change drops the kept row, and the next job uses the new key.
        await accounts.update(account.id, { leverApiKeyEnc: box.encrypt('replaced-key') });
        cache.forget(account.id);
        await expect(cached.open(account.id)).resolves.toMatchObject({ auth: { apiKey: 'replaced-key' } });
        expect(decrypt).toHaveBeenCalledTimes(2);
        // Without the cache (config-api), every open decrypts.
        await sut.open(account.id);
        await sut.open(account.id);
        expect(decrypt).toHaveBeenCalledTimes(4);
      });
    } finally {
      decrypt.mockRestore();
    }
  });

  it('leaves the account active when Lever refuses a key the admin replaced during the call', async () => {
    const account = await newAccount('revoked-key');
    await expect(
      sut.withLever(account.id, async ({ auth }, client) => {
        // The admin saves a working key while the call made with the old one is in flight.
        await accounts.update(account.id, { leverApiKeyEnc: box.encrypt('good-key') });
        return client.listStages(auth);
      }),
    ).rejects.toBeInstanceOf(LeverAuthError);
    await expect(accounts.findById(account.id)).resolves.toMatchObject({ status: AccountStatus.Active, statusReason: null });
    // The next job opens the account with the new key and works.
    await expect(sut.withLever(account.id, ({ auth }, client) => client.listStages(auth))).resolves.toHaveLength(1);
  });

  it('keeps a disabled account disabled when a call made before the disable gets a 401', async () => {
    const account = await newAccount('revoked-key');
    const access = await sut.open(account.id);
    await accounts.setStatus(account.id, AccountStatus.Disabled, 'DISABLED_BY_ADMIN');
    await expect(sut.withLever(access, ({ auth }, client) => client.listStages(auth))).rejects.toBeInstanceOf(LeverAuthError);
    await expect(accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disabled,
      statusReason: 'DISABLED_BY_ADMIN',
    });
  });

  it('refuses unknown and disabled accounts', async () => {
    await expect(sut.open('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 'missing' });
    const account = await newAccount('good-key');
    await accounts.setStatus(account.id, AccountStatus.Disabled);
    await expect(sut.open(account.id)).rejects.toMatchObject({ code: 'ACCOUNT_UNAVAILABLE', status: 'disabled' });
  });
});
