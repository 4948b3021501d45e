import { SecretBox } from '@lever-assess/common';
import { AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import { LeverClient, LeverOAuthClient, RedisTokenBucketLimiter, type LeverOAuthOptions } from '@lever-assess/lever-client';
import { Account, AccountsRepository, accountSecretContext, createDataSource } from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  startBuiltApp,
  type RunningApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccountUnavailableError } from './account-access.errors';
import type { AccountAccessOptions } from './account-access.options';
import { LeverAccountsService } from './lever-accounts.service';
import { LEVER_OAUTH_REVOKED, LEVER_OAUTH_REVOKED_MESSAGE, LeverOAuthSession } from './lever-oauth.session';

// Access tokens live 8 s at the sandbox; a token with under 5 s left is refreshed before use.
const ACCESS_TTL_S = 8;
const MARGIN_MS = 5_000;

describe('LeverAccountsService with OAuth (lever-sandbox over HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let ns: TestRedisNamespace;
  let sandbox: RunningApp;
  let accounts: AccountsRepository;
  let oauthOptions: LeverOAuthOptions;
  const extraRedis: IORedis[] = [];
  const box = new SecretBox(Buffer.alloc(32, 9));

  beforeAll(async () => {
    db = await createTestDatabase('la_test_oauth');
    ds = createDataSource(db.url);
    await ds.initialize();
    ns = await createTestRedisNamespace('oauth');
    sandbox = await startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent', LEVER_SANDBOX_OAUTH_ACCESS_TTL_S: String(ACCESS_TTL_S) });
    accounts = new AccountsRepository(ds.getRepository(Account));
    oauthOptions = {
      url: sandbox.url,
      clientId: 'demo-oauth-client',
      clientSecret: 'demo-oauth-secret',
      redirectUrl: 'http://127.0.0.1:9/oauth/lever/callback',
    };
  });

  afterAll(async () => {
    for (const r of extraRedis) await r.quit();
    await ns?.cleanup();
    await sandbox?.stop();
    await ds?.destroy();
    await db?.drop();
  });

  /** One "replica": its own Redis connection, limiter, OAuth session and service. */
  function replica(marginMs = MARGIN_MS): LeverAccountsService {
    const redis = new IORedis(TEST_REDIS_URL);
    extraRedis.push(redis);
    const options: AccountAccessOptions = {
      queuePrefix: ns.prefix,
      leverApiUrl: `${sandbox.url}/v1`,
      leverRatePerSecond: 10,
      leverRateBurst: 18,
      leverOAuth: oauthOptions,
      leverOAuthRefreshMarginMs: marginMs,
    };
    const changes = new AccountChangesPublisher(redis, ns.prefix);
    const session = new LeverOAuthSession(accounts, box, redis, changes, options, new LeverOAuthClient(oauthOptions));
    const lever = new LeverClient({
      baseUrl: options.leverApiUrl,
      limiter: new RedisTokenBucketLimiter({ redis, keyPrefix: `${ns.prefix}:rate:` }),
      maxAttempts: 1,
    });
    return new LeverAccountsService(accounts, box, lever, changes, session);
  }

  const control = async <T>(method: string, path: string): Promise<T> =>
    (await (await fetch(`${sandbox.url}${path}`, { method })).json()) as T;
  const oauthState = () =>
    control<{ grants: { id: string; keyId: string; refreshes: number }[]; tokenRequests: Record<string, number> }>(
      'GET',
      '/_sandbox/oauth',
    );
  const refreshRequests = async () => (await oauthState()).tokenRequests.refresh_token ?? 0;

  /** An account created without a key, connected through the sandbox's /authorize and the code exchange. */
  async function connectedAccount(): Promise<{ id: string; grantId: string }> {
    const id = randomUUID();
    await accounts.create({
      id,
      name: `OAuth ${id}`,
      tagPrefix: `OAuth ${id}`,
      leverApiKeyEnc: null,
      leverSignatureTokenEnc: box.encrypt('sig', accountSecretContext('leverSignatureTokenEnc', id)),
      platformAccountId: 'p1',
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_NOT_CONNECTED',
    });
    const client = new LeverOAuthClient(oauthOptions);
    const authorize = await fetch(client.authorizeUrl('state-1'), { redirect: 'manual' });
    const code = new URL(authorize.headers.get('location') as string).searchParams.get('code') as string;
    const tokens = await client.exchangeCode(code);
    await accounts.connectOAuth(id, {
      accessTokenEnc: box.encrypt(tokens.accessToken, accountSecretContext('leverOauthAccessTokenEnc', id)),
      refreshTokenEnc: box.encrypt(tokens.refreshToken, accountSecretContext('leverOauthRefreshTokenEnc', id)),
      expiresAt: tokens.expiresAt,
    });
    const { grants } = await oauthState();
    return { id, grantId: grants[grants.length - 1].id };
  }

  const storedRefreshEnc = async (id: string) => (await accounts.findByIdWithSecrets(id))?.leverOauthRefreshTokenEnc;

  it('calls Lever with the access token as Bearer, and refreshes it once it is within the margin of expiry', async () => {
    const sut = replica();
    const { id, grantId } = await connectedAccount();
    const before = await refreshRequests();

    const stages = await sut.withLever(id, ({ auth }, lever) => {
      expect(auth.apiKey).toBeUndefined();
      expect(auth.accessToken).toMatch(/^at_/);
      return lever.listStages(auth);
    });
    expect(stages.length).toBeGreaterThan(0);
    expect(await refreshRequests()).toBe(before); // still fresh: no refresh

    const oldRefresh = await storedRefreshEnc(id);
    await new Promise((r) => setTimeout(r, ACCESS_TTL_S * 1000 - MARGIN_MS + 200));
    await sut.withLever(id, ({ auth }, lever) => lever.listStages(auth));
    expect(await refreshRequests()).toBe(before + 1);
    expect(await storedRefreshEnc(id)).not.toBe(oldRefresh);
    const grant = (await oauthState()).grants.find((g) => g.id === grantId);
    expect(grant?.refreshes).toBe(1);
    // Every Lever call went out as the grant's Bearer token.
    const log = (await control<{ data: { status: number }[] }>('GET', `/_sandbox/requests?keyId=${grant?.keyId}`)).data;
    expect(log.map((r) => r.status)).toEqual([200, 200]);
  });

  it('two replicas racing to refresh: exactly one refresh reaches Lever, both call with working tokens, the newest refresh token is stored', async () => {
    const [a, b] = [replica(), replica()];
    const { id } = await connectedAccount();
    // Both replicas find the token inside the margin at once.
    await new Promise((r) => setTimeout(r, ACCESS_TTL_S * 1000 - MARGIN_MS + 200));
    const before = await refreshRequests();

    const results = await Promise.all([a, b].map((sut) => sut.withLever(id, ({ auth }, lever) => lever.listStages(auth))));
    expect(results.every((stages) => stages.length > 0)).toBe(true);
    expect(await refreshRequests()).toBe(before + 1);

    // The stored refresh token is the live one: Lever accepts it (it would refuse a rotated-out one).
    const stored = (await accounts.findByIdWithSecrets(id))!;
    const refreshToken = box.decrypt(stored.leverOauthRefreshTokenEnc as string, accountSecretContext('leverOauthRefreshTokenEnc', id));
    await expect(new LeverOAuthClient(oauthOptions).refresh(refreshToken)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('a 401 on the access token: one refresh and one retry', async () => {
    const sut = replica(0); // no refresh ahead of time: only the 401 triggers it
    const { id, grantId } = await connectedAccount();
    const before = await refreshRequests();
    await control('POST', `/_sandbox/oauth/grants/${grantId}/expire-access-tokens`);

    let calls = 0;
    const stages = await sut.withLever(id, ({ auth }, lever) => {
      calls++;
      return lever.listStages(auth);
    });
    expect(stages.length).toBeGreaterThan(0);
    expect(calls).toBe(2);
    expect(await refreshRequests()).toBe(before + 1);
    await expect(accounts.findById(id)).resolves.toMatchObject({ status: AccountStatus.Active });
  });

  it('a refused refresh token (grant revoked in Lever) disconnects the account with a plain reason', async () => {
    const sut = replica(60_000);
    const { id, grantId } = await connectedAccount();
    await control('POST', `/_sandbox/oauth/grants/${grantId}/revoke`);

    const err = await sut.withLever(id, ({ auth }, lever) => lever.listStages(auth)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccountUnavailableError);
    expect((err as AccountUnavailableError).parkAccountId).toBe(id);
    await expect(accounts.findById(id)).resolves.toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: LEVER_OAUTH_REVOKED,
      healthStatus: KeyHealthStatus.KeyRevoked,
      healthProblem: LEVER_OAUTH_REVOKED_MESSAGE,
    });
    // Later jobs stop at open, without asking Lever again.
    const before = await refreshRequests();
    await expect(sut.open(id)).rejects.toBeInstanceOf(AccountUnavailableError);
    expect(await refreshRequests()).toBe(before);
  });

  it('the scheduled key check: ok through OAuth, and the plain reason once the grant is revoked', async () => {
    const { id, grantId } = await connectedAccount();
    await expect(replica().checkKeyHealth(id, `hold-${id}`)).resolves.toEqual({ status: KeyHealthStatus.Ok, problem: null });
    await control('POST', `/_sandbox/oauth/grants/${grantId}/revoke`);
    await expect(replica(60_000).checkKeyHealth(id, `hold-${id}-2`)).resolves.toEqual({
      status: KeyHealthStatus.KeyRevoked,
      problem: LEVER_OAUTH_REVOKED_MESSAGE,
    });
    await expect(accounts.findById(id)).resolves.toMatchObject({ status: AccountStatus.Disconnected, statusReason: LEVER_OAUTH_REVOKED });
  });
});
