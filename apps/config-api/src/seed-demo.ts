import 'reflect-metadata';
import { IntegrationEnv, SecretBox, createLogger, loadEnv } from '@lever-assess/common';
import { RuleKind } from '@lever-assess/domain';
import { LeverClient, RedisTokenBucketLimiter, type LeverAuth } from '@lever-assess/lever-client';
import {
  Account,
  AccountsRepository,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
  createDataSource,
} from '@lever-assess/persistence';
import { PlatformClient } from '@lever-assess/platform-client';
import { createRedis } from '@lever-assess/queues';
import { IsString, Matches } from 'class-validator';

/**
 * `node dist/apps/config-api/seed-demo.js`: creates (or refreshes) the demo account "Acme" wired to
 * the running sandboxes, as an admin would through the config API: the Lever key and signature
 * token sealed, the perform-as user looked up in Lever by email, the platform's tests imported into
 * the catalog, and a trigger rule on the Lever stage named DEMO_TRIGGER_STAGE. Idempotent.
 */
class SeedEnv extends IntegrationEnv {
  /** Fixed so the Lever sandbox can be told the webhook URL before the account exists. */
  @Matches(/^[A-Za-z0-9_-]{8,64}$/)
  DEMO_WEBHOOK_KEY = 'demo-acme-webhook-key';
  @IsString()
  LEVER_SANDBOX_API_KEY = 'demo-lever-key';
  @IsString()
  LEVER_SANDBOX_SIGNATURE_TOKEN = 'demo-signature-token';
  @IsString()
  DEMO_PERFORM_AS_EMAIL = 'assessment-bot@acme.example';
  @IsString()
  DEMO_TRIGGER_STAGE = 'Coding Test';
  @IsString()
  DEMO_DEFAULT_TEST = 'Python Basics';
}

const DEMO = { name: 'Acme (demo)', tagPrefix: 'Acme Test', platformAccountId: 'acme-demo' };

async function main(): Promise<void> {
  const env = loadEnv(SeedEnv);
  const logger = createLogger('seed-demo', env.LOG_LEVEL);
  const box = SecretBox.fromEnv(env);
  const redis = createRedis(env.REDIS_URL, { name: 'seed-demo' });
  const ds = createDataSource(env.DATABASE_URL);
  await ds.initialize();
  try {
    const accounts = new AccountsRepository(ds.getRepository(Account));
    const tests = new TestsRepository(ds.getRepository(TestDefinition));
    const rules = new TriggerRulesRepository(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition));
    const lever = new LeverClient({
      baseUrl: env.LEVER_API_URL,
      limiter: new RedisTokenBucketLimiter({ redis, keyPrefix: `${env.QUEUE_PREFIX}:lever-rate:` }),
    });
    const platform = new PlatformClient({ baseUrl: env.PLATFORM_API_URL, apiKey: env.PLATFORM_API_KEY });

    const secrets = {
      leverApiKeyEnc: box.encrypt(env.LEVER_SANDBOX_API_KEY),
      leverSignatureTokenEnc: box.encrypt(env.LEVER_SANDBOX_SIGNATURE_TOKEN),
    };
    let account = await accounts.findByWebhookKey(env.DEMO_WEBHOOK_KEY);
    if (account) {
      await accounts.update(account.id, { ...DEMO, ...secrets });
    } else {
      const created = await accounts.create({ ...DEMO, ...secrets });
      await accounts.setWebhookKey(created.id, env.DEMO_WEBHOOK_KEY);
    }
    account = (await accounts.findByWebhookKey(env.DEMO_WEBHOOK_KEY))!;
    const auth: LeverAuth = { accountId: account.id, apiKey: env.LEVER_SANDBOX_API_KEY };

    const [bot] = await lever.listUsers(auth, { email: env.DEMO_PERFORM_AS_EMAIL });
    if (!bot) throw new Error(`No Lever user with email ${env.DEMO_PERFORM_AS_EMAIL}`);
    await accounts.update(account.id, { performAsUserId: bot.id });

    for (const test of await platform.listTests()) {
      const existing = await tests.findByNameInsensitive(account.id, test.name);
      if (!existing) await tests.create(account.id, { name: test.name, platformTestId: test.id, kind: test.kind });
    }

    const stage = (await lever.listStages(auth)).find((s) => s.text === env.DEMO_TRIGGER_STAGE);
    if (!stage) throw new Error(`No Lever stage named "${env.DEMO_TRIGGER_STAGE}"`);
    const defaultTest = await tests.findByNameInsensitive(account.id, env.DEMO_DEFAULT_TEST);
    if (!defaultTest) throw new Error(`The platform has no test named "${env.DEMO_DEFAULT_TEST}"`);
    const existingRules = await rules.listEnabledForStage(account.id, stage.id);
    if (!existingRules.some((r) => r.requiredTag === null)) {
      await rules.create(account.id, {
        stageId: stage.id,
        stageName: stage.text,
        kind: RuleKind.TakeHome,
        testId: defaultTest.id,
        passThreshold: 70,
        failThreshold: 40,
      });
    }
    logger.info({ accountId: account.id, stage: stage.text, defaultTest: defaultTest.name }, 'demo account ready');
  } finally {
    await ds.destroy();
    await redis.quit();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    createLogger('seed-demo').fatal({ err }, err instanceof Error ? err.message : 'seeding failed');
    process.exit(1);
  },
);
