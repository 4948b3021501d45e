import { verifyLeverWebhook } from '@lever-assess/common';
import { eventually } from '@lever-assess/testing';
import { ACME_COMPANY_ID, ACME_OPPORTUNITY_IDS as OPP, ACME_STAGE_IDS as STAGE } from '../src/seed/acme.seed';
import { basicAuth, createTestCompany, startSandbox, startWebhookReceiver, type RunningSandbox } from './support/sandbox-harness';

const KEY = 'webhooks-api-test-key';
const SETTINGS_TOKEN = 'settings-stage-change-token';
const ALL_ORIGINS = ['applied', 'sourced', 'referred', 'university', 'agency', 'internal'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("lever-sandbox webhooks API (Lever's POST/GET/PUT /webhooks, DELETE /webhooks/:id)", () => {
  let sandbox: RunningSandbox;
  /** Acme's settings-page webhook. */
  let settingsReceiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** Where the API webhooks of the tests go. */
  let apiReceiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    settingsReceiver = await startWebhookReceiver();
    apiReceiver = await startWebhookReceiver();
    sandbox = await startSandbox({
      LEVER_SANDBOX_API_KEY: KEY,
      LEVER_SANDBOX_WEBHOOK_URL: settingsReceiver.url,
      LEVER_SANDBOX_SIGNATURE_TOKEN: SETTINGS_TOKEN,
      LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS: '50',
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await settingsReceiver.close();
    await apiReceiver.close();
  });
  beforeEach(async () => {
    await sandbox.control.reset();
    settingsReceiver.received.length = 0;
    apiReceiver.received.length = 0;
  });

  const api = async (method: string, path: string, { key = KEY, body, auth }: { key?: string; body?: unknown; auth?: string } = {}) => {
    const res = await fetch(`${sandbox.apiUrl}${path}`, {
      method,
      headers: { Authorization: auth ?? basicAuth(key), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as any };
  };
  /** POST /webhooks; returns the created item (data.data). */
  const create = async (body: Record<string, unknown>, key = KEY) => {
    const res = await api('POST', '/webhooks', { key, body });
    expect(res.status).toBe(201);
    return res.body.data.data as { id: string; url: string; event: string; configuration: { signatureToken: string } };
  };
  /** Lets a delivery that should not happen show up before asserting it did not. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  describe('create, list, update, delete', () => {
    it('creates with 201 in the double-wrapped shape, the only answer with the signature token', async () => {
      const before = Date.now();
      const res = await api('POST', '/webhooks', {
        body: { url: apiReceiver.url, event: 'candidateStageChange', configuration: { conditions: { origins: ALL_ORIGINS } } },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        data: {
          data: {
            id: expect.stringMatching(UUID),
            event: 'candidateStageChange',
            url: apiReceiver.url,
            configuration: { conditions: { origins: ALL_ORIGINS }, signatureToken: expect.stringMatching(/^[0-9a-f]{48}$/) },
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
        },
      });
      expect(res.body.data.data.createdAt).toBeGreaterThanOrEqual(before);

      // Without conditions: configuration holds only the token. Each webhook has its own token.
      const plain = await create({ url: 'https://hooks.example.com/lever', event: 'candidateHired' });
      expect(plain.configuration).toEqual({ signatureToken: expect.stringMatching(/^[0-9a-f]{48}$/) });
      expect(plain.configuration.signatureToken).not.toBe(res.body.data.data.configuration.signatureToken);
    });

    it('lists them without signature tokens, configuration {} when there are no conditions', async () => {
      const staged = await create({
        url: apiReceiver.url,
        event: 'candidateStageChange',
        configuration: { conditions: { origins: ['applied', 'referred'] } },
      });
      const deleted = await create({ url: 'http://hooks.example.com/deleted', event: 'candidateDeleted' });
      const res = await api('GET', '/webhooks');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          {
            id: staged.id,
            event: 'candidateStageChange',
            url: apiReceiver.url,
            configuration: { conditions: { origins: ['applied', 'referred'] } },
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
          {
            id: deleted.id,
            event: 'candidateDeleted',
            url: 'http://hooks.example.com/deleted',
            configuration: {},
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
        ],
        hasNext: false,
      });
      expect(res.text).not.toContain('signatureToken');
      expect(res.text).not.toContain(staged.configuration.signatureToken);
      // The settings-page webhook is not listed; the control API shows both kinds, without token values.
      const company = await sandbox.control.call<{ webhook: { url: string }; apiWebhooks: { id: string }[] }>(
        'GET',
        `/companies/${ACME_COMPANY_ID}`,
      );
      expect(company.webhook.url).toBe(settingsReceiver.url);
      expect(company.apiWebhooks.map((w) => w.id)).toEqual([staged.id, deleted.id]);
      expect(JSON.stringify(company)).not.toContain(staged.configuration.signatureToken);
    });

    it('lists only the calling company’s webhooks', async () => {
      await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      const other = await createTestCompany(sandbox.control);
      expect((await api('GET', '/webhooks', { key: other.apiKey })).body).toEqual({ data: [], hasNext: false });
    });

    it('updates url and conditions with PUT, keeps the event and the token, answers the GET shape', async () => {
      const a = await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      const b = await create({
        url: apiReceiver.url,
        event: 'candidateArchiveChange',
        configuration: { conditions: { origins: ['sourced'] } },
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await api('PUT', '/webhooks', {
        body: {
          data: [
            { id: a.id, url: 'https://hooks.example.com/moved', configuration: { conditions: { origins: ['agency'] } } },
            { id: b.id, configuration: { conditions: null } },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          {
            id: a.id,
            event: 'candidateStageChange',
            url: 'https://hooks.example.com/moved',
            configuration: { conditions: { origins: ['agency'] } },
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
          {
            id: b.id,
            event: 'candidateArchiveChange',
            url: apiReceiver.url,
            configuration: {},
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
        ],
      });
      expect(res.body.data[0].updatedAt).toBeGreaterThan(res.body.data[0].createdAt);
      expect(res.text).not.toContain('signatureToken');
      // Conditions are kept when configuration (or its conditions) is left out.
      const urlOnly = await api('PUT', '/webhooks', { body: { data: [{ id: a.id, url: apiReceiver.url }] } });
      expect(urlOnly.body.data[0]).toMatchObject({ url: apiReceiver.url, configuration: { conditions: { origins: ['agency'] } } });
    });

    it('changes nothing when one id of a PUT is unknown (404) or one item is invalid (400)', async () => {
      const a = await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      const unknown = await api('PUT', '/webhooks', {
        body: {
          data: [
            { id: a.id, url: 'https://hooks.example.com/x' },
            { id: 'nope', url: 'https://hooks.example.com/y' },
          ],
        },
      });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'ResourceNotFound', message: 'webhooks nope was not found' } });
      const invalid = await api('PUT', '/webhooks', {
        body: {
          data: [
            { id: a.id, url: 'https://hooks.example.com/x' },
            { id: a.id, url: 'ftp://hooks.example.com' },
          ],
        },
      });
      expect(invalid).toMatchObject({ status: 400, body: { code: 'BadRequest', message: expect.stringContaining('data[1].url') } });
      const event = await api('PUT', '/webhooks', { body: { data: [{ id: a.id, event: 'candidateHired' }] } });
      expect(event).toMatchObject({ status: 400, body: { message: expect.stringContaining('data[0].event') } });
      expect((await api('PUT', '/webhooks', { body: { data: [] } })).status).toBe(400);
      expect((await api('PUT', '/webhooks', { body: [{ id: a.id }] })).status).toBe(400);
      expect((await api('GET', '/webhooks')).body.data.map((w: { url: string }) => w.url)).toEqual([apiReceiver.url]);
      // Another company's webhook is unknown to this key.
      const other = await createTestCompany(sandbox.control);
      expect((await api('PUT', '/webhooks', { key: other.apiKey, body: { data: [{ id: a.id, url: apiReceiver.url }] } })).status).toBe(404);
    });

    it('deletes with 204, then 404', async () => {
      const a = await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      const other = await createTestCompany(sandbox.control);
      expect((await api('DELETE', `/webhooks/${a.id}`, { key: other.apiKey })).status).toBe(404);
      const res = await api('DELETE', `/webhooks/${a.id}`);
      expect(res).toMatchObject({ status: 204, text: '' });
      expect((await api('GET', '/webhooks')).body.data).toEqual([]);
      expect(await api('DELETE', `/webhooks/${a.id}`)).toMatchObject({
        status: 404,
        body: { code: 'ResourceNotFound', message: `webhooks ${a.id} was not found` },
      });
    });

    it('forgets API webhooks on reset', async () => {
      await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      await sandbox.control.reset();
      expect((await api('GET', '/webhooks')).body.data).toEqual([]);
    });

    it.each([
      ['a body that is not an object', ['x'], 'body'],
      ['no url', { event: 'candidateStageChange' }, 'url'],
      ['a relative url', { url: '/webhooks/lever', event: 'candidateStageChange' }, 'url'],
      ['a non-http url', { url: 'ftp://hooks.example.com/x', event: 'candidateStageChange' }, 'url'],
      ['no event', { url: 'https://hooks.example.com/x' }, 'event'],
      ['an unknown event', { url: 'https://hooks.example.com/x', event: 'candidateExploded' }, 'event'],
      ['configuration not an object', { url: 'https://hooks.example.com/x', event: 'candidateHired', configuration: 'x' }, 'configuration'],
      [
        'an unknown origin',
        {
          url: 'https://hooks.example.com/x',
          event: 'candidateStageChange',
          configuration: { conditions: { origins: ['applied', 'magic'] } },
        },
        'configuration.conditions.origins',
      ],
      [
        'origins not an array',
        { url: 'https://hooks.example.com/x', event: 'candidateStageChange', configuration: { conditions: { origins: 'applied' } } },
        'configuration.conditions.origins',
      ],
      [
        'an empty origins list',
        { url: 'https://hooks.example.com/x', event: 'candidateStageChange', configuration: { conditions: { origins: [] } } },
        'configuration.conditions.origins',
      ],
      [
        'conditions on candidateDeleted',
        { url: 'https://hooks.example.com/x', event: 'candidateDeleted', configuration: { conditions: { origins: ['applied'] } } },
        'configuration.conditions',
      ],
    ])('answers 400 in Lever shape naming the field for %s', async (_label, body, field) => {
      const res = await api('POST', '/webhooks', { body });
      expect(res).toMatchObject({ status: 400, body: { code: 'BadRequest', message: expect.stringContaining(field) } });
      expect((await api('GET', '/webhooks')).body.data).toEqual([]);
    });

    it('answers 403 without webhooks:read / webhooks:write', async () => {
      const none = await createTestCompany(sandbox.control, { permissions: ['opportunities:read', 'opportunities:write'] });
      const body = { url: apiReceiver.url, event: 'candidateStageChange' };
      expect(await api('GET', '/webhooks', { key: none.apiKey })).toMatchObject({
        status: 403,
        body: { code: 'Forbidden', message: expect.stringContaining('webhooks:read') },
      });
      expect(await api('POST', '/webhooks', { key: none.apiKey, body })).toMatchObject({
        status: 403,
        body: { code: 'Forbidden', message: expect.stringContaining('webhooks:write') },
      });

      const readOnly = await createTestCompany(sandbox.control, { permissions: ['webhooks:read'] });
      expect((await api('GET', '/webhooks', { key: readOnly.apiKey })).status).toBe(200);
      expect((await api('POST', '/webhooks', { key: readOnly.apiKey, body })).status).toBe(403);
      expect((await api('PUT', '/webhooks', { key: readOnly.apiKey, body: { data: [{ id: 'x' }] } })).status).toBe(403);
      expect((await api('DELETE', '/webhooks/x', { key: readOnly.apiKey })).status).toBe(403);

      // A key created with the default permissions has both.
      const all = await createTestCompany(sandbox.control);
      const created = await create(body, all.apiKey);
      expect((await api('GET', '/webhooks', { key: all.apiKey })).body.data).toHaveLength(1);
      expect((await api('DELETE', `/webhooks/${created.id}`, { key: all.apiKey })).status).toBe(204);
    });

    it('lets an OAuth grant with webhooks:write:admin read and write webhooks', async () => {
      const redirect = 'http://127.0.0.1:9/oauth/lever/callback';
      const params = new URLSearchParams({
        client_id: 'demo-oauth-client',
        redirect_uri: redirect,
        response_type: 'code',
        state: 's',
        audience: 'https://api.lever.co/v1/',
        scope: 'webhooks:write:admin',
      });
      const authorized = await fetch(`${sandbox.baseUrl}/authorize?${params.toString()}`, { redirect: 'manual' });
      const code = new URL(authorized.headers.get('location') as string).searchParams.get('code') as string;
      const tokenRes = await fetch(`${sandbox.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirect,
          client_id: 'demo-oauth-client',
          client_secret: 'demo-oauth-secret',
        }).toString(),
      });
      const auth = `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}`;
      expect((await api('POST', '/webhooks', { auth, body: { url: apiReceiver.url, event: 'candidateHired' } })).status).toBe(201);
      expect((await api('GET', '/webhooks', { auth })).body.data).toHaveLength(1);
      expect((await api('GET', '/stages', { auth })).status).toBe(403);
    });
  });

  describe('deliveries to API webhooks', () => {
    it('sends a stage change to a registered webhook signed with its own token, and to the settings webhook with the settings token', async () => {
      const hook = await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      await sandbox.control.moveCandidate(OPP.Ada, 'Coding Test');

      const [viaApi] = await eventually(() => (apiReceiver.received.length ? apiReceiver.received : null));
      const [viaSettings] = await eventually(() => (settingsReceiver.received.length ? settingsReceiver.received : null));
      expect(viaApi.headers['user-agent']).toBe('Lever-Webhooks');
      expect(viaApi.body).toEqual({
        triggeredAt: expect.any(Number),
        event: 'candidateStageChange',
        data: {
          opportunityId: OPP.Ada,
          candidateId: OPP.Ada,
          contactId: expect.any(String),
          toStageId: STAGE.CodingTest,
          fromStageId: STAGE.NewApplicant,
        },
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        token: expect.stringMatching(/^[0-9a-f]{48}$/),
      });
      expect(verifyLeverWebhook(viaApi.body, [hook.configuration.signatureToken])).toBe('valid');
      expect(verifyLeverWebhook(viaApi.body, [SETTINGS_TOKEN])).toBe('bad-signature');
      expect(verifyLeverWebhook(viaSettings.body, [SETTINGS_TOKEN])).toBe('valid');
      expect(verifyLeverWebhook(viaSettings.body, [hook.configuration.signatureToken])).toBe('bad-signature');
      expect(viaSettings.body.data).toEqual(viaApi.body.data);
      expect(viaSettings.body.token).not.toBe(viaApi.body.token);

      // One delivery per webhook, the API one named by apiWebhookId.
      const deliveries = await eventually(async () => {
        const list = await sandbox.control.deliveries(ACME_COMPANY_ID);
        return list.length === 2 && list.every((d) => d.state === 'delivered') ? list : null;
      });
      expect(deliveries.map((d) => [d.url, d.apiWebhookId])).toEqual([
        [settingsReceiver.url, undefined],
        [apiReceiver.url, hook.id],
      ]);
      await settle();
      expect([settingsReceiver.received.length, apiReceiver.received.length]).toEqual([1, 1]);
    });

    it('sends each event only to the webhooks registered for it, over the API as well', async () => {
      const hired = await create({ url: apiReceiver.url, event: 'candidateHired' });
      const deleted = await create({ url: apiReceiver.url, event: 'candidateDeleted' });
      await api('PUT', `/opportunities/${OPP.Ada}/stage`, { body: { stage: STAGE.Onsite } });
      await sandbox.control.hire(OPP.Grace);
      await sandbox.control.deleteOpportunity(OPP.SamNoEmail);
      const bodies = await eventually(() => (apiReceiver.received.length >= 2 ? apiReceiver.received.map((r) => r.body) : null));
      await settle();
      expect(apiReceiver.received.map((r) => r.body.event).sort()).toEqual(['candidateDeleted', 'candidateHired']);
      const byEvent = Object.fromEntries(bodies.map((b) => [b.event, b]));
      expect(verifyLeverWebhook(byEvent.candidateHired, [hired.configuration.signatureToken])).toBe('valid');
      expect(verifyLeverWebhook(byEvent.candidateDeleted, [deleted.configuration.signatureToken])).toBe('valid');
      expect(byEvent.candidateDeleted.data).toMatchObject({ opportunityId: OPP.SamNoEmail, deletedBy: expect.any(String) });
      // The settings webhook got all four events (stage change, hired, archive change, deleted).
      await eventually(() => settingsReceiver.received.length === 4);
    });

    it('filters by origin conditions: only opportunities whose origin is listed', async () => {
      // Ada is applied (the default origin), Sam was sourced; a referred candidate is added with its origin.
      const { opportunities } = await sandbox.control.call<{ opportunities: { id: string }[] }>(
        'POST',
        `/companies/${ACME_COMPANY_ID}/candidates`,
        { candidates: [{ name: 'Rita Referred', emails: ['rita@candidates.example'], origin: 'referred' }] },
      );
      const rita = opportunities[0].id;
      expect((await api('GET', `/opportunities/${rita}`)).body.data.origin).toBe('referred');

      const sourcedOnly = await create({
        url: apiReceiver.url,
        event: 'candidateStageChange',
        configuration: { conditions: { origins: ['sourced', 'referred'] } },
      });
      await sandbox.control.moveCandidate(OPP.Ada, 'Onsite');
      await sandbox.control.moveCandidate(OPP.SamNoEmail, 'Onsite');
      await sandbox.control.moveCandidate(rita, 'Onsite');
      await eventually(() => apiReceiver.received.length >= 2);
      await eventually(() => settingsReceiver.received.length >= 3);
      await settle();
      expect(apiReceiver.received.map((r) => r.body.data.opportunityId).sort()).toEqual([OPP.SamNoEmail, rita].sort());
      // The settings webhook has no conditions here: it got all three.
      expect(settingsReceiver.received).toHaveLength(3);

      // PUT changes the conditions; the token stays the one POST answered.
      apiReceiver.received.length = 0;
      await api('PUT', '/webhooks', { body: { data: [{ id: sourcedOnly.id, configuration: { conditions: { origins: ['applied'] } } }] } });
      await sandbox.control.moveCandidate(OPP.Ada, 'Offer');
      await sandbox.control.moveCandidate(OPP.SamNoEmail, 'Offer');
      const [ada] = await eventually(() => (apiReceiver.received.length ? apiReceiver.received : null));
      await settle();
      expect(apiReceiver.received).toHaveLength(1);
      expect(ada.body.data.opportunityId).toBe(OPP.Ada);
      expect(verifyLeverWebhook(ada.body, [sourcedOnly.configuration.signatureToken])).toBe('valid');
    });

    it('applies origin conditions to hires and archive changes too', async () => {
      await create({ url: apiReceiver.url, event: 'candidateHired', configuration: { conditions: { origins: ['sourced'] } } });
      await create({ url: apiReceiver.url, event: 'candidateArchiveChange', configuration: { conditions: { origins: ['applied'] } } });
      await sandbox.control.hire(OPP.Ada); // applied: archive change only
      await sandbox.control.hire(OPP.SamNoEmail); // sourced: hired only
      await eventually(() => apiReceiver.received.length >= 2);
      await settle();
      expect(apiReceiver.received.map((r) => [r.body.event, r.body.data.opportunityId]).sort()).toEqual(
        [
          ['candidateArchiveChange', OPP.Ada],
          ['candidateHired', OPP.SamNoEmail],
        ].sort(),
      );
    });

    it('sends to API webhooks when the settings webhook has no URL, and stops once a webhook is deleted', async () => {
      await sandbox.control.setWebhook(ACME_COMPANY_ID, null, SETTINGS_TOKEN);
      const hook = await create({ url: apiReceiver.url, event: 'candidateStageChange' });
      await sandbox.control.moveCandidate(OPP.Ada, 'Onsite');
      await eventually(() => apiReceiver.received.length === 1);
      await api('DELETE', `/webhooks/${hook.id}`);
      await sandbox.control.moveCandidate(OPP.Ada, 'Offer');
      await settle();
      expect(apiReceiver.received).toHaveLength(1);
      expect(settingsReceiver.received).toHaveLength(0);
      expect(await sandbox.control.deliveries(ACME_COMPANY_ID)).toHaveLength(1);
    });

    it('retries a failing API webhook delivery with the same envelope, independently of the settings webhook', async () => {
      const flaky = await startWebhookReceiver((n) => (n === 1 ? 503 : 200));
      try {
        const hook = await create({ url: flaky.url, event: 'candidateStageChange' });
        await sandbox.control.moveCandidate(OPP.Ada, 'Onsite');
        const delivery = await eventually(async () => {
          const found = (await sandbox.control.deliveries(ACME_COMPANY_ID)).find((d) => d.apiWebhookId === hook.id);
          return found?.state === 'delivered' ? found : null;
        });
        expect(delivery.attempts.map((a) => a.status)).toEqual([503, 200]);
        expect(new Set(flaky.received.map((r) => r.body.token)).size).toBe(1);
        expect(verifyLeverWebhook(flaky.received[1].body, [hook.configuration.signatureToken])).toBe('valid');
        const settings = (await sandbox.control.deliveries(ACME_COMPANY_ID)).find((d) => d.apiWebhookId === undefined);
        expect(settings?.attempts.map((a) => a.status)).toEqual([200]);
      } finally {
        await flaky.close();
      }
    });
  });
});
