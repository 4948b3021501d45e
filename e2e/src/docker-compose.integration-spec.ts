import { runBuiltApp } from '@lever-assess/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALL_APPS, DEFAULT_PORTS, SERVICE_APPS } from './app-ports';

// Docker does not run on our machines, so the compose file is checked against the apps instead.
const ROOT = join(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('declares every app plus redis, postgres and the one-shot migrate service', () => {
    expect(Object.keys(services).sort()).toEqual([...ALL_APPS, 'migrate', 'postgres', 'redis'].sort());
  });

  it('runs Redis with the append-only file on', () => {
    expect(services.redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(services.redis.healthcheck).toBeDefined();
    expect(services.postgres.healthcheck).toBeDefined();
  });

  it.each(ALL_APPS)('%s: runs its bundle, publishes its port and has a healthcheck', (app) => {
    const svc = services[app];
    expect(svc.command).toEqual(['node', `dist/apps/${app}/main.js`]);
    const port = DEFAULT_PORTS[app];
    expect(svc.environment?.PORT).toBe(String(port));
    expect(svc.ports).toContain(`${port}:${port}`);
    expect(svc.healthcheck?.test.join(' ')).toContain('/health/ready');
    expect(svc.image).toBe('lever-assess:local');
  });

  it.each(SERVICE_APPS)('%s: waits for healthy Redis/Postgres and a completed migration', (app) => {
    expect(services[app].depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    const db = new URL(services[app].environment!.DATABASE_URL);
    const pg = services.postgres.environment!;
    expect([db.hostname, db.username, db.password, db.pathname.slice(1)]).toEqual([
      'postgres',
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      pg.POSTGRES_DB,
    ]);
    expect(new URL(services[app].environment!.REDIS_URL).hostname).toBe('redis');
  });

  it.each(ALL_APPS)("%s: its compose environment passes the app's own validation", async (app) => {
    const { code, output } = await runBuiltApp(app, services[app].environment ?? {}, { args: ['--check-config'] });
    expect({ code, output }).toMatchObject({ code: 0 });
  });

  it('points the sandboxes and the gateway at each other consistently', () => {
    const gateway = services['webhook-gateway'].environment!;
    const platform = services['platform-sandbox'].environment!;
    expect(platform.PLATFORM_WEBHOOK_SECRET).toBe(gateway.PLATFORM_WEBHOOK_SECRET);
    expect(platform.PLATFORM_API_KEY).toBe(services.dispatcher.environment!.PLATFORM_API_KEY);
    expect(new URL(platform.PLATFORM_CALLBACK_URL).host).toBe('webhook-gateway:3000');
    expect(new URL(services['lever-sandbox'].environment!.LEVER_SANDBOX_WEBHOOK_URL).host).toBe('webhook-gateway:3000');
    expect(services.dispatcher.environment!.LEVER_API_URL).toBe('http://lever-sandbox:4010/v1');
  });

  it('connects with OAuth against the sandbox: codes exchanged between containers, the browser sent to the host', () => {
    const config = services['config-api'].environment!;
    // The apps reach the sandbox by its service name; the admin's browser on the host by localhost.
    expect(new URL(config.LEVER_OAUTH_URL).host).toBe('lever-sandbox:4010');
    expect(new URL(config.LEVER_OAUTH_AUTHORIZE_URL).host).toBe('localhost:4010');
    expect(services['lever-sandbox'].ports).toContain('4010:4010');
    // Lever redirects the browser to config-api's public callback, on its published port.
    const callback = new URL(config.LEVER_OAUTH_REDIRECT_URL);
    expect([callback.host, callback.pathname]).toEqual(['localhost:3001', '/oauth/lever/callback']);
    expect(services['config-api'].ports).toContain('3001:3001');
    // The workers refresh tokens with the same client; the sandbox's defaults accept it.
    for (const app of ['dispatcher', 'result-sync']) {
      expect(services[app].environment!.LEVER_OAUTH_CLIENT_ID).toBe(config.LEVER_OAUTH_CLIENT_ID);
      expect(services[app].environment!.LEVER_OAUTH_URL).toBe(config.LEVER_OAUTH_URL);
    }
    expect([config.LEVER_OAUTH_CLIENT_ID, config.LEVER_OAUTH_CLIENT_SECRET]).toEqual(['demo-oauth-client', 'demo-oauth-secret']);
  });

  it('builds one image whose runtime stage runs as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/\nUSER node\n/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
  });
});
