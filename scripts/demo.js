#!/usr/bin/env node
// `npm run demo`, with `npm start` running: drives candidates of the demo account "Acme" through
// Flow A and Flow B with the sandboxes and prints what a recruiter would see in Lever after each step.
// Flow A:
//   1. a new candidate is moved to "Coding Test"  -> invited, tag "Acme Test - Sent"
//   2. the candidate completes the test           -> "Acme Test - Needs Review"
//   3. the result arrives (score 85, pass >= 70)  -> "Acme Test - Pass" + report link
//   4. a candidate without an email               -> "Acme Test - Error" + a note saying what to do
// Flow B (the seeded pad configurations, docs/flow-b.md):
//   5. tag "Live Pad", moved to "Onsite"          -> live pad, candidate + interviewer links, "Acme Test - Live Pad"
//   6. tag "Take Home", moved to "Onsite"         -> take-home pad (90 min), candidate link, "Acme Test - Sent";
//      completed and scored 85                    -> "Acme Test - Pass" + report link
// OAuth (docs/oauth.md):
//   7. an account created without an API key or webhook token is connected with OAuth (its webhooks
//      are registered through Lever's API on connect): start -> Lever's authorize
//      page (the sandbox approves as the admin of a fresh company) -> callback -> account active,
//      and its Lever calls go out as Bearer tokens
// Each run creates fresh candidates, so it can be repeated.
'use strict';

const LEVER = process.env.LEVER_SANDBOX_URL ?? 'http://127.0.0.1:4010';
const PLATFORM = process.env.PLATFORM_SANDBOX_URL ?? 'http://127.0.0.1:4020';
const ACME_COMPANY_ID = 'e0000000-0000-4000-8000-000000000001';
const STAGE = { newApplicant: 'New applicant', codingTest: 'Coding Test', onsite: 'Onsite' };
const TAG_PREFIX = process.env.DEMO_TAG_PREFIX ?? 'Acme Test';
const APPS = {
  'webhook-gateway': 3000,
  'config-api': 3001,
  dispatcher: 3002,
  'result-sync': 3003,
  'lever-sandbox': 4010,
  'platform-sandbox': 4020,
};
const TIMEOUT_MS = 30_000;
const CONFIG_API = process.env.CONFIG_API_URL ?? 'http://127.0.0.1:3001';
const ADMIN = { authorization: `Bearer ${process.env.ADMIN_TOKEN ?? 'dev-admin-token-change-me'}` };

const started = Date.now();
const log = (msg) => console.log(`[demo +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

async function http(method, url, body, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${text.slice(0, 300)}`);
  return json;
}

async function until(what, probe) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${TIMEOUT_MS / 1000}s waiting for: ${what} (see .run/logs/)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const candidateState = (id) => http('GET', `${LEVER}/_sandbox/opportunities/${id}`);
const statusTags = (state) => state.tags.filter((t) => t.startsWith(`${TAG_PREFIX} - `));
function show(state) {
  log(`   Lever now shows ${state.name ?? 'the candidate'}: tags [${state.tags.join(', ')}]`);
  if (state.links?.length) log(`   links: ${state.links.join(', ')}`);
  for (const note of state.notes ?? [])
    log(
      `   note: ${String(note.value ?? note.text ?? '')
        .replace(/\s+/g, ' ')
        .slice(0, 200)}`,
    );
}
const hasOnlyStatus = (suffix) => async (id) => {
  const state = await candidateState(id);
  const tags = statusTags(state);
  return tags.length === 1 && tags[0] === `${TAG_PREFIX} - ${suffix}` ? state : null;
};

async function addCandidate(name, emails, tags = []) {
  const created = await http('POST', `${LEVER}/_sandbox/companies/${ACME_COMPANY_ID}/candidates`, {
    candidates: [{ name, emails, tags, stage: STAGE.newApplicant }],
  });
  const first = created.opportunities[0];
  return typeof first === 'string' ? first : first.id;
}

// A recruiter moves the candidate in Lever's UI (the sandbox's control route: no API key, so the
// product keeps the key's whole rate budget); Lever then sends the signed webhook.
async function moveTo(opportunityId, stageName) {
  await http('PUT', `${LEVER}/_sandbox/opportunities/${opportunityId}/stage`, { stage: stageName });
  const delivery = await until('the stage-change webhook to reach the gateway', async () => {
    const { data } = await http('GET', `${LEVER}/_sandbox/webhook-deliveries?companyId=${ACME_COMPANY_ID}`);
    return (data ?? []).find((d) => d.body?.data?.opportunityId === opportunityId && d.state === 'delivered');
  });
  const last = delivery.attempts?.[delivery.attempts.length - 1];
  log(`   webhook candidateStageChange delivered to the gateway (HTTP ${last?.status ?? '2xx'})`);
}

async function findInvitation(email) {
  return until('the invitation on the platform', async () => {
    const { data } = await http('GET', `${PLATFORM}/_sandbox/invitations`);
    return data.find((inv) => inv.request?.candidate?.email === email);
  });
}

async function main() {
  // `npm run demo -- --oauth-only`: step 7 alone, needing only config-api and the Lever sandbox.
  const oauthOnly = process.argv.includes('--oauth-only');
  const needed = oauthOnly ? { 'config-api': CONFIG_API, 'lever-sandbox': LEVER } : APPS;
  for (const [app, target] of Object.entries(needed)) {
    const base = typeof target === 'number' ? `http://127.0.0.1:${target}` : target;
    await http('GET', `${base}/health/ready`).catch(() => {
      throw new Error(`${app} is not ready at ${base}: start everything first with \`npm start\``);
    });
  }
  if (oauthOnly) return oauthConnect(Date.now().toString(36));
  log('all six apps are ready');

  const run = Date.now().toString(36);
  const email = `demo-${run}@candidates.example`;
  log(`1. Recruiter moves a new candidate (${email}) to "${STAGE.codingTest}"`);
  const opportunityId = await addCandidate(`Demo Candidate ${run}`, [email]);
  await moveTo(opportunityId, STAGE.codingTest);
  const invitation = await findInvitation(email);
  log(`   invitation ${invitation.id} created on the platform (${invitation.request.kind}, test "${invitation.testName}")`);
  show(await until(`tag "${TAG_PREFIX} - Sent"`, () => hasOnlyStatus('Sent')(opportunityId)));

  log('2. The candidate completes the test');
  await http('POST', `${PLATFORM}/_sandbox/invitations/${invitation.id}/complete`, {});
  show(await until(`tag "${TAG_PREFIX} - Needs Review"`, () => hasOnlyStatus('Needs Review')(opportunityId)));

  log('3. The platform scores it 85 (pass threshold 70)');
  await http('POST', `${PLATFORM}/_sandbox/invitations/${invitation.id}/score`, { score: 85 });
  show(
    await until(`tag "${TAG_PREFIX} - Pass" and the report link`, async () => {
      const state = await hasOnlyStatus('Pass')(opportunityId);
      return state && state.links.some((l) => l.includes('/reports/')) ? state : null;
    }),
  );

  log('4. Recruiter moves a candidate who has no email');
  const noEmailId = await addCandidate(`No Email ${run}`, []);
  await moveTo(noEmailId, STAGE.codingTest);
  show(
    await until(`tag "${TAG_PREFIX} - Error" and a note`, async () => {
      const state = await hasOnlyStatus('Error')(noEmailId);
      return state && state.notes?.length ? state : null;
    }),
  );

  log(`5. Recruiter tags a candidate "Live Pad" and moves them to "${STAGE.onsite}"`);
  const liveEmail = `demo-live-${run}@candidates.example`;
  const liveId = await addCandidate(`Live Pad Candidate ${run}`, [liveEmail], ['Live Pad']);
  await moveTo(liveId, STAGE.onsite);
  const livePad = await findInvitation(liveEmail);
  log(`   live pad ${livePad.id} created (${livePad.request.kind}, test ${livePad.testName ? `"${livePad.testName}"` : 'none'})`);
  log(`   candidate's link: ${livePad.candidateUrl}`);
  log(`   interviewer's link: ${livePad.interviewerUrl}`);
  show(
    await until(`tag "${TAG_PREFIX} - Live Pad" and both pad links`, async () => {
      const state = await hasOnlyStatus('Live Pad')(liveId);
      return state && state.links.includes(livePad.candidateUrl) && state.links.includes(livePad.interviewerUrl) ? state : null;
    }),
  );

  log(`6. Recruiter tags a candidate "Take Home" and moves them to "${STAGE.onsite}"`);
  const padEmail = `demo-pad-${run}@candidates.example`;
  const padId = await addCandidate(`Take Home Candidate ${run}`, [padEmail], ['Take Home']);
  await moveTo(padId, STAGE.onsite);
  const pad = await findInvitation(padEmail);
  log(`   take-home pad ${pad.id} created (test "${pad.testName}", ${pad.request.timeLimitMinutes} minutes)`);
  show(
    await until(`tag "${TAG_PREFIX} - Sent" and the pad link`, async () => {
      const state = await hasOnlyStatus('Sent')(padId);
      return state && state.links.includes(pad.candidateUrl) ? state : null;
    }),
  );
  log('   the candidate submits the pad and the platform scores it 85 (pass threshold 70)');
  await http('POST', `${PLATFORM}/_sandbox/invitations/${pad.id}/score`, { score: 85 });
  show(
    await until(`tag "${TAG_PREFIX} - Pass" and the report link`, async () => {
      const state = await hasOnlyStatus('Pass')(padId);
      return state && state.links.some((l) => l.includes(`/reports/${pad.id}`)) ? state : null;
    }),
  );
  await oauthConnect(run);
  log('done: every step reached Lever as a recruiter would see it');
}

async function oauthConnect(run) {
  log('7. An admin connects a new account with OAuth instead of pasting an API key');
  const company = await http('POST', `${LEVER}/_sandbox/companies`, { name: `Globex ${run}`, stages: ['Screen', 'Coding Test'] });
  const account = await http(
    'POST',
    `${CONFIG_API}/v1/accounts`,
    { name: `Globex ${run}`, tagPrefix: `Globex ${run}`, platformAccountId: 'globex', lever: {} },
    ADMIN,
  );
  log(`   account ${account.id} created without a key or a webhook token: ${account.status} (${account.statusReason})`);
  const res = await fetch(`${CONFIG_API}/v1/accounts/${account.id}/lever/oauth/start`, { method: 'POST', headers: ADMIN });
  if (res.status === 409) return log(`   skipped: ${(await res.json()).message}`);
  const { authorizeUrl } = await res.json();
  log(`   POST /v1/accounts/:id/lever/oauth/start -> ${authorizeUrl.split('?')[0]}?client_id=…&state=…&audience=…&scope=…`);
  // The admin's browser: Lever's page (the sandbox approves as the company's admin) redirects to our callback.
  const approved = await fetch(`${authorizeUrl}&sandbox_company=${company.id}`, { redirect: 'manual' });
  const callbackUrl = approved.headers.get('location');
  log(`   Lever redirects the browser to ${callbackUrl.split('?')[0]}?code=…&state=…`);
  const page = await fetch(callbackUrl);
  log(`   callback -> HTTP ${page.status}: ${/<p>(.*?)<\/p>/.exec(await page.text())?.[1]}`);
  const connected = await http('GET', `${CONFIG_API}/v1/accounts/${account.id}`, undefined, ADMIN);
  log(`   account is ${connected.status}, lever.authKind=${connected.lever.authKind}, token expires ${connected.lever.oauthExpiresAt}`);
  const hooks = await http('GET', `${CONFIG_API}/v1/accounts/${account.id}/lever/webhooks`, undefined, ADMIN);
  log(
    `   webhooks registered through Lever's API on connect (${connected.lever.webhooksSyncedAt}): ` +
      `${hooks.events.map((e) => `${e.event} ${e.status}`).join(', ')}; nothing copied by hand`,
  );
  const test = await http('POST', `${CONFIG_API}/v1/accounts/${account.id}/lever/test-connection`, {}, ADMIN);
  log(`   test connection: ${test.checks.map((c) => `${c.name} ${c.severity}`).join(', ')}`);
  for (const c of test.checks.filter((check) => check.severity !== 'passed')) log(`     ${c.name}: ${c.detail} Fix: ${c.fix}`);
  const { grants } = await http('GET', `${LEVER}/_sandbox/oauth`);
  const grant = grants.find((g) => g.companyId === company.id);
  const { data } = await http('GET', `${LEVER}/_sandbox/requests?keyId=${grant.keyId}`);
  log(
    `   Lever saw ${data.length} call(s) with the grant's Bearer token: ${data.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`,
  );
  // Leave the demo tenant list tidy: the OAuth account was only for this step.
  await fetch(`${CONFIG_API}/v1/accounts/${account.id}`, { method: 'DELETE', headers: ADMIN });
}

main().catch((err) => {
  console.error(`[demo] failed: ${err.message}`);
  process.exit(1);
});
