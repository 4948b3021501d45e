import * as testing from '@lever-assess/testing';
import { SecretBox } from '@lever-assess/common';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { AssessmentsRepository, accountSecretContext } from '@lever-assess/persistence';
import { accountChangesChannel } from '@lever-assess/redis';
import { TEST_REDIS_URL, eventually } from '@lever-assess/testing';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { ACME, ConfigApiHarness } from './config-api.harness';

describe('config-api accounts', () => {
  let h: ConfigApiHarness;
  let pg: Client;
  let subscriber: IORedis;
  const announced: string[] = [];

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_accounts', testing);
    pg = new Client({ connectionString: h.db.url });
    await pg.connect();
    subscriber = new IORedis(TEST_REDIS_URL);
    await subscriber.subscribe(accountChangesChannel(h.ns.prefix));
    subscriber.on('message', (_channel, accountId: string) => announced.push(accountId));
  });
  afterAll(async () => {
    await subscriber?.quit();
    await pg?.end();
    await h?.close();
  });

  const announcements = (id: string) => announced.filter((a) => a === id).length;
  const tableText = async (table: string) => (await pg.query(`SELECT t::text AS row FROM ${table} t`)).rows.map((r) => r.row).join('\n');
  const sealedColumns = async (id: string) =>
    (await pg.query(`SELECT lever_api_key_enc, lever_signature_token_enc, lever_signature_tokens_enc FROM accounts WHERE id = $1`, [id]))
      .rows[0];

  it('creates an account: 201 with id and webhook URL, secrets sealed and never shown', async () => {
    const res = await h.call('POST', '/v1/accounts', {
      body: h.accountBody({}, { signatureTokens: { candidateHired: 'hired-token-secret-123' } }),
    });
    expect(res.status).toBe(201);
    const account = res.body;
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Acme Corp',
      tagPrefix: 'Acme Test',
      status: 'active',
      statusReason: null,
      platformAccountId: 'acme',
      health: { status: 'unchecked', checkedAt: null, problem: null },
      notifyFollowers: false,
      lever: { performAsUserId: expect.any(String), apiUrl: null, authKind: 'api_key', oauthExpiresAt: null, webhooksSyncedAt: null },
      webhookUrl: expect.stringMatching(/^https:\/\/hooks\.example\.test\/webhooks\/lever\/[A-Za-z0-9_-]{32}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    for (const secret of [h.leverApiKey, h.leverSignatureToken, 'hired-token-secret-123']) expect(res.text).not.toContain(secret);

    // At rest: sealed by SecretBox under ENCRYPTION_KEY, nothing in plaintext anywhere in the row.
    const text = await tableText('accounts');
    for (const secret of [h.leverApiKey, h.leverSignatureToken, 'hired-token-secret-123']) expect(text).not.toContain(secret);
    const box = SecretBox.fromEnv(h.env);
    const sealed = await sealedColumns(account.id);
    // Bound to this row and column (v2): they open only with their context.
    for (const value of Object.values(sealed)) expect(value).toMatch(new RegExp(`^${box.currentPrefix.replace(/\./g, '\\.')}`));
    expect(box.decrypt(sealed.lever_api_key_enc, accountSecretContext('leverApiKeyEnc', account.id))).toBe(h.leverApiKey);
    expect(box.decrypt(sealed.lever_signature_token_enc, accountSecretContext('leverSignatureTokenEnc', account.id))).toBe(
      h.leverSignatureToken,
    );
    expect(JSON.parse(box.decrypt(sealed.lever_signature_tokens_enc, accountSecretContext('leverSignatureTokensEnc', account.id)))).toEqual(
      {
        candidateHired: 'hired-token-secret-123',
      },
    );
    expect(() => box.decrypt(sealed.lever_api_key_enc, accountSecretContext('leverSignatureTokenEnc', account.id))).toThrow();

    await eventually(() => announcements(account.id) === 1);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: 'bootstrap',
        action: 'account.create',
        entityType: 'account',
        entityId: account.id,
        details: expect.objectContaining({ extraWebhookEvents: ['candidateHired'] }),
      }),
    ]);
    const auditText = await tableText('audit_log');
    for (const secret of [h.leverApiKey, h.leverSignatureToken, 'hired-token-secret-123']) expect(auditText).not.toContain(secret);
  });

  it.each([
    ['an empty body', null, ['name', 'tagPrefix', 'lever', 'platformAccountId']],
    ['empty Lever secrets', { lever: { apiKey: '', signatureToken: '' } }, ['lever.apiKey', 'lever.signatureToken']],
    ['an unknown field', { colour: 'red' }, ['colour']],
    ['an unknown nested field', { lever: { apiKey: 'k', signatureToken: 's', password: 'x' } }, ['lever.password']],
    ['a tag prefix with outer spaces', { tagPrefix: ' Acme ' }, ['tagPrefix']],
    [
      'signature tokens of an unknown event',
      { lever: { apiKey: 'k', signatureToken: 's', signatureTokens: { somethingElse: 't' } } },
      ['lever.signatureTokens'],
    ],
    ['lever as a string', { lever: 'key' }, ['lever']],
  ])('refuses %s with 400 and field-level messages', async (_name, patch, fields) => {
    const body = patch === null ? {} : { ...h.accountBody(), ...patch };
    const res = await h.call('POST', '/v1/accounts', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.fields.map((f: any) => f.field)).toEqual(expect.arrayContaining(fields));
    for (const f of res.body.fields) expect(f.messages.length).toBeGreaterThan(0);
    // A refused secret is not echoed back.
    expect(res.text).not.toContain(h.leverApiKey);
  });

  it('takes a Lever region (lever.apiUrl, https), patches and clears it, and refuses what is not one', async () => {
    const created = await h.createAccount({}, { apiUrl: 'https://api.eu.lever.co/v1' });
    expect(created.lever.apiUrl).toBe('https://api.eu.lever.co/v1');
    const path = `/v1/accounts/${created.id}`;
    expect((await h.call('PATCH', path, { body: { lever: { apiUrl: 'https://api.lever.co/v1/' } } })).body.lever.apiUrl).toBe(
      'https://api.lever.co/v1',
    );
    expect((await h.call('PATCH', path, { body: { lever: { apiUrl: null } } })).body.lever.apiUrl).toBeNull();
    const audit = await h.call('GET', `/v1/accounts/${created.id}/audit?limit=1`);
    expect(audit.body.items[0].details.changed).toEqual(['lever.apiUrl']);
    for (const apiUrl of [
      'http://api.eu.lever.co/v1',
      'ftp://api.eu.lever.co',
      'api.eu.lever.co/v1',
      'https://u:p@api.eu.lever.co/v1',
      '',
      42,
    ]) {
      const res = await h.call('POST', '/v1/accounts', { body: h.accountBody({}, { apiUrl }) });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: any) => f.field)).toEqual(['lever.apiUrl']);
      expect((await h.call('PATCH', path, { body: { lever: { apiUrl } } })).status).toBe(400);
    }
  });

  it('reads one and lists with pagination', async () => {
    const a = await h.createAccount({ name: 'Page A' });
    const b = await h.createAccount({ name: 'Page B' });
    expect((await h.call('GET', `/v1/accounts/${a.id}`)).body).toEqual(a);
    const all = await h.call('GET', '/v1/accounts?limit=200');
    const ids = all.body.items.map((x: any) => x.id);
    expect(ids.indexOf(b.id)).toBe(ids.indexOf(a.id) + 1);
    const page = await h.call('GET', `/v1/accounts?limit=1&offset=${ids.indexOf(b.id)}`);
    expect(page.body).toEqual({ items: [b], total: all.body.total, limit: 1, offset: ids.indexOf(b.id) });
    expect(JSON.stringify(all.body)).not.toContain(h.leverApiKey);
    expect((await h.call('GET', '/v1/accounts?limit=0')).body.fields).toEqual([expect.objectContaining({ field: 'limit' })]);
    expect((await h.call('GET', '/v1/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await h.call('GET', '/v1/accounts/not-a-uuid')).status).toBe(400);
  });

  it('updates fields and replaces secrets; each change is announced and audited', async () => {
    const account = await h.createAccount();
    const res = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      body: { name: 'Acme Renamed', notifyFollowers: true, lever: { apiKey: 'replacement-key-123', performAsUserId: null } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Acme Renamed',
      tagPrefix: 'Acme Test',
      notifyFollowers: true,
      lever: { performAsUserId: null },
      webhookUrl: account.webhookUrl,
    });
    expect(res.text).not.toContain('replacement-key-123');
    const box = SecretBox.fromEnv(h.env);
    const sealed = await sealedColumns(account.id);
    expect(box.decrypt(sealed.lever_api_key_enc, accountSecretContext('leverApiKeyEnc', account.id))).toBe('replacement-key-123');
    expect(box.decrypt(sealed.lever_signature_token_enc, accountSecretContext('leverSignatureTokenEnc', account.id))).toBe(
      h.leverSignatureToken,
    );
    expect(await tableText('accounts')).not.toContain('replacement-key-123');
    await eventually(() => announcements(account.id) === 2);

    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'account.update',
      details: { changed: ['name', 'notifyFollowers', 'lever.performAsUserId', 'lever.apiKey'] },
    });
    expect(JSON.stringify(audit.body)).not.toContain('replacement-key-123');

    for (const body of [
      { name: null },
      { lever: { apiKey: null } },
      { status: 'disconnected' },
      { webhookKey: 'mine' },
      { notifyFollowers: 'yes' },
    ]) {
      const bad = await h.call('PATCH', `/v1/accounts/${account.id}`, { body });
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
    }
    expect((await h.call('PATCH', '/v1/accounts/00000000-0000-4000-8000-000000000000', { body: { name: 'x' } })).status).toBe(404);
  });

  it('disables and re-enables through PATCH status; a new key reconnects a disconnected account', async () => {
    const account = await h.createAccount();
    const disabled = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { status: 'disabled' } });
    expect(disabled.body).toMatchObject({ status: 'disabled', statusReason: 'DISABLED_BY_ADMIN' });
    const enabled = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { status: 'active' } });
    expect(enabled.body).toMatchObject({ status: 'active', statusReason: null });
    await eventually(() => announcements(account.id) === 3);

    await pg.query(`UPDATE accounts SET status = 'disconnected', status_reason = 'LEVER_KEY_REVOKED' WHERE id = $1`, [account.id]);
    const rekeyed = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { lever: { apiKey: 'a-fresh-key' } } });
    expect(rekeyed.body).toMatchObject({ status: 'active', statusReason: null });
  });

  it('refuses a tagPrefix change while assessments are in progress (409 naming the field), allows it once none is', async () => {
    const account = await h.createAccount();
    const rule = await h.call('POST', `/v1/accounts/${account.id}/trigger-rules`, {
      body: { stageId: ACME.codingTestStageId, kind: 'live_interview' },
    });
    const assessments = h.app.get(AssessmentsRepository);
    const { assessment } = await assessments.insertIfNoActive({
      accountId: account.id,
      opportunityId: 'opp-prefix',
      candidateId: 'opp-prefix',
      ruleId: rule.body.id,
      kind: RuleKind.LiveInterview,
      triggeredAt: new Date(),
    });

    // Its `Acme Test - Live Pad` tag would be stranded beside the new prefix's tags.
    const refused = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { tagPrefix: 'Quiz', name: 'Renamed' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: 'TAG_PREFIX_IN_USE',
      message: expect.stringMatching(/^tagPrefix cannot change while 1 assessment\(s\) are in progress/),
      fields: [{ field: 'tagPrefix', messages: [refused.body.message] }],
    });
    expect((await h.call('GET', `/v1/accounts/${account.id}`)).body).toMatchObject({ tagPrefix: 'Acme Test', name: 'Acme Corp' });
    // The same prefix is no change.
    expect((await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { tagPrefix: 'Acme Test' } })).status).toBe(200);

    await assessments.update(account.id, assessment.id, { status: AssessmentStatus.Canceled });
    const changed = await h.call('PATCH', `/v1/accounts/${account.id}`, { body: { tagPrefix: 'Quiz' } });
    expect(changed.status).toBe(200);
    expect(changed.body.tagPrefix).toBe('Quiz');
  });

  it('rotates the webhook key: a new unguessable URL', async () => {
    const account = await h.createAccount();
    const res = await h.call('POST', `/v1/accounts/${account.id}/webhook-key/rotate`);
    expect(res.status).toBe(200);
    expect(res.body.webhookUrl).toMatch(/\/webhooks\/lever\/[A-Za-z0-9_-]{32}$/);
    expect(res.body.webhookUrl).not.toBe(account.webhookUrl);
    await eventually(() => announcements(account.id) === 2);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'account.webhook-key.rotate' });
    expect((await h.call('POST', '/v1/accounts/00000000-0000-4000-8000-000000000000/webhook-key/rotate')).status).toBe(404);
  });

  it('deletes an account; the audit trail outlives it', async () => {
    const account = await h.createAccount();
    expect((await h.call('DELETE', `/v1/accounts/${account.id}`)).status).toBe(204);
    expect((await h.call('GET', `/v1/accounts/${account.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/v1/accounts/${account.id}`)).status).toBe(404);
    await eventually(() => announcements(account.id) === 2);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit`);
    expect(audit.body.items.map((e: any) => e.action)).toEqual(['account.delete', 'account.create']);
  });
});
