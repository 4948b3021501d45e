import 'reflect-metadata';
import { IntegrationEnv, SecretBox, createLogger, loadEnv } from '@lever-assess/common';
import { RuleKind, normalizeTag } from '@lever-assess/domain';
import { LeverClient, RedisTokenBucketLimiter, type LeverAuth } from '@lever-assess/lever-client';
import {
  Account,
  AccountsRepository,
  accountSecretContext,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
  createDataSource,
} from '@lever-assess/persistence';
import { PlatformClient } from '@lever-assess/platform-client';
import { createRedis } from '@lever-assess/redis';
import { IsIn, IsJSON, IsString, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';

/**
 * `node dist/apps/config-api/seed-demo.js`: creates (or refreshes) the demo account "Acme" wired to
 * the running sandboxes, as an admin would through the config API: the Lever key and signature
 * token sealed, the perform-as user looked up in Lever by email, the platform's tests imported into
 * the catalog, a trigger rule on the Lever stage named DEMO_TRIGGER_STAGE (Flow A) and the tagged
 * pad configurations of DEMO_PAD_RULES (Flow B). Idempotent.
 *
 * The account it makes is known to anyone who reads this file: a fixed webhook key and the Lever
 * sandbox's default key and signature token. So it refuses to run when NODE_ENV=production (the
 * image's default) unless DEMO_SEED_ALLOW_PRODUCTION=true says the "production" is a demo cluster
 * running the production image with the sandboxes (deploy/k8s/overlays/dev).
 */
class SeedEnv extends IntegrationEnv {
  /** Fixed so the Lever sandbox can be told the webhook URL before the account exists. */
  @Matches(/^[A-Za-z0-9_-]{8,64}$/)
  DEMO_WEBHOOK_KEY = 'demo-acme-webhook-key';
  @IsString()
  LEVER_SANDBOX_API_KEY = 'demo-lever-key';
  @IsString()
  LEVER_SANDBOX_SIGNATURE_TOKEN = 'demo-signature-token';
  /**
   * The sandbox's per-event signature tokens (its LEVER_SANDBOX_SIGNATURE_TOKENS defaults): archive,
   * hire and delete deliveries are each signed with their own token, as Lever does.
   */
  @IsJSON()
  LEVER_SANDBOX_SIGNATURE_TOKENS = JSON.stringify({
    candidateArchiveChange: 'demo-archive-signature-token',
    candidateHired: 'demo-hired-signature-token',
    candidateDeleted: 'demo-deleted-signature-token',
  });
  @IsString()
  DEMO_PERFORM_AS_EMAIL = 'assessment-bot@acme.example';
  @IsString()
  DEMO_TRIGGER_STAGE = 'Coding Test';
  @IsString()
  DEMO_DEFAULT_TEST = 'Python Basics';
  /** `true` lets the seed run under NODE_ENV=production; only for demo deployments with the sandboxes. */
  @IsIn(['true', 'false'])
  DEMO_SEED_ALLOW_PRODUCTION: 'true' | 'false' = 'false';

  override validateCrossField(): string[] {
    const problems = super.validateCrossField();
    if (this.NODE_ENV === 'production' && this.DEMO_SEED_ALLOW_PRODUCTION !== 'true') {
      problems.push(
        'DEMO_SEED_ALLOW_PRODUCTION: seed-demo refuses to run when NODE_ENV=production: it creates an account with a publicly known ' +
          'webhook key and signature token. Set DEMO_SEED_ALLOW_PRODUCTION=true only on a demo deployment that runs the sandboxes',
      );
    }
    return problems;
  }
}

const DEMO = { name: 'Acme (demo)', tagPrefix: 'Acme Test', platformAccountId: 'acme-demo' };

/**
 * Flow B: a recruiter adds the tag and moves the candidate to the stage, and a pad is created.
 * "Take Home" at the Flow A stage shows a tagged rule winning over that stage's untagged rule
 * (and the default time limit, 120 minutes); at Onsite it carries its own limit.
 */
/**
 * The per-event token map as the account stores it (`{ <eventName>: token }`), keeping only string
 * values: an event the sandbox signs with the stage-change token (null) needs no token of its own.
 * @throws Error naming the variable when it is not a JSON object
 */
function eventTokens(json: string): string {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('LEVER_SANDBOX_SIGNATURE_TOKENS must be a JSON object');
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([, token]) => typeof token === 'string' && token !== '')));
}

const DEMO_PAD_RULES: { stage: string; requiredTag: string; kind: RuleKind; test: string | null; timeLimitMinutes?: number }[] = [
  { stage: 'Onsite', requiredTag: 'Live Pad', kind: RuleKind.LiveInterview, test: null },
  { stage: 'Onsite', requiredTag: 'Take Home', kind: RuleKind.TakeHome, test: 'JavaScript Fundamentals', timeLimitMinutes: 90 },
  { stage: 'Coding Test', requiredTag: 'Take Home', kind: RuleKind.TakeHome, test: 'JavaScript Fundamentals' },
];

async function main(): Promise<void> {
  const env = loadEnv(SeedEnv);
  const logger = createLogger('seed-demo', env.LOG_LEVEL);
  if (env.NODE_ENV === 'production') logger.warn('seeding the demo account under NODE_ENV=production (DEMO_SEED_ALLOW_PRODUCTION=true)');
  const box = SecretBox.fromEnv(env);
  const redis = createRedis(env.REDIS_URL, { name: 'seed-demo' });
  const ds = createDataSource(env.DATABASE_URL, { preparedStatements: env.DATABASE_PREPARED_STATEMENTS });
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

    // Sealed bound to the account's row (accountSecretContext): its id is known, or chosen here.
    const sealFor = (id: string) => ({
      leverApiKeyEnc: box.encrypt(env.LEVER_SANDBOX_API_KEY, accountSecretContext('leverApiKeyEnc', id)),
      leverSignatureTokenEnc: box.encrypt(env.LEVER_SANDBOX_SIGNATURE_TOKEN, accountSecretContext('leverSignatureTokenEnc', id)),
      leverSignatureTokensEnc: box.encrypt(
        eventTokens(env.LEVER_SANDBOX_SIGNATURE_TOKENS),
        accountSecretContext('leverSignatureTokensEnc', id),
      ),
    });
    let account = await accounts.findByWebhookKey(env.DEMO_WEBHOOK_KEY);
    if (account) {
      await accounts.update(account.id, { ...DEMO, ...sealFor(account.id) });
    } else {
      const id = randomUUID();
      const created = await accounts.create({ id, ...DEMO, ...sealFor(id) });
      await accounts.setWebhookKey(created.id, env.DEMO_WEBHOOK_KEY);
    }
    account = await accounts.findByWebhookKey(env.DEMO_WEBHOOK_KEY);
    if (!account) throw new Error('The demo account was not found after it was saved');
    const auth: LeverAuth = { accountId: account.id, apiKey: env.LEVER_SANDBOX_API_KEY };

    const [bot] = await lever.listUsers(auth, { email: env.DEMO_PERFORM_AS_EMAIL });
    if (!bot) throw new Error(`No Lever user with email ${env.DEMO_PERFORM_AS_EMAIL}`);
    await accounts.update(account.id, { performAsUserId: bot.id });

    for (const test of await platform.listTests(DEMO.platformAccountId)) {
      const existing = await tests.findByNameInsensitive(account.id, test.name);
      if (!existing) await tests.create(account.id, { name: test.name, platformTestId: test.id, kind: test.kind });
    }

    const stages = await lever.listStages(auth);
    const stage = stages.find((s) => s.text === env.DEMO_TRIGGER_STAGE);
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

    const allRules = await rules.list(account.id);
    for (const pad of DEMO_PAD_RULES) {
      const padStage = stages.find((s) => s.text === pad.stage);
      if (!padStage) throw new Error(`No Lever stage named "${pad.stage}"`);
      // One rule per (stage, tag): an admin may have changed the seeded one; it is left as it is.
      if (allRules.some((r) => r.stageId === padStage.id && normalizeTag(r.requiredTag ?? '') === normalizeTag(pad.requiredTag))) continue;
      const test = pad.test === null ? null : await tests.findByNameInsensitive(account.id, pad.test);
      if (pad.test !== null && !test) throw new Error(`The platform has no test named "${pad.test}"`);
      await rules.create(account.id, {
        stageId: padStage.id,
        stageName: padStage.text,
        requiredTag: pad.requiredTag,
        kind: pad.kind,
        testId: test?.id ?? null,
        timeLimitMinutes: pad.timeLimitMinutes,
        ...(pad.kind === RuleKind.TakeHome ? { passThreshold: 70, failThreshold: 40 } : {}),
      });
    }
    logger.info(
      {
        accountId: account.id,
        stage: stage.text,
        defaultTest: defaultTest.name,
        padRules: DEMO_PAD_RULES.map((r) => `${r.requiredTag} @ ${r.stage}`),
      },
      'demo account ready',
    );
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
