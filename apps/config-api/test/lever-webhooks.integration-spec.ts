import { AccountsRepository } from '@lever-assess/persistence';
import { KeyHealthStatus } from '@lever-assess/domain';
import * as testing from '@lever-assess/testing';
import { ConfigApiHarness } from './config-api.harness';

const EVENTS = ['candidateStageChange', 'candidateArchiveChange', 'candidateHired', 'candidateDeleted'];
const READ_WRITE = ['opportunities:read', 'opportunities:write', 'notes:read', 'notes:write', 'stages:read', 'users:read', 'tags:read'];
const WITH_WEBHOOKS = [...READ_WRITE, 'webhooks:read', 'webhooks:write'];
const SUPER_ADMIN_ID = 'b0000000-0000-4000-8000-000000000001';

type Json = any;

describe("config-api: webhooks registered through Lever's API, and the connection checks", () => {
  let h: ConfigApiHarness;
  let companies = 0;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_webhooks', testing);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A Lever company of its own in the sandbox, with one key of the given permissions. */
  async function leverCompany(permissions: string[], extra: { candidates?: Json[]; users?: Json[] } = {}) {
    const n = ++companies;
    const key = { id: `key_wh_${n}`, apiKey: `wh-company-${n}-${Date.now()}`, permissions };
    await h.sandbox(h.lever, 'POST', '/_sandbox/companies', {
      name: `Webhooks ${n}`,
      keys: [key],
      stages: ['Screen', 'Coding Test'],
      ...extra,
    });
    return key;
  }

  /** Lever's own API, as the customer's key sees it. */
  async function lever(apiKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${h.lever.url}/v1${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** An account with no signature token: its webhooks are this service's to register. */
  async function managedAccount(apiKey: string): Promise<Json> {
    const res = await h.call('POST', '/v1/accounts', {
      body: { name: 'Managed', tagPrefix: `Managed ${companies}`, platformAccountId: 'acme', lever: { apiKey } },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  const checkWebhooks = (id: string) => h.call('GET', `/v1/accounts/${id}/lever/webhooks`);
  const syncWebhooks = (id: string) => h.call('POST', `/v1/accounts/${id}/lever/webhooks/sync`);
  const testConnection = (id: string) => h.call('POST', `/v1/accounts/${id}/lever/test-connection`);
  const check = (res: { body: Json }, name: string) => res.body.checks.find((c: Json) => c.name === name);

  it('connecting an account without a signature token registers one webhook per event at its URL and stores the tokens', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    const account = await managedAccount(key.apiKey);
    expect(account.lever.webhooksSyncedAt).toEqual(expect.any(String));

    const listed = await lever(key.apiKey, 'GET', '/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: Json) => w.event).sort()).toEqual([...EVENTS].sort());
    const everyOrigin = ['applied', 'sourced', 'referred', 'university', 'agency', 'internal'];
    for (const w of listed.body.data) {
      expect(w.url).toBe(account.webhookUrl);
      // Every origin, spelled out; candidateDeleted has no origin conditions in Lever.
      if (w.event === 'candidateDeleted') expect(w.configuration?.conditions).toBeUndefined();
      else expect(w.configuration.conditions.origins.sort()).toEqual([...everyOrigin].sort());
    }

    const report = await checkWebhooks(account.id);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, canManage: true, webhookUrl: account.webhookUrl, problem: null });
    expect(report.body.events.map((e: Json) => [e.event, e.status])).toEqual(EVENTS.map((e) => [e, 'ok']));
    expect(report.body.reminder).toMatch(/Super Admin switches the webhook group on/);

    // The tokens are stored sealed, one per event; the API never shows them.
    const row = await h.app.get(AccountsRepository).findByIdWithSecrets(account.id);
    expect(row?.leverSignatureTokenEnc).toMatch(/^v\d+\./);
    expect(row?.leverSignatureTokensEnc).toMatch(/^v\d+\./);
    expect(row?.leverWebhooks?.ids).toEqual(Object.fromEntries(EVENTS.map((e) => [e, expect.any(String)])));
    expect(JSON.stringify((await h.call('GET', `/v1/accounts/${account.id}`)).body)).not.toMatch(/signatureToken/);

    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items.map((a: Json) => a.action)).toContain('account.lever.webhooks.sync');
  });

  it('finds drift (missing, wrong URL, origin conditions, duplicates, one made elsewhere) and one sync repairs it all', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    const account = await managedAccount(key.apiKey);
    const ids = (await h.app.get(AccountsRepository).findById(account.id))!.leverWebhooks!.ids;

    // What an admin (or another tool) does in Lever afterwards.
    expect((await lever(key.apiKey, 'DELETE', `/webhooks/${ids.candidateArchiveChange}`)).status).toBe(204);
    await lever(key.apiKey, 'PUT', '/webhooks', {
      data: [
        { id: ids.candidateStageChange, url: 'https://old-host.example/webhooks/lever/elsewhere' },
        { id: ids.candidateHired, url: account.webhookUrl, configuration: { conditions: { origins: ['applied', 'referred'] } } },
      ],
    });
    const duplicate = await lever(key.apiKey, 'POST', '/webhooks', { event: 'candidateDeleted', url: account.webhookUrl });
    expect(duplicate.status).toBe(201);
    // Somebody else's webhook: never touched.
    const foreign = await lever(key.apiKey, 'POST', '/webhooks', { event: 'candidateHired', url: 'https://other-tool.example/hook' });

    const report = await checkWebhooks(account.id);
    expect(report.body.ok).toBe(false);
    const byEvent = Object.fromEntries(report.body.events.map((e: Json) => [e.event, e]));
    expect(byEvent.candidateStageChange).toMatchObject({ status: 'wrong-url', url: 'https://old-host.example/webhooks/lever/elsewhere' });
    expect(byEvent.candidateArchiveChange).toMatchObject({ status: 'missing', webhookId: null });
    expect(byEvent.candidateHired).toMatchObject({ status: 'origins-limited', origins: ['applied', 'referred'] });
    expect(byEvent.candidateHired.problem).toMatch(/sourced, university, agency, internal candidates never reach us/);
    expect(byEvent.candidateDeleted).toMatchObject({ status: 'duplicate' });
    for (const e of Object.values<Json>(byEvent)) expect(e.fix).toMatch(/register webhooks/);

    const synced = await syncWebhooks(account.id);
    expect(synced.status).toBe(200);
    expect(Object.fromEntries(synced.body.events.map((e: Json) => [e.event, e.action]))).toEqual({
      candidateStageChange: 'updated',
      candidateArchiveChange: 'created',
      candidateHired: 'updated',
      candidateDeleted: 'unchanged',
    });
    expect(synced.body.removed).toBe(1);

    const after = await checkWebhooks(account.id);
    expect(after.body.ok).toBe(true);
    const listed = (await lever(key.apiKey, 'GET', '/webhooks')).body.data as Json[];
    expect(listed.filter((w) => w.url === account.webhookUrl)).toHaveLength(4);
    expect(listed.find((w) => w.id === foreign.body.data.data.id)).toMatchObject({ url: 'https://other-tool.example/hook' });
  });

  it('a webhook made in Lever for this URL but not by us is replaced (its token is not known here)', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    // The admin set things up by hand with a token, then asks for a sync.
    const created = await h.call('POST', '/v1/accounts', {
      body: {
        name: 'Hand',
        tagPrefix: `Hand ${companies}`,
        platformAccountId: 'acme',
        lever: { apiKey: key.apiKey, signatureToken: 'hand-token' },
      },
    });
    expect(created.body.lever.webhooksSyncedAt).toBeNull(); // set up by hand: nothing registered on connect
    const made = await lever(key.apiKey, 'POST', '/webhooks', { event: 'candidateStageChange', url: created.body.webhookUrl });

    const report = await checkWebhooks(created.body.id);
    expect(report.body.events[0]).toMatchObject({
      event: 'candidateStageChange',
      status: 'not-registered-here',
      webhookId: made.body.data.data.id,
    });

    const synced = await syncWebhooks(created.body.id);
    expect(synced.body.events[0]).toMatchObject({ event: 'candidateStageChange', action: 'created' });
    expect(synced.body.removed).toBe(1);
    const listed = (await lever(key.apiKey, 'GET', '/webhooks')).body.data as Json[];
    expect(listed.map((w) => w.id)).not.toContain(made.body.data.data.id);
  });

  it('Lever failing halfway through a sync: the webhooks created before keep their tokens, and the next sync completes', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    const account = await h.createAccount({ tagPrefix: `Halfway ${companies}` }, { apiKey: key.apiKey, performAsUserId: null });
    // GET /webhooks and the first POST pass; the second POST gets a 500 (a create is not retried).
    await h.sandbox(h.lever, 'POST', `/_sandbox/keys/${key.id}/faults`, { status: 500, skip: 2 });
    const failed = await syncWebhooks(account.id);
    expect(failed.status).toBe(502);

    const listed = (await lever(key.apiKey, 'GET', '/webhooks')).body.data as Json[];
    expect(listed.map((w) => w.event)).toEqual(['candidateStageChange']);
    const row = await h.app.get(AccountsRepository).findByIdWithSecrets(account.id);
    expect(row?.leverWebhooks?.ids).toEqual({ candidateStageChange: listed[0].id });
    const report = await checkWebhooks(account.id);
    expect(report.body.events[0]).toMatchObject({ event: 'candidateStageChange', status: 'ok' });

    const again = await syncWebhooks(account.id);
    expect(again.status).toBe(200);
    expect(again.body.events.map((e: Json) => e.action)).toEqual(['unchanged', 'created', 'created', 'created']);
    expect(again.body.removed).toBe(0);
    expect((await checkWebhooks(account.id)).body.ok).toBe(true);
  });

  it('two syncs at once leave one webhook per event', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    const account = await h.createAccount({ tagPrefix: `Twice ${companies}` }, { apiKey: key.apiKey, performAsUserId: null });
    const answers = await Promise.all([syncWebhooks(account.id), syncWebhooks(account.id), syncWebhooks(account.id)]);
    expect(answers.map((a) => a.status)).toContain(200);
    for (const a of answers) if (a.status !== 200) expect(a.body.error).toBe('LEVER_WEBHOOKS_SYNC_RUNNING');
    await syncWebhooks(account.id);
    const listed = (await lever(key.apiKey, 'GET', '/webhooks')).body.data as Json[];
    expect(listed.map((w) => w.event).sort()).toEqual([...EVENTS].sort());
  });

  it('a new webhook URL (key rotation) re-points the registered webhooks at once', async () => {
    const key = await leverCompany(WITH_WEBHOOKS);
    const account = await managedAccount(key.apiKey);
    const rotated = await h.call('POST', `/v1/accounts/${account.id}/webhook-key/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookUrl).not.toBe(account.webhookUrl);
    const listed = (await lever(key.apiKey, 'GET', '/webhooks')).body.data as Json[];
    expect(new Set(listed.map((w) => w.url))).toEqual(new Set([rotated.body.webhookUrl]));
  });

  it('without the webhooks permission: the account still connects, the check and the sync say what to do, nothing changes', async () => {
    const key = await leverCompany(READ_WRITE);
    const account = await managedAccount(key.apiKey);
    expect(account.status).toBe('active');
    expect(account.lever.webhooksSyncedAt).toBeNull();
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'account.lever.webhooks.sync-failed' });

    const report = await checkWebhooks(account.id);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: false, canManage: false, events: [] });
    expect(report.body.problem).toMatch(/no webhooks permission.*connect with OAuth.*set the webhooks up by hand/);
    const synced = await syncWebhooks(account.id);
    expect(synced.status).toBe(409);
    expect(synced.body.error).toBe('LEVER_WEBHOOKS_PERMISSION_MISSING');

    // The connection test fails the webhooks check: this account has no token at all.
    const tested = await testConnection(account.id);
    expect(check(tested, 'webhooks')).toMatchObject({ ok: false, severity: 'failed', fix: expect.stringMatching(/webhooks permission/) });
  });

  it('answers 404 for an unknown account and 409 for one not connected yet', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await checkWebhooks(unknown)).status).toBe(404);
    expect((await syncWebhooks(unknown)).status).toBe(404);
    const waiting = await h.call('POST', '/v1/accounts', {
      body: { name: 'OAuth later', tagPrefix: 'Later', platformAccountId: 'acme', lever: {} },
    });
    expect(waiting.status).toBe(201);
    const res = await syncWebhooks(waiting.body.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: 'LEVER_NOT_CONNECTED',
      message: expect.stringMatching(/paste an API key.*connect with OAuth/),
    });
    const tested = await testConnection(waiting.body.id);
    expect(tested.body).toMatchObject({ ok: false, accountStatus: 'disconnected' });
    expect(tested.body.checks).toEqual([
      {
        name: 'connection',
        ok: false,
        severity: 'failed',
        detail: 'The account has no Lever connection yet.',
        fix: expect.stringMatching(/OAuth/),
      },
    ]);
  });

  describe('the connection test: each check fails for its own reason, with a fix', () => {
    it('all pass with a full key, a super-admin perform-as user and registered webhooks', async () => {
      const key = await leverCompany([...WITH_WEBHOOKS, 'confidential:read'], {
        users: [{ id: SUPER_ADMIN_ID, name: 'Rachel Green', email: 'rachel@full.example', accessRole: 'super admin' }],
        candidates: [{ name: 'Quiet Hire', confidentiality: 'confidential' }],
      });
      const account = await h.createAccount({ tagPrefix: 'Full' }, { apiKey: key.apiKey, performAsUserId: SUPER_ADMIN_ID });
      expect((await syncWebhooks(account.id)).status).toBe(200);
      const since = Date.now();
      const res = await testConnection(account.id);
      expect(res.body.checks.map((c: Json) => c.name)).toEqual([
        'stages',
        'opportunities',
        'performAsUser',
        'writeTags',
        'writeLinks',
        'writeNotes',
        'confidentialAccess',
        'tagCreation',
        'webhooks',
      ]);
      expect(res.body.checks.filter((c: Json) => c.severity !== 'passed')).toEqual([]);
      expect(res.body.ok).toBe(true);
      expect(check(res, 'tagCreation').detail).toMatch(/created by Rachel Green, a super admin/);
      expect(check(res, 'confidentialAccess').detail).toBe('The key can see confidential candidates');
      // Probing writes wrote nothing: no candidate gained a tag, link or note.
      const log = await h.sandbox(h.lever, 'GET', `/_sandbox/requests?keyId=${key.id}&since=${since}`);
      const probes = log.data.filter((r: Json) => r.path.includes('00000000-0000-0000-0000-000000000000'));
      expect(probes.map((r: Json) => r.status)).toEqual([404, 404, 404]);
      const candidates = await lever(key.apiKey, 'GET', '/opportunities?confidentiality=all');
      expect(candidates.body.data[0]).toMatchObject({ tags: [], links: [] });
    });

    it('a key that may not write: tags, links and notes fail, each naming the endpoint', async () => {
      const key = await leverCompany(['opportunities:read', 'stages:read', 'users:read', 'tags:read', 'notes:read']);
      const account = await h.createAccount({ tagPrefix: `Ro ${companies}` }, { apiKey: key.apiKey, performAsUserId: null });
      const res = await testConnection(account.id);
      expect(res.body.ok).toBe(false);
      expect(res.body.accountStatus).toBe('active'); // reading works; the account is not disconnected for it
      expect(check(res, 'writeTags')).toMatchObject({ ok: false, severity: 'failed', detail: expect.stringMatching(/may not write tags/) });
      expect(check(res, 'writeTags').fix).toMatch(/addTags/);
      expect(check(res, 'writeLinks')).toMatchObject({ ok: false, fix: expect.stringMatching(/addLinks/) });
      expect(check(res, 'writeNotes')).toMatchObject({ ok: false, fix: expect.stringMatching(/notes/) });
    });

    it('confidential access: a refusal recorded by a job fails the check until a new key is saved', async () => {
      const account = await h.createAccount({ tagPrefix: 'Conf' });
      const repo = h.app.get(AccountsRepository);
      const row = await repo.findByIdWithSecrets(account.id);
      await repo.recordHealthIfKey(account.id, row!.leverApiKeyEnc, {
        status: KeyHealthStatus.MissingPermission,
        problem:
          'Lever refused candidate d0000000-0000-4000-8000-000000000001: the key is not allowed to see confidential candidates; create a key with confidential access.',
      });
      const res = await testConnection(account.id);
      expect(check(res, 'confidentialAccess')).toMatchObject({
        ok: false,
        fix: expect.stringMatching(/Allow access to confidential data/),
      });
    });

    it('confidential access unknown and status tags missing without a super admin: warnings, not failures', async () => {
      const key = await leverCompany(WITH_WEBHOOKS);
      const account = await h.createAccount({ tagPrefix: `Warn ${companies}` }, { apiKey: key.apiKey, performAsUserId: null });
      const res = await testConnection(account.id);
      expect(check(res, 'confidentialAccess')).toMatchObject({
        ok: true,
        severity: 'warning',
        fix: expect.stringMatching(/confidential access/),
      });
      expect(check(res, 'tagCreation')).toMatchObject({ ok: true, severity: 'warning' });
      expect(check(res, 'tagCreation').detail).toMatch(new RegExp(`Warn ${companies} - Sent`));
      expect(check(res, 'tagCreation').fix).toMatch(/Create these tags once in Lever.*super admin/);
      expect(check(res, 'performAsUser')).toMatchObject({ severity: 'warning' });
      // Set up by hand (a token was given) and nothing registered: the API cannot see those webhooks.
      expect(check(res, 'webhooks')).toMatchObject({ ok: true, severity: 'warning' });
    });

    it('tag creation: a job refused a status tag by a key that may write tags fails the check (tag lockdown)', async () => {
      const account = await h.createAccount({ tagPrefix: 'Locked' });
      const repo = h.app.get(AccountsRepository);
      const row = await repo.findByIdWithSecrets(account.id);
      // What result-sync records when Lever answers 403 to addTags (withLever, docs/lifecycle.md).
      await repo.recordHealthIfKey(account.id, row!.leverApiKeyEnc, {
        status: KeyHealthStatus.MissingPermission,
        problem: 'The Lever API key lacks the permission for POST /opportunities/:id/addTags; create a key with that permission.',
      });
      const res = await testConnection(account.id);
      expect(check(res, 'writeTags')).toMatchObject({ ok: true });
      expect(check(res, 'tagCreation')).toMatchObject({
        ok: false,
        severity: 'failed',
        detail: expect.stringMatching(/only super admins create new tags/),
        fix: expect.stringMatching(/Create the status tags once in Lever.*super admin/),
      });
    });

    it('webhooks: one deleted in Lever after a sync fails the check with the fix', async () => {
      const key = await leverCompany(WITH_WEBHOOKS);
      const account = await managedAccount(key.apiKey);
      const ids = (await h.app.get(AccountsRepository).findById(account.id))!.leverWebhooks!.ids;
      await lever(key.apiKey, 'DELETE', `/webhooks/${ids.candidateStageChange}`);
      const res = await testConnection(account.id);
      expect(check(res, 'webhooks')).toMatchObject({
        ok: false,
        severity: 'failed',
        detail: expect.stringMatching(/no candidateStageChange webhook/),
        fix: expect.stringMatching(/register webhooks/),
      });
    });
  });
});
