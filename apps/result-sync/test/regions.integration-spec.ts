import { SecretBox, createHttpApp } from '@lever-assess/common';
import { RuleKind } from '@lever-assess/domain';
import { AccountsRepository, AssessmentsRepository, TriggerRulesRepository } from '@lever-assess/persistence';
import { QUEUE_CONFIG, QueueName, type LeverSyncJob } from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  startBuiltApp,
  type RunningApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadResultSyncEnv } from '../src/config';
import { LeverSandboxControl, type SandboxCompany } from './support/lever-sandbox-control';

/**
 * EU and other regions (issue 17): result-sync writes each account's tags and links to the Lever
 * its `leverApiUrl` names, beside accounts on the default LEVER_API_URL, in one run.
 */
describe('result-sync: accounts in two Lever regions', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let usSandbox: RunningApp;
  let euSandbox: RunningApp;
  let app: NestFastifyApplication;
  let syncQueue: Queue;
  const encryptionKey = randomBytes(32).toString('base64');
  const box = SecretBox.fromEnv({ ENCRYPTION_KEY: encryptionKey });

  beforeAll(async () => {
    db = await createTestDatabase('la_test_result_sync_regions');
    ns = await createTestRedisNamespace('result_sync_regions');
    [usSandbox, euSandbox] = await Promise.all([
      startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' }),
      startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' }),
    ]);
    const env = loadResultSyncEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      LEVER_API_URL: `${usSandbox.url}/v1`,
      ENCRYPTION_KEY: encryptionKey,
      LOG_LEVEL: 'warn',
    });
    app = await createHttpApp(AppModule.forRoot(env), { service: 'result-sync', logLevel: 'warn' });
    await app.init();
    syncQueue = new Queue(QueueName.LeverSync, {
      connection: { ...redisOptionsFromUrl(TEST_REDIS_URL), maxRetriesPerRequest: null },
      prefix: ns.prefix,
    });
  }, 90_000);

  afterAll(async () => {
    await syncQueue?.close();
    await app?.close();
    await Promise.all([usSandbox?.stop(), euSandbox?.stop()]);
    await ns?.cleanup();
    await db?.drop();
  }, 60_000);

  /** An account on `sandbox` (its leverApiUrl unless it is the default) with a sent assessment. */
  async function account(sandbox: RunningApp, leverApiUrl: string | null) {
    const lever = new LeverSandboxControl(sandbox.url);
    const company: SandboxCompany = await lever.newCompany();
    const created = await app.get(AccountsRepository).create({
      name: `Co ${company.companyId}`,
      tagPrefix: 'Acme Test',
      leverApiKeyEnc: box.encrypt(company.apiKey),
      leverSignatureTokenEnc: box.encrypt('signature-token'),
      performAsUserId: company.botUserId,
      leverApiUrl,
      platformAccountId: `pa-${randomUUID()}`,
    });
    const rule = await app.get(TriggerRulesRepository).create(created.id, { stageId: 'stage-coding', kind: RuleKind.TakeHome });
    const assessments = app.get(AssessmentsRepository);
    const { assessment } = await assessments.insertIfNoActive({
      accountId: created.id,
      opportunityId: company.opportunityId,
      candidateId: company.opportunityId,
      ruleId: rule.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(),
    });
    await assessments.update(created.id, assessment.id, { platformInvitationId: `inv-${randomUUID()}` });
    const job: LeverSyncJob = {
      accountId: created.id,
      opportunityId: company.opportunityId,
      assessmentId: assessment.id,
      correlationId: `test-${randomUUID()}`,
    };
    return { lever, company, job };
  }

  it("each account's writes reach only its own Lever", async () => {
    const us = await account(usSandbox, null);
    const eu = await account(euSandbox, `${euSandbox.url}/v1/`);
    for (const { job } of [us, eu]) await syncQueue.add(QueueName.LeverSync, job, QUEUE_CONFIG[QueueName.LeverSync].job);

    for (const { lever, company } of [us, eu]) {
      await eventually(async () => (await lever.opportunity(company.opportunityId)).tags.includes('Acme Test - Sent'), {
        timeoutMs: 30_000,
      });
    }
    // Every request each sandbox served came with its own account's key: none strayed.
    const keysSeen = async (sandbox: RunningApp) => {
      const res = await fetch(`${sandbox.url}/_sandbox/requests`);
      return new Set(((await res.json()) as { data: { keyId: string | null }[] }).data.map((r) => r.keyId));
    };
    expect(await keysSeen(usSandbox)).toEqual(new Set([us.company.keyId]));
    expect(await keysSeen(euSandbox)).toEqual(new Set([eu.company.keyId]));
  });
});
