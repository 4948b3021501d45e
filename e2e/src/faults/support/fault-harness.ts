import { signLeverWebhook } from '@lever-assess/common';
import { QUEUE_NAMES } from '@lever-assess/queues';
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  TcpProxy,
  createTestDatabase,
  deleteKeysWithPrefix,
  eventually,
  freePort,
  pendingJobCounts,
  runBuiltApp,
  sleep,
  startBuiltApp,
  uniqueName,
  type AppExit,
  type RunningApp,
  type TestDatabase,
} from '@lever-assess/testing';
import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

/** Fixed by the Lever sandbox's seed (docs/lever-sandbox.md) and seed-demo.js. */
export const ACME_COMPANY_ID = 'e0000000-0000-4000-8000-000000000001';
export const ACME_KEY_ID = 'key_acme_demo';
export const LEVER_KEY = 'demo-lever-key';
export const SIGNATURE_TOKEN = 'demo-signature-token';
export const TAG_PREFIX = 'Acme Test';
export const TRIGGER_STAGE = 'Coding Test';
const WEBHOOK_KEY = 'faults-acme-webhook-key';
const PLATFORM_SECRET = 'faults-platform-webhook-secret';

export type Worker = 'dispatcher' | 'result-sync' | 'webhook-gateway';

export interface CandidateState {
  id: string;
  tags: string[];
  links: string[];
  notes: { value: string; userId: string | null }[];
}

export interface Invitation {
  id: string;
  status: string;
  request: { reference: string; candidate: { email: string } };
}

export interface Candidate {
  opportunityId: string;
  email: string;
}

/** What one candidate must show at the end: the one status tag, and for a scored one its report. */
export interface Expected extends Candidate {
  suffix: string;
  /** Set once scored: the report link must be there once, and exactly one result note. */
  scored?: boolean;
  /** The account's tag prefix (the demo account's by default). */
  prefix?: string;
}

export interface FaultHarnessOptions {
  /** Redis of the product apps (a test's own redis-server for outages); the shared one by default. */
  redisUrl?: string;
  /** Put a TCP proxy between the product apps and PostgreSQL (`harness.pgProxy.cut()`). */
  pgProxy?: boolean;
  /** Extra environment for the platform sandbox. */
  platformEnv?: Record<string, string>;
}

/**
 * The whole product as processes for the fault suite: both sandboxes, the gateway, one dispatcher
 * and one result-sync (built bundles), a fresh database and queue prefix, the demo account seeded
 * by seed-demo.js (trigger stage Coding Test, Python Basics, pass >= 70, fail <= 40). Workers can
 * be killed and started again; `assertFinalState` checks what Lever and the platform hold.
 */
export class FaultHarness {
  apps: Partial<Record<string, RunningApp>> = {};
  env: Record<string, string> = {};
  leverUrl = '';
  platformUrl = '';
  gatewayUrl = '';
  webhookUrl = '';
  pgProxy: TcpProxy | null = null;
  redis!: Redis;
  private queues: Queue[] = [];
  private db!: TestDatabase;
  private prefix = '';
  private gatewayPort = 0;
  private run = 0;

  constructor(private readonly options: FaultHarnessOptions = {}) {}

  get redisUrl(): string {
    return this.options.redisUrl ?? TEST_REDIS_URL;
  }

  async start(): Promise<void> {
    this.db = await createTestDatabase('la_faults');
    this.prefix = uniqueName('faults');
    let databaseUrl = this.db.url;
    if (this.options.pgProxy) {
      const target = new URL(TEST_POSTGRES_URL);
      this.pgProxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await this.pgProxy.start();
      databaseUrl = this.pgProxy.rewrite(this.db.url);
    }
    const [leverPort, platformPort] = [await freePort(), await freePort()];
    this.gatewayPort = await freePort();
    this.leverUrl = `http://127.0.0.1:${leverPort}`;
    this.platformUrl = `http://127.0.0.1:${platformPort}`;
    this.gatewayUrl = `http://127.0.0.1:${this.gatewayPort}`;
    this.webhookUrl = `${this.gatewayUrl}/webhooks/lever/${WEBHOOK_KEY}`;
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.prefix,
      ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      LEVER_API_URL: `${this.leverUrl}/v1`,
      PLATFORM_API_URL: this.platformUrl,
      PLATFORM_API_KEY: 'faults-platform-key',
      PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
    };
    this.apps['lever-sandbox'] = await startBuiltApp('lever-sandbox', {
      PORT: String(leverPort),
      LOG_LEVEL: 'warn',
      LEVER_SANDBOX_API_KEY: LEVER_KEY,
      LEVER_SANDBOX_SIGNATURE_TOKEN: SIGNATURE_TOKEN,
      LEVER_SANDBOX_WEBHOOK_URL: this.webhookUrl,
    });
    this.apps['platform-sandbox'] = await startBuiltApp('platform-sandbox', {
      PORT: String(platformPort),
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: this.env.PLATFORM_API_KEY,
      PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
      PLATFORM_CALLBACK_URL: `${this.gatewayUrl}/webhooks/platform`,
      PLATFORM_PUBLIC_URL: this.platformUrl,
      ...this.options.platformEnv,
    });
    const seeded = await runBuiltApp(
      'config-api',
      { ...this.env, DEMO_WEBHOOK_KEY: WEBHOOK_KEY },
      { entry: 'seed-demo', timeoutMs: 30_000 },
    );
    if (seeded.code !== 0) throw new Error(`seeding failed:\n${seeded.output}`);
    await this.startApp('webhook-gateway');
    await this.startApp('dispatcher');
    await this.startApp('result-sync');
    this.redis = new IORedis(this.redisUrl, { maxRetriesPerRequest: null });
    this.queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: { url: this.redisUrl }, prefix: this.prefix }));
  }

  /** Starts (again) one product app under `name` (the gateway always on the same port). */
  async startApp(app: Worker, name: string = app, { waitReady = true } = {}): Promise<RunningApp> {
    const env = app === 'webhook-gateway' ? { ...this.env, PORT: String(this.gatewayPort) } : this.env;
    const running = await startBuiltApp(app, env, { readyPath: waitReady ? '/health/ready' : '/health/live', timeoutMs: 60_000 });
    this.apps[name] = running;
    return running;
  }

  /** Starts config-api (the admin API) as a process; `ADMIN_TOKEN` is `FaultHarness.ADMIN_TOKEN`. */
  async startConfigApi(): Promise<RunningApp> {
    const running = await startBuiltApp(
      'config-api',
      { ...this.env, ADMIN_TOKEN: FaultHarness.ADMIN_TOKEN, PUBLIC_BASE_URL: this.gatewayUrl },
      { readyPath: '/health/ready', timeoutMs: 60_000 },
    );
    this.apps['config-api'] = running;
    return running;
  }

  static readonly ADMIN_TOKEN = 'faults-admin-token-0123456789';

  /** A config-api call as the admin. */
  async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.apps['config-api']!.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${FaultHarness.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Kills (SIGKILL: no shutdown hook runs) or stops (SIGTERM) an app and waits for its exit. */
  async signal(name: string, signal: NodeJS.Signals): Promise<AppExit & { ms: number }> {
    const app = this.apps[name];
    if (!app) throw new Error(`no app ${name}`);
    const started = Date.now();
    const exited = new Promise<AppExit>((resolve) => {
      if (app.process.exitCode !== null || app.process.signalCode !== null) {
        resolve({ code: app.process.exitCode, signal: app.process.signalCode });
      } else app.process.once('exit', (code, sig) => resolve({ code, signal: sig }));
    });
    app.process.kill(signal);
    const exit = await exited;
    delete this.apps[name];
    return { ...exit, ms: Date.now() - started };
  }

  async stop(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    for (const app of Object.values(this.apps).reverse()) await app?.stop();
    if (this.redis) {
      await deleteKeysWithPrefix(this.redis, this.prefix).catch(() => undefined);
      this.redis.disconnect();
    }
    await this.pgProxy?.stop();
    await this.db?.drop();
  }

  // ---- HTTP helpers ----

  async json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Adds `count` candidates with unique emails to the Acme company, at New applicant. */
  async addCandidates(count: number, label = 'c', stage = 'New applicant'): Promise<Candidate[]> {
    const tag = `${label}-${process.pid}-${++this.run}-${randomBytes(3).toString('hex')}`;
    const emails = Array.from({ length: count }, (_, i) => `${tag}-${i}@candidates.example`);
    const res = await this.json<{ opportunities: { id: string }[] }>(
      'POST',
      `${this.leverUrl}/_sandbox/companies/${ACME_COMPANY_ID}/candidates`,
      {
        candidates: emails.map((email, i) => ({ name: `Fault ${label} ${i}`, emails: [email], stage })),
      },
    );
    return res.opportunities.map((o, i) => ({ opportunityId: o.id, email: emails[i] }));
  }

  /** Recruiters move every candidate to the trigger stage at once (the sandbox sends the webhooks). */
  async moveAll(candidates: Candidate[], stage = TRIGGER_STAGE): Promise<void> {
    await Promise.all(
      candidates.map((c) => this.json('PUT', `${this.leverUrl}/_sandbox/opportunities/${c.opportunityId}/stage`, { stage })),
    );
  }

  candidate(opportunityId: string): Promise<CandidateState> {
    return this.json('GET', `${this.leverUrl}/_sandbox/opportunities/${opportunityId}`);
  }

  async invitations(): Promise<Invitation[]> {
    return (await this.json<{ data: Invitation[] }>('GET', `${this.platformUrl}/_sandbox/invitations`)).data;
  }

  platform<T>(path: string, body: unknown = {}): Promise<T> {
    return this.json<T>('POST', `${this.platformUrl}/_sandbox${path}`, body);
  }

  async leverFault(fault: { status?: number; count?: number; retryAfter?: number; delayMs?: number }): Promise<void> {
    await this.json('POST', `${this.leverUrl}/_sandbox/keys/${ACME_KEY_ID}/faults`, fault);
  }

  /** Requests the account's Lever key has seen, by answer status. */
  async leverStatusCounts(): Promise<Record<string, number>> {
    return (await this.json<{ byStatus: Record<string, number> }>('GET', `${this.leverUrl}/_sandbox/keys/${ACME_KEY_ID}/stats`)).byStatus;
  }

  /** Platform faults not yet consumed. */
  async pendingPlatformFaults(): Promise<unknown[]> {
    const res = await this.json<unknown[] | { data: unknown[] }>('GET', `${this.platformUrl}/_sandbox/faults`);
    return Array.isArray(res) ? res : res.data;
  }

  async platformFault(fault: {
    status?: number;
    count?: number;
    delayMs?: number;
    match?: string;
    retryAfterSeconds?: number;
  }): Promise<void> {
    await this.json('POST', `${this.platformUrl}/_sandbox/faults`, fault);
  }

  /** A signed Lever stage-change delivery of this candidate to the trigger stage (as Lever signs it). */
  signedDelivery(candidate: Candidate): Record<string, unknown> {
    const token = randomBytes(24).toString('hex');
    const triggeredAt = Date.now();
    return {
      triggeredAt,
      event: 'candidateStageChange',
      data: {
        opportunityId: candidate.opportunityId,
        candidateId: candidate.opportunityId,
        toStageId: 'a0000000-0000-4000-8000-000000000003',
      },
      token,
      signature: signLeverWebhook(token, triggeredAt, SIGNATURE_TOKEN),
    };
  }

  /** Posts a delivery straight to the gateway, as Lever (re)delivers it. */
  postDelivery(body: Record<string, unknown>): Promise<Response> {
    return fetch(this.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async webhookDeliveries(): Promise<{ body: { data?: { opportunityId?: string } }; state: string; attempts?: unknown[] }[]> {
    return (await this.json<{ data: never[] }>('GET', `${this.leverUrl}/_sandbox/webhook-deliveries?companyId=${ACME_COMPANY_ID}`)).data;
  }

  // ---- progress probes (to inject a fault mid-burst) ----

  async invitedCount(candidates: Candidate[]): Promise<number> {
    const emails = new Set(candidates.map((c) => c.email));
    return (await this.invitations()).filter((i) => emails.has(i.request.candidate.email)).length;
  }

  async withStatusCount(candidates: Candidate[], suffix: string, prefix = TAG_PREFIX): Promise<number> {
    const states = await Promise.all(candidates.map((c) => this.candidate(c.opportunityId)));
    return states.filter((s) => s.tags.includes(`${prefix} - ${suffix}`)).length;
  }

  /** Resolves once `probe` reaches `atLeast` (polled every 25 ms); returns the value seen. */
  async whenProgress(probe: () => Promise<number>, atLeast: number, timeoutMs = 30_000): Promise<number> {
    return eventually(
      async () => {
        const n = await probe();
        return n >= atLeast ? n : null;
      },
      { timeoutMs, intervalMs: 25 },
    );
  }

  /** Invitations of these candidates by email (waits until every one has at least one). */
  async invitationsByEmail(candidates: Candidate[], timeoutMs = 90_000): Promise<Map<string, Invitation>> {
    return eventually(
      async () => {
        const all = await this.invitations();
        const map = new Map<string, Invitation>();
        for (const i of all) map.set(i.request.candidate.email, i);
        const missing = candidates.filter((c) => !map.has(c.email));
        if (missing.length) throw new Error(`${missing.length} of ${candidates.length} candidates have no invitation`);
        return map;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Scores every candidate's invitation: even ones 85 (Pass), odd ones 20 (Fail). */
  async scoreAll(candidates: Candidate[], { send = true } = {}): Promise<Expected[]> {
    const invitations = await this.invitationsByEmail(candidates);
    return Promise.all(
      candidates.map(async (c, i) => {
        const score = i % 2 === 0 ? 85 : 20;
        await this.platform(`/invitations/${invitations.get(c.email)!.id}/score`, { score, send });
        return { ...c, suffix: score >= 70 ? 'Pass' : 'Fail', scored: true };
      }),
    );
  }

  // ---- the end state ----

  /** Problems of one candidate against what it should show (empty when right). */
  private problems(state: CandidateState, expected: Expected, invitations: Invitation[]): string[] {
    const out: string[] = [];
    const mine = invitations.filter((i) => i.request.candidate.email === expected.email);
    if (mine.length !== 1) out.push(`${mine.length} invitations`);
    const prefix = expected.prefix ?? TAG_PREFIX;
    const status = state.tags.filter((t) => t.startsWith(`${prefix} - `));
    if (status.length !== 1 || status[0] !== `${prefix} - ${expected.suffix}`) out.push(`status tags [${status.join(', ')}]`);
    if (new Set(state.links).size !== state.links.length) out.push(`duplicate links [${state.links.join(', ')}]`);
    const refs = state.notes.map((n) => /\(lever-assess ref ([^)]+)\)/.exec(n.value)?.[1] ?? n.value);
    if (new Set(refs).size !== refs.length) out.push(`duplicate notes [${refs.join(', ')}]`);
    if (expected.scored) {
      const reports = state.links.filter((l) => mine[0] && l.endsWith(`/reports/${mine[0].id}`));
      if (reports.length !== 1) out.push(`${reports.length} report links`);
      const results = refs.filter((r) => r.endsWith('/scored'));
      if (results.length !== 1 || state.notes.length !== 1) out.push(`${state.notes.length} notes, ${results.length} result notes`);
    } else if (state.notes.length !== 0) out.push(`${state.notes.length} notes`);
    return out;
  }

  private async allProblems(expected: Expected[]): Promise<string[]> {
    const invitations = await this.invitations();
    const states = await Promise.all(expected.map((e) => this.candidate(e.opportunityId)));
    return expected.flatMap((e, i) => this.problems(states[i], e, invitations).map((p) => `${e.email}: ${p}`));
  }

  /**
   * Waits until every candidate shows what it should, the queues are idle and no job failed, then
   * checks once more: one invitation per candidate, exactly one status tag of the prefix and the
   * right one, every link and note once (a scored candidate: its report link and one result note).
   */
  async assertFinalState(expected: Expected[], { timeoutMs = 90_000 } = {}): Promise<void> {
    await eventually(
      async () => {
        const problems = await this.allProblems(expected);
        if (problems.length) throw new Error(`${problems.length} problems, first: ${problems.slice(0, 5).join('; ')}`);
        return true;
      },
      { timeoutMs, intervalMs: 250 },
    );
    await this.idle();
    await sleep(500);
    const problems = await this.allProblems(expected);
    expect(problems).toEqual([]);
    const failed = await Promise.all(this.queues.map(async (q) => ({ queue: q.name, failed: await q.getJobCountByTypes('failed') })));
    expect(failed.filter((f) => f.failed > 0)).toEqual([]);
  }

  /** Waits until no queue has pending jobs (pendingJobCounts: a scheduler's next run is not work), two quiet polls. */
  async idle(hardMs = 60_000): Promise<void> {
    const start = Date.now();
    let quiet = 0;
    while (quiet < 2) {
      const counts = await Promise.all(this.queues.map(pendingJobCounts));
      const pending = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
      quiet = pending === 0 ? quiet + 1 : 0;
      if (Date.now() - start > hardMs) throw new Error(`queues not idle: ${JSON.stringify(counts)}`);
      await sleep(100);
    }
  }

  /** The expected end state of candidates that were only invited. */
  static sent(candidates: Candidate[], prefix?: string): Expected[] {
    return candidates.map((c) => ({ ...c, suffix: 'Sent', prefix }));
  }
}
