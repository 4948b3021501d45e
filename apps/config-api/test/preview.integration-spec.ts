import * as testing from '@lever-assess/testing';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { Assessment, AssessmentsRepository, TestDefinition, createDataSource } from '@lever-assess/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ACME, ConfigApiHarness } from './config-api.harness';

/** Ids of the Lever sandbox's Acme seed (docs/lever-sandbox.md). */
const ACME_COMPANY_ID = 'e0000000-0000-4000-8000-000000000001';
const STAGE = {
  screen: 'a0000000-0000-4000-8000-000000000002',
  coding: ACME.codingTestStageId,
  onsite: 'a0000000-0000-4000-8000-000000000004',
  offer: 'a0000000-0000-4000-8000-000000000005',
};
const OPP = {
  ada: ACME.adaOpportunityId,
  adaSecond: 'd0000000-0000-4000-8000-000000000002',
  alan: 'd0000000-0000-4000-8000-000000000003',
  samNoEmail: 'd0000000-0000-4000-8000-000000000005',
  katherineArchived: 'd0000000-0000-4000-8000-000000000006',
};

describe('config-api preview (dry run of a stage change)', () => {
  let h: ConfigApiHarness;
  let ds: DataSource;
  let account: any;
  let basics: any;
  let advanced: any;
  let codingRule: any;
  let padRule: any;
  let onsiteRule: any;
  let screenRule: any;
  const padded = randomUUID();
  const anonymized = randomUUID();
  let startedAt: number;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_preview', testing);
    ds = createDataSource(h.db.url);
    await ds.initialize();
    account = await h.createAccount();
    const post = async (path: string, body: unknown) => {
      const res = await h.call('POST', `/v1/accounts/${account.id}${path}`, { body });
      if (res.status !== 201) throw new Error(`${path} -> ${res.status}: ${res.text}`);
      return res.body;
    };
    basics = await post('/tests', { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: 'take_home' });
    advanced = await post('/tests', { name: 'Python Advanced', platformTestId: 'tst_python_advanced', kind: 'take_home' });
    codingRule = await post('/trigger-rules', { stageId: STAGE.coding, kind: 'take_home', testId: basics.id });
    padRule = await post('/trigger-rules', { stageId: STAGE.coding, kind: 'live_interview', requiredTag: 'Pair Live' });
    onsiteRule = await post('/trigger-rules', { stageId: STAGE.onsite, kind: 'live_interview', requiredTag: 'Onsite Pad' });
    screenRule = await post('/trigger-rules', { stageId: STAGE.screen, kind: 'take_home', testId: basics.id });
    // A take-home rule left without a test (the API refuses one; an older row or a hand edit may have it).
    await ds.query('UPDATE trigger_rules SET test_id = NULL WHERE id = $1', [screenRule.id]);
    await h.sandbox(h.lever, 'POST', `/_sandbox/companies/${ACME_COMPANY_ID}/candidates`, {
      candidates: [
        { id: padded, name: 'Pat Paired', emails: ['pat@candidates.example'], tags: ['pair live', 'Full-time'], stage: STAGE.screen },
        { id: anonymized, name: 'Anonymous', emails: [], stage: STAGE.screen, isAnonymized: true },
      ],
    });
    startedAt = Date.now();
  });
  afterAll(async () => {
    await ds?.destroy();
    await h?.close();
  });

  const preview = (body: unknown, accountId = account.id, token?: string | null) =>
    h.call('POST', `/v1/accounts/${accountId}/preview`, { body, token });
  const ruleOf = (res: { body: any }, ruleId: string) => res.body.rules.find((r: any) => r.ruleId === ruleId);

  it("a default test: the rule's own test, the Sent tag, no links (Flow A tests are emailed)", async () => {
    const res = await preview({ opportunityId: OPP.ada, stageId: STAGE.coding });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      wouldSend: true,
      stageId: STAGE.coding,
      opportunity: {
        id: OPP.ada,
        stageId: 'a0000000-0000-4000-8000-000000000001',
        stageName: 'New applicant',
        tags: [],
        postingIds: [expect.any(String)],
        archived: false,
        isAnonymized: false,
        hasEmail: true,
      },
      rules: [
        {
          ruleId: codingRule.id,
          kind: 'take_home',
          requiredTag: null,
          postingId: null,
          stageId: STAGE.coding,
          fires: true,
          test: { id: basics.id, name: 'Python Basics' },
          testChosenBy: 'rule_default',
          overrideTag: null,
          outcome: 'send',
          wouldSend: true,
          reason: null,
          tagsToAdd: ['Acme Test - Sent'],
          tagsToRemove: [],
          linksToAdd: [],
        },
        expect.objectContaining({
          ruleId: padRule.id,
          fires: false,
          wouldSend: false,
          reason: expect.objectContaining({ code: 'REQUIRED_TAG_MISSING' }),
        }),
      ],
      tagsToAdd: ['Acme Test - Sent'],
      tagsToRemove: [],
      reasons: [],
    });
    expect(res.text).not.toContain('ada@candidates.example');
  });

  it('an override tag: a candidate tagged with a catalog test name gets that test', async () => {
    const res = await preview({ opportunityId: OPP.alan, stageId: STAGE.coding });
    expect(res.status).toBe(200);
    expect(res.body.wouldSend).toBe(true);
    expect(ruleOf(res, codingRule.id)).toMatchObject({
      fires: true,
      test: { id: advanced.id, name: 'Python Advanced' },
      testChosenBy: 'override_tag',
      overrideTag: 'Python Advanced',
      outcome: 'send',
    });
  });

  it('a tagged Flow B rule wins over the untagged one: a live pad, its two pad links described, not invented', async () => {
    // Tags compare trimmed and case-insensitively ("pair live" matches "Pair Live").
    const res = await preview({ opportunityId: padded, stageId: STAGE.coding });
    expect(res.status).toBe(200);
    expect(res.body.wouldSend).toBe(true);
    expect(ruleOf(res, padRule.id)).toMatchObject({
      fires: true,
      kind: 'live_interview',
      requiredTag: 'Pair Live',
      test: null,
      testChosenBy: 'none',
      outcome: 'send',
      tagsToAdd: ['Acme Test - Live Pad'],
      linksToAdd: [
        { link: 'candidate', url: null, description: expect.stringContaining('created by the platform') },
        { link: 'interviewer', url: null, description: expect.stringContaining('created by the platform') },
      ],
    });
    expect(ruleOf(res, codingRule.id)).toMatchObject({
      fires: false,
      outcome: 'nothing',
      reason: { code: 'TAGGED_RULE_WINS', message: expect.stringContaining('"Pair Live"') },
    });
    expect(res.body.tagsToAdd).toEqual(['Acme Test - Live Pad']);
  });

  it.each([
    ['no trigger rule at the stage', OPP.ada, STAGE.offer, 'NO_TRIGGER_RULE'],
    ['a stage Lever does not have', OPP.ada, 'no-such-stage', 'STAGE_UNKNOWN'],
    ['rules that need tags the candidate lacks', OPP.ada, STAGE.onsite, 'RULES_NEED_TAGS'],
    ['an archived candidate', OPP.katherineArchived, STAGE.coding, 'CANDIDATE_ARCHIVED'],
    ['an anonymized candidate', anonymized, STAGE.coding, 'CANDIDATE_ANONYMIZED'],
  ])('nothing is sent or written for %s', async (_case, opportunityId, stageId, code) => {
    const res = await preview({ opportunityId, stageId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ wouldSend: false, tagsToAdd: [], tagsToRemove: [], opportunity: { id: opportunityId } });
    expect(res.body.reasons).toEqual([{ code, message: expect.any(String) }]);
    for (const rule of res.body.rules) expect(rule).toMatchObject({ wouldSend: false, outcome: 'nothing', tagsToAdd: [] });
  });

  it('names the tags the rules need, and lists those rules as not firing', async () => {
    const res = await preview({ opportunityId: OPP.ada, stageId: STAGE.onsite });
    expect(res.body.reasons[0].message).toContain('"Onsite Pad"');
    expect(res.body.rules).toEqual([
      expect.objectContaining({ ruleId: onsiteRule.id, fires: false, reason: expect.objectContaining({ code: 'REQUIRED_TAG_MISSING' }) }),
    ]);
  });

  it('no email: nothing sent, but the Error tag the real flow would write is shown', async () => {
    const res = await preview({ opportunityId: OPP.samNoEmail, stageId: STAGE.coding });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ wouldSend: false, opportunity: { hasEmail: false }, tagsToAdd: ['Acme Test - Error'] });
    expect(res.body.reasons).toEqual([{ code: 'CANDIDATE_NO_EMAIL', message: expect.stringContaining('no email address') }]);
    expect(ruleOf(res, codingRule.id)).toMatchObject({ outcome: 'record_error', wouldSend: false, tagsToAdd: ['Acme Test - Error'] });
  });

  it('no test resolvable for a take-home rule, unless an override tag names one', async () => {
    const res = await preview({ opportunityId: OPP.ada, stageId: STAGE.screen });
    expect(res.body.reasons).toEqual([{ code: 'NO_TEST_RESOLVABLE', message: expect.any(String) }]);
    expect(ruleOf(res, screenRule.id)).toMatchObject({ test: null, testChosenBy: 'none', outcome: 'record_error' });
    const tagged = await preview({ opportunityId: OPP.alan, stageId: STAGE.screen });
    expect(ruleOf(tagged, screenRule.id)).toMatchObject({
      test: { name: 'Python Advanced' },
      testChosenBy: 'override_tag',
      outcome: 'send',
    });
  });

  it('an assessment already active for the rule: nothing sent, no tag written', async () => {
    const repo = new AssessmentsRepository(ds.getRepository(Assessment), ds.getRepository(TestDefinition));
    const { assessment } = await repo.insertIfNoActive({
      accountId: account.id,
      opportunityId: OPP.adaSecond,
      candidateId: OPP.adaSecond,
      ruleId: codingRule.id,
      testId: basics.id,
      kind: RuleKind.TakeHome,
      status: AssessmentStatus.Sent,
      triggeredAt: new Date(),
    });
    const res = await preview({ opportunityId: OPP.adaSecond, stageId: STAGE.coding });
    expect(res.body).toMatchObject({ wouldSend: false, tagsToAdd: [], tagsToRemove: [] });
    expect(res.body.reasons).toEqual([{ code: 'ASSESSMENT_ALREADY_ACTIVE', message: expect.stringContaining(assessment.id) }]);
  });

  it('an opportunity Lever does not know is a 404', async () => {
    const res = await preview({ opportunityId: randomUUID(), stageId: STAGE.coding });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('OPPORTUNITY_NOT_FOUND');
  });

  it('validates the body (400 naming the field), needs a token (401), and an existing account (404)', async () => {
    const missing = await preview({ opportunityId: OPP.ada });
    expect(missing.status).toBe(400);
    expect(missing.body.fields.map((f: any) => f.field)).toEqual(['stageId']);
    const wrong = await preview({ opportunityId: 42, stageId: STAGE.coding, extra: true });
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields.map((f: any) => f.field).sort()).toEqual(['extra', 'opportunityId']);
    expect((await preview({ opportunityId: OPP.ada, stageId: STAGE.coding }, account.id, null)).status).toBe(401);
    const unknown = await preview({ opportunityId: OPP.ada, stageId: STAGE.coding }, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('ACCOUNT_NOT_FOUND');
  });

  it('a disabled account: the key is not used', async () => {
    const disabled = await h.createAccount({ name: 'Disabled Corp' });
    expect((await h.call('PATCH', `/v1/accounts/${disabled.id}`, { body: { status: 'disabled' } })).status).toBe(200);
    const res = await preview({ opportunityId: OPP.ada, stageId: STAGE.coding }, disabled.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ wouldSend: false, opportunity: null, rules: [], reasons: [{ code: 'ACCOUNT_DISABLED' }] });
  });

  it('a revoked key: said so, the account is marked disconnected, and the next preview does not call Lever', async () => {
    const key = { id: 'key_preview_revoked', apiKey: `revoked-${randomUUID()}` };
    const opportunityId = randomUUID();
    await h.sandbox(h.lever, 'POST', '/_sandbox/companies', {
      name: 'Revoked Co',
      keys: [key],
      stages: ['Coding Test'],
      candidates: [{ id: opportunityId, name: 'Rita', emails: ['rita@candidates.example'] }],
    });
    const broken = await h.createAccount(
      { name: 'Revoked Corp', tagPrefix: 'Revoked Test' },
      { apiKey: key.apiKey, performAsUserId: null },
    );
    await h.sandbox(h.lever, 'POST', `/_sandbox/keys/${key.id}/revoke`);

    const first = await preview({ opportunityId, stageId: STAGE.coding }, broken.id);
    expect(first.body).toMatchObject({ wouldSend: false, opportunity: null, reasons: [{ code: 'ACCOUNT_DISCONNECTED' }] });
    expect((await h.call('GET', `/v1/accounts/${broken.id}`)).body.status).toBe('disconnected');
    const second = await preview({ opportunityId, stageId: STAGE.coding }, broken.id);
    expect(second.body.reasons).toEqual([{ code: 'ACCOUNT_DISCONNECTED', message: expect.any(String) }]);
    const log = await h.sandbox(h.lever, 'GET', `/_sandbox/requests?keyId=${key.id}`);
    expect(log.data).toHaveLength(1);
  });

  it('wrote nothing anywhere: Lever saw only GETs, the platform no invitation, our database no assessment, view or audit entry', async () => {
    const log = await h.sandbox(h.lever, 'GET', `/_sandbox/requests?since=${startedAt}`);
    expect(log.data.length).toBeGreaterThan(10);
    expect([...new Set(log.data.map((r: any) => r.method))]).toEqual(['GET']);
    // Opportunity reads, and the stage list only when a stage has no rule (cached: the rules' creation read it).
    const routes = new Set(log.data.map((r: any) => r.route));
    expect(routes).toContain('/v1/opportunities/:id');
    for (const route of routes) expect(['/v1/opportunities/:id', '/v1/stages']).toContain(route);

    const platform = await h.sandbox(h.platform, 'GET', '/_sandbox/invitations');
    expect(platform.data).toEqual([]);
    expect(Object.keys(platform.requests).filter((r) => r.startsWith('POST'))).toEqual([]);

    // Only the assessment the "already active" case inserted itself.
    const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM assessments');
    expect(count).toBe(1);
    expect(await ds.query('SELECT 1 FROM lever_opportunity_views')).toEqual([]);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit?limit=200`);
    expect(audit.body.items.filter((e: any) => /preview/.test(e.action))).toEqual([]);
  });

  it('is in the OpenAPI document with its DTOs', async () => {
    const doc = (await h.call('GET', '/docs-json', { token: null })).body;
    expect(doc.paths['/v1/accounts/{id}/preview'].post).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['PreviewRequestDto', 'PreviewDto', 'PreviewRuleDto']));
  });
  it('rules by job posting: the posting rule fires for its candidates, the stage-only rule for the others', async () => {
    const [backendCandidate, otherCandidate] = [randomUUID(), randomUUID()];
    await h.sandbox(h.lever, 'POST', `/_sandbox/companies/${ACME_COMPANY_ID}/candidates`, {
      candidates: [
        {
          id: backendCandidate,
          name: 'Bea Backend',
          emails: ['bea@candidates.example'],
          stage: STAGE.screen,
          postingId: 'posting-backend',
        },
        { id: otherCandidate, name: 'Otto Other', emails: ['otto@candidates.example'], stage: STAGE.screen, postingId: 'posting-other' },
      ],
    });
    const post = async (body: unknown) => (await h.call('POST', `/v1/accounts/${account.id}/trigger-rules`, { body })).body;
    const plain = await post({ stageId: STAGE.offer, kind: 'take_home', testId: basics.id });
    const backend = await post({ stageId: STAGE.offer, kind: 'take_home', testId: advanced.id, postingId: 'posting-backend' });
    expect(backend.postingId).toBe('posting-backend');

    const forBackend = await preview({ opportunityId: backendCandidate, stageId: STAGE.offer });
    expect(forBackend.body.opportunity.postingIds).toEqual(['posting-backend']);
    expect(ruleOf(forBackend, backend.id)).toMatchObject({ fires: true, postingId: 'posting-backend', test: { id: advanced.id } });
    expect(ruleOf(forBackend, plain.id)).toMatchObject({ fires: false, reason: { code: 'POSTING_RULE_WINS' } });

    const forOther = await preview({ opportunityId: otherCandidate, stageId: STAGE.offer });
    expect(ruleOf(forOther, plain.id)).toMatchObject({ fires: true, test: { id: basics.id } });
    expect(ruleOf(forOther, backend.id)).toMatchObject({
      fires: false,
      reason: { code: 'POSTING_MISMATCH', message: expect.stringContaining('posting-other') },
    });
  });
});
