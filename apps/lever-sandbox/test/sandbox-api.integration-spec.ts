import { verifyLeverWebhook } from '@lever-assess/common';
import { eventually } from '@lever-assess/testing';
import {
  ACME_ASSESSMENT_BOT_EMAIL,
  ACME_COMPANY_ID,
  ACME_KEY_ID,
  ACME_OPPORTUNITY_IDS as OPP,
  ACME_OVERRIDE_TAG,
  ACME_STAGE_IDS as STAGE,
  ACME_USER_IDS as USER,
} from '../src/seed/acme.seed';
import { basicAuth, createTestCompany, startSandbox, startWebhookReceiver, type RunningSandbox } from './support/sandbox-harness';

const KEY = 'acme-test-key';
const SIGNATURE_TOKEN = 'acme-test-signature-token';

describe('lever-sandbox Lever API', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      LEVER_SANDBOX_API_KEY: KEY,
      LEVER_SANDBOX_SIGNATURE_TOKEN: SIGNATURE_TOKEN,
      LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS: '50',
    });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.control.reset());

  const api = async (method: string, path: string, { key = KEY, body, auth }: { key?: string; body?: unknown; auth?: string } = {}) => {
    const res = await fetch(`${sandbox.apiUrl}${path}`, {
      method,
      headers: { Authorization: auth ?? basicAuth(key), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  describe('auth, permissions and errors', () => {
    it('serves health and metrics without auth', async () => {
      expect((await fetch(`${sandbox.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${sandbox.baseUrl}/health/ready`)).status).toBe(200);
      expect(await (await fetch(`${sandbox.baseUrl}/metrics`)).text()).toContain('http_request_duration_seconds');
    });

    it.each([
      ['no header', undefined],
      ['a bearer token', `Bearer ${KEY}`],
      ['an unknown key', basicAuth('not-a-key')],
      ['the key as password instead of user name', `Basic ${Buffer.from(`:${KEY}`).toString('base64')}`],
    ])('answers 401 in Lever shape for %s', async (_label, auth) => {
      const res = await fetch(`${sandbox.apiUrl}/stages`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 'Unauthorized', message: expect.any(String) });
    });

    it('accepts Basic auth with the key as user name and an empty password', async () => {
      const res = await api('GET', '/stages');
      expect(res.status).toBe(200);
      expect(res.body.data.map((s: { id: string }) => s.id)).toEqual(Object.values(STAGE));
    });

    it('answers 401 once a key is revoked', async () => {
      await sandbox.control.revoke(ACME_KEY_ID);
      expect((await api('GET', '/stages')).status).toBe(401);
    });

    it('answers 403 naming the missing permission, per endpoint', async () => {
      const { apiKey, company } = await createTestCompany(sandbox.control, { permissions: ['opportunities:read', 'stages:read'] });
      const opp = company.opportunities[0].id;
      expect((await api('GET', `/opportunities/${opp}`, { key: apiKey })).status).toBe(200);
      const write = await api('POST', `/opportunities/${opp}/addTags`, { key: apiKey, body: { tags: ['x'] } });
      expect(write).toMatchObject({ status: 403, body: { code: 'Forbidden', message: expect.stringContaining('opportunities:write') } });
      expect((await api('POST', `/opportunities/${opp}/notes`, { key: apiKey, body: { value: 'hi' } })).status).toBe(403);
      expect((await api('GET', '/users', { key: apiKey })).status).toBe(403);
      expect((await api('GET', '/tags', { key: apiKey })).status).toBe(403);
    });

    it("answers 404 for unknown objects and for another company's opportunity", async () => {
      expect(await api('GET', '/opportunities/nope')).toMatchObject({
        status: 404,
        body: { code: 'ResourceNotFound', message: 'opportunities nope was not found' },
      });
      expect((await api('GET', '/stages/nope')).status).toBe(404);
      expect((await api('GET', '/users/nope')).status).toBe(404);
      const other = await createTestCompany(sandbox.control);
      expect((await api('GET', `/opportunities/${OPP.Ada}`, { key: other.apiKey })).status).toBe(404);
    });

    it.each([
      ['tags missing', 'addTags', {}],
      ['tags not an array', 'addTags', { tags: 'Sent' }],
      ['tags with a number', 'addTags', { tags: ['ok', 3] }],
      ['links with an empty string', 'addLinks', { links: [''] }],
      ['a note without value', 'notes', { secret: true }],
      ['a stage that does not exist', 'stage', { stage: 'nope' }],
    ])('answers 400 for %s', async (_label, action, body) => {
      const method = action === 'stage' ? 'PUT' : 'POST';
      expect(await api(method, `/opportunities/${OPP.Ada}/${action}`, { body })).toMatchObject({
        status: 400,
        body: { code: 'BadRequest' },
      });
    });

    it('answers 400 for an unknown perform_as user and writes nothing', async () => {
      const res = await api('POST', `/opportunities/${OPP.Ada}/addTags?perform_as=nobody`, { body: { tags: ['X'] } });
      expect(res.status).toBe(400);
      expect((await sandbox.control.opportunity(OPP.Ada)).tags).toEqual([]);
    });

    it('answers 429 in Lever shape past the per-key bucket (burst 20)', async () => {
      const { apiKey, keyId } = await createTestCompany(sandbox.control);
      const results = await Promise.all(Array.from({ length: 40 }, () => api('GET', '/stages', { key: apiKey })));
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0].body).toEqual({ code: 'TooManyRequests', message: expect.any(String) });
      expect((await sandbox.control.stats(keyId)).byStatus['429']).toBe(limited.length);
      // Another key is not affected.
      expect((await api('GET', '/stages')).status).toBe(200);
    });
  });

  describe('reads', () => {
    it('returns the stage as an id unless expanded, and applications likewise', async () => {
      const plain = (await api('GET', `/opportunities/${OPP.Alan}`)).body.data;
      expect(plain).toMatchObject({
        id: OPP.Alan,
        stage: STAGE.NewApplicant,
        tags: [ACME_OVERRIDE_TAG],
        applications: [expect.any(String)],
      });
      const expanded = (await api('GET', `/opportunities/${OPP.Alan}?expand=stage&expand=applications`)).body.data;
      expect(expanded.stage).toEqual({ id: STAGE.NewApplicant, text: 'New applicant' });
      expect(expanded.applications[0]).toMatchObject({ id: plain.applications[0], type: 'posting' });
      expect(expanded.urls.show).toContain(OPP.Alan);
    });

    it('seeds the documented edge cases: no email, archived, one contact with two candidacies', async () => {
      expect((await api('GET', `/opportunities/${OPP.SamNoEmail}`)).body.data.emails).toEqual([]);
      const archived = (await api('GET', `/opportunities/${OPP.KatherineArchived}`)).body.data;
      expect(archived.archivedAt).toEqual(expect.any(Number));
      const [a, b] = await Promise.all([api('GET', `/opportunities/${OPP.Ada}`), api('GET', `/opportunities/${OPP.AdaSecond}`)]);
      expect(a.body.data.contact).toBe(b.body.data.contact);
    });

    it('filters users by exact email', async () => {
      const res = await api('GET', `/users?email=${encodeURIComponent(ACME_ASSESSMENT_BOT_EMAIL)}`);
      expect(res.body.data).toEqual([expect.objectContaining({ id: USER.AssessmentBot, name: 'Assessment Bot' })]);
      expect((await api('GET', '/users?email=ASSESSMENT-BOT%40acme.example')).body.data).toEqual([]);
    });

    it('filters opportunities by tag (case-sensitive, OR) and email', async () => {
      const byTag = await api('GET', `/opportunities?tag=${encodeURIComponent(ACME_OVERRIDE_TAG)}&tag=Full-time`);
      expect(byTag.body.data.map((o: { id: string }) => o.id).sort()).toEqual([OPP.Alan, OPP.Grace].sort());
      expect((await api('GET', '/opportunities?tag=python%20advanced')).body.data).toEqual([]);
      const byEmail = await api('GET', '/opportunities?email=ada%40candidates.example');
      expect(byEmail.body.data.map((o: { id: string }) => o.id)).toEqual([OPP.Ada, OPP.AdaSecond]);
    });

    it('pages with server-issued offset tokens and rejects any other offset', async () => {
      const first = await api('GET', '/opportunities?limit=4');
      expect(first.body).toMatchObject({ hasNext: true, next: expect.any(String) });
      expect(first.body.data).toHaveLength(4);
      const second = await api('GET', `/opportunities?limit=4&offset=${encodeURIComponent(first.body.next)}`);
      expect(second.body.hasNext).toBe(false);
      expect(second.body.next).toBeUndefined();
      expect([...first.body.data, ...second.body.data].map((o: { id: string }) => o.id)).toEqual(Object.values(OPP));
      expect((await api('GET', '/opportunities?offset=4')).status).toBe(400);
      const other = await createTestCompany(sandbox.control);
      expect((await api('GET', `/opportunities?offset=${encodeURIComponent(first.body.next)}`, { key: other.apiKey })).status).toBe(400);
      expect((await api('GET', '/opportunities?limit=0')).status).toBe(400);
      expect((await api('GET', '/opportunities?limit=101')).status).toBe(400);
    });
  });

  describe('writes', () => {
    it('adds tags once, removes exact (case-sensitive) matches, counts them in /tags', async () => {
      await api('POST', `/opportunities/${OPP.Ada}/addTags`, { body: { tags: ['Acme - Sent', 'Acme - Sent'] } });
      const again = await api('POST', `/opportunities/${OPP.Ada}/addTags?perform_as=${USER.AssessmentBot}`, {
        body: { tags: ['Acme - Sent', 'Full-time'] },
      });
      expect(again).toMatchObject({ status: 200, body: { data: { id: OPP.Ada, tags: ['Acme - Sent', 'Full-time'] } } });
      const removed = await api('POST', `/opportunities/${OPP.Ada}/removeTags`, { body: { tags: ['acme - sent', 'Full-time'] } });
      expect(removed.body.data.tags).toEqual(['Acme - Sent']);
      const tags = (await api('GET', '/tags')).body.data;
      expect(tags).toEqual(
        expect.arrayContaining([
          { text: 'Acme - Sent', count: 1 },
          { text: 'Full-time', count: 1 },
          { text: ACME_OVERRIDE_TAG, count: 1 },
        ]),
      );
      const state = await sandbox.control.opportunity(OPP.Ada);
      expect(state.history.map((h) => h.performAs)).toEqual([null, USER.AssessmentBot, null]);
    });

    it('keeps links on the contact: they show on every opportunity of the person', async () => {
      const link = 'https://platform.example/reports/r1';
      await api('POST', `/opportunities/${OPP.Ada}/addLinks`, { body: { links: [link] } });
      expect((await api('GET', `/opportunities/${OPP.AdaSecond}`)).body.data.links).toEqual([link]);
      await api('POST', `/opportunities/${OPP.AdaSecond}/removeLinks`, { body: { links: [`${link}/`] } });
      expect((await api('GET', `/opportunities/${OPP.Ada}`)).body.data.links).toEqual([link]);
      await api('POST', `/opportunities/${OPP.AdaSecond}/removeLinks`, { body: { links: [link] } });
      expect((await api('GET', `/opportunities/${OPP.Ada}`)).body.data.links).toEqual([]);
    });

    it('creates a note per call (not idempotent), authored by perform_as', async () => {
      const path = `/opportunities/${OPP.Grace}/notes?perform_as=${USER.AssessmentBot}`;
      const first = await api('POST', path, { body: { value: 'Score 82%', secret: false } });
      const second = await api('POST', path, { body: { value: 'Score 82%' } });
      expect(first).toMatchObject({ status: 201, body: { data: { noteId: expect.any(String) } } });
      expect(second.body.data.noteId).not.toBe(first.body.data.noteId);
      const notes = (await api('GET', `/opportunities/${OPP.Grace}/notes`)).body.data;
      expect(notes).toHaveLength(2);
      expect(notes[0]).toMatchObject({ id: first.body.data.noteId, user: USER.AssessmentBot, fields: [{ value: 'Score 82%' }] });
    });
  });

  describe('stage change webhooks', () => {
    it('sends a signed candidateStageChange that verifies with verifyLeverWebhook', async () => {
      const receiver = await startWebhookReceiver();
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, SIGNATURE_TOKEN);
        const before = Date.now();
        const res = await api('PUT', `/opportunities/${OPP.Alan}/stage?perform_as=${USER.Monica}`, { body: { stage: STAGE.CodingTest } });
        expect(res).toMatchObject({ status: 200, body: { data: { id: OPP.Alan, stage: STAGE.CodingTest } } });
        await eventually(() => receiver.received.length === 1);
        const { headers, body } = receiver.received[0];
        expect(headers['user-agent']).toBe('Lever-Webhooks');
        expect(headers['content-type']).toContain('application/json');
        expect(body).toEqual({
          triggeredAt: expect.any(Number),
          event: 'candidateStageChange',
          signature: expect.stringMatching(/^[0-9a-f]{64}$/),
          token: expect.stringMatching(/^[0-9a-f]{48}$/),
          data: {
            opportunityId: OPP.Alan,
            candidateId: OPP.Alan,
            contactId: expect.any(String),
            toStageId: STAGE.CodingTest,
            fromStageId: STAGE.NewApplicant,
          },
        });
        expect(body.triggeredAt).toBeGreaterThanOrEqual(before);
        expect(verifyLeverWebhook(body, [SIGNATURE_TOKEN])).toBe('valid');
        expect(verifyLeverWebhook(body, ['another-token'])).toBe('bad-signature');
        const state = await sandbox.control.opportunity(OPP.Alan);
        expect(state.stage).toEqual({ id: STAGE.CodingTest, text: 'Coding Test' });
        expect(state.stageChanges.at(-1)).toMatchObject({ toStageId: STAGE.CodingTest, userId: USER.Monica });
      } finally {
        await receiver.close();
      }
    });

    it("moves a candidate as a recruiter in the UI would: the webhook goes out, the key's budget is untouched", async () => {
      const receiver = await startWebhookReceiver();
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, SIGNATURE_TOKEN);
        const before = await sandbox.control.requests(ACME_KEY_ID);
        await expect(sandbox.control.moveCandidate(OPP.Grace, 'Coding Test')).resolves.toEqual({
          ok: true,
          stage: { id: STAGE.CodingTest, text: 'Coding Test' },
        });
        await eventually(() => receiver.received.length === 1);
        expect(receiver.received[0].body).toMatchObject({
          event: 'candidateStageChange',
          data: { opportunityId: OPP.Grace, toStageId: STAGE.CodingTest },
        });
        expect(verifyLeverWebhook(receiver.received[0].body, [SIGNATURE_TOKEN])).toBe('valid');
        expect(await sandbox.control.requests(ACME_KEY_ID)).toEqual(before);
        await expect(sandbox.control.moveCandidate(OPP.Grace, 'No such stage')).rejects.toThrow(/-> 400/);
      } finally {
        await receiver.close();
      }
    });

    it('retries a failed delivery with the same envelope until it gets a 2xx', async () => {
      const receiver = await startWebhookReceiver((n) => (n <= 2 ? 500 : 204));
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, SIGNATURE_TOKEN);
        await api('PUT', `/opportunities/${OPP.Grace}/stage`, { body: { stage: STAGE.Onsite } });
        const delivery = (await eventually(async () => {
          const [first] = await sandbox.control.deliveries(ACME_COMPANY_ID);
          return first?.state === 'delivered' ? first : null;
        }))!;
        expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 204]);
        expect(new Set(receiver.received.map((r) => r.body.token)).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('gives up after the configured retries when the receiver keeps failing', async () => {
      const receiver = await startWebhookReceiver(() => 503);
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, SIGNATURE_TOKEN);
        await api('PUT', `/opportunities/${OPP.Grace}/stage`, { body: { stage: STAGE.Offer } });
        const delivery = (await eventually(
          async () => {
            const [first] = await sandbox.control.deliveries(ACME_COMPANY_ID);
            return first?.state === 'failed' ? first : null;
          },
          { timeoutMs: 15_000 },
        ))!;
        expect(delivery.attempts).toHaveLength(6); // first try + 5 retries, like Lever
      } finally {
        await receiver.close();
      }
    });

    it('sends nothing when the stage does not change or no webhook is configured', async () => {
      const receiver = await startWebhookReceiver();
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, SIGNATURE_TOKEN);
        await api('PUT', `/opportunities/${OPP.Ada}/stage`, { body: { stage: STAGE.NewApplicant } });
        await sandbox.control.setWebhook(ACME_COMPANY_ID, null, SIGNATURE_TOKEN);
        await api('PUT', `/opportunities/${OPP.Ada}/stage`, { body: { stage: STAGE.Offer } });
        expect(await sandbox.control.deliveries()).toEqual([]);
        expect((await sandbox.control.opportunity(OPP.Ada)).stage.id).toBe(STAGE.Offer);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('control API', () => {
    it('logs requests per key with status and perform_as, and reset restores the seed', async () => {
      await api('POST', `/opportunities/${OPP.Ada}/addTags?perform_as=${USER.AssessmentBot}`, { body: { tags: ['T'] } });
      await api('GET', '/opportunities/nope');
      const log = await sandbox.control.requests(ACME_KEY_ID);
      expect(log.map((e) => [e.method, e.route, e.status, e.performAs])).toEqual([
        ['POST', '/v1/opportunities/:id/addTags', 200, USER.AssessmentBot],
        ['GET', '/v1/opportunities/:id', 404, null],
      ]);
      await sandbox.control.reset();
      expect((await sandbox.control.opportunity(OPP.Ada)).tags).toEqual([]);
      expect(await sandbox.control.requests(ACME_KEY_ID)).toEqual([]);
    });

    it('rejects malformed control input with a reason', async () => {
      const res = await fetch(`${sandbox.baseUrl}/_sandbox/companies`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'X', keys: [{ apiKey: 'k', permissions: ['opportunities:admin'] }] }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('opportunities:admin');
    });
  });
});
