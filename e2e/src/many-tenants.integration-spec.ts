import { SecretBox } from '@lever-assess/common';
import { RuleKind } from '@lever-assess/domain';
import {
  Account,
  AccountsRepository,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
  createDataSource,
} from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import { eventually } from '@lever-assess/testing';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FlowHarness } from './flow-harness';

const ACCOUNTS = 5;
const CANDIDATES_PER_ACCOUNT = 12;

interface Tenant {
  prefix: string;
  keyId: string;
  opportunityIds: string[];
  emails: string[];
}

/**
 * Many accounts at once on 2 dispatchers and 2 result-syncs, against a Lever sandbox that enforces
 * Lever's real limit (10 per second, burst 20, per key): every candidate gets exactly one invitation
 * and one status tag, Lever never answers 429, and reaching Sent costs two Lever requests per
 * candidate (the dispatcher's read and result-sync's one write).
 */
describe('many tenants on two replicas of each worker', () => {
  const harness = new FlowHarness();
  let ds: DataSource;
  const tenants: Tenant[] = [];

  beforeAll(async () => {
    await harness.start({ dispatchers: 2, resultSyncs: 2 });
    ds = await createDataSource(harness.env.DATABASE_URL).initialize();
    const box = SecretBox.fromEnv({ ENCRYPTION_KEY: harness.env.ENCRYPTION_KEY });
    const accounts = new AccountsRepository(ds.getRepository(Account));
    const tests = new TestsRepository(ds.getRepository(TestDefinition));
    const rules = new TriggerRulesRepository(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition));
    const changes = new AccountChangesPublisher(harness.redis, harness.env.QUEUE_PREFIX);

    for (let a = 0; a < ACCOUNTS; a++) {
      const apiKey = `tenant-${a}-${randomBytes(8).toString('hex')}`;
      const signatureToken = randomBytes(16).toString('hex');
      const emails = Array.from({ length: CANDIDATES_PER_ACCOUNT }, (_, c) => `t${a}-c${c}@candidates.example`);
      const company = await harness.json<{
        id: string;
        keys: { id: string }[];
        users: { id: string }[];
        stages: { id: string; text: string }[];
        opportunities: { id: string }[];
      }>('POST', `${harness.leverUrl}/_sandbox/companies`, {
        name: `Tenant ${a}`,
        keys: [{ apiKey }],
        users: [{ name: 'Assessment Bot', email: `bot@tenant${a}.example` }],
        stages: ['New applicant', 'Coding Test'],
        candidates: emails.map((email, c) => ({ name: `Candidate ${a}.${c}`, emails: [email], stage: 'New applicant' })),
      });
      const prefix = `Tenant ${a}`;
      const account = await accounts.create({
        name: `Tenant ${a}`,
        tagPrefix: prefix,
        leverApiKeyEnc: box.encrypt(apiKey),
        leverSignatureTokenEnc: box.encrypt(signatureToken),
        performAsUserId: company.users[0].id,
        platformAccountId: `platform-tenant-${a}`,
      });
      const test = await tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome });
      const codingTest = company.stages.find((s) => s.text === 'Coding Test')!;
      await rules.create(account.id, { stageId: codingTest.id, stageName: codingTest.text, kind: RuleKind.TakeHome, testId: test.id });
      await harness.json('PUT', `${harness.leverUrl}/_sandbox/companies/${company.id}/webhook`, {
        url: `${harness.gatewayUrl}/webhooks/lever/${account.webhookKey}`,
        signatureToken,
      });
      await changes.announce(account.id);
      tenants.push({ prefix, keyId: company.keys[0].id, opportunityIds: company.opportunities.map((o) => o.id), emails });
    }
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    await harness.stop();
  }, 60_000);

  it('invites every candidate once and shows one Sent tag each, with two Lever requests per candidate and no 429', async () => {
    // Every recruiter moves every candidate at once.
    await Promise.all(
      tenants.flatMap((t) =>
        t.opportunityIds.map((id) =>
          harness.json('PUT', `${harness.leverUrl}/_sandbox/opportunities/${id}/stage`, { stage: 'Coding Test' }),
        ),
      ),
    );

    for (const t of tenants) {
      for (const id of t.opportunityIds) {
        await eventually(
          async () => {
            const tags = (await harness.candidate(id)).tags.filter((tag) => tag.startsWith(`${t.prefix} - `));
            if (tags.length !== 1 || tags[0] !== `${t.prefix} - Sent`) throw new Error(`status tags of ${id}: [${tags.join(', ')}]`);
            return true;
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
      }
    }
    await harness.idle();

    const invitations = await harness.invitations();
    for (const t of tenants) {
      for (const email of t.emails) expect(invitations.filter((i) => i.request.candidate.email === email)).toHaveLength(1);
      const stats = await harness.json<{ total: number; byStatus: Record<string, number> }>(
        'GET',
        `${harness.leverUrl}/_sandbox/keys/${t.keyId}/stats`,
      );
      expect(stats.byStatus['429']).toBeUndefined();
      // The dispatcher's read and result-sync's addTags: nothing else.
      expect({ total: stats.total, byStatus: stats.byStatus }).toEqual({
        total: 2 * CANDIDATES_PER_ACCOUNT,
        byStatus: { '200': 2 * CANDIDATES_PER_ACCOUNT },
      });
    }

    // Both replicas of each worker took part.
    for (const app of ['dispatcher', 'dispatcher-2', 'result-sync', 'result-sync-2']) {
      const metrics = await (await fetch(`${harness.apps[app].url}/metrics`)).text();
      const counted = app.startsWith('dispatcher')
        ? /^dispatcher_events_total\{outcome="sent"\} (\d+)/m
        : /^lever_sync_total\{outcome="synced"\} (\d+)/m;
      expect(Number(counted.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    }
  }, 120_000);
});
