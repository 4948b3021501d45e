import { createDataSource } from '@lever-assess/persistence';
import { QUEUE_NAMES } from '@lever-assess/queues';
import { Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  freePort,
  runBuiltApp,
  startBuiltApp,
  type RunningApp,
  type TestDatabase,
  type TestRedisNamespace,
  waitForQueuesIdle,
} from '@lever-assess/testing';

/** Fixed by the Lever sandbox's seed (docs/lever-sandbox.md). */
export const ACME_COMPANY_ID = 'e0000000-0000-4000-8000-000000000001';
export const LEVER_KEY = 'demo-lever-key';
export const SIGNATURE_TOKEN = 'demo-signature-token';
export const TAG_PREFIX = 'Acme Test';
const WEBHOOK_KEY = 'e2e-acme-webhook-key';
const PLATFORM_SECRET = 'e2e-platform-webhook-secret';
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const OAUTH_CLIENT_ID = 'e2e-oauth-client';
const OAUTH_CLIENT_SECRET = 'e2e-oauth-client-secret';
/** The sandbox's default per-event tokens, which seed-demo stores for the demo account. */
export const EVENT_SIGNATURE_TOKENS = {
  candidateArchiveChange: 'demo-archive-signature-token',
  candidateHired: 'demo-hired-signature-token',
  candidateDeleted: 'demo-deleted-signature-token',
};

export interface CandidateState {
  id: string;
  name: string;
  tags: string[];
  links: string[];
  notes: { value: string; userId: string | null }[];
  history: { performAs?: string | null }[];
}

export interface Invitation {
  id: string;
  status: string;
  testName: string | null;
  candidateUrl: string;
  interviewerUrl: string | null;
  request: { kind: string; testId: string | null; timeLimitMinutes: number; reference: string; candidate: { name: string; email: string } };
}

/**
 * The whole product as processes: both sandboxes, the gateway and both workers, built bundles
 * on free ports, a fresh database and queue prefix, and the demo account seeded by seed-demo.js.
 */
export class FlowHarness {
  apps: Record<string, RunningApp> = {};
  private queues: Queue[] = [];
  private seedLog = '';
  private db!: TestDatabase;
  private ns!: TestRedisNamespace;
  leverUrl = '';
  platformUrl = '';
  gatewayUrl = '';
  webhookUrl = '';
  /** Set when started with `configApi: true`. */
  configApiUrl = '';

  /** The environment every product app of this run gets (database, Redis prefix, keys, sandbox URLs). */
  env: Record<string, string> = {};

  /** Starts the product; `dispatchers` and `resultSyncs` replicas share the Redis, database and prefix. */
  async start({
    dispatchers = 1,
    resultSyncs = 1,
    configApi = false,
    oauth = false,
  }: {
    dispatchers?: number;
    resultSyncs?: number;
    configApi?: boolean;
    /** Every app gets LEVER_OAUTH_* for the Lever sandbox's auth server (accounts may connect with OAuth). */
    oauth?: boolean;
  } = {}): Promise<void> {
    [this.db, this.ns] = await Promise.all([createTestDatabase('la_e2e_flow'), createTestRedisNamespace('e2e_flow')]);
    const [leverPort, platformPort, gatewayPort, configApiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    this.leverUrl = `http://127.0.0.1:${leverPort}`;
    this.platformUrl = `http://127.0.0.1:${platformPort}`;
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    this.webhookUrl = `${this.gatewayUrl}/webhooks/lever/${WEBHOOK_KEY}`;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: this.ns.prefix,
      ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      LEVER_API_URL: `${this.leverUrl}/v1`,
      PLATFORM_API_URL: this.platformUrl,
      PLATFORM_API_KEY: 'e2e-platform-key',
      PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
      ...(oauth
        ? {
            LEVER_OAUTH_URL: this.leverUrl,
            LEVER_OAUTH_CLIENT_ID: OAUTH_CLIENT_ID,
            LEVER_OAUTH_CLIENT_SECRET: OAUTH_CLIENT_SECRET,
            LEVER_OAUTH_REDIRECT_URL: `http://127.0.0.1:${configApiPort}/oauth/lever/callback`,
          }
        : {}),
    };
    // Independent processes start together (the two sandboxes, then every product app): each start
    // is mostly Node loading its bundle, and this harness runs in most e2e files.
    await this.startAll([
      [
        'lever-sandbox',
        startBuiltApp('lever-sandbox', {
          PORT: String(leverPort),
          LEVER_SANDBOX_OAUTH_CLIENT_ID: OAUTH_CLIENT_ID,
          LEVER_SANDBOX_OAUTH_CLIENT_SECRET: OAUTH_CLIENT_SECRET,
          // Short-lived access tokens: the workers refresh them while the flow runs.
          LEVER_SANDBOX_OAUTH_ACCESS_TTL_S: '2',
          LEVER_SANDBOX_API_KEY: LEVER_KEY,
          LEVER_SANDBOX_SIGNATURE_TOKEN: SIGNATURE_TOKEN,
          LEVER_SANDBOX_WEBHOOK_URL: this.webhookUrl,
        }),
      ],
      [
        'platform-sandbox',
        startBuiltApp('platform-sandbox', {
          PORT: String(platformPort),
          PLATFORM_API_KEY: common.PLATFORM_API_KEY,
          PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
          PLATFORM_CALLBACK_URL: `${this.gatewayUrl}/webhooks/platform`,
          PLATFORM_PUBLIC_URL: this.platformUrl,
        }),
      ],
    ]);
    // The demo account, seeded as `npm start` does (seed-demo.js is an extra entry of config-api); it reads Lever's users.
    const seeded = await runBuiltApp('config-api', { ...common, DEMO_WEBHOOK_KEY: WEBHOOK_KEY }, { entry: 'seed-demo', timeoutMs: 30_000 });
    if (seeded.code !== 0) throw new Error(`seeding failed:\n${seeded.output}`);
    this.seedLog = seeded.logFile;
    this.env = common;
    const product: [string, Promise<RunningApp>][] = [
      ['webhook-gateway', startBuiltApp('webhook-gateway', { ...common, PORT: String(gatewayPort) }, { readyPath: '/health/ready' })],
    ];
    for (let i = 1; i <= dispatchers; i++) {
      product.push([i === 1 ? 'dispatcher' : `dispatcher-${i}`, startBuiltApp('dispatcher', common, { readyPath: '/health/ready' })]);
    }
    for (let i = 1; i <= resultSyncs; i++) {
      product.push([i === 1 ? 'result-sync' : `result-sync-${i}`, startBuiltApp('result-sync', common, { readyPath: '/health/ready' })]);
    }
    if (configApi) {
      const env = { ...common, PORT: String(configApiPort), ADMIN_TOKEN, PUBLIC_BASE_URL: this.gatewayUrl };
      product.push(['config-api', startBuiltApp('config-api', env, { readyPath: '/health/ready' })]);
    }
    await this.startAll(product);
    if (configApi) this.configApiUrl = this.apps['config-api'].url;
    this.queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix: this.ns.prefix }));
  }

  /**
   * Awaits every start (a failed one is stopped by startBuiltApp) and keeps the ones that did
   * start in this.apps, so stop() ends them even when another failed; then throws the first failure.
   */
  private async startAll(starts: [string, Promise<RunningApp>][]): Promise<void> {
    const results = await Promise.allSettled(starts.map(([, app]) => app));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') this.apps[starts[i][0]] = result.value;
    });
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Every secret this run handed the product, by name: none may appear in a line it logs. */
  get secrets(): Record<string, string> {
    return {
      'Lever API key': LEVER_KEY,
      'Lever signature token': SIGNATURE_TOKEN,
      ...Object.fromEntries(Object.entries(EVENT_SIGNATURE_TOKENS).map(([event, token]) => [`${event} signature token`, token])),
      'admin token': ADMIN_TOKEN,
      'OAuth client secret': OAUTH_CLIENT_SECRET,
      'webhook key': WEBHOOK_KEY,
      'platform webhook secret': PLATFORM_SECRET,
      'platform API key': this.env.PLATFORM_API_KEY,
      ENCRYPTION_KEY: this.env.ENCRYPTION_KEY,
    };
  }

  /**
   * Stops the product's apps (so every buffered line is written) and reads every line they and
   * the seed logged. Call it last: the sandboxes keep running, the product does not.
   */
  async stopAndReadProductLogs(): Promise<Map<string, string>> {
    const product = Object.entries(this.apps).filter(([name]) => !name.endsWith('-sandbox'));
    for (const [, app] of product) await app.stop();
    return new Map([...product.map(([, app]) => app.logFile), this.seedLog].map((file) => [basename(file), readFileSync(file, 'utf8')]));
  }

  /** The test's Redis connection (its key prefix is env.QUEUE_PREFIX). */
  get redis() {
    return this.ns.redis;
  }

  /** Waits until no queue has work left: everything the last steps caused has happened. */
  idle(): Promise<void> {
    return waitForQueuesIdle(this.queues, { hardMs: 45_000 });
  }

  async stop(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
    for (const app of Object.values(this.apps).reverse()) await app.stop();
    await this.ns?.cleanup();
    await this.db?.drop();
  }

  async json<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  lever<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.json<T>(method, `${this.leverUrl}/v1${path}`, body, {
      authorization: 'Basic ' + Buffer.from(`${LEVER_KEY}:`).toString('base64'),
    });
  }

  async addCandidate(name: string, emails: string[], tags: string[] = []): Promise<string> {
    const res = await this.json<{ opportunities: { id: string }[] }>(
      'POST',
      `${this.leverUrl}/_sandbox/companies/${ACME_COMPANY_ID}/candidates`,
      {
        candidates: [{ name, emails, tags, stage: 'New applicant' }],
      },
    );
    return res.opportunities[0].id;
  }

  async stageId(name: string): Promise<string> {
    const { data } = await this.lever<{ data: { id: string; text: string }[] }>('GET', '/stages');
    const stage = data.find((s) => s.text === name);
    if (!stage) throw new Error(`no stage ${name}`);
    return stage.id;
  }

  /**
   * A recruiter moves the candidate in Lever's UI (no API key, so the product keeps the key's
   * whole budget); the Lever sandbox then sends the signed webhook.
   */
  async moveTo(opportunityId: string, stageName: string): Promise<void> {
    await this.json('PUT', `${this.leverUrl}/_sandbox/opportunities/${opportunityId}/stage`, { stage: stageName });
  }

  candidate(opportunityId: string): Promise<CandidateState> {
    return this.json('GET', `${this.leverUrl}/_sandbox/opportunities/${opportunityId}`);
  }

  statusTags(state: CandidateState): string[] {
    return state.tags.filter((t) => t.startsWith(`${TAG_PREFIX} - `));
  }

  /** Waits until the candidate carries exactly this one status tag (and `extra` holds). */
  untilStatus(opportunityId: string, suffix: string, extra: (s: CandidateState) => boolean = () => true): Promise<CandidateState> {
    return eventually(
      async () => {
        const state = await this.candidate(opportunityId);
        const tags = this.statusTags(state);
        if (tags.length !== 1 || tags[0] !== `${TAG_PREFIX} - ${suffix}` || !extra(state)) {
          throw new Error(`status tags [${tags.join(', ')}], links [${state.links.join(', ')}], notes ${state.notes.length}`);
        }
        return state;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  async invitations(): Promise<Invitation[]> {
    return (await this.json<{ data: Invitation[] }>('GET', `${this.platformUrl}/_sandbox/invitations`)).data;
  }

  async invitationFor(email: string): Promise<Invitation> {
    return eventually(async () => (await this.invitations()).find((i) => i.request.candidate.email === email) ?? null, {
      timeoutMs: 30_000,
    });
  }

  /** Waits until the platform holds `count` invitations for this email (Flow B: one per pad). */
  async invitationsFor(email: string, count: number): Promise<Invitation[]> {
    return eventually(
      async () => {
        const mine = (await this.invitations()).filter((i) => i.request.candidate.email === email);
        return mine.length >= count ? mine : null;
      },
      { timeoutMs: 30_000 },
    );
  }

  /** The stage-change webhook Lever delivered for this opportunity (waits for it). */
  async deliveredWebhook(opportunityId: string): Promise<{ body: Record<string, unknown>; state: string }> {
    return eventually(async () => (await this.deliveriesFor(opportunityId)).find((d) => d.state === 'delivered') ?? null, {
      timeoutMs: 30_000,
    });
  }

  /** POSTs a Lever webhook body to the account's webhook URL, as Lever (re)delivers it. */
  postWebhook(body: Record<string, unknown>): Promise<Response> {
    return fetch(this.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async deliveriesFor(
    opportunityId: string,
    companyId = ACME_COMPANY_ID,
  ): Promise<{ body: Record<string, unknown>; state: string; apiWebhookId?: string }[]> {
    const { data } = await this.json<{ data: { body: { data?: { opportunityId?: string } }; state: string }[] }>(
      'GET',
      `${this.leverUrl}/_sandbox/webhook-deliveries?companyId=${companyId}`,
    );
    return data.filter((d) => d.body.data?.opportunityId === opportunityId) as never;
  }

  /** The config API as a vendor admin (start with `configApi: true`). */
  admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.json<T>(method, `${this.configApiUrl}${path}`, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
  }

  /** The product's database, for what no API shows (purged columns). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const ds = await createDataSource(this.env.DATABASE_URL).initialize();
    try {
      return (await ds.query(sql, params)) as T[];
    } finally {
      await ds.destroy();
    }
  }

  platform<T>(path: string, body: unknown = {}): Promise<T> {
    return this.json<T>('POST', `${this.platformUrl}/_sandbox${path}`, body);
  }
}

/** "<log>: <secret name>" for every secret found in a log's text. */
export function secretsInLogs(logs: ReadonlyMap<string, string>, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [log, text] of logs) {
    for (const [name, value] of Object.entries(secrets)) if (value && text.includes(value)) found.push(`${log}: ${name}`);
  }
  return found;
}

/** Stops the product (see stopAndReadProductLogs) and expects none of the run's secrets in its logs. */
export async function expectNoSecretLogged(harness: FlowHarness): Promise<void> {
  const logs = await harness.stopAndReadProductLogs();
  // The run did log (at info), so finding nothing means something.
  expect([...logs.values()].join('').split('\n').length).toBeGreaterThan(50);
  expect(secretsInLogs(logs, harness.secrets)).toEqual([]);
  // The scan itself finds a secret where there is one.
  const planted = new Map([['planted.log', `{"msg":"x","key":"${harness.secrets['Lever API key']}"}`]]);
  expect(secretsInLogs(planted, harness.secrets)).toEqual(['planted.log: Lever API key']);
}
