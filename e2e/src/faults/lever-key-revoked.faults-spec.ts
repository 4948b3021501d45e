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
import { QUEUE_NAMES, parkedJobsKey } from '@lever-assess/queues';
import { AccountChangesPublisher } from '@lever-assess/redis';
import { Queue } from 'bullmq';
import { eventually } from '@lever-assess/testing';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FaultHarness, type Candidate } from './support/fault-harness';

const BURST = 20;
const PREFIX = 'Rotating Co';

/**
 * Lever answers 401 mid-burst (the customer revoked the key): the account's jobs park; the admin
 * saves the customer's new key and they resume (README: what a recruiter sees when the key is revoked).
 */
describe('faults: Lever 401 mid-burst, then the key replaced', () => {
  const harness = new FaultHarness();
  let ds: DataSource;
  let accountId = '';
  let oldKeyId = '';
  let newKey = '';
  let candidates: Candidate[] = [];

  beforeAll(async () => {
    await harness.start();
    await harness.startConfigApi();
    ds = await createDataSource(harness.env.DATABASE_URL).initialize();
    const box = SecretBox.fromEnv({ ENCRYPTION_KEY: harness.env.ENCRYPTION_KEY });
    const oldKey = `old-${randomBytes(8).toString('hex')}`;
    newKey = `new-${randomBytes(8).toString('hex')}`;
    const signatureToken = randomBytes(16).toString('hex');
    const emails = Array.from({ length: BURST }, (_, c) => `rot-${process.pid}-${c}@candidates.example`);
    const company = await harness.json<{
      id: string;
      keys: { id: string }[];
      users: { id: string }[];
      stages: { id: string; text: string }[];
      opportunities: { id: string }[];
    }>('POST', `${harness.leverUrl}/_sandbox/companies`, {
      name: 'Rotating Co',
      keys: [{ apiKey: oldKey }, { apiKey: newKey }],
      users: [{ name: 'Assessment Bot', email: 'bot@rotating.example' }],
      stages: ['New applicant', 'Coding Test'],
      candidates: emails.map((email, c) => ({ name: `Rotating ${c}`, emails: [email], stage: 'New applicant' })),
    });
    oldKeyId = company.keys[0].id;
    candidates = company.opportunities.map((o, i) => ({ opportunityId: o.id, email: emails[i] }));
    const account = await new AccountsRepository(ds.getRepository(Account)).create({
      name: 'Rotating Co',
      tagPrefix: PREFIX,
      leverApiKeyEnc: box.encrypt(oldKey),
      leverSignatureTokenEnc: box.encrypt(signatureToken),
      performAsUserId: company.users[0].id,
      platformAccountId: 'platform-rotating',
    });
    accountId = account.id;
    const test = await new TestsRepository(ds.getRepository(TestDefinition)).create(account.id, {
      name: 'Python Basics',
      platformTestId: 'tst_python_basics',
      kind: RuleKind.TakeHome,
    });
    const stage = company.stages.find((s) => s.text === 'Coding Test')!;
    await new TriggerRulesRepository(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition)).create(account.id, {
      stageId: stage.id,
      stageName: stage.text,
      kind: RuleKind.TakeHome,
      testId: test.id,
    });
    await harness.json('PUT', `${harness.leverUrl}/_sandbox/companies/${company.id}/webhook`, {
      url: `${harness.gatewayUrl}/webhooks/lever/${account.webhookKey}`,
      signatureToken,
    });
    await new AccountChangesPublisher(harness.redis, harness.env.QUEUE_PREFIX).announce(account.id);
  }, 180_000);

  afterAll(async () => {
    await ds?.destroy();
    await harness.stop();
  }, 120_000);

  it('the account is disconnected and its jobs parked; the new key alone brings every candidate to one Sent tag', async () => {
    await harness.moveAll(candidates);
    const atRevoke = await harness.whenProgress(() => harness.withStatusCount(candidates, 'Sent', PREFIX), 2);
    await harness.json('POST', `${harness.leverUrl}/_sandbox/keys/${oldKeyId}/revoke`);
    expect(atRevoke).toBeLessThan(BURST);

    const disconnected = await eventually(
      async () => {
        const account = await harness.admin<{ status: string; statusReason: string | null }>('GET', `/v1/accounts/${accountId}`);
        return account.status === 'disconnected' ? account : null;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(disconnected.statusReason).toBe('LEVER_KEY_REVOKED');
    // Every job of the account ends parked (delayed, listed under the account), none failed.
    const parked = await eventually(
      async () => {
        const queues = QUEUE_NAMES.map(
          (name) => new Queue(name, { connection: { url: harness.redisUrl }, prefix: harness.env.QUEUE_PREFIX }),
        );
        try {
          let total = 0;
          for (const queue of queues) {
            const counts = await queue.getJobCounts('waiting', 'active', 'failed');
            if (counts.waiting + counts.active > 0) return null;
            expect(counts.failed).toBe(0);
            const client = await queue.getBackend().client;
            total += Object.keys(await client.hgetall(parkedJobsKey(queue.qualifiedName, accountId))).length;
          }
          return total > 0 ? total : null;
        } finally {
          await Promise.all(queues.map((q) => q.close()));
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(parked).toBeGreaterThan(0);

    await harness.admin('PATCH', `/v1/accounts/${accountId}`, { lever: { apiKey: newKey } });
    const account = await harness.admin<{ status: string }>('GET', `/v1/accounts/${accountId}`);
    expect(account.status).toBe('active');

    // No replay: the parked jobs resume by themselves.
    await harness.assertFinalState(FaultHarness.sent(candidates, PREFIX), { timeoutMs: 120_000 });
  }, 300_000);
});
