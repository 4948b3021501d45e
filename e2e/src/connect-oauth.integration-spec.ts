import { eventually } from '@lever-assess/testing';
import { FlowHarness, expectNoSecretLogged } from './flow-harness';

const STAGES = [
  { id: 'f0000000-0000-4000-8000-0000000000a1', text: 'New applicant' },
  { id: 'f0000000-0000-4000-8000-0000000000a2', text: 'Live Interview' },
];
const EVENTS = ['candidateArchiveChange', 'candidateDeleted', 'candidateHired', 'candidateStageChange'];

type Json = any;

/**
 * One click connect, through the real processes: an account created with neither an API key nor a
 * webhook token connects with OAuth (the admin's browser at the Lever sandbox's /authorize), its
 * webhooks are registered through Lever's API on connect, and a recruiter's move in Lever then
 * reaches the gateway signed with the token Lever issued for that webhook. The workers call Lever
 * with Bearer tokens that live 2 seconds, so they refresh them (rotating refresh tokens) as they go.
 */
describe('connect with OAuth and registered webhooks, end to end', () => {
  const harness = new FlowHarness();
  let accountId = '';
  let opportunityId = '';
  let companyId = '';

  beforeAll(async () => {
    await harness.start({ configApi: true, oauth: true });
    const company = await harness.json<{ id: string; opportunities: { id: string }[] }>('POST', `${harness.leverUrl}/_sandbox/companies`, {
      name: 'Globex',
      stages: STAGES,
      users: [{ name: 'Hank Scorpio', email: 'hank@globex.example', accessRole: 'super admin' }],
      candidates: [{ name: 'Frank Grimes', emails: ['frank@candidates.example'], stage: 'New applicant' }],
    });
    opportunityId = company.opportunities[0].id;
    companyId = company.id;
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('connects, registers its webhooks, and a move in Lever opens a pad with the tag and link written over OAuth', async () => {
    const created = await harness.admin<Json>('POST', '/v1/accounts', {
      name: 'Globex',
      tagPrefix: 'Globex Test',
      platformAccountId: 'globex',
      lever: {},
    });
    accountId = created.id;
    expect(created).toMatchObject({ status: 'disconnected', statusReason: 'LEVER_NOT_CONNECTED' });

    // The admin's browser: start, Lever's consent page (the sandbox approves for Globex), our callback.
    const { authorizeUrl } = await harness.admin<{ authorizeUrl: string }>('POST', `/v1/accounts/${accountId}/lever/oauth/start`);
    expect(new URL(authorizeUrl).searchParams.get('scope')).toContain('webhooks:write:admin');
    const consent = await fetch(`${authorizeUrl}&sandbox_company=${companyId}`, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location') as string, { headers: { accept: 'application/json' } });
    expect(await callback.json()).toEqual({ connected: true, accountId });

    const account = await harness.admin<Json>('GET', `/v1/accounts/${accountId}`);
    expect(account).toMatchObject({ status: 'active', lever: { authKind: 'oauth', webhooksSyncedAt: expect.any(String) } });
    const webhooks = await harness.admin<Json>('GET', `/v1/accounts/${accountId}/lever/webhooks`);
    expect(webhooks.ok).toBe(true);
    expect(webhooks.events.map((e: Json) => e.event).sort()).toEqual(EVENTS);
    const company = await harness.json<Json>('GET', `${harness.leverUrl}/_sandbox/companies/${companyId}`);
    expect(company.apiWebhooks.map((w: Json) => w.url)).toEqual(EVENTS.map(() => account.webhookUrl));

    const tested = await harness.admin<Json>('POST', `/v1/accounts/${accountId}/lever/test-connection`);
    expect(tested.checks.filter((c: Json) => c.severity === 'failed')).toEqual([]);

    const stageId = STAGES[1].id;
    await harness.admin('POST', `/v1/accounts/${accountId}/trigger-rules`, { stageId, kind: 'live_interview' });

    // A recruiter moves the candidate in Lever: the sandbox signs with the registered webhook's token.
    await harness.moveTo(opportunityId, 'Live Interview');
    const state = await eventually(
      async () => {
        const s = await harness.candidate(opportunityId);
        if (!s.tags.includes('Globex Test - Live Pad') || s.links.length === 0) throw new Error(`tags [${s.tags.join(', ')}]`);
        return s;
      },
      { timeoutMs: 30_000 },
    );
    expect(state.tags.filter((t) => t.startsWith('Globex Test - '))).toEqual(['Globex Test - Live Pad']);
    // Delivered once, by the webhook the sync registered (Globex has no settings-page webhook).
    const deliveries = await harness.deliveriesFor(opportunityId, companyId);
    expect(deliveries.map((d) => [d.body.event, d.state, d.apiWebhookId])).toEqual([
      ['candidateStageChange', 'delivered', webhooks.events.find((e: Json) => e.event === 'candidateStageChange').webhookId],
    ]);

    // The writes went out with OAuth access tokens (the sandbox logs them under the grant's key).
    const log = await harness.json<{ data: { route: string; keyId: string | null; status: number }[] }>(
      'GET',
      `${harness.leverUrl}/_sandbox/requests?since=0`,
    );
    const tagWrites = log.data.filter((r) => r.route.endsWith('/addTags') && r.status === 200);
    expect(tagWrites.length).toBeGreaterThan(0);
    for (const r of tagWrites) expect(r.keyId).toMatch(/^oauth_/);
    // Each access token lived 2 s: the product refreshed the grant (rotating its refresh token) on the way.
    const { grants } = await harness.json<{ grants: { companyId: string; refreshes: number }[] }>(
      'GET',
      `${harness.leverUrl}/_sandbox/oauth`,
    );
    expect(grants.find((g) => g.companyId === companyId)?.refreshes).toBeGreaterThan(0);
  });

  it('logs no secret of the run', async () => {
    await expectNoSecretLogged(harness);
  });
});
