import {
  LeverAuthError,
  LeverBadRequestError,
  LeverClient,
  LeverNotFoundError,
  LeverConfidentialAccessError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  RedisTokenBucketLimiter,
  type LeverAuth,
  type LeverRateLimiter,
} from '@lever-assess/lever-client';
import { createTestRedisNamespace, eventually, type TestRedisNamespace } from '@lever-assess/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import {
  ACME_ASSESSMENT_BOT_EMAIL,
  ACME_COMPANY_ID,
  ACME_OPPORTUNITY_IDS as OPP,
  ACME_STAGE_IDS as STAGE,
  ACME_USER_IDS as USER,
} from '../src/seed/acme.seed';
import { createTestCompany, startSandbox, type RunningSandbox } from './support/sandbox-harness';

const ACME_KEY = 'client-spec-acme-key';

describe('LeverClient against lever-sandbox', () => {
  let sandbox: RunningSandbox;
  let ns: TestRedisNamespace;
  let client: LeverClient;
  const acme: LeverAuth = { accountId: ACME_COMPANY_ID, apiKey: ACME_KEY };

  const makeClient = (opts: { timeoutMs?: number; maxAttempts?: number; maxInlineWaitMs?: number } = {}) =>
    new LeverClient({
      baseUrl: sandbox.apiUrl,
      limiter: new RedisTokenBucketLimiter({ redis: ns.redis, keyPrefix: `${ns.prefix}:rl:`, ratePerSecond: 8, burst: 8 }),
      backoffBaseMs: 20,
      backoffCapMs: 100,
      ...opts,
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ LEVER_SANDBOX_API_KEY: ACME_KEY });
    ns = await createTestRedisNamespace('lever_client_spec');
    client = makeClient();
  });
  afterAll(async () => {
    await sandbox.close();
    await ns.cleanup();
  });

  describe('reads', () => {
    it('normalises an opportunity (stage expanded, contact, emails, urls, archive state)', async () => {
      const ada = await client.getOpportunity(acme, OPP.Ada);
      expect(ada).toMatchObject({
        id: OPP.Ada,
        name: 'Ada Lovelace',
        emails: ['ada@candidates.example'],
        tags: [],
        stageId: STAGE.NewApplicant,
        stageName: 'New applicant',
        archived: false,
        isAnonymized: false,
        urls: { show: expect.stringContaining(OPP.Ada) },
      });
      expect(ada.contactId).toEqual(expect.any(String));
      expect(ada.applications).toEqual([expect.objectContaining({ type: 'posting' })]);
      expect((await client.getOpportunity(acme, OPP.KatherineArchived)).archived).toBe(true);
      expect((await client.getOpportunity(acme, OPP.SamNoEmail)).emails).toEqual([]);
    });

    it('resolves the perform_as user by email and reads stages and users', async () => {
      expect(await client.listUsers(acme, { email: ACME_ASSESSMENT_BOT_EMAIL })).toEqual([
        expect.objectContaining({ id: USER.AssessmentBot, name: 'Assessment Bot', deactivatedAt: null }),
      ]);
      expect(await client.getUser(acme, USER.Monica)).toMatchObject({ id: USER.Monica, name: 'Monica Geller' });
      expect(await client.getStage(acme, STAGE.CodingTest)).toEqual({ id: STAGE.CodingTest, text: 'Coding Test' });
    });

    it('follows pagination across several pages', async () => {
      const stages = Array.from({ length: 130 }, (_, i) => `Stage ${i}`);
      const candidates = Array.from({ length: 230 }, (_, i) => ({
        name: `Candidate ${i}`,
        emails: [`c${i}@test.example`],
        tags: [`tag-${i}`],
      }));
      const { auth, company } = await createTestCompany(sandbox.control, { stages, candidates });

      expect((await client.listStages(auth)).map((s) => s.text)).toEqual(stages);
      expect(await client.listTags(auth)).toHaveLength(230);

      const seen: string[] = [];
      let offset: string | undefined;
      let pages = 0;
      do {
        const page = await client.listOpportunities(auth, { limit: 60, offset });
        seen.push(...page.data.map((o) => o.id));
        offset = page.hasNext ? page.next! : undefined;
        pages++;
      } while (offset);
      expect(pages).toBe(4);
      expect(seen).toEqual(company.opportunities.map((o) => o.id));
      const one = await client.listOpportunities(auth, { tag: 'tag-7' });
      expect(one).toEqual({ data: [expect.objectContaining({ name: 'Candidate 7', stageName: 'Stage 0' })], next: null, hasNext: false });
    });

    it('maps 404 and 400 to typed, non-retryable errors', async () => {
      await expect(client.getOpportunity(acme, 'missing')).rejects.toMatchObject({
        constructor: LeverNotFoundError,
        status: 404,
        leverCode: 'ResourceNotFound',
        retryable: false,
      });
      await expect(client.listOpportunities(acme, { offset: 'made-up' })).rejects.toBeInstanceOf(LeverBadRequestError);
      await expect(client.addTags(acme, OPP.Ada, ['x'], 'not-a-user')).rejects.toMatchObject({
        constructor: LeverBadRequestError,
        status: 400,
      });
    });

    it('labels metrics with the templated route, never an id', async () => {
      const text = await register.getSingleMetricAsString('lever_requests_total');
      expect(text).toContain('route="/opportunities/:id",status="200"');
      expect(text).not.toContain(OPP.Ada);
    });
  });

  describe('writes', () => {
    it('adds and removes tags and links, writes and lists notes, moves the stage, all as perform_as', async () => {
      const bot = USER.AssessmentBot;
      expect((await client.addTags(acme, OPP.Grace, ['Acme - Sent'], bot))?.tags).toEqual(['Full-time', 'Acme - Sent']);
      expect((await client.removeTags(acme, OPP.Grace, ['Acme - Sent'], bot))?.tags).toEqual(['Full-time']);
      const link = 'https://platform.example/reports/42';
      await client.addLinks(acme, OPP.Ada, [link], bot);
      expect((await client.getOpportunity(acme, OPP.AdaSecond)).links).toEqual([link]);
      await client.removeLinks(acme, OPP.Ada, [link], bot);
      const { noteId } = await client.createNote(acme, OPP.Grace, { value: 'Acme Test: score 82%' }, bot);
      expect(await client.listNotes(acme, OPP.Grace)).toEqual([
        { id: noteId, value: 'Acme Test: score 82%', userId: bot, secret: false, createdAt: expect.any(Number) },
      ]);
      expect((await client.changeStage(acme, OPP.Grace, STAGE.Onsite, USER.Monica))?.stageId).toBe(STAGE.Onsite);
      const state = await sandbox.control.opportunity(OPP.Grace);
      expect(new Set(state.history.map((h) => h.performAs))).toEqual(new Set([bot, USER.Monica]));
    });
  });

  describe('reconciliation sweep', () => {
    const DAY = 24 * 60 * 60 * 1000;

    it('lists every matching opportunity across pages, one limited request per page, onPage per page', async () => {
      const candidates = Array.from({ length: 150 }, (_, i) => ({
        name: `Sweep ${i}`,
        stage: i % 3 === 0 ? 'Onsite' : 'Offer',
        tags: [i % 2 ? 'Sweep' : 'Other', ...(i % 4 === 0 ? ['Rare'] : [])],
        confidentiality: i % 5 === 0 ? 'confidential' : 'non-confidential',
        archived: i % 7 === 0,
      }));
      const { auth, keyId, company } = await createTestCompany(sandbox.control, { candidates });
      const onsite = company.stages.find((s) => s.text === 'Onsite')!.id;
      const expected = company.opportunities.filter((_, i) => i % 3 === 0 && i % 7 !== 0 && (i % 2 === 1 || i % 4 === 0)).map((o) => o.id);
      const pageSizes: number[] = [];
      const result = await client.listAllOpportunities(
        auth,
        { stageId: onsite, tags: ['Sweep'], tag: 'Rare', archived: false, confidentiality: 'all', limit: 10 },
        { onPage: (items, index) => void (pageSizes[index] = items.length) },
      );
      expect(result.complete).toBe(true);
      expect(result.data.map((o) => o.id)).toEqual(expected);
      expect(result.pages).toBe(Math.ceil(expected.length / 10));
      expect(pageSizes.reduce((a, b) => a + b, 0)).toBe(expected.length);
      const log = await sandbox.control.requests(keyId);
      expect(log).toHaveLength(result.pages);
      expect(log.every((e) => e.route === '/v1/opportunities' && e.status === 200)).toBe(true);

      // Without confidentiality=all, Lever hides the confidential ones.
      const open = await client.listAllOpportunities(auth, { stageId: onsite, archived: false });
      expect(open.data.every((o) => o.confidentiality === 'non-confidential')).toBe(true);
      expect(open.data).toHaveLength(company.opportunities.filter((_, i) => i % 3 === 0 && i % 7 !== 0 && i % 5 !== 0).length);
    });

    it('stops at maxPages and says the walk is incomplete', async () => {
      const candidates = Array.from({ length: 12 }, (_, i) => ({ name: `P ${i}` }));
      const { auth } = await createTestCompany(sandbox.control, { candidates });
      const result = await client.listAllOpportunities(auth, { limit: 5 }, { maxPages: 2 });
      expect(result).toMatchObject({ pages: 2, complete: false });
      expect(result.data).toHaveLength(10);
      await expect(client.listAllOpportunities(auth, { limit: 5 }, { maxPages: 3 })).resolves.toMatchObject({ pages: 3, complete: true });
    });

    it('reads stageChanges, lastAdvancedAt, followers and archive state; filters by updatedAtStart', async () => {
      const { auth, company } = await createTestCompany(sandbox.control, { candidates: [{ name: 'Placed' }, { name: 'Fresh' }] });
      const [placed, fresh] = company.opportunities.map((o) => o.id);
      const at = Date.now() - 4 * DAY;
      await sandbox.control.moveCandidate(placed, 'Onsite', { webhook: false, at });
      const onsite = company.stages.find((s) => s.text === 'Onsite')!.id;
      const opp = await client.getOpportunity(auth, placed);
      expect(opp).toMatchObject({ stageId: onsite, lastAdvancedAt: at, updatedAt: at, archived: false, archivedAt: null, followers: [] });
      expect(opp.stageChanges.at(-1)).toEqual({ toStageId: onsite, toStageIndex: 3, userId: null, updatedAt: at });
      const recent = await client.listAllOpportunities(auth, { updatedAtStart: Date.now() - DAY });
      expect(recent.data.map((o) => o.id)).toEqual([fresh]);

      await sandbox.control.hire(placed);
      const [hired] = await client.listArchiveReasons(auth, { type: 'hired' });
      expect(hired).toMatchObject({ text: 'Hired', type: 'hired' });
      expect(await client.getOpportunity(auth, placed)).toMatchObject({
        archived: true,
        archiveReason: hired.id,
        archivedAt: expect.any(Number),
      });
      expect((await client.listAllOpportunities(auth, { archived: false })).data.map((o) => o.id)).toEqual([fresh]);
    });

    it('sends notifyFollowers with a note', async () => {
      const { auth, company } = await createTestCompany(sandbox.control);
      const opp = company.opportunities[0].id;
      await client.createNote(auth, opp, { value: 'loud', notifyFollowers: true });
      await client.createNote(auth, opp, { value: 'quiet' });
      expect((await sandbox.control.opportunity(opp)).notes.map((n) => [n.value, n.notifyFollowers])).toEqual([
        ['loud', true],
        ['quiet', false],
      ]);
    });
  });

  describe('retries and failures', () => {
    it('retries a 429 in-process when the wait is a moment, on a fresh turn of the budget', async () => {
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 429, count: 2 });
      await expect(client.listStages(auth)).resolves.toHaveLength(5);
      const log = await sandbox.control.requests(keyId);
      expect(log.map((e) => e.status)).toEqual([429, 429, 200]);
    });

    it.each([
      ['1 s', '1', 1_000],
      ['30 s', '30', 30_000],
    ])('answers LeverRateLimitedError at once when Retry-After (%s) is longer than a worker may wait', async (_n, header, ms) => {
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 429, count: 1, retryAfter: header });
      await expect(client.getStage(auth, 'any')).rejects.toMatchObject({
        constructor: LeverRateLimitedError,
        retryAfterMs: ms,
        retryable: true,
      });
      expect(await sandbox.control.requests(keyId)).toHaveLength(1);
    });

    it('retries 5xx, then succeeds', async () => {
      const { auth, keyId, company } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 503, count: 1 });
      await sandbox.control.fault(keyId, { status: 502, count: 1 });
      await expect(client.getOpportunity(auth, company.opportunities[0].id)).resolves.toMatchObject({ name: 'Test Candidate' });
      expect((await sandbox.control.requests(keyId)).map((e) => e.status)).toEqual([503, 502, 200]);
    });

    it('takes every retry from the same budget: under a storm of 503s the key never goes over rate + burst', async () => {
      const { auth, keyId, company } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 503, count: 1_000 });
      // 24 callers at once, 3 attempts each (72 requests wanted): every attempt waits for its turn.
      const patient = makeClient({ maxAttempts: 3, maxInlineWaitMs: 10_000 });
      const results = await Promise.allSettled(Array.from({ length: 24 }, () => patient.getOpportunity(auth, company.opportunities[0].id)));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof LeverUnavailableError)).toBe(true);
      const arrivals = (await sandbox.control.requests(keyId)).map((e) => e.at).sort((a, b) => a - b);
      expect(arrivals).toHaveLength(72);
      // Token bucket of 8 per second, burst 8: at most 8 + 8 * t requests in any window of t seconds
      // (100 ms of slack for the trip from the limiter's grant to the sandbox's arrival time).
      for (let i = 0; i < arrivals.length; i++) {
        for (let j = i; j < arrivals.length; j++) {
          const windowS = (arrivals[j] - arrivals[i] + 100) / 1000;
          expect(j - i + 1).toBeLessThanOrEqual(8 + Math.floor(8 * windowS));
        }
      }
    });

    it('gives up on persistent 5xx after maxAttempts with LeverUnavailableError', async () => {
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 500, count: 10 });
      const err = await client.listTags(auth).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeverUnavailableError);
      expect(err).toMatchObject({ status: 500, retryable: true, writeMayHaveApplied: false, accountId: auth.accountId });
      expect(await sandbox.control.requests(keyId)).toHaveLength(3);
    });

    it('maps a revoked key to LeverAuthError without retrying or leaking the key', async () => {
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.revoke(keyId);
      const err = (await client.listStages(auth).catch((e: unknown) => e)) as LeverAuthError;
      expect(err).toBeInstanceOf(LeverAuthError);
      expect(err).toMatchObject({ code: 'LEVER_KEY_REVOKED', status: 401, retryable: false });
      expect(err.message).toMatch(/invalid or revoked/);
      expect(err.message).not.toContain(auth.apiKey);
      expect(JSON.stringify(err)).not.toContain(auth.apiKey);
      expect(await sandbox.control.requests(keyId)).toHaveLength(1);
    });

    it('maps a missing permission to LeverPermissionError naming the endpoint', async () => {
      const { auth, company } = await createTestCompany(sandbox.control, { permissions: ['opportunities:read', 'opportunities:write'] });
      await expect(client.listStages(auth)).rejects.toMatchObject({
        constructor: LeverPermissionError,
        code: 'LEVER_PERMISSION_MISSING',
        endpoint: 'GET /stages',
        status: 403,
      });
      await expect(client.createNote(auth, company.opportunities[0].id, { value: 'x' })).rejects.toMatchObject({
        constructor: LeverPermissionError,
        endpoint: 'POST /opportunities/:id/notes',
      });
    });

    it('a key without confidential access: a confidential candidate is a LeverConfidentialAccessError, lists leave it out', async () => {
      const { auth, company } = await createTestCompany(sandbox.control, {
        permissions: ['opportunities:read', 'opportunities:write', 'notes:write', 'stages:read'],
        candidates: [
          { name: 'Secret Candidate', emails: ['s@test.example'], confidentiality: 'confidential' },
          { name: 'Open Candidate', emails: ['o@test.example'] },
        ],
      });
      const [secret, open] = company.opportunities;
      const refused = await client.getOpportunity(auth, secret.id).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(LeverConfidentialAccessError);
      expect(refused).toBeInstanceOf(LeverPermissionError);
      expect(refused).toMatchObject({
        code: 'LEVER_CONFIDENTIAL_ACCESS',
        status: 403,
        retryable: false,
        endpoint: 'GET /opportunities/:id',
      });
      expect((refused as Error).message).toContain('create a key with confidential access');
      await expect(client.addTags(auth, secret.id, ['x'])).rejects.toMatchObject({ code: 'LEVER_PERMISSION_MISSING', status: 403 });
      await expect(client.getOpportunity(auth, open.id)).resolves.toMatchObject({ id: open.id });
      const all = await client.listAllOpportunities(auth, { confidentiality: 'all' });
      expect(all.data.map((o) => o.id)).toEqual([open.id]);

      // The same company with a key that has it sees both.
      const { apiKey } = await sandbox.control.call<{ apiKey: string }>('POST', `/companies/${company.id}/keys`, {
        apiKey: `confidential-${Date.now()}`,
      });
      const full = { ...auth, apiKey };
      await expect(client.getOpportunity(full, secret.id)).resolves.toMatchObject({ confidentiality: 'confidential' });
      expect((await client.listAllOpportunities(full, { confidentiality: 'all' })).data).toHaveLength(2);
    });

    it('retries a timed-out read, then succeeds', async () => {
      const quick = makeClient({ timeoutMs: 250 });
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { delayMs: 1_000, count: 1 });
      await expect(quick.listStages(auth)).resolves.toHaveLength(5);
      await expect(settledStatuses(keyId)).resolves.toEqual([499, 200]);
    });

    it('gives up on repeated timeouts with LeverUnavailableError after maxAttempts', async () => {
      const quick = makeClient({ timeoutMs: 250, maxAttempts: 2 });
      const { auth, keyId } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { delayMs: 1_000, count: 2 });
      const err = await quick.listStages(auth).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeverUnavailableError);
      expect((err as Error).message).toContain('no answer within 250 ms');
      // Both attempts reached the sandbox and were abandoned by the client (499).
      await expect(settledStatuses(keyId)).resolves.toEqual([499, 499]);
    });

    it('never retries createNote after a 5xx: one request, error says the write may have applied', async () => {
      const { auth, keyId, company } = await createTestCompany(sandbox.control);
      await sandbox.control.fault(keyId, { status: 500, count: 1 });
      const err = await client.createNote(auth, company.opportunities[0].id, { value: 'once' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ constructor: LeverUnavailableError, status: 500, writeMayHaveApplied: true });
      expect(await sandbox.control.requests(keyId)).toHaveLength(1);
    });

    it('never retries createNote after a timeout, so a slow Lever cannot make duplicates', async () => {
      const quick = makeClient({ timeoutMs: 250 });
      const { auth, keyId, company } = await createTestCompany(sandbox.control);
      const opp = company.opportunities[0].id;
      await sandbox.control.fault(keyId, { delayMs: 800, count: 1 });
      await expect(quick.createNote(auth, opp, { value: 'slow' })).rejects.toMatchObject({
        constructor: LeverUnavailableError,
        writeMayHaveApplied: true,
      });
      await expect(settledStatuses(keyId)).resolves.toEqual([499]);
      await eventually(async () => (await sandbox.control.opportunity(opp)).notes.length > 0);
      // Lever stored it after all: exactly one note, which is why the caller must check before rewriting.
      expect((await sandbox.control.opportunity(opp)).notes).toHaveLength(1);
    });

    it('retries createNote after a 429 (Lever refused it, nothing was stored)', async () => {
      const { auth, keyId, company } = await createTestCompany(sandbox.control);
      const opp = company.opportunities[0].id;
      await sandbox.control.fault(keyId, { status: 429, count: 1 });
      await expect(client.createNote(auth, opp, { value: 'after 429' })).resolves.toEqual({ noteId: expect.any(String) });
      expect((await sandbox.control.requests(keyId)).map((e) => e.status)).toEqual([429, 201]);
      expect((await sandbox.control.opportunity(opp)).notes).toHaveLength(1);
    });

    it('reports an unreachable Lever as LeverUnavailableError', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => resolve(port));
        });
      });
      const noLimit: LeverRateLimiter = {
        acquire: async () => ({ granted: true, waitMs: 0 }),
        reserve: async () => ({ waitMs: 0 }),
        penalize: async () => undefined,
      };
      const dead = new LeverClient({ baseUrl: `http://127.0.0.1:${closedPort}/v1`, limiter: noLimit, backoffBaseMs: 5, maxAttempts: 2 });
      await expect(dead.listStages(acme)).rejects.toMatchObject({
        constructor: LeverUnavailableError,
        message: expect.stringContaining('ECONNREFUSED'),
      });
    });
  });

  /** Statuses of the key's requests once none is in flight (the sandbox sees a client abort a moment later). */
  async function settledStatuses(keyId: string): Promise<(number | null)[]> {
    const settled = await eventually(async () => {
      const statuses = (await sandbox.control.requests(keyId)).map((e) => e.status);
      return statuses.includes(null) ? null : statuses;
    });
    return settled!;
  }
});
