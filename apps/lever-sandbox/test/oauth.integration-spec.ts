import { ACME_COMPANY_ID } from '../src/seed/acme.seed';
import { startSandbox, type RunningSandbox } from './support/sandbox-harness';

const CLIENT = { client_id: 'demo-oauth-client', client_secret: 'demo-oauth-secret' };
const REDIRECT = 'http://127.0.0.1:9/oauth/lever/callback';

describe('lever-sandbox OAuth', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ LEVER_SANDBOX_OAUTH_ACCESS_TTL_S: '1' });
  });
  afterAll(() => sandbox?.close());
  beforeEach(() => sandbox.control.call('POST', '/reset'));

  const authorize = (params: Record<string, string>) =>
    fetch(`${sandbox.baseUrl}/authorize?${new URLSearchParams(params).toString()}`, { redirect: 'manual' });
  const token = async (form: Record<string, string>) => {
    const res = await fetch(`${sandbox.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...CLIENT, ...form }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string & number> };
  };
  const stages = (accessToken: string) => fetch(`${sandbox.apiUrl}/stages`, { headers: { Authorization: `Bearer ${accessToken}` } });
  const good = {
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    response_type: 'code',
    state: 's1',
    audience: 'https://api.lever.co/v1/',
    scope: 'offline_access stages:read:admin opportunities:write:admin',
  };
  const codeOf = async (params = good) => {
    const res = await authorize(params);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(location.searchParams.get('state')).toBe(params.state);
    return location.searchParams.get('code') as string;
  };

  it('refuses an authorize request without state, audience, a known client or a known scope', async () => {
    for (const bad of [{ state: '' }, { audience: '' }, { client_id: 'other' }, { scope: 'offline_access everything:admin' }]) {
      expect((await authorize({ ...good, ...bad })).status).toBe(400);
    }
    const denied = await authorize({ ...good, sandbox_deny: '1' });
    expect(new URL(denied.headers.get('location') as string).searchParams.get('error')).toBe('access_denied');
  });

  it('exchanges a code once, serves Bearer calls with the scopes as permissions, expires and rotates', async () => {
    const code = await codeOf();
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 1, scope: good.scope });
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');

    expect((await stages(first.body.access_token)).status).toBe(200);
    // users:read was not granted.
    const users = await fetch(`${sandbox.apiUrl}/users`, { headers: { Authorization: `Bearer ${first.body.access_token}` } });
    expect(users.status).toBe(403);

    await new Promise((r) => setTimeout(r, 1_100));
    expect((await stages(first.body.access_token)).status).toBe(401);

    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await stages(second.body.access_token)).status).toBe(200);
    // Rotation: the old refresh token is dead.
    expect(await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });

    const { grants, tokenRequests } = await sandbox.control.call<{
      grants: { id: string; companyId: string; refreshes: number; keyId: string }[];
      tokenRequests: Record<string, number>;
    }>('GET', '/oauth');
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ companyId: ACME_COMPANY_ID, refreshes: 1 });
    expect(tokenRequests).toEqual({ authorization_code: 2, refresh_token: 2 });
    expect((await sandbox.control.requests(grants[0].keyId)).map((r) => r.status)).toEqual([200, 403, 200]); // an expired token names no grant, like an unknown key

    await sandbox.control.call('POST', `/oauth/grants/${grants[0].id}/revoke`);
    expect((await stages(second.body.access_token)).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('refuses a wrong client secret and a code sent with another redirect_uri', async () => {
    const code = await codeOf();
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_secret: 'nope' })).status).toBe(401);
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other' })).body.error).toBe(
      'invalid_grant',
    );
  });
});
