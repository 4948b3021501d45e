import * as testing from '@lever-assess/testing';
import { hashAdminToken } from '@lever-assess/persistence';
import { eventually } from '@lever-assess/testing';
import { Client } from 'pg';
import { ADMIN_TOKEN, ConfigApiHarness } from './config-api.harness';

// Probes, scrapes and the OpenAPI document are public on purpose (docs/config-api.md).
// Lever's OAuth callback is public on purpose (the admin's browser carries no token; its one-time state is the proof).
// The console's files are public too: they hold no data, and every /v1 call the page makes needs the session.
const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/docs/, /^\/oauth\/lever\/callback$/, /^\/console/];
// The console's sign-in takes the token (or a one-time link code) in the body (docs/config-api.md).
const PUBLIC_POSTS = [/^\/v1\/session$/, /^\/v1\/session\/link$/];
const SAMPLE_ID = '00000000-0000-4000-8000-000000000001';

describe('config-api authentication', () => {
  let h: ConfigApiHarness;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_auth', testing);
  });
  afterAll(async () => {
    await h?.close();
  });

  const protectedRoutes = () =>
    h.routes
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !PUBLIC.some((p) => p.test(r.url)))
      .filter((r) => !(r.method === 'POST' && PUBLIC_POSTS.some((p) => p.test(r.url))))
      .map((r) => ({ method: r.method, path: r.url.replace(/:[A-Za-z]+/g, (p) => (p === ':queue' ? 'lever-sync' : SAMPLE_ID)) }));

  it('registers the routes of every feature', () => {
    const urls = new Set(h.routes.map((r) => `${r.method} ${r.url}`));
    for (const route of [
      'POST /v1/accounts',
      'PATCH /v1/accounts/:id',
      'POST /v1/accounts/:id/webhook-key/rotate',
      'POST /v1/accounts/:id/lever/test-connection',
      'GET /v1/accounts/:id/lever/stages',
      'POST /v1/accounts/:id/tests/import',
      'DELETE /v1/accounts/:id/trigger-rules/:ruleId',
      'POST /v1/accounts/:id/assessments/:assessmentId/cancel',
      'GET /v1/failed-jobs',
      'POST /v1/failed-jobs/:queue/:jobId/retry',
      'POST /v1/admin-tokens',
      'GET /v1/accounts/:id/audit',
    ]) {
      expect(urls).toContain(route);
    }
  });

  it('answers 401 on every registered route without a token, or with a wrong one', async () => {
    const routes = protectedRoutes();
    expect(routes.length).toBeGreaterThan(25);
    for (const { method, path } of routes) {
      for (const token of [null, 'not-the-admin-token', `${ADMIN_TOKEN}x`]) {
        const res = await h.call(method, path, { token, body: ['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined });
        expect({ method, path, token, status: res.status }).toEqual({ method, path, token, status: 401 });
        expect(res.body).toMatchObject({ error: 'UNAUTHENTICATED' });
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });

  it('keeps health, metrics and the OpenAPI document public', async () => {
    expect((await h.call('GET', '/health/live', { token: null })).status).toBe(200);
    expect((await h.call('GET', '/health/ready', { token: null })).status).toBe(200);
    expect((await h.call('GET', '/metrics', { token: null })).status).toBe(200);
    const doc = await h.call('GET', '/docs-json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/accounts', '/v1/accounts/{id}/trigger-rules', '/v1/failed-jobs']),
    );
    // Generated from the DTOs: the create-account schema knows its fields and marks secrets write-only.
    const schemas = doc.body.components.schemas;
    expect(schemas.CreateAccountDto.required).toEqual(expect.arrayContaining(['name', 'tagPrefix', 'lever', 'platformAccountId']));
    expect(schemas.LeverCredentialsDto.properties.apiKey.writeOnly).toBe(true);
    expect(Object.keys(schemas.AccountDto.properties)).not.toContain('apiKey');
    const ui = await h.call('GET', '/docs', { token: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('accepts the bootstrap token', async () => {
    expect((await h.call('GET', '/v1/accounts')).status).toBe(200);
  });

  it('creates an admin token shown once, stored as a hash, listed without secret, revocable', async () => {
    const created = await h.call('POST', '/v1/admin-tokens', { body: { name: 'ops laptop' } });
    expect(created.status).toBe(201);
    const { id, token } = created.body;
    expect(token).toMatch(/^la_[A-Za-z0-9_-]{40,}$/);

    // Works as a bearer token, and what it does is audited under its id.
    const account = await h.createAccount();
    const viaToken = await h.call('PATCH', `/v1/accounts/${account.id}`, { token, body: { name: 'Acme Renamed' } });
    expect(viaToken.status).toBe(200);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({
      actor: `admin-token:${id}`,
      action: 'account.update',
      details: { changed: ['name'], actorName: 'ops laptop' },
    });
    expect(audit.body.items.find((e: any) => e.action === 'account.create')).toMatchObject({ actor: 'bootstrap' });

    const list = await h.call('GET', '/v1/admin-tokens');
    expect(list.body.items).toEqual([expect.objectContaining({ id, name: 'ops laptop', revokedAt: null })]);
    // The use is recorded in the background, off the request path.
    await eventually(async () => (await h.call('GET', '/v1/admin-tokens')).body.items[0].lastUsedAt !== null);
    expect(list.text).not.toContain(token);

    const pg = new Client({ connectionString: h.db.url });
    await pg.connect();
    try {
      const rows = await pg.query(`SELECT t::text AS row FROM admin_tokens t`);
      expect(rows.rows.map((r) => r.row).join('\n')).not.toContain(token);
      expect(rows.rows[0].row).toContain(hashAdminToken(token));
    } finally {
      await pg.end();
    }

    expect((await h.call('DELETE', `/v1/admin-tokens/${id}`, { token })).status).toBe(204);
    expect((await h.call('GET', '/v1/accounts', { token })).status).toBe(401);
    expect((await h.call('DELETE', `/v1/admin-tokens/${id}`)).status).toBe(404);
    const revoked = await h.call('GET', '/v1/admin-tokens');
    expect(revoked.body.items[0].revokedAt).not.toBeNull();
  });

  it('refuses an admin token without a valid name', async () => {
    const res = await h.call('POST', '/v1/admin-tokens', { body: { name: '', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.fields.map((f: any) => f.field).sort()).toEqual(['extra', 'name']);
  });
});
