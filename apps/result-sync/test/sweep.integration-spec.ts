import { SecretBox, createHttpApp } from '@lever-assess/common';
import { AccountStatus, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import {
  AccountsRepository,
  AssessmentsRepository,
  LeverDeliveriesRepository,
  RecruiterActionsRepository,
  TriggerRulesRepository,
  type TriggerRule,
} from '@lever-assess/persistence';
import { PlatformClient } from '@lever-assess/platform-client';
import {
  QUEUE_CONFIG,
  QueueName,
  SWEEP_ALL_ACCOUNTS,
  accountSweepJobId,
  type AccountSweepResult,
  type LeverEventJob,
} from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  startBuiltApp,
  waitForQueuesIdle,
  type RunningApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, type Job } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadResultSyncEnv } from '../src/config';
import { AccountSweepService } from '../src/sweep/account-sweep.service';
import { SweepScheduler } from '../src/sweep/sweep-scheduler';
import { SWEEP_SCHEDULER_ID } from '../src/sweep/sweep.settings';

const PREFIX = 'Acme Test';
const CODING = 'stage-coding';
const HOUR = 60 * 60_000;
const SHARE = 0.2;
const LEVER_RATE = 10;
const LEVER_BURST = 18;

interface Company {
  companyId: string;
  keyId: string;
  apiKey: string;
  botUserId: string;
  opportunityIds: string[];
}

/** The lever-sandbox: control API and, for "a recruiter's" tag edits, the Lever API with the company's key. */
class Sandbox {
  constructor(private readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown, apiKey?: string): Promise<T> {
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
    if (apiKey) headers.Authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  async company(candidates: number, stage?: string): Promise<Company> {
    const apiKey = `sw-${randomUUID()}`;
    const created = await this.call<{ id: string; keys: { id: string }[]; users: { id: string }[]; opportunities: { id: string }[] }>(
      'POST',
      '/_sandbox/companies',
      {
        name: 'Sweep Co',
        keys: [{ apiKey }],
        stages: [
          { id: 'stage-new', text: 'New applicant' },
          { id: CODING, text: 'Coding Test' },
        ],
        users: [{ name: 'Assessment Bot', email: 'bot@sweep.example', accessRole: 'interviewer' }],
        candidates: Array.from({ length: candidates }, (_, i) => ({
          name: `Candidate ${i}`,
          emails: [`c${i}@candidates.example`],
          ...(stage ? { stage } : {}),
        })),
      },
    );
    return {
      companyId: created.id,
      keyId: created.keys[0].id,
      apiKey,
      botUserId: created.users[0].id,
      opportunityIds: created.opportunities.map((o) => o.id),
    };
  }

  /** A recruiter moves the candidate in Lever's UI at `at`, and the webhook never comes. */
  placeSilently(opportunityId: string, stage: string, at: number) {
    return this.call('PUT', `/_sandbox/opportunities/${opportunityId}/stage`, { stage, webhook: false, at });
  }

  addTags(c: Company, opportunityId: string, tags: string[]) {
    return this.call('POST', `/v1/opportunities/${opportunityId}/addTags`, { tags }, c.apiKey);
  }

  removeTags(c: Company, opportunityId: string, tags: string[]) {
    return this.call('POST', `/v1/opportunities/${opportunityId}/removeTags`, { tags }, c.apiKey);
  }

  async tags(opportunityId: string): Promise<string[]> {
    return (await this.call<{ tags: string[] }>('GET', `/_sandbox/opportunities/${opportunityId}`)).tags;
  }

  fault(keyId: string, fault: { status?: number; count: number; delayMs?: number }) {
    return this.call('POST', `/_sandbox/keys/${keyId}/faults`, fault);
  }

  async requests(keyId: string): Promise<{ at: number; method: string; path: string; route: string }[]> {
    return (
      await this.call<{ data: { at: number; method: string; path: string; route: string }[] }>('GET', `/_sandbox/requests?keyId=${keyId}`)
    ).data;
  }
}

describe('account sweep against the Lever sandbox', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let sandboxApp: RunningApp;
  let sandbox: Sandbox;
  let app: NestFastifyApplication;
  let sweepQueue: Queue;
  let eventsQueue: Queue;
  let syncQueue: Queue;
  let accounts: AccountsRepository;
  let rules: TriggerRulesRepository;
  let assessments: AssessmentsRepository;
  let deliveries: LeverDeliveriesRepository;
  let recruiterActions: RecruiterActionsRepository;
  let dataSource: DataSource;
  const encryptionKey = randomBytes(32).toString('base64');
  const box = SecretBox.fromEnv({ ENCRYPTION_KEY: encryptionKey });

  beforeAll(async () => {
    db = await createTestDatabase('la_test_sweep');
    ns = await createTestRedisNamespace('sweep');
    sandboxApp = await startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' });
    sandbox = new Sandbox(sandboxApp.url);
    const env = loadResultSyncEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      LEVER_API_URL: `${sandboxApp.url}/v1`,
      ENCRYPTION_KEY: encryptionKey,
      LOG_LEVEL: 'warn',
      // The schedule's first fan-out runs at start (no accounts yet); the next is a day away.
      SWEEP_INTERVAL_MS: String(24 * HOUR),
      SWEEP_BUDGET_SHARE: String(SHARE),
      LEVER_RATE_PER_SECOND: String(LEVER_RATE),
      LEVER_RATE_BURST: String(LEVER_BURST),
    });
    app = await createHttpApp(AppModule.forRoot(env), { service: 'result-sync', logLevel: 'warn' });
    await app.init();
    accounts = app.get(AccountsRepository);
    rules = app.get(TriggerRulesRepository);
    assessments = app.get(AssessmentsRepository);
    deliveries = app.get(LeverDeliveriesRepository);
    recruiterActions = app.get(RecruiterActionsRepository);
    dataSource = app.get(DataSource);
    const connection = { ...redisOptionsFromUrl(TEST_REDIS_URL), maxRetriesPerRequest: null };
    sweepQueue = new Queue(QueueName.AccountSweeps, { connection, prefix: ns.prefix });
    eventsQueue = new Queue(QueueName.LeverEvents, { connection, prefix: ns.prefix });
    syncQueue = new Queue(QueueName.LeverSync, { connection, prefix: ns.prefix });
    // The schedule is in place (its first fan-out is one interval away).
    await eventually(async () => (await sweepQueue.getJobSchedulersCount()) === 1, { timeoutMs: 15_000 });
  });

  afterAll(async () => {
    await sweepQueue?.close();
    await eventsQueue?.close();
    await syncQueue?.close();
    await app?.close();
    await sandboxApp?.stop();
    await ns?.cleanup();
    await db?.drop();
  });

  async function account(c: Company) {
    return accounts.create({
      name: `Co ${c.companyId}`,
      tagPrefix: PREFIX,
      leverApiKeyEnc: box.encrypt(c.apiKey),
      leverSignatureTokenEnc: box.encrypt('signature-token'),
      performAsUserId: c.botUserId,
      platformAccountId: `pa-${randomUUID()}`,
    });
  }

  async function rule(accountId: string, createdAt: Date, opts: { enabled?: boolean } = {}): Promise<TriggerRule> {
    const created = await rules.create(accountId, {
      stageId: CODING,
      kind: RuleKind.TakeHome,
      passThreshold: 70,
      failThreshold: 40,
      ...opts,
    });
    await dataSource.query(`UPDATE "trigger_rules" SET "created_at" = $2 WHERE "id" = $1`, [created.id, createdAt]);
    return created;
  }

  /** Runs one account sweep as the admin endpoint does, and answers its result. */
  async function sweep(accountId: string): Promise<AccountSweepResult> {
    const job = await sweepQueue.add(
      QueueName.AccountSweeps,
      { accountId, reason: 'admin', correlationId: `test-${randomUUID()}` },
      { ...QUEUE_CONFIG[QueueName.AccountSweeps].job, jobId: `as-test-${randomUUID()}` },
    );
    const done = await eventually(
      async () => {
        const state = await job.getState();
        return state === 'completed' || state === 'failed' ? ((await sweepQueue.getJob(job.id as string)) as Job) : null;
      },
      { timeoutMs: 60_000 },
    );
    if (done.failedReason) throw new Error(`sweep failed: ${done.failedReason}`);
    return done.returnvalue as AccountSweepResult;
  }

  const stageChangeJobs = async (opportunityId: string): Promise<Job<LeverEventJob>[]> =>
    ((await eventsQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])) as Job<LeverEventJob>[]).filter(
      (j) => j.data.opportunityId === opportunityId,
    );

  it('upserts one job scheduler at the configured interval, its first run one interval away, kept across restarts', async () => {
    const scheduler = await sweepQueue.getJobScheduler(SWEEP_SCHEDULER_ID);
    expect(scheduler?.every).toBe(24 * HOUR);
    expect(await sweepQueue.getJobSchedulersCount()).toBe(1);
    expect(Number(scheduler?.next) - Date.now()).toBeGreaterThan(23 * HOUR);
    // A restart (another replica's start) keeps the schedule where it is.
    await app.get(SweepScheduler).onApplicationBootstrap();
    expect((await sweepQueue.getJobScheduler(SWEEP_SCHEDULER_ID))?.next).toBe(scheduler?.next);
  });

  it('invites a candidate whose webhook was missed exactly once, even with two sweeps at once and again later', async () => {
    const c = await sandbox.company(1);
    const [opportunityId] = c.opportunityIds;
    const { id: accountId } = await account(c);
    await rule(accountId, new Date(Date.now() - 48 * HOUR));
    const enteredAt = Date.now() - HOUR;
    await sandbox.placeSilently(opportunityId, CODING, enteredAt);

    // Two replicas sweeping at once (the service directly: one process runs one sweep per account at a time).
    const service = app.get(AccountSweepService);
    const job = (n: number) => ({ accountId, reason: 'schedule' as const, correlationId: `replica-${n}` });
    const [first, second] = await Promise.all([
      service.sweep(job(1), `test-hold-1-${randomUUID()}`),
      service.sweep(job(2), `test-hold-2-${randomUUID()}`),
    ]);
    const jobs = await stageChangeJobs(opportunityId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toMatchObject({
      accountId,
      opportunityId,
      candidateId: opportunityId,
      fromStageId: null,
      toStageId: CODING,
      triggeredAt: new Date(enteredAt).toISOString(),
      deliveryToken: `sweep:${opportunityId}:${CODING}:${enteredAt}`,
      correlationId: `sweep:${opportunityId}:${CODING}:${enteredAt}`,
    });
    expect([...first.invited, ...second.invited].every((i) => i.jobId === jobs[0].id)).toBe(true);
    expect(first.invited.length + second.invited.length).toBeGreaterThanOrEqual(1);
    expect(first.stages).toEqual([{ stageId: CODING, listed: 1, pages: 1 }]);
    expect(first.complete).toBe(true);

    // While the job is queued, a later sweep makes no second one.
    const third = await sweep(accountId);
    expect(third.invited).toEqual([]);
    expect(third.skipped.alreadyHandled).toBe(1);

    // The dispatcher processed it (its delivery is recorded) and the job is gone: still nothing new.
    await deliveries.recordOnce({
      accountId,
      deliveryToken: jobs[0].data.deliveryToken,
      opportunityId,
      toStageId: CODING,
      triggeredAt: new Date(enteredAt),
    });
    await jobs[0].remove();
    const fourth = await sweep(accountId);
    expect(fourth.invited).toEqual([]);
    expect(fourth.skipped.alreadyHandled).toBe(1);
    expect(await stageChangeJobs(opportunityId)).toHaveLength(0);
  });

  it('never invites a candidate who entered before the look-back or before the rule existed', async () => {
    const c = await sandbox.company(3);
    const [old, beforeRule, recorded] = c.opportunityIds;
    const { id: accountId } = await account(c);
    await rule(accountId, new Date(Date.now() - 30 * 60_000));
    await sandbox.placeSilently(old, CODING, Date.now() - 96 * HOUR);
    await sandbox.placeSilently(beforeRule, CODING, Date.now() - HOUR);
    // Entered after the rule, and the webhook did come (a delivery 2 minutes "before" it: clock skew).
    const enteredAt = Date.now() - 10 * 60_000;
    await sandbox.placeSilently(recorded, CODING, enteredAt);
    await deliveries.recordOnce({
      accountId,
      deliveryToken: `webhook-${randomUUID()}`,
      opportunityId: recorded,
      toStageId: CODING,
      triggeredAt: new Date(enteredAt - 2 * 60_000),
    });

    const result = await sweep(accountId);
    expect(result.invited).toEqual([]);
    expect(result.skipped).toEqual({ beforeLookback: 1, beforeRule: 1, alreadyHandled: 1 });
    for (const id of c.opportunityIds) expect(await stageChangeJobs(id)).toHaveLength(0);
  });

  it('repairs a status tag a recruiter removed by hand', async () => {
    const c = await sandbox.company(1);
    const [opportunityId] = c.opportunityIds;
    const { id: accountId } = await account(c);
    const r = await rule(accountId, new Date(Date.now() - 48 * HOUR));
    const enteredAt = Date.now() - HOUR;
    await sandbox.placeSilently(opportunityId, CODING, enteredAt);
    const { assessment } = await assessments.insertIfNoActive({
      accountId,
      opportunityId,
      candidateId: opportunityId,
      ruleId: r.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(enteredAt),
    });
    await syncQueue.add(QueueName.LeverSync, { accountId, opportunityId, assessmentId: assessment.id, correlationId: 'first' });
    await eventually(async () => (await sandbox.tags(opportunityId)).includes(`${PREFIX} - Sent`));
    await waitForQueuesIdle([syncQueue]);

    await sandbox.removeTags(c, opportunityId, [`${PREFIX} - Sent`]);
    const result = await sweep(accountId);
    expect(result.tagsRepaired).toEqual([{ opportunityId, assessmentId: assessment.id }]);
    expect(result.invited).toEqual([]);
    await eventually(async () => (await sandbox.tags(opportunityId)).includes(`${PREFIX} - Sent`));

    // In sync again: nothing to repair.
    await waitForQueuesIdle([syncQueue]);
    expect((await sweep(accountId)).tagsRepaired).toEqual([]);
  });

  it('runs Resend and Cancel tags once and removes them', async () => {
    const c = await sandbox.company(2);
    const [resendId, cancelId] = c.opportunityIds;
    const { id: accountId } = await account(c);
    // A disabled rule: no stage listing, only the action tags.
    const r = await rule(accountId, new Date(Date.now() - 48 * HOUR), { enabled: false });
    const sent = async (opportunityId: string) => {
      const { assessment } = await assessments.insertIfNoActive({
        accountId,
        opportunityId,
        candidateId: opportunityId,
        ruleId: r.id,
        kind: RuleKind.TakeHome,
        triggeredAt: new Date(),
      });
      return (await assessments.update(accountId, assessment.id, { platformInvitationId: `inv-${randomUUID()}` }))!;
    };
    const toResend = await sent(resendId);
    const toCancel = await sent(cancelId);
    const canceled = jest.spyOn(app.get(PlatformClient), 'cancelInvitation').mockResolvedValue({ status: 'canceled' } as never);
    await sandbox.addTags(c, resendId, [`${PREFIX} - Resend`]);
    await sandbox.addTags(c, cancelId, [`${PREFIX} - Cancel`]);

    const result = await sweep(accountId);
    expect(result.actions).toEqual(
      expect.arrayContaining([
        { opportunityId: resendId, action: 'Resend', assessmentId: toResend.id, outcome: 'resend: lever-sync' },
        { opportunityId: cancelId, action: 'Cancel', assessmentId: toCancel.id, outcome: 'canceled' },
      ]),
    );
    expect(canceled).toHaveBeenCalledTimes(1);
    expect((await assessments.findById(accountId, toCancel.id))?.status).toBe(AssessmentStatus.Canceled);
    expect(await sandbox.tags(resendId)).not.toContain(`${PREFIX} - Resend`);
    expect(await sandbox.tags(cancelId)).not.toContain(`${PREFIX} - Cancel`);
    await eventually(async () => (await sandbox.tags(cancelId)).includes(`${PREFIX} - Canceled`));
    await eventually(async () => (await sandbox.tags(resendId)).includes(`${PREFIX} - Sent`));
    expect((await recruiterActions.listForOpportunity(accountId, cancelId)).map((a) => a.status)).toEqual(['tag_removed']);

    // The tags are gone: a second sweep does nothing.
    await waitForQueuesIdle([syncQueue]);
    expect((await sweep(accountId)).actions).toEqual([]);
    expect(canceled).toHaveBeenCalledTimes(1);
    canceled.mockRestore();
  });

  it('acts once when the tag removal failed: the next sweep only removes the tag', async () => {
    const c = await sandbox.company(1);
    const [opportunityId] = c.opportunityIds;
    const { id: accountId } = await account(c);
    const r = await rule(accountId, new Date(Date.now() - 48 * HOUR), { enabled: false });
    // An errored assessment: Resend re-triggers the rule's stage (a lever-events job, no Lever call).
    await assessments.insertIfNoActive({
      accountId,
      opportunityId,
      candidateId: opportunityId,
      ruleId: r.id,
      kind: RuleKind.TakeHome,
      status: AssessmentStatus.Error,
      errorCode: 'CANDIDATE_NO_EMAIL',
      errorText: 'no email',
      triggeredAt: new Date(),
    });
    await sandbox.addTags(c, opportunityId, [`${PREFIX} - Resend`]);
    // The listing passes; the removeTags after it answers 503 to each of the client's 3 attempts.
    await sandbox.fault(c.keyId, { delayMs: 1, count: 1 });
    await sandbox.fault(c.keyId, { status: 503, count: 3 });

    const first = await sweep(accountId);
    expect(first.actions).toHaveLength(1);
    expect(first.actions[0].outcome).toMatch(/^resend: retrigger; tag not removed/);
    expect(await sandbox.tags(opportunityId)).toContain(`${PREFIX} - Resend`);
    expect(await stageChangeJobs(opportunityId)).toHaveLength(1);

    const second = await sweep(accountId);
    expect(second.actions).toEqual([
      { opportunityId, action: 'Resend', assessmentId: first.actions[0].assessmentId, outcome: 'resend: retrigger' },
    ]);
    expect(await sandbox.tags(opportunityId)).not.toContain(`${PREFIX} - Resend`);
    expect(await stageChangeJobs(opportunityId)).toHaveLength(1);
    expect((await recruiterActions.listForOpportunity(accountId, opportunityId)).map((a) => a.status)).toEqual(['tag_removed']);

    // A recruiter tags it again later: a new action.
    await sandbox.addTags(c, opportunityId, [`${PREFIX} - Resend`]);
    expect((await sweep(accountId)).actions).toHaveLength(1);
    expect(await stageChangeJobs(opportunityId)).toHaveLength(2);
  });

  it('keeps its Lever requests within SWEEP_BUDGET_SHARE of the key while a live sync goes on', async () => {
    const candidates = 1500;
    const c = await sandbox.company(candidates, CODING);
    const { id: accountId } = await account(c);
    // Created "after" every candidate entered the stage: nobody is invited, only listed.
    const r = await rule(accountId, new Date(Date.now() + 60_000));
    // The live sync's candidate is elsewhere: the sweep's own drift repair must not write its tag.
    const live = c.opportunityIds[0];
    await sandbox.placeSilently(live, 'stage-new', Date.now());
    const { assessment } = await assessments.insertIfNoActive({
      accountId,
      opportunityId: live,
      candidateId: live,
      ruleId: r.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(),
    });

    const sweeping = sweep(accountId);
    await eventually(async () => (await sandbox.requests(c.keyId)).length >= 4, { timeoutMs: 10_000 });
    const syncStarted = Date.now();
    await syncQueue.add(QueueName.LeverSync, { accountId, opportunityId: live, assessmentId: assessment.id, correlationId: 'live' });
    await eventually(async () => (await sandbox.tags(live)).includes(`${PREFIX} - Sent`), { timeoutMs: 10_000 });
    const syncMs = Date.now() - syncStarted;
    const result = await sweeping;

    const listings = (await sandbox.requests(c.keyId)).filter((q) => q.method === 'GET' && q.path.split('?')[0] === '/v1/opportunities');
    expect(result.stages).toEqual([{ stageId: CODING, listed: candidates - 1, pages: 15 }]);
    expect(result.skipped.beforeRule).toBe(candidates - 1);
    expect(result.tagsRepaired).toEqual([]);
    expect(listings).toHaveLength(result.leverRequests);
    const span = (listings[listings.length - 1].at - listings[0].at) / 1000;
    const rate = LEVER_RATE * SHARE;
    const burst = Math.floor(LEVER_BURST * SHARE);
    // A token bucket at share x rate: at most its burst plus its rate over any span.
    expect(listings.length).toBeLessThanOrEqual(burst + rate * span + 1);
    expect(span).toBeGreaterThanOrEqual((listings.length - burst - 1) / rate);
    // The live sync did not wait behind the sweep.
    expect(syncMs).toBeLessThan(3_000);
  });

  it('the fan-out adds one sweep per active account per interval, however often it runs', async () => {
    // Only the accounts of this test are active (the others' sweeps are not this test's business).
    await dataSource.query(`UPDATE "accounts" SET "status" = 'disabled'`);
    const active = await account(await sandbox.company(1));
    const disabled = await account(await sandbox.company(1));
    await accounts.setStatus(disabled.id, AccountStatus.Disabled, null);
    const fanOut = async () => {
      const job = await sweepQueue.add('fan-out', { accountId: SWEEP_ALL_ACCOUNTS, reason: 'schedule', correlationId: 'sweep-schedule' });
      await eventually(async () => (await job.getState()) === 'completed');
    };
    const now = Date.now();
    await Promise.all([fanOut(), fanOut()]);
    // The scheduler's own next run waits delayed (a day away): wait for the sweep itself.
    const sweeps = await eventually(async () => {
      const jobs = (await sweepQueue.getJobs(['waiting', 'active', 'completed', 'failed'])).filter(
        (j) => j.data.reason === 'schedule' && j.data.accountId !== SWEEP_ALL_ACCOUNTS,
      );
      return jobs.length > 0 && (await Promise.all(jobs.map((j) => j.getState()))).every((st) => st === 'completed') ? jobs : null;
    });
    const finished = await Promise.all(sweeps.map(async (j) => (await sweepQueue.getJob(j.id as string)) as Job));
    expect(sweeps.map((j) => j.data.accountId)).toEqual([active.id]);
    // Its id is the interval's (unless the interval turned between the two fan-outs and now).
    expect([accountSweepJobId(active.id, 24 * HOUR, now), accountSweepJobId(active.id, 24 * HOUR)]).toContain(sweeps[0].id);
    expect(finished[0].returnvalue).toMatchObject({ accountId: active.id, complete: true });
    const sweepsBy = async (outcome: string) =>
      (await register.getSingleMetric('account_sweeps_total')?.get())?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    expect(await sweepsBy('fan_out')).toBeGreaterThanOrEqual(2);
    expect(await sweepsBy('swept')).toBeGreaterThanOrEqual(1);

    // An account disabled after the fan-out: its scheduled sweep completes with nothing done (no failed job to replay).
    const late = await sweepQueue.add(QueueName.AccountSweeps, { accountId: disabled.id, reason: 'schedule', correlationId: 'late' });
    await eventually(async () => (await late.getState()) === 'completed');
    expect(await sweepsBy('ACCOUNT_UNAVAILABLE')).toBe(1);
  });
});
