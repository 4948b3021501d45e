import { SecretBox } from '@lever-assess/common';
import { accountSecretContext } from '@lever-assess/persistence';
import * as testing from '@lever-assess/testing';
import { TEST_REDIS_URL } from '@lever-assess/testing';
import IORedis from 'ioredis';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { ConfigApiHarness } from './config-api.harness';

const REDIRECT = 'http://127.0.0.1:9/oauth/lever/callback';

describe('config-api OAuth connect (lever-sandbox as Lever auth server)', () => {
  let h: ConfigApiHarness;
  let oauthUrl: string;
  let pg: Client;
  let redis: IORedis;
  let n = 0;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_oauth', testing);
    // A second config API with OAuth configured; the first one (h.url) has none.
    ({ url: oauthUrl } = await h.startApp(
      h.envWith({
        LEVER_OAUTH_URL: h.lever.url,
        LEVER_OAUTH_CLIENT_ID: 'demo-oauth-client',
        LEVER_OAUTH_CLIENT_SECRET: 'demo-oauth-secret',
        LEVER_OAUTH_REDIRECT_URL: REDIRECT,
        ENCRYPTION_KEY: h.env.ENCRYPTION_KEY as string,
      }),
    ));
    pg = new Client({ connectionString: h.db.url });
    await pg.connect();
    redis = new IORedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await redis?.quit();
    await pg?.end();
    await h?.close();
  });

  /** An account created without an API key (it waits for OAuth). */
  async function oauthAccount() {
    n++;
    return h.createAccount({ name: `OAuth ${n}`, tagPrefix: `OAuth ${n}` }, { apiKey: undefined });
  }
  const start = (accountId: string, baseUrl = oauthUrl) => h.call('POST', `/v1/accounts/${accountId}/lever/oauth/start`, { baseUrl });
  /** The admin's browser at Lever: the sandbox approves and redirects; we keep the query it sends back. */
  async function approve(authorizeUrl: string): Promise<string> {
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    return location.search;
  }
  const callback = (search: string) => h.call('GET', `/oauth/lever/callback${search}`, { baseUrl: oauthUrl, token: null });

  it('answers 409 with a plain reason while OAuth is not configured', async () => {
    const account = await oauthAccount();
    const res = await start(account.id, h.url);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'LEVER_OAUTH_NOT_CONFIGURED', message: expect.stringContaining('LEVER_OAUTH_CLIENT_ID') });
  });

  it('tells the console whether to offer "Connect with OAuth"', async () => {
    expect((await h.call('GET', '/v1/session', { baseUrl: oauthUrl })).body).toMatchObject({ via: 'bearer', leverOAuth: true });
    expect((await h.call('GET', '/v1/session')).body).toMatchObject({ via: 'bearer', leverOAuth: false });
  });

  it('connects an account: authorize URL, public callback, tokens sealed at rest, Lever called with Bearer', async () => {
    const account = await oauthAccount();
    expect(account).toMatchObject({ status: 'disconnected', statusReason: 'LEVER_NOT_CONNECTED', lever: { authKind: 'api_key' } });
    expect((await h.call('POST', `/v1/accounts/${account.id}/lever/oauth/start`, { baseUrl: oauthUrl, token: null })).status).toBe(401);

    const started = await start(account.id);
    expect(started.status).toBe(200);
    const url = new URL(started.body.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.lever.url}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'demo-oauth-client',
      redirect_uri: REDIRECT,
      response_type: 'code',
      audience: 'https://api.lever.co/v1/',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'opportunities:write:admin']));

    const res = await callback(await approve(started.body.authorizeUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('Lever connected');

    const after = await h.call('GET', `/v1/accounts/${account.id}`, { baseUrl: oauthUrl });
    expect(after.body).toMatchObject({
      status: 'active',
      statusReason: null,
      lever: { authKind: 'oauth', oauthExpiresAt: expect.any(String) },
    });
    expect(JSON.stringify(after.body)).not.toMatch(/at_|rt_/);

    // At rest: sealed, bound to the row, no plaintext token anywhere in the row.
    const row = (
      await pg.query(
        `SELECT t::text AS text, lever_api_key_enc, lever_oauth_access_token_enc, lever_oauth_refresh_token_enc FROM accounts t WHERE id = $1`,
        [account.id],
      )
    ).rows[0];
    expect(row.lever_api_key_enc).toBeNull();
    expect(row.text).not.toMatch(/at_|rt_/);
    const box = SecretBox.fromEnv({ ENCRYPTION_KEY: h.env.ENCRYPTION_KEY });
    const accessToken = box.decrypt(row.lever_oauth_access_token_enc, accountSecretContext('leverOauthAccessTokenEnc', account.id));
    expect(accessToken).toMatch(/^at_/);
    expect(box.decrypt(row.lever_oauth_refresh_token_enc, accountSecretContext('leverOauthRefreshTokenEnc', account.id))).toMatch(/^rt_/);

    // The product's Lever calls for the account now go out as the grant's Bearer token.
    const test = await h.call('POST', `/v1/accounts/${account.id}/lever/test-connection`, { baseUrl: oauthUrl });
    expect(test.body).toMatchObject({ ok: true, accountStatus: 'active' });
    const { grants } = await h.sandbox(h.lever, 'GET', '/_sandbox/oauth');
    const grant = grants[grants.length - 1];
    const log = (await h.sandbox(h.lever, 'GET', `/_sandbox/requests?keyId=${grant.keyId}`)).data;
    expect(log.length).toBeGreaterThan(0);
    // 200s, and the 404s of the write-permission probes (on an opportunity that does not exist).
    expect(log.filter((r: { status: number }) => r.status !== 200)).toEqual(
      Array.from({ length: 3 }, () =>
        expect.objectContaining({ status: 404, path: expect.stringContaining('00000000-0000-0000-0000-000000000000') }),
      ),
    );

    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`, { baseUrl: oauthUrl });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['account.lever.oauth.start', 'account.lever.oauth.connect']),
    );
  });

  it('refuses a bad, a reused and an expired state with a plain page, and leaves the account as it was', async () => {
    const account = await oauthAccount();

    const bad = await callback('?code=anything&state=not-a-state');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('unknown, expired');

    const first = await start(account.id);
    const search = await approve(first.body.authorizeUrl);
    expect((await callback(search)).status).toBe(200);
    const reused = await callback(search);
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('already used');

    const second = await start(account.id);
    const state = new URL(second.body.authorizeUrl).searchParams.get('state') as string;
    const key = `${h.ns.prefix}:lever-oauth-state:${createHash('sha256').update(state).digest('hex')}`;
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    const late = await approve(second.body.authorizeUrl);
    await redis.pexpire(key, 1); // ten minutes pass
    await new Promise((r) => setTimeout(r, 20));
    const expired = await callback(late);
    expect(expired.status).toBe(400);
    const json = await fetch(`${oauthUrl}/oauth/lever/callback${late}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ connected: false, error: 'LEVER_OAUTH_CALLBACK_REFUSED' });
  });
});
