import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  freePort,
  runBuiltApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import { Client } from 'pg';

/**
 * The built demo seed (dist/apps/config-api/seed-demo.js, shipped in the production image) makes
 * an account with a publicly known webhook key and signature token: never under NODE_ENV=production
 * unless forced. Its normal run (npm start, the e2e flows) is covered by e2e/src/flow-harness.ts.
 */
describe('seed-demo under NODE_ENV=production', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('la_test_seed_prod');
    ns = await createTestRedisNamespace('seed_prod');
    env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      // The production checks of every app pass: only the seed's own guard is left.
      ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      PLATFORM_API_KEY: 'a-real-looking-platform-key',
      // Nothing listens there: a forced run gets past the guard and then fails on Lever.
      LEVER_API_URL: `http://127.0.0.1:${await freePort()}/v1`,
      PLATFORM_API_URL: `http://127.0.0.1:${await freePort()}`,
    };
  });

  afterAll(async () => {
    await ns?.cleanup();
    await db?.drop();
  });

  const accountCount = async () => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return Number((await pg.query('SELECT count(*) AS n FROM accounts')).rows[0].n);
    } finally {
      await pg.end();
    }
  };

  it('refuses to run, naming DEMO_SEED_ALLOW_PRODUCTION, and creates nothing', async () => {
    const run = await runBuiltApp('config-api', env, { entry: 'seed-demo' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('DEMO_SEED_ALLOW_PRODUCTION: seed-demo refuses to run when NODE_ENV=production');
    await expect(accountCount()).resolves.toBe(0);
  });

  it('runs when forced with DEMO_SEED_ALLOW_PRODUCTION=true (here it gets as far as calling Lever)', async () => {
    const run = await runBuiltApp('config-api', { ...env, DEMO_SEED_ALLOW_PRODUCTION: 'true' }, { entry: 'seed-demo', timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.output).not.toContain('refuses to run');
    expect(run.output).toContain('seeding the demo account under NODE_ENV=production');
    expect(run.output).toMatch(/LEVER_UNAVAILABLE|Lever/);
    await expect(accountCount()).resolves.toBe(1);
  }, 90_000);
});
