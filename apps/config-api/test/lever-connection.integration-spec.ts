import * as testing from '@lever-assess/testing';
import { freePort } from '@lever-assess/testing';
import { ACME, ConfigApiHarness } from './config-api.harness';

const ALL_BUT_STAGES = ['opportunities:read', 'opportunities:write', 'notes:read', 'notes:write', 'users:read', 'tags:read'];

describe('config-api Lever connection and stages', () => {
  let h: ConfigApiHarness;
  let companies = 0;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_lever', testing);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A Lever company of its own in the sandbox, with one key. */
  async function leverCompany(options: { permissions?: string[]; stages?: string[] } = {}) {
    const n = ++companies;
    const key = {
      id: `key_test_${n}`,
      apiKey: `company-${n}-key-${Date.now()}`,
      ...(options.permissions ? { permissions: options.permissions } : {}),
    };
    await h.sandbox(h.lever, 'POST', '/_sandbox/companies', {
      name: `Company ${n}`,
      keys: [key],
      stages: options.stages ?? ['Screen', 'Coding Test'],
    });
    return key;
  }

  const testConnection = (accountId: string, baseUrl?: string) =>
    h.call('POST', `/v1/accounts/${accountId}/lever/test-connection`, { baseUrl });

  it('passes with a good key: stages, opportunities and the perform-as user checked', async () => {
    const account = await h.createAccount();
    const res = await testConnection(account.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, accountStatus: 'active' });
    expect(res.body.checks.slice(0, 6)).toEqual([
      { name: 'stages', ok: true, severity: 'passed', detail: 'The key can read stages (5 found)', fix: null },
      { name: 'opportunities', ok: true, severity: 'passed', detail: 'The key can read candidates (opportunities)', fix: null },
      { name: 'performAsUser', ok: true, severity: 'passed', detail: 'Writes will be made as Assessment Bot', fix: null },
      { name: 'writeTags', ok: true, severity: 'passed', detail: 'The key can write tags (status tags)', fix: null },
      { name: 'writeLinks', ok: true, severity: 'passed', detail: 'The key can write links (report links)', fix: null },
      { name: 'writeNotes', ok: true, severity: 'passed', detail: 'The key can write notes (result notes)', fix: null },
    ]);
    expect(res.text).not.toContain(h.leverApiKey);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'account.lever.test-connection', details: { ok: true, failed: [] } });
  });

  it('a revoked key (401): says so, marks the account disconnected, and a new key reconnects it', async () => {
    const key = await leverCompany();
    const account = await h.createAccount({}, { apiKey: key.apiKey, performAsUserId: null });
    await h.sandbox(h.lever, 'POST', `/_sandbox/keys/${key.id}/revoke`);

    const res = await testConnection(account.id);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.accountStatus).toBe('disconnected');
    expect(res.body.checks[0]).toEqual({
      name: 'stages',
      ok: false,
      severity: 'failed',
      detail: 'Lever rejected the API key: it is invalid or was revoked.',
      fix: expect.stringMatching(/^Create a new key in Lever/),
    });
    expect(res.body.checks.slice(1)).toHaveLength(8);
    for (const c of res.body.checks.slice(1))
      expect(c).toEqual({ name: c.name, ok: false, severity: 'failed', detail: 'Not checked: Lever rejected the API key', fix: null });
    expect((await h.call('GET', `/v1/accounts/${account.id}`)).body).toMatchObject({
      status: 'disconnected',
      statusReason: 'LEVER_KEY_REVOKED',
    });

    // A disconnected account is not used for other Lever calls.
    const stages = await h.call('GET', `/v1/accounts/${account.id}/lever/stages`);
    expect(stages.status).toBe(409);
    expect(stages.body.error).toBe('ACCOUNT_UNAVAILABLE');

    const fixed = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { lever: { apiKey: h.leverApiKey } } });
    expect(fixed.body.status).toBe('active');
    expect((await testConnection(account.id)).body).toMatchObject({ ok: true, accountStatus: 'active' });
  });

  it('a key without stages permission (403): names the missing permission; the account is disconnected until it passes', async () => {
    const key = await leverCompany({ permissions: ALL_BUT_STAGES });
    const account = await h.createAccount({}, { apiKey: key.apiKey, performAsUserId: null });

    const res = await testConnection(account.id);
    expect(res.body.ok).toBe(false);
    expect(res.body.checks[0]).toEqual({
      name: 'stages',
      ok: false,
      severity: 'failed',
      detail: 'The API key is missing a permission for GET /stages.',
      fix: expect.stringMatching(/cannot be edited/),
    });
    expect(res.body.checks[1]).toMatchObject({ name: 'opportunities', ok: true });
    expect(res.body.accountStatus).toBe('disconnected');
    expect((await h.call('GET', `/v1/accounts/${account.id}`)).body.statusReason).toBe('LEVER_PERMISSION_MISSING');

    // The customer's key gets the permission (in real Lever: a new key); the test reconnects.
    await h.sandbox(h.lever, 'PUT', `/_sandbox/keys/${key.id}/permissions`, { permissions: [...ALL_BUT_STAGES, 'stages:read'] });
    const passed = await testConnection(account.id);
    expect(passed.body).toMatchObject({ ok: true, accountStatus: 'active' });
    expect((await h.call('GET', `/v1/accounts/${account.id}`)).body).toMatchObject({ status: 'active', statusReason: null });
  });

  it('a disabled account stays disabled whatever the test finds', async () => {
    const account = await h.createAccount();
    await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { status: 'disabled' } });
    expect((await testConnection(account.id)).body).toMatchObject({ ok: true, accountStatus: 'disabled' });
  });

  it('reports an unknown perform-as user without failing the key', async () => {
    const account = await h.createAccount({}, { performAsUserId: 'b0000000-0000-4000-8000-0000000000ff' });
    const res = await testConnection(account.id);
    expect(res.body.ok).toBe(false);
    expect(res.body.checks[2]).toEqual({
      name: 'performAsUser',
      ok: false,
      severity: 'failed',
      detail: expect.stringContaining('No Lever user has the id'),
      fix: "Set lever.performAsUserId to an existing user's id.",
    });
    expect(res.body.accountStatus).toBe('active');
  });

  it('Lever unreachable: says so and leaves the account status alone', async () => {
    const closedPort = await freePort();
    const { url } = await h.startApp(h.envWith({ LEVER_API_URL: `http://127.0.0.1:${closedPort}/v1` }));
    const created = await h.call('POST', '/v1/accounts', { body: h.accountBody(), baseUrl: url });
    const res = await testConnection(created.body.id, url);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.accountStatus).toBe('active');
    expect(res.body.checks[0]).toMatchObject({
      name: 'stages',
      ok: false,
      severity: 'failed',
      detail: expect.stringMatching(/^Lever could not be reached/),
    });
    expect(res.body.checks[1].detail).toBe('Not checked: Lever could not be reached');
  });

  it("an account's own lever.apiUrl (its region) is where its connection test and stages go", async () => {
    // This config-api's default Lever is unreachable; the account names the sandbox as its region.
    const closedPort = await freePort();
    const { url } = await h.startApp(h.envWith({ LEVER_API_URL: `http://127.0.0.1:${closedPort}/v1` }));
    const created = await h.call('POST', '/v1/accounts', { body: h.accountBody({}, { apiUrl: `${h.lever.url}/v1/` }), baseUrl: url });
    expect(created.status).toBe(201);
    expect(created.body.lever.apiUrl).toBe(`${h.lever.url}/v1`);
    const res = await testConnection(created.body.id, url);
    expect(res.body).toMatchObject({ ok: true, accountStatus: 'active' });
    const stages = await h.call('GET', `/v1/accounts/${created.body.id}/lever/stages`, { baseUrl: url });
    expect(stages.body.items).toHaveLength(5);

    // Back to the default: the cached stages are dropped with it, and Lever is unreachable there.
    const patched = await h.call('PATCH', `/v1/accounts/${created.body.id}`, { body: { lever: { apiUrl: null } }, baseUrl: url });
    expect(patched.body.lever.apiUrl).toBeNull();
    expect((await h.call('GET', `/v1/accounts/${created.body.id}/lever/stages`, { baseUrl: url })).status).toBe(502);
    expect((await testConnection(created.body.id, url)).body.checks[0].detail).toMatch(/^Lever could not be reached/);
  });

  it('lists every page of stages and caches them briefly', async () => {
    const names = Array.from({ length: 130 }, (_, i) => `Stage ${String(i + 1).padStart(3, '0')}`);
    const key = await leverCompany({ stages: names });
    const account = await h.createAccount({}, { apiKey: key.apiKey, performAsUserId: null });
    const since = Date.now();

    const first = await h.call('GET', `/v1/accounts/${account.id}/lever/stages`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: any) => s.text)).toEqual(names);
    expect(first.body.items[0]).toEqual({ id: expect.any(String), text: 'Stage 001' });
    const second = await h.call('GET', `/v1/accounts/${account.id}/lever/stages`);
    expect(second.body).toEqual(first.body);

    const log = await h.sandbox(h.lever, 'GET', `/_sandbox/requests?keyId=${key.id}&since=${since}`);
    const stageCalls = log.data.filter((r: any) => r.route.includes('/stages'));
    expect(stageCalls).toHaveLength(2); // two pages, once: the second answer came from the cache
  });

  it('answers 404 for an unknown account', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await h.call('GET', `/v1/accounts/${id}/lever/stages`)).status).toBe(404);
    expect((await testConnection(id)).status).toBe(404);
  });

  it('knows the seeded stage ids', async () => {
    const account = await h.createAccount();
    const res = await h.call('GET', `/v1/accounts/${account.id}/lever/stages`);
    expect(res.body.items).toContainEqual({ id: ACME.codingTestStageId, text: 'Coding Test' });
  });
});
