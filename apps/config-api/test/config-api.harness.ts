import { createHttpApp } from '@lever-assess/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadConfigApiEnv, type ConfigApiEnv } from '../src/config';
import { setupConsole } from '../src/console/console-static';
import { setupOpenApi } from '../src/openapi/openapi.setup';

/** Ids the Lever sandbox seeds for its company "Acme" (docs/lever-sandbox.md). */
export const ACME = {
  botUserId: 'b0000000-0000-4000-8000-000000000003',
  keyId: 'key_acme_demo',
  codingTestStageId: 'a0000000-0000-4000-8000-000000000003',
  adaOpportunityId: 'd0000000-0000-4000-8000-000000000001',
};

export const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
export const PLATFORM_API_KEY = `platform-${randomBytes(8).toString('hex')}`;

/**
 * The helpers of @lever-assess/testing this harness uses. Lint lets only test files import that
 * lib, so each test file passes it in (`import * as testing from '@lever-assess/testing'`).
 */
export interface TestHelpers {
  TEST_REDIS_URL: string;
  createTestDatabase(label?: string): Promise<TestDatabase>;
  createTestRedisNamespace(label?: string): Promise<TestRedisNamespace>;
  startBuiltApp(app: string, env: Record<string, string>): Promise<RunningApp>;
}
interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}
interface TestRedisNamespace {
  prefix: string;
  cleanup(): Promise<void>;
}
interface RunningApp {
  url: string;
  stop(): Promise<unknown>;
}

// Answers are inspected loosely in the tests; one alias keeps that choice in one place.
type Json = any;

export interface ApiAnswer<T = Json> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** An answer as the tests read it: the body parsed when it is JSON, else kept as text (e.g. the Swagger UI page). */
export async function readAnswer<T = Json>(res: Response): Promise<ApiAnswer<T>> {
  const text = await res.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body, text, headers: res.headers };
}

export interface RouteInfo {
  method: string;
  url: string;
}

/**
 * One config-API test file's world: its own database and Redis prefix, the built Lever and
 * platform sandboxes as real processes, and the config API in-process, all over real HTTP.
 */
export class ConfigApiHarness {
  app!: NestFastifyApplication;
  url!: string;
  env!: ConfigApiEnv;
  db!: TestDatabase;
  ns!: TestRedisNamespace;
  lever!: RunningApp;
  platform!: RunningApp;
  /** Every route the Fastify router registered (filled while the app initialises). */
  readonly routes: RouteInfo[] = [];
  /** The Lever sandbox's Acme API key (all permissions). */
  readonly leverApiKey = `lever-${randomBytes(8).toString('hex')}`;
  readonly leverSignatureToken = `sig-${randomBytes(8).toString('hex')}`;
  private extraApps: NestFastifyApplication[] = [];

  private testing!: TestHelpers;

  /** `testing` is `import * as testing from '@lever-assess/testing'` in the test file. */
  static async start(label: string, testing: TestHelpers): Promise<ConfigApiHarness> {
    const h = new ConfigApiHarness();
    h.testing = testing;
    try {
      h.db = await testing.createTestDatabase(`la_test_${label}`);
      h.ns = await testing.createTestRedisNamespace(label);
      // allSettled: when one sandbox cannot start, the other is still known here and stopped below.
      const [lever, platform] = await Promise.allSettled([
        testing.startBuiltApp('lever-sandbox', {
          LOG_LEVEL: 'silent',
          LEVER_SANDBOX_API_KEY: h.leverApiKey,
          LEVER_SANDBOX_SIGNATURE_TOKEN: h.leverSignatureToken,
        }),
        testing.startBuiltApp('platform-sandbox', {
          LOG_LEVEL: 'silent',
          PLATFORM_API_KEY,
          PLATFORM_WEBHOOK_SECRET: 'platform-webhook-secret-for-tests',
          // Nothing listens there: these tests never complete invitations.
          PLATFORM_CALLBACK_URL: 'http://127.0.0.1:9/webhooks/platform',
          CALLBACK_MAX_ATTEMPTS: '1',
        }),
      ]);
      if (lever.status === 'fulfilled') h.lever = lever.value;
      if (platform.status === 'fulfilled') h.platform = platform.value;
      for (const started of [lever, platform]) if (started.status === 'rejected') throw started.reason;
      h.env = h.envWith({});
      const { app, url } = await h.startApp(h.env, (route) => h.routes.push(route));
      h.app = app;
      h.url = url;
      return h;
    } catch (err) {
      // The test file's afterAll never sees a harness that failed to start: nothing may outlive it.
      await h.close().catch(() => undefined);
      throw err;
    }
  }

  envWith(overrides: Record<string, string>): ConfigApiEnv {
    return loadConfigApiEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      REDIS_URL: this.testing.TEST_REDIS_URL,
      QUEUE_PREFIX: this.ns.prefix,
      DATABASE_URL: this.db.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LEVER_API_URL: `${this.lever.url}/v1`,
      PLATFORM_API_URL: this.platform.url,
      PLATFORM_API_KEY,
      ADMIN_TOKEN,
      PUBLIC_BASE_URL: 'https://hooks.example.test/',
      ...overrides,
    });
  }

  /** Builds the app as main.ts does (module, OpenAPI) and listens on a free port. */
  async startApp(env: ConfigApiEnv, onRoute?: (route: RouteInfo) => void): Promise<{ app: NestFastifyApplication; url: string }> {
    const app = await createHttpApp(AppModule.forRoot(env), { service: 'config-api', logLevel: 'warn' });
    if (onRoute) {
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) onRoute({ method: String(method), url: route.url ?? route.path });
        });
    }
    await app.init();
    setupOpenApi(app);
    setupConsole(app);
    await app.listen(0, '127.0.0.1');
    if (this.app) this.extraApps.push(app);
    return { app, url: await app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')) };
  }

  async call<T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null; baseUrl?: string } = {},
  ): Promise<ApiAnswer<T>> {
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch((options.baseUrl ?? this.url) + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return readAnswer<T>(res);
  }

  /** Calls a sandbox's control API (`/_sandbox/...`) and fails loudly on a non-2xx. */
  async sandbox<T = Json>(app: RunningApp, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(app.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A valid create-account body for the sandbox's Acme company. */
  accountBody(overrides: Record<string, unknown> = {}, lever: Record<string, unknown> = {}) {
    return {
      name: 'Acme Corp',
      tagPrefix: 'Acme Test',
      platformAccountId: 'acme',
      lever: { apiKey: this.leverApiKey, signatureToken: this.leverSignatureToken, performAsUserId: ACME.botUserId, ...lever },
      ...overrides,
    };
  }

  async createAccount(overrides: Record<string, unknown> = {}, lever: Record<string, unknown> = {}): Promise<Json> {
    const res = await this.call('POST', '/v1/accounts', { body: this.accountBody(overrides, lever) });
    if (res.status !== 201) throw new Error(`create account -> ${res.status}: ${res.text}`);
    return res.body;
  }

  async close(): Promise<void> {
    for (const app of [...this.extraApps, this.app]) await app?.close();
    await Promise.all([this.lever?.stop(), this.platform?.stop()]);
    await this.ns?.cleanup();
    await this.db?.drop();
  }
}
