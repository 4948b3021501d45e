import * as testing from '@lever-assess/testing';
import { Client } from 'pg';
import { ACME, ConfigApiHarness } from './config-api.harness';

const ONSITE_STAGE_ID = 'a0000000-0000-4000-8000-000000000004';
const ADA_SECOND_OPPORTUNITY_ID = 'd0000000-0000-4000-8000-000000000002';

/** What the console's pages read besides the existing routes (issue 18): overview, email search, draft preview. */
describe('config-api for the console pages', () => {
  let h: ConfigApiHarness;
  let account: any;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_console_pages', testing);
    account = await h.createAccount();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("summarises an account: backlog, last webhook, latest errors (another account's steps not counted)", async () => {
    const empty = await h.call('GET', `/v1/accounts/${account.id}/overview`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ parkedJobs: 0, failedJobs: 0, openAssessments: 0, lastWebhookAt: null, recentErrors: [] });

    const other = await h.createAccount({ name: 'Other', tagPrefix: 'Other Test' });
    const pg = new Client({ connectionString: h.db.url });
    await pg.connect();
    try {
      const insert = `INSERT INTO candidate_events (account_id, opportunity_id, type, correlation_id, detail, at) VALUES ($1, $2, $3, 'c1', $4, $5)`;
      await pg.query(insert, [account.id, ACME.adaOpportunityId, 'webhook.received', { outcome: 'sent' }, '2026-11-30T10:00:00Z']);
      await pg.query(insert, [
        account.id,
        ACME.adaOpportunityId,
        'invitation.failed',
        { code: 'CANDIDATE_NO_EMAIL' },
        '2026-11-30T10:00:01Z',
      ]);
      await pg.query(insert, [other.id, 'opp-other', 'webhook.received', { outcome: 'sent' }, '2026-12-01T10:00:00Z']);
      await pg.query(insert, [other.id, 'opp-other', 'lever_sync.failed', { code: 'LEVER_NOT_FOUND' }, '2026-12-01T10:00:01Z']);
    } finally {
      await pg.end();
    }
    const overview = await h.call('GET', `/v1/accounts/${account.id}/overview`);
    expect(overview.body).toMatchObject({
      lastWebhookAt: '2026-11-30T10:00:00.000Z',
      recentErrors: [{ type: 'invitation.failed', opportunityId: ACME.adaOpportunityId, code: 'CANDIDATE_NO_EMAIL' }],
    });
    expect((await h.call('GET', `/v1/accounts/00000000-0000-4000-8000-000000000009/overview`)).status).toBe(404);
  });

  it('finds a candidate by email through Lever; a bad email is a 400 naming the field', async () => {
    const found = await h.call('GET', `/v1/accounts/${account.id}/candidates?email=ada@candidates.example`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: any) => i.opportunityId).sort()).toEqual([ACME.adaOpportunityId, ADA_SECOND_OPPORTUNITY_ID]);
    expect(found.body.items[0]).toMatchObject({ name: 'Ada Lovelace', archived: false });
    expect((await h.call('GET', `/v1/accounts/${account.id}/candidates?email=nobody@candidates.example`)).body.items).toEqual([]);
    const bad = await h.call('GET', `/v1/accounts/${account.id}/candidates?email=not-an-email`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: any) => f.field)).toEqual(['email']);
  });

  it('previews an unsaved rule (a draft) at a stage, and a draft that edits a saved rule replaces it', async () => {
    const test = await h.call('POST', `/v1/accounts/${account.id}/tests`, {
      body: { name: 'Python', platformTestId: 'py-1', kind: 'take_home' },
    });
    expect(test.status).toBe(201);
    const without = await h.call('POST', `/v1/accounts/${account.id}/preview`, {
      body: { opportunityId: ACME.adaOpportunityId, stageId: ONSITE_STAGE_ID },
    });
    expect(without.body).toMatchObject({ wouldSend: false, reasons: [{ code: 'NO_TRIGGER_RULE' }] });

    const draft = { kind: 'take_home', testId: test.body.id };
    const withDraft = await h.call('POST', `/v1/accounts/${account.id}/preview`, {
      body: { opportunityId: ACME.adaOpportunityId, stageId: ONSITE_STAGE_ID, draft },
    });
    expect(withDraft.status).toBe(200);
    expect(withDraft.body).toMatchObject({ wouldSend: true, tagsToAdd: ['Acme Test - Sent'] });
    expect(withDraft.body.rules).toEqual([
      expect.objectContaining({ draft: true, fires: true, outcome: 'send', test: { id: test.body.id, name: 'Python' } }),
    ]);
    // A tag the candidate lacks: nothing, with the reason.
    const tagged = await h.call('POST', `/v1/accounts/${account.id}/preview`, {
      body: { opportunityId: ACME.adaOpportunityId, stageId: ONSITE_STAGE_ID, draft: { ...draft, requiredTag: 'Live Pad' } },
    });
    expect(tagged.body.wouldSend).toBe(false);
    expect(tagged.body.rules[0].reason.code).toBe('REQUIRED_TAG_MISSING');

    // Editing a saved rule: the draft takes its place (one rule previewed, not two).
    const rule = await h.call('POST', `/v1/accounts/${account.id}/trigger-rules`, {
      body: { stageId: ONSITE_STAGE_ID, kind: 'take_home', testId: test.body.id, requiredTag: 'Live Pad' },
    });
    expect(rule.status).toBe(201);
    const edited = await h.call('POST', `/v1/accounts/${account.id}/preview`, {
      body: { opportunityId: ACME.adaOpportunityId, stageId: ONSITE_STAGE_ID, draft: { ...draft, ruleId: rule.body.id } },
    });
    expect(edited.body.rules).toEqual([expect.objectContaining({ ruleId: rule.body.id, draft: true, outcome: 'send' })]);

    const invalid = await h.call('POST', `/v1/accounts/${account.id}/preview`, {
      body: { opportunityId: ACME.adaOpportunityId, stageId: ONSITE_STAGE_ID, draft: { kind: 'nope', testId: 'x' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields.map((f: any) => f.field).sort()).toEqual(['draft.kind', 'draft.testId']);
    // Nothing was saved by the previews: the one saved rule is still the only one.
    expect((await h.call('GET', `/v1/accounts/${account.id}/trigger-rules`)).body.items).toHaveLength(1);
  });
});
