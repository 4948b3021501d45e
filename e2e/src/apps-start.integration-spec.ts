import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  runBuiltApp,
  startBuiltApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import { ALL_APPS, DEFAULT_PORTS, SERVICE_APPS } from './app-ports';

// Every built app, started as a real process against the local Redis and a fresh database.
describe('built apps', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('la_e2e_start');
    ns = await createTestRedisNamespace('e2e_start');
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      ADMIN_TOKEN: 'test-admin-token-0123456789',
    };
  });

  afterAll(async () => {
    await ns?.cleanup();
    await db?.drop();
  });

  it.each(ALL_APPS)('%s starts, reports ready, serves metrics and exits cleanly on SIGTERM', async (app) => {
    const running = await startBuiltApp(app, env);
    try {
      const ready = await fetch(`${running.url}/health/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
      expect({ status: ready.status, body: body.status }).toEqual({ status: 200, body: 'ok' });
      if (app === 'webhook-gateway') {
        // Its hot path needs Redis and the account cache (loaded from PostgreSQL), not PostgreSQL itself.
        expect(body.checks).toMatchObject({ redis: { status: 'up' }, 'account-cache': { status: 'up' } });
        expect(body.checks).not.toHaveProperty('postgres');
      } else if ((SERVICE_APPS as readonly string[]).includes(app)) {
        expect(body.checks).toMatchObject({ redis: { status: 'up' }, postgres: { status: 'up' } });
      }
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect(metrics).toContain('http_request_duration_seconds');
      // Logs are JSON lines.
      for (const line of running.output().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      const exit = await running.stop();
      // A clean stop: Nest closes everything, then re-raises SIGTERM (never our 25 s watchdog's exit 1, nor SIGKILL).
      expect([
        { code: 0, signal: null },
        { code: null, signal: 'SIGTERM' },
      ]).toContainEqual(exit);
      expect(running.output()).toContain('shutting down');
    }
  });

  it('reports not ready (503) while Redis is unreachable, but stays live', async () => {
    const running = await startBuiltApp('dispatcher', { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await fetch(`${running.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { redis: { status: 'down' }, postgres: { status: 'up' } } });
      expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    } finally {
      // Stops cleanly: the worker is not left waiting on the dead connection until the 25 s
      // watchdog exits the process with code 1.
      expect([
        { code: 0, signal: null },
        { code: null, signal: 'SIGTERM' },
      ]).toContainEqual(await running.stop());
    }
  });

  it.each([
    ['dispatcher', { REDIS_URL: 'not-a-url' }, 'REDIS_URL'],
    ['webhook-gateway', { PORT: 'eighty' }, 'PORT'],
    ['config-api', { ADMIN_TOKEN: '' }, 'ADMIN_TOKEN'],
    ['result-sync', { NODE_ENV: 'production', PLATFORM_API_KEY: 'k' }, 'ENCRYPTION_KEY'],
  ])('%s refuses to start with a bad environment and names the variable', async (app, bad, variable) => {
    const { code, output } = await runBuiltApp(app, { ...env, ...bad });
    expect(code).toBe(1);
    expect(output).toContain(variable);
    for (const value of Object.values(bad)) if (value.length > 3) expect(output).not.toContain(`"${value}"`);
  });

  it.each(ALL_APPS)('%s defaults to its documented port', async (app) => {
    const { code, output } = await runBuiltApp(app, { ADMIN_TOKEN: env.ADMIN_TOKEN }, { args: ['--check-config'] });
    expect(code).toBe(0);
    expect(JSON.parse(output.trim().split('\n').pop()!)).toMatchObject({ service: app, config: { PORT: DEFAULT_PORTS[app] } });
  });
});
