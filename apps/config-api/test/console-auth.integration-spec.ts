import * as testing from '@lever-assess/testing';
import { ADMIN_TOKEN, ConfigApiHarness, readAnswer } from './config-api.harness';

// Loose JSON answers, as in the other config-api tests.
type Json = any;

const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/docs/, /^\/oauth\/lever\/callback$/, /^\/console/];
const isPublicPost = (r: { method: string; url: string }) => r.method === 'POST' && /^\/v1\/session(\/link)?$/.test(r.url);
const OTHER_ID = '00000000-0000-4000-8000-000000000001';

/** Sends a request as a browser would: the session cookie, and the CSRF header when given. */
async function browserCall(
  h: ConfigApiHarness,
  method: string,
  path: string,
  options: { cookie?: string; csrf?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(h.url + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  return readAnswer(res);
}

/** `la_console_session=<secret>` from a Set-Cookie header, and the header's attributes. */
function sessionCookie(setCookie: string | null): { cookie: string; attributes: string[] } {
  expect(setCookie).toBeTruthy();
  const [pair, ...attributes] = String(setCookie)
    .split(';')
    .map((p) => p.trim());
  expect(pair).toMatch(/^la_console_session=ls_[A-Za-z0-9_-]{40,}$/);
  return { cookie: pair, attributes };
}

describe('console auth: account tokens, sessions, CSRF, scope (issue 18)', () => {
  let h: ConfigApiHarness;
  let accountA: Json;
  let accountB: Json;
  let tokenA: Json;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_console_auth', testing);
    accountA = await h.createAccount({ name: 'Acme A', tagPrefix: 'Acme A' });
    accountB = await h.createAccount({ name: 'Globex B', tagPrefix: 'Globex B' });
    const created = await h.call('POST', `/v1/accounts/${accountA.id}/access-tokens`, { body: { name: 'acme admin' } });
    expect(created.status).toBe(201);
    tokenA = created.body;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates, lists and revokes account tokens (vendor admins only); they are not vendor tokens', async () => {
    expect(tokenA).toMatchObject({ name: 'acme admin', accountId: accountA.id, revokedAt: null });
    expect(tokenA.token).toMatch(/^la_/);
    const list = await h.call('GET', `/v1/accounts/${accountA.id}/access-tokens`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: tokenA.id, accountId: accountA.id })]);
    expect(list.text).not.toContain(tokenA.token);
    expect((await h.call('GET', `/v1/accounts/${accountB.id}/access-tokens`)).body.items).toEqual([]);
    expect((await h.call('GET', '/v1/admin-tokens')).body.items.map((t: Json) => t.id)).not.toContain(tokenA.id);
    // Unknown account: 404; the account's own token cannot make more tokens.
    expect((await h.call('POST', `/v1/accounts/${OTHER_ID}/access-tokens`, { body: { name: 'x' } })).status).toBe(404);
    const byScoped = await h.call('POST', `/v1/accounts/${accountA.id}/access-tokens`, { token: tokenA.token, body: { name: 'x' } });
    expect(byScoped).toMatchObject({ status: 403, body: { error: 'VENDOR_ADMIN_ONLY' } });

    const other = await h.call('POST', `/v1/accounts/${accountA.id}/access-tokens`, { body: { name: 'temporary' } });
    expect((await h.call('GET', `/v1/accounts/${accountA.id}`, { token: other.body.token })).status).toBe(200);
    // Revoking through another account's path does not find it.
    expect((await h.call('DELETE', `/v1/accounts/${accountB.id}/access-tokens/${other.body.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/v1/accounts/${accountA.id}/access-tokens/${other.body.id}`)).status).toBe(204);
    expect((await h.call('GET', `/v1/accounts/${accountA.id}`, { token: other.body.token })).status).toBe(401);
    const audit = await h.call('GET', `/v1/accounts/${accountA.id}/audit`);
    expect(audit.body.items.map((e: Json) => e.action)).toEqual(expect.arrayContaining(['account-token.create', 'account-token.revoke']));
  });

  it('an account token reaches its own account and nothing else, on every registered route', async () => {
    const token = tokenA.token as string;
    const own = await h.call('GET', `/v1/accounts/${accountA.id}`, { token });
    expect(own.status).toBe(200);
    expect((await h.call('PATCH', `/v1/accounts/${accountA.id}`, { token, body: { name: 'Acme A renamed' } })).status).toBe(200);
    const list = await h.call('GET', '/v1/accounts', { token });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: accountA.id }] });

    // Every /v1/accounts/:id route with the other account's id: 403 before anything runs.
    const routes = h.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !PUBLIC.some((p) => p.test(r.url)));
    const accountRoutes = routes.filter((r) => r.url.startsWith('/v1/accounts/:id'));
    expect(accountRoutes.length).toBeGreaterThan(20);
    for (const r of accountRoutes) {
      const path = r.url.replace(':id', accountB.id).replace(/:[A-Za-z]+/g, OTHER_ID);
      const res = await h.call(r.method, path, { token, body: ['POST', 'PATCH', 'PUT'].includes(r.method) ? {} : undefined });
      expect({ route: `${r.method} ${r.url}`, status: res.status }).toEqual({ route: `${r.method} ${r.url}`, status: 403 });
      expect(['ACCOUNT_OUT_OF_SCOPE', 'VENDOR_ADMIN_ONLY']).toContain(res.body.error);
    }
    // Routes without an account id: vendor-only unless the handler limits itself to the account.
    const scopedAllowed = new Set([
      'GET /v1/accounts',
      'GET /v1/failed-jobs',
      'POST /v1/failed-jobs/retry',
      'POST /v1/failed-jobs/:queue/:jobId/retry',
      'GET /v1/session',
      'DELETE /v1/session',
    ]);
    for (const r of routes.filter((x) => !x.url.startsWith('/v1/accounts/:id') && !isPublicPost(x))) {
      if (scopedAllowed.has(`${r.method} ${r.url}`)) continue;
      const path = r.url.replace(/:[A-Za-z]+/g, (p) => (p === ':queue' ? 'lever-sync' : OTHER_ID));
      const res = await h.call(r.method, path, { token, body: ['POST', 'PATCH', 'PUT'].includes(r.method) ? {} : undefined });
      expect({ route: `${r.method} ${r.url}`, status: res.status, error: res.body?.error }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 403,
        error: 'VENDOR_ADMIN_ONLY',
      });
    }
    // Its own account's platform account and Lever URL stay the vendor's to change (nothing applied).
    const platform = await h.call('PATCH', `/v1/accounts/${accountA.id}`, { token, body: { name: 'x', platformAccountId: 'globex' } });
    expect(platform).toMatchObject({ status: 403, body: { error: 'VENDOR_ADMIN_ONLY', fields: [{ field: 'platformAccountId' }] } });
    const apiUrl = await h.call('PATCH', `/v1/accounts/${accountA.id}`, { token, body: { lever: { apiUrl: 'http://127.0.0.1:6379' } } });
    expect(apiUrl).toMatchObject({ status: 403, body: { fields: [{ field: 'lever.apiUrl' }] } });
    expect((await h.call('GET', `/v1/accounts/${accountA.id}`)).body).toMatchObject({ name: 'Acme A renamed', platformAccountId: 'acme' });
    // Vendor-only even on its own account: deleting it.
    expect((await h.call('DELETE', `/v1/accounts/${accountA.id}`, { token })).body.error).toBe('VENDOR_ADMIN_ONLY');
    // Failed jobs: its own account only.
    expect((await h.call('GET', `/v1/failed-jobs?accountId=${accountB.id}`, { token })).body.error).toBe('ACCOUNT_OUT_OF_SCOPE');
    const bulk = await h.call('POST', '/v1/failed-jobs/retry', { token, body: { accountId: accountB.id } });
    expect(bulk.body.error).toBe('ACCOUNT_OUT_OF_SCOPE');
    const jobs = await h.call('GET', '/v1/failed-jobs', { token });
    expect(jobs.status).toBe(200);
    expect(jobs.body.totals).toEqual({ 'lever-events': 0, 'platform-events': 0, 'lever-sync': 0, 'account-sweeps': 0 });
    // The vendor admin still sees both.
    expect((await h.call('GET', '/v1/accounts')).body.total).toBe(2);
  });

  it('signs in with a token: an httpOnly, SameSite=Strict cookie; Secure behind https; the token is not echoed', async () => {
    const res = await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN } });
    expect(res.status).toBe(200);
    const { attributes } = sessionCookie(res.headers.get('set-cookie'));
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']));
    expect(attributes).not.toContain('Secure');
    // This server has no LEVER_OAUTH_*: the page does not offer "Connect with OAuth".
    expect(res.body).toMatchObject({ via: 'session', actor: { kind: 'bootstrap', accountId: null }, leverOAuth: false });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.text).not.toContain(ADMIN_TOKEN);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const https = await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN }, headers: { 'x-forwarded-proto': 'https' } });
    expect(sessionCookie(https.headers.get('set-cookie')).attributes).toContain('Secure');

    const wrong = await browserCall(h, 'POST', '/v1/session', { body: { token: 'not-a-token' } });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'SIGN_IN_REFUSED' } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses sign-in that is not a same-origin JSON request (login CSRF)', async () => {
    const form = await browserCall(h, 'POST', '/v1/session', {
      body: `token=${ADMIN_TOKEN}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(403);
    expect(form.headers.get('set-cookie')).toBeNull();
    const foreign = await browserCall(h, 'POST', '/v1/session', {
      body: { token: ADMIN_TOKEN },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'SIGN_IN_NOT_SAME_ORIGIN' } });
    const sameOrigin = await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN }, headers: { origin: h.url } });
    expect(sameOrigin.status).toBe(200);
  });

  it('needs the CSRF token on state changes made with the cookie; Bearer callers are unaffected', async () => {
    const signIn = await browserCall(h, 'POST', '/v1/session', { body: { token: tokenA.token } });
    const { cookie } = sessionCookie(signIn.headers.get('set-cookie'));
    const csrf = signIn.body.csrfToken as string;
    expect(signIn.body.actor).toMatchObject({ kind: 'admin-token', name: 'acme admin', accountId: accountA.id });

    // Reads need the cookie only; GET /v1/session gives the CSRF token back (after a reload).
    const me = await browserCall(h, 'GET', '/v1/session', { cookie });
    expect(me.body).toMatchObject({ via: 'session', csrfToken: csrf, actor: { accountId: accountA.id } });
    expect((await browserCall(h, 'GET', `/v1/accounts/${accountA.id}`, { cookie })).status).toBe(200);

    const patch = { name: 'Acme A by session' };
    const none = await browserCall(h, 'PATCH', `/v1/accounts/${accountA.id}`, { cookie, body: patch });
    expect(none).toMatchObject({ status: 403, body: { error: 'CSRF_TOKEN_INVALID' } });
    const bad = await browserCall(h, 'PATCH', `/v1/accounts/${accountA.id}`, { cookie, csrf: `${csrf.slice(0, -1)}x`, body: patch });
    expect(bad.status).toBe(403);
    // Another session's token does not fit this session.
    const otherSession = await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN } });
    const crossed = await browserCall(h, 'PATCH', `/v1/accounts/${accountA.id}`, {
      cookie,
      csrf: otherSession.body.csrfToken,
      body: patch,
    });
    expect(crossed.status).toBe(403);
    const ok = await browserCall(h, 'PATCH', `/v1/accounts/${accountA.id}`, { cookie, csrf, body: patch });
    expect(ok.status).toBe(200);
    expect((await h.call('GET', `/v1/accounts/${accountA.id}`)).body.name).toBe('Acme A by session');
    // Audited as the token the session was made from.
    const audit = await h.call('GET', `/v1/accounts/${accountA.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ actor: `admin-token:${tokenA.id}`, action: 'account.update' });

    // The session is scoped like its token, in reads and writes.
    expect((await browserCall(h, 'GET', `/v1/accounts/${accountB.id}`, { cookie })).body.error).toBe('ACCOUNT_OUT_OF_SCOPE');
    const write = await browserCall(h, 'PATCH', `/v1/accounts/${accountB.id}`, { cookie, csrf, body: { name: 'taken over' } });
    expect(write.status).toBe(403);
    expect((await h.call('GET', `/v1/accounts/${accountB.id}`)).body.name).toBe('Globex B');

    // Bearer callers: no CSRF token, even with a stray cookie.
    const bearer = await h.call('PATCH', `/v1/accounts/${accountB.id}`, { body: { name: 'Globex B' } });
    expect(bearer.status).toBe(200);
  });

  it('ends sessions on sign-out and when their token is revoked', async () => {
    const extra = await h.call('POST', `/v1/accounts/${accountA.id}/access-tokens`, { body: { name: 'short-lived' } });
    const signIn = await browserCall(h, 'POST', '/v1/session', { body: { token: extra.body.token } });
    const { cookie } = sessionCookie(signIn.headers.get('set-cookie'));
    expect((await browserCall(h, 'GET', '/v1/session', { cookie })).status).toBe(200);
    await h.call('DELETE', `/v1/accounts/${accountA.id}/access-tokens/${extra.body.id}`);
    expect((await browserCall(h, 'GET', '/v1/session', { cookie })).status).toBe(401);

    const again = await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN } });
    const second = sessionCookie(again.headers.get('set-cookie'));
    expect((await browserCall(h, 'DELETE', '/v1/session', { cookie: second.cookie })).status).toBe(403);
    const out = await browserCall(h, 'DELETE', '/v1/session', { cookie: second.cookie, csrf: again.body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^la_console_session=; .*Max-Age=0/);
    expect((await browserCall(h, 'GET', '/v1/session', { cookie: second.cookie })).status).toBe(401);
  });

  it('ends ADMIN_TOKEN sessions when ADMIN_TOKEN is rotated; token sessions go on', async () => {
    const bootstrap = sessionCookie(
      (await browserCall(h, 'POST', '/v1/session', { body: { token: ADMIN_TOKEN } })).headers.get('set-cookie'),
    );
    const scoped = sessionCookie(
      (await browserCall(h, 'POST', '/v1/session', { body: { token: tokenA.token } })).headers.get('set-cookie'),
    );
    const rotated = await h.startApp(h.envWith({ ADMIN_TOKEN: 'a-new-admin-token-after-rotation' }));
    const get = (cookie: string) => fetch(`${rotated.url}/v1/session`, { headers: { cookie } }).then((r) => r.status);
    expect(await get(bootstrap.cookie)).toBe(401);
    expect(await get(scoped.cookie)).toBe(200);
    expect((await browserCall(h, 'GET', '/v1/session', { cookie: bootstrap.cookie })).status).toBe(200);
  });

  it('signs in once with a one-time link, scoped to its account', async () => {
    const link = await h.call('POST', '/v1/sign-in-links', { body: { accountId: accountA.id, name: 'demo admin', expiresInMinutes: 5 } });
    expect(link.status).toBe(201);
    expect(link.body.path).toBe(`/console/#code=${link.body.code}`);
    const first = await browserCall(h, 'POST', '/v1/session/link', { body: { code: link.body.code } });
    expect(first.status).toBe(200);
    expect(first.body.actor).toMatchObject({ kind: 'sign-in-link', name: 'demo admin', accountId: accountA.id });
    const { cookie } = sessionCookie(first.headers.get('set-cookie'));
    expect((await browserCall(h, 'GET', `/v1/accounts/${accountB.id}`, { cookie })).status).toBe(403);
    expect((await browserCall(h, 'GET', `/v1/accounts/${accountA.id}`, { cookie })).status).toBe(200);

    const reused = await browserCall(h, 'POST', '/v1/session/link', { body: { code: link.body.code } });
    expect(reused).toMatchObject({ status: 401, body: { error: 'SIGN_IN_REFUSED' } });
    expect((await h.call('POST', '/v1/sign-in-links', { token: tokenA.token, body: {} })).body.error).toBe('VENDOR_ADMIN_ONLY');
    expect((await h.call('POST', '/v1/sign-in-links', { body: { accountId: OTHER_ID } })).status).toBe(404);
  });

  it('serves the built console at /console: same origin, strict CSP, one page for every path', async () => {
    const bare = await fetch(`${h.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/console/');
    const page = await browserCall(h, 'GET', '/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root"></div>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // Nothing from another origin: every script and stylesheet is under /console/assets.
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/console\/assets\//);
      const res = await fetch(h.url + asset);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
    }
    // SPA fallback: any other path under /console is the page.
    expect((await browserCall(h, 'GET', '/console/accounts/anything')).text).toContain('<div id="root"></div>');
    expect((await browserCall(h, 'GET', '/console/assets/missing.js')).status).toBe(404);
    // No way out of the console's folder.
    for (const path of [
      '/console/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/console/..%2f..%2f..%2fpackage.json',
      '/console/%252e%252e%252f%252e%252e%252f%252e%252e%252fpackage.json',
    ]) {
      const res = await browserCall(h, 'GET', path);
      expect(res.text).not.toContain('"name": "lever-assess"');
    }
    // A stray escape is an unknown path (the page), not a server error.
    const malformed = await browserCall(h, 'GET', '/console/%25E0%25A4%25A');
    expect(malformed.status).toBeLessThan(500);
  });
});
