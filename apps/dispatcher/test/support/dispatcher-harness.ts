import { SecretBox, createHttpApp } from '@lever-assess/common';
import { QUEUE_CONFIG, QueueName, leverEventJobId, parkedJobsKey, type LeverEventJob, type LeverSyncJob } from '@lever-assess/queues';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Job, Queue, QueueEvents } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../src/app.module';
import { loadDispatcherEnv } from '../../src/config';
import { LeverSandboxControl, PlatformSandboxControl, type CandidateInput } from './sandboxes';
import { createScenario, type Scenario, type ScenarioOptions } from './scenario';

const PLATFORM_API_KEY = 'dispatcher-test-platform-key';

/**
 * The helpers of @lever-assess/testing this harness uses. Lint lets only test files import that
 * lib, so each spec file passes it in (`import * as testing from '@lever-assess/testing'`).
 */
export interface TestHelpers {
  TEST_REDIS_URL: string;
  createTestDatabase(label?: string): Promise<TestDatabase>;
  createTestRedisNamespace(label?: string): Promise<TestRedisNamespace>;
  startBuiltApp(app: string, env: Record<string, string>): Promise<RunningApp>;
  eventually<T>(
    probe: () => Promise<T> | T,
    options?: { timeoutMs?: number; intervalMs?: number },
  ): Promise<Exclude<T, false | null | undefined>>;
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

/**
 * One dispatcher spec file's world: its own database and queue prefix, the built Lever and
 * platform sandboxes as real processes (their faults are global, so never shared between files),
 * and the dispatcher in-process. Specs reach the app only through its public surface: the module,
 * the queues by name, the repositories and the sandboxes over HTTP.
 */
export class DispatcherHarness {
  app!: NestFastifyApplication;
  db!: TestDatabase;
  ns!: TestRedisNamespace;
  lever!: LeverSandboxControl;
  platform!: PlatformSandboxControl;
  events!: Queue<LeverEventJob>;
  syncs!: Queue<LeverSyncJob>;
  /** Ids of the `lever-events` jobs that were delayed (a rate-limit wait), in order. */
  readonly delayedJobIds: string[] = [];
  /** Seals Lever keys as the app's ENCRYPTION_KEY expects. */
  readonly box: SecretBox;

  private readonly encryptionKey = randomBytes(32).toString('base64');
  private sandboxApps: RunningApp[] = [];
  private queueEvents?: QueueEvents;
  private appClosed = false;

  private constructor(private readonly testing: TestHelpers) {
    this.box = SecretBox.fromEnv({ ENCRYPTION_KEY: this.encryptionKey });
  }

  /** `testing` is `import * as testing from '@lever-assess/testing'` in the spec file. */
  static async start(label: string, testing: TestHelpers): Promise<DispatcherHarness> {
    const h = new DispatcherHarness(testing);
    try {
      await h.startAll(label);
    } catch (err) {
      // beforeAll failed: afterAll gets no harness, so release what was started here.
      await h.close();
      throw err;
    }
    return h;
  }

  private async startAll(label: string): Promise<void> {
    const { testing } = this;
    this.db = await testing.createTestDatabase(`la_test_${label}`);
    this.ns = await testing.createTestRedisNamespace(label);
    // No LEVER_SANDBOX_WEBHOOK_URL: the sandbox sends no webhooks; the tests enqueue the events.
    const [lever, platform] = await Promise.allSettled([
      testing.startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' }),
      testing.startBuiltApp('platform-sandbox', {
        LOG_LEVEL: 'silent',
        PLATFORM_API_KEY,
        PLATFORM_CALLBACK_URL: 'http://127.0.0.1:9/nowhere',
      }),
    ]);
    for (const started of [lever, platform]) if (started.status === 'fulfilled') this.sandboxApps.push(started.value);
    if (lever.status === 'rejected') throw lever.reason;
    if (platform.status === 'rejected') throw platform.reason;
    this.lever = new LeverSandboxControl(lever.value.url);
    this.platform = new PlatformSandboxControl(platform.value.url);

    const env = loadDispatcherEnv({
      LOG_LEVEL: 'warn',
      REDIS_URL: testing.TEST_REDIS_URL,
      QUEUE_PREFIX: this.ns.prefix,
      DATABASE_URL: this.db.url,
      ENCRYPTION_KEY: this.encryptionKey,
      LEVER_API_URL: `${lever.value.url}/v1`,
      PLATFORM_API_URL: platform.value.url,
      PLATFORM_API_KEY,
    });
    this.app = await createHttpApp(AppModule.forRoot(env), { service: 'dispatcher', logLevel: 'warn' });
    await this.app.listen(0, '127.0.0.1');

    const connection = { url: testing.TEST_REDIS_URL };
    this.events = new Queue(QueueName.LeverEvents, { connection, prefix: this.ns.prefix });
    this.syncs = new Queue(QueueName.LeverSync, { connection, prefix: this.ns.prefix });
    this.queueEvents = new QueueEvents(QueueName.LeverEvents, { connection, prefix: this.ns.prefix });
    this.queueEvents.on('delayed', ({ jobId }) => this.delayedJobIds.push(jobId));
    await this.queueEvents.waitUntilReady();
  }

  /** One customer with its own Lever company and key, account, catalog and rules. */
  scenario(candidates: CandidateInput[], options?: ScenarioOptions): Promise<Scenario> {
    return createScenario(this, candidates, options);
  }

  /** Adds the job as the gateway does (or under `jobId`) and waits until it completed or failed. */
  async run(event: LeverEventJob, jobId = leverEventJobId(event)): Promise<Job<LeverEventJob>> {
    await this.events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    return this.finished(jobId);
  }

  /** Adds the job and waits until it is parked (delayed and listed under its account). */
  async park(event: LeverEventJob, jobId = leverEventJobId(event)): Promise<Job<LeverEventJob>> {
    await this.events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    const client = await this.events.getBackend().client;
    return this.testing.eventually(
      async () => {
        const parked = await client.hexists(parkedJobsKey(this.events.qualifiedName, event.accountId), jobId);
        return parked && (await this.events.getJobState(jobId)) === 'delayed' ? Job.fromId<LeverEventJob>(this.events, jobId) : null;
      },
      { timeoutMs: 40_000, intervalMs: 50 },
    ) as Promise<Job<LeverEventJob>>;
  }

  async finished(jobId: string): Promise<Job<LeverEventJob>> {
    return this.testing.eventually(
      async () => {
        const state = await this.events.getJobState(jobId);
        // Read the job after its state settled: a copy read before would lack the result.
        return state === 'completed' || state === 'failed' ? Job.fromId<LeverEventJob>(this.events, jobId) : null;
      },
      { timeoutMs: 40_000, intervalMs: 50 },
    ) as Promise<Job<LeverEventJob>>;
  }

  /** Closes the app as SIGTERM would (graceful shutdown); `close()` then leaves it alone. */
  async closeApp(): Promise<void> {
    this.appClosed = true;
    await this.app.close();
  }

  async close(): Promise<void> {
    if (this.app && !this.appClosed) await this.app.close();
    await Promise.all([this.events?.close(), this.syncs?.close(), this.queueEvents?.close()]);
    await Promise.all(this.sandboxApps.map((a) => a.stop()));
    await this.ns?.cleanup();
    await this.db?.drop();
  }
}
