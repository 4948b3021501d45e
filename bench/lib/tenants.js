'use strict';
// Customer accounts as an admin and a recruiter would set them up: the account through the config
// API (its Lever key, signature token and perform-as user), the matching company in the
// lever-sandbox (stages, the integration user, candidates, the webhook pointing at the account's
// gateway URL with the same signature token), a catalog test and a trigger rule on "Coding Test".
//
// Each company gets two kinds of Lever keys: the product key the account uses, and "mover" keys a
// recruiter's tool uses to move candidates (PUT .../stage). Lever limits each key on its own, so
// the moves never spend the product key's budget and the product key's request log counts only the
// product's own requests. A key's bucket starts full, so `moverBurst` moves per mover key go out at
// once: N candidates get ceil(N / moverBurst) mover keys.

const { randomBytes, randomUUID } = require('node:crypto');
const { mapLimit, sleep } = require('./util');

const STAGES = ['New applicant', 'Coding Test', 'Onsite'];
const TEST = { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: 'take_home' };
const PASS_THRESHOLD = 70;
const FAIL_THRESHOLD = 40;

/**
 * @param stack a set-up Stack (config-api and lever-sandbox running)
 * @param specs [{ name, candidates }]
 * @param moverBurst moves each mover key may send at once (the sandbox's burst; Infinity without a limit)
 */
async function createTenants(stack, specs, { moverBurst = 20, concurrency = 4 } = {}) {
  const tag = stack.name.split('_').slice(-1)[0];
  return mapLimit(specs, concurrency, async (spec) => {
    const slug = `${spec.name.toLowerCase()}-${tag}`;
    const signatureToken = randomBytes(16).toString('hex');
    const botId = randomUUID();
    const productKey = { id: `key_${slug}_product`, apiKey: `lk_${slug}_product_${randomBytes(6).toString('hex')}` };
    const moverCount = Number.isFinite(moverBurst) ? Math.max(1, Math.ceil(spec.candidates / moverBurst)) : 1;
    const movers = Array.from({ length: moverCount }, (_, i) => ({
      id: `key_${slug}_mover${i}`,
      apiKey: `lk_${slug}_mover${i}_${randomBytes(6).toString('hex')}`,
    }));
    const tagPrefix = `Bench ${spec.name}`;
    const platformAccountId = `bench-${slug}`;

    const account = await stack.api.call('POST', '/v1/accounts', {
      name: `Bench ${spec.name}`,
      tagPrefix,
      lever: { apiKey: productKey.apiKey, signatureToken, performAsUserId: botId },
      platformAccountId,
    });
    const company = await stack.lever.createCompany({
      name: `Bench ${spec.name}`,
      keys: [productKey, ...movers],
      stages: STAGES.map((text) => ({ text })),
      users: [{ id: botId, name: 'Assessment Bot', email: `assessment-bot@${slug}.example` }],
      candidates: Array.from({ length: spec.candidates }, (_, i) => ({
        name: `Candidate ${spec.name}${i}`,
        emails: [`c${i}-${slug}@candidates.example`],
        stage: STAGES[0],
      })),
      webhook: { url: account.webhookUrl, signatureToken },
    });
    const test = await stack.api.call('POST', `/v1/accounts/${account.id}/tests`, TEST);
    await stack.api.call('POST', `/v1/accounts/${account.id}/trigger-rules`, {
      stageName: 'Coding Test',
      kind: 'take_home',
      testId: test.id,
      passThreshold: PASS_THRESHOLD,
      failThreshold: FAIL_THRESHOLD,
    });
    const emails = new Map(company.opportunities.map((o, i) => [o.id, `c${i}-${slug}@candidates.example`]));
    return {
      name: spec.name,
      accountId: account.id,
      companyId: company.id,
      tagPrefix,
      signatureToken,
      webhookUrl: account.webhookUrl,
      productKeyId: productKey.id,
      // What the throughput ceiling's bare relay needs to act as the product (bench/bare-pipeline.js).
      productApiKey: productKey.apiKey,
      botId,
      platformAccountId,
      platformTestId: TEST.platformTestId,
      movers,
      stageId: company.stages.find((s) => s.text === 'Coding Test').id,
      opportunities: company.opportunities.map((o) => ({ id: o.id, email: emails.get(o.id), tenant: spec.name, tagPrefix })),
    };
  });
}

/**
 * Moves `opportunities` of one tenant to the trigger stage at once, spread over its mover keys.
 * A 429 on a mover key (only when more moves than the burst were asked of one key) is retried.
 * Returns { at: first PUT sent, done: last answer, moverRetries }.
 */
async function moveAll(stack, tenant, opportunities, { concurrency = 400 } = {}) {
  const at = Date.now();
  let moverRetries = 0;
  await mapLimit(opportunities, concurrency, async (o, i) => {
    const key = tenant.movers[i % tenant.movers.length];
    for (;;) {
      const status = await stack.lever.moveStage(key.apiKey, o.id, tenant.stageId);
      if (status === 200) return;
      moverRetries++;
      await sleep(150);
    }
  });
  return { at, done: Date.now(), moverRetries };
}

module.exports = { createTenants, moveAll, PASS_THRESHOLD, FAIL_THRESHOLD };
