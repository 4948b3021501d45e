import { SecretBox, createHttpApp } from '@lever-assess/common';
import { AccountStatus, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import {
  AccountsRepository,
  AssessmentsRepository,
  LeverDeliveriesRepository,
  TestsRepository,
  TriggerRulesRepository,
  createDataSource,
  type Assessment,
} from '@lever-assess/persistence';
import { QUEUE_CONFIG, QueueName, leverEventJobId, type LeverEventJob, type LeverSyncJob } from '@lever-assess/queues';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  createTestRedisNamespace,
  eventually,
  startBuiltApp,
  type RunningApp,
  type TestDatabase,
  type TestRedisNamespace,
} from '@lever-assess/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Job, Queue, QueueEvents } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadDispatcherEnv } from '../src/config';

const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const PLATFORM_API_KEY = 'dispatcher-test-platform-key';
const STAGES = ['New applicant', 'Coding Test', 'Onsite'];

interface CandidateInput {
  name: string;
  emails?: string[];
  tags?: string[];
  stage?: string;
  archived?: boolean;
}

interface PlatformInvitation {
  id: string;
  idempotencyKey: string;
  request: {
    testId: string | null;
    kind: string;
    timeLimitMinutes: number;
    candidate: { name: string; email: string };
    reference: string;
    accountId: string;
  };
}

/** The dispatcher in-process against both sandboxes as real processes, a fresh database and queue prefix. */
describe('dispatcher: lever-events worker', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let lever: RunningApp;
  let platform: RunningApp;
  let app: NestFastifyApplication;
  let appClosed = false;
  let events: Queue<LeverEventJob>;
  let syncs: Queue<LeverSyncJob>;
  let queueEvents: QueueEvents;
  const delayedJobIds: string[] = [];
  const box = SecretBox.fromEnv({ ENCRYPTION_KEY });

  beforeAll(async () => {
    [db, ns] = await Promise.all([createTestDatabase('la_test_dispatcher'), createTestRedisNamespace('dispatcher')]);
    // No LEVER_SANDBOX_WEBHOOK_URL: the sandbox sends no webhooks; the test enqueues the events.
    [lever, platform] = await Promise.all([
      startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' }),
      startBuiltApp('platform-sandbox', { LOG_LEVEL: 'silent', PLATFORM_API_KEY, PLATFORM_CALLBACK_URL: 'http://127.0.0.1:9/nowhere' }),
    ]);
    const env = loadDispatcherEnv({
      LOG_LEVEL: 'warn',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      DATABASE_URL: db.url,
      ENCRYPTION_KEY,
      LEVER_API_URL: `${lever.url}/v1`,
      PLATFORM_API_URL: platform.url,
      PLATFORM_API_KEY,
    });
    app = await createHttpApp(AppModule.forRoot(env), { service: 'dispatcher', logLevel: 'warn' });
    await app.listen(0, '127.0.0.1');
    const connection = { url: TEST_REDIS_URL };
    events = new Queue(QueueName.LeverEvents, { connection, prefix: ns.prefix });
    syncs = new Queue(QueueName.LeverSync, { connection, prefix: ns.prefix });
    queueEvents = new QueueEvents(QueueName.LeverEvents, { connection, prefix: ns.prefix });
    queueEvents.on('delayed', ({ jobId }) => delayedJobIds.push(jobId));
    await queueEvents.waitUntilReady();
  }, 90_000);

  afterAll(async () => {
    if (app && !appClosed) await app.close();
    await Promise.all([events?.close(), syncs?.close(), queueEvents?.close()]);
    await Promise.all([lever?.stop(), platform?.stop()]);
    await ns?.cleanup();
    await db?.drop();
  }, 60_000);

  // ---- helpers -------------------------------------------------------------------------------

  async function json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /**
   * One customer: a Lever company in the sandbox (own key, so faults and revocation stay local)
   * and its account, catalog and rules in Postgres, sealed with the dispatcher's ENCRYPTION_KEY.
   */
  async function scenario(candidates: CandidateInput[]) {
    const apiKey = `key-${randomUUID()}`;
    const company = await json<{
      id: string;
      keys: { id: string }[];
      stages: { id: string; text: string }[];
      users: { id: string }[];
      opportunities: { id: string; contactId: string; name: string }[];
    }>('POST', `${lever.url}/_sandbox/companies`, {
      name: 'Dispatch Co',
      keys: [{ apiKey }],
      stages: STAGES.map((text) => ({ text })),
      users: [{ name: 'Assessment Bot', email: 'bot@dispatch.example' }],
      candidates: candidates.map((c) => ({
        stage: 'Coding Test',
        emails: [`${c.name.toLowerCase().replace(/\W+/g, '.')}@candidates.example`],
        ...c,
      })),
    });
    const stage = (text: string) => company.stages.find((s) => s.text === text)!.id;
    const platformAccountId = `plat-${randomUUID()}`;
    const account = await app.get(AccountsRepository).create({
      name: 'Dispatch Co',
      tagPrefix: 'Dispatch Test',
      leverApiKeyEnc: box.encrypt(apiKey),
      leverSignatureTokenEnc: box.encrypt('signature-token'),
      performAsUserId: company.users[0].id,
      platformAccountId,
    });
    const tests = app.get(TestsRepository);
    const catalog = {
      basics: await tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome }),
      advanced: await tests.create(account.id, { name: 'Python Advanced', platformTestId: 'tst_python_advanced', kind: RuleKind.TakeHome }),
      pairing: await tests.create(account.id, { name: 'Live Pairing', platformTestId: 'tst_live_pairing', kind: RuleKind.LiveInterview }),
    };
    const addRule = (input: Parameters<TriggerRulesRepository['create']>[1]) => app.get(TriggerRulesRepository).create(account.id, input);
    const opportunity = (name: string) => company.opportunities.find((o) => o.name === name)!.id;

    const event = (name: string, overrides: Partial<LeverEventJob> = {}): LeverEventJob => {
      const deliveryToken = randomBytes(24).toString('hex');
      return {
        accountId: account.id,
        opportunityId: opportunity(name),
        candidateId: opportunity(name),
        fromStageId: stage('New applicant'),
        toStageId: stage('Coding Test'),
        triggeredAt: new Date().toISOString(),
        deliveryToken,
        correlationId: deliveryToken,
        ...overrides,
      };
    };

    return {
      account,
      keyId: company.keys[0].id,
      catalog,
      stage,
      addRule,
      opportunity,
      event,
      /** Invitations the platform holds for this account. */
      invitations: async () =>
        (await json<{ data: PlatformInvitation[] }>('GET', `${platform.url}/_sandbox/invitations`)).data.filter(
          (i) => i.request.accountId === platformAccountId,
        ),
      assessments: async (name?: string): Promise<Assessment[]> =>
        (await app.get(AssessmentsRepository).list(account.id, name ? { opportunityId: opportunity(name) } : {})).items,
      syncJobs: async () =>
        (await syncs.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.data.accountId === account.id),
      delivery: (e: LeverEventJob) => app.get(LeverDeliveriesRepository).find(account.id, e.deliveryToken),
      leverRequests: async () =>
        (
          await json<{ data: { route: string; status: number | null }[] }>(
            'GET',
            `${lever.url}/_sandbox/requests?keyId=${company.keys[0].id}`,
          )
        ).data,
    };
  }

  /** Adds the job as the gateway does (or under `jobId`) and waits until it completed or failed. */
  async function run(event: LeverEventJob, jobId = leverEventJobId(event)): Promise<Job<LeverEventJob>> {
    await events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    return finished(jobId);
  }

  async function finished(jobId: string): Promise<Job<LeverEventJob>> {
    return eventually(
      async () => {
        const state = await events.getJobState(jobId);
        // Read the job after its state settled: a copy read before would lack the result.
        return state === 'completed' || state === 'failed' ? Job.fromId<LeverEventJob>(events, jobId) : null;
      },
      { timeoutMs: 40_000, intervalMs: 50 },
    ) as Promise<Job<LeverEventJob>>;
  }

  const platformFault = (fault: Record<string, unknown>) => json('POST', `${platform.url}/_sandbox/faults`, fault);

  // ---- Flow A --------------------------------------------------------------------------------

  it('sends the stage default test: one assessment sent with the invitation, one invitation, one lever-sync job', async () => {
    const s = await scenario([{ name: 'Ada Lovelace' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id, timeLimitMinutes: 90 });

    const event = s.event('Ada Lovelace');
    const job = await run(event);
    expect(job.returnvalue).toEqual({ outcome: 'sent' });

    const [assessment, ...more] = await s.assessments();
    expect(more).toHaveLength(0);
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    expect(assessment).toMatchObject({
      status: AssessmentStatus.Sent,
      platformInvitationId: invitations[0].id,
      testId: s.catalog.basics.id,
      kind: RuleKind.TakeHome,
      sourceDeliveryToken: event.deliveryToken,
      triggeredAt: new Date(event.triggeredAt),
    });
    expect(assessment.candidateUrl).toMatch(/^http/);
    expect(assessment.interviewerUrl).toBeNull();
    expect(invitations[0].idempotencyKey).toBe(assessment.id);
    expect(invitations[0].request).toEqual({
      testId: 'tst_python_basics',
      kind: 'take_home',
      timeLimitMinutes: 90,
      candidate: { name: 'Ada Lovelace', email: 'ada.lovelace@candidates.example' },
      reference: assessment.id,
      accountId: invitations[0].request.accountId,
    });
    const syncJobs = await s.syncJobs();
    expect(syncJobs.map((j) => j.data)).toEqual([
      { accountId: s.account.id, opportunityId: event.opportunityId, assessmentId: assessment.id, correlationId: event.correlationId },
    ]);
    expect(syncJobs[0].opts).toMatchObject({ attempts: QUEUE_CONFIG[QueueName.LeverSync].job.attempts });
    expect((await s.delivery(event))?.outcome).toBe(`sent: ${assessment.id}=sent`);
  });

  it('sends exactly one invitation for the same delivery three times plus a second delivery of the same move', async () => {
    const s = await scenario([{ name: 'Dora Duplicate' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Dora Duplicate');

    const first = await run(event);
    // The same delivery again: dropped by jobId while the job exists, and by the recorded token
    // once it is gone (simulated with other job ids, as after the completed job's removal).
    await events.add(QueueName.LeverEvents, event, { jobId: leverEventJobId(event) });
    const replays = [await run(event, `replay-1-${event.deliveryToken}`), await run(event, `replay-2-${event.deliveryToken}`)];
    // A second webhook configured for the same event: same move, its own token.
    const second = await run({ ...event, deliveryToken: 'second-token', correlationId: 'second-token' });

    expect(first.returnvalue).toEqual({ outcome: 'sent' });
    expect(replays.map((j) => j.returnvalue)).toEqual([{ outcome: 'duplicate' }, { outcome: 'duplicate' }]);
    expect(second.returnvalue).toEqual({ outcome: 'already-handled' });
    expect(await s.invitations()).toHaveLength(1);
    expect(await s.assessments()).toHaveLength(1);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('does nothing for a stage without a trigger rule', async () => {
    const s = await scenario([{ name: 'Nina Nontrigger', stage: 'Onsite' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Nina Nontrigger', { toStageId: s.stage('Onsite') });
    expect((await run(event)).returnvalue).toEqual({ outcome: 'no-rule' });
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);
    expect((await s.delivery(event))?.outcome).toBe('no-rule');
    // No rule: Lever is not even asked about the candidate.
    expect(await s.leverRequests()).toHaveLength(0);
  });

  it('skips a stale event whose opportunity has left the stage', async () => {
    const s = await scenario([{ name: 'Stan Stale', stage: 'Onsite' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Stan Stale');
    expect((await run(event)).returnvalue).toEqual({ outcome: 'stale-stage' });
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);
  });

  it('sends the catalog test named by a candidate tag instead of the rule test', async () => {
    const s = await scenario([{ name: 'Olga Override', tags: ['Full-time', ' python advanced'] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    expect((await run(s.event('Olga Override'))).returnvalue).toEqual({ outcome: 'sent' });
    const [invitation] = await s.invitations();
    expect(invitation.request.testId).toBe('tst_python_advanced');
    expect((await s.assessments())[0].testId).toBe(s.catalog.advanced.id);
  });

  it('records an error assessment and a lever-sync job, without an invitation, for a candidate without email', async () => {
    const s = await scenario([{ name: 'Sam Noemail', emails: [] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Sam Noemail');
    expect((await run(event)).returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL', platformInvitationId: null });
    expect(assessment.errorText).toMatch(/no email address in Lever/);
    expect(await s.invitations()).toHaveLength(0);
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([assessment.id]);

    // The same move delivered again under another token: still one error, one sync.
    expect((await run({ ...event, deliveryToken: 'again', correlationId: 'again' })).returnvalue).toEqual({ outcome: 'already-handled' });
    expect(await s.assessments()).toHaveLength(1);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('records an error when a take-home rule has no test and no tag names one', async () => {
    const s = await scenario([{ name: 'Tina Notest', tags: ['Full-time'] }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: null });

    expect((await run(s.event('Tina Notest'))).returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'NO_TEST_RESOLVABLE', testId: null });
    expect(assessment.errorText).toMatch(/no test is chosen/);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('skips an archived candidate without recording an assessment', async () => {
    const s = await scenario([{ name: 'Archie Archived', archived: true }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Archie Archived');
    expect((await run(event)).returnvalue).toEqual({ outcome: 'candidate-skipped' });
    expect((await s.delivery(event))?.outcome).toBe('candidate-skipped: CANDIDATE_ARCHIVED');
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
  });

  // ---- Flow B --------------------------------------------------------------------------------

  it('lets tagged rules win: each matching tagged rule creates its own pad, untagged candidates get the untagged rule', async () => {
    const s = await scenario([{ name: 'Tom Tagged', tags: ['live pad', 'Take Home Pad'] }, { name: 'Una Untagged' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const live = await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.LiveInterview, requiredTag: 'Live Pad', testId: null });
    const takeHome = await s.addRule({
      stageId: s.stage('Coding Test'),
      kind: RuleKind.TakeHome,
      requiredTag: 'Take Home Pad',
      testId: s.catalog.advanced.id,
      timeLimitMinutes: 45,
    });

    expect((await run(s.event('Tom Tagged'))).returnvalue).toEqual({ outcome: 'sent' });
    expect((await run(s.event('Una Untagged'))).returnvalue).toEqual({ outcome: 'sent' });

    const tagged = await s.assessments('Tom Tagged');
    expect(tagged.map((a) => a.ruleId).sort()).toEqual([live.id, takeHome.id].sort());
    expect(tagged.find((a) => a.ruleId === live.id)?.interviewerUrl).toMatch(/^http/);
    const requests = (await s.invitations()).map((i) => i.request);
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'live_interview',
          testId: null,
          timeLimitMinutes: 120,
          candidate: expect.objectContaining({ name: 'Tom Tagged' }),
        }),
        expect.objectContaining({
          kind: 'take_home',
          testId: 'tst_python_advanced',
          timeLimitMinutes: 45,
          candidate: expect.objectContaining({ name: 'Tom Tagged' }),
        }),
        expect.objectContaining({
          kind: 'take_home',
          testId: 'tst_python_basics',
          candidate: expect.objectContaining({ name: 'Una Untagged' }),
        }),
      ]),
    );
    expect(requests).toHaveLength(3);
  });

  // ---- failures ------------------------------------------------------------------------------

  it('records the platform refusal on the assessment (with the platform message) and completes the job', async () => {
    const s = await scenario([{ name: 'Rita Refused' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await platformFault({ status: 422, match: 'create', count: 1 });

    const job = await run(s.event('Rita Refused'));
    expect(job.returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_REJECTED', platformInvitationId: null });
    expect(assessment.errorText).toContain('The assessment platform refused the invitation: Injected fault: HTTP 422');
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('retries the job while the platform is unavailable, then sends one invitation', async () => {
    const s = await scenario([{ name: 'Una Unavailable' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // As many 503s as the client's own attempts: the first job attempt fails, the queue retries.
    await platformFault({ status: 503, match: 'create', count: 3 });

    const job = await run(s.event('Una Unavailable'));
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'sent' });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    const assessments = await s.assessments();
    expect(assessments).toHaveLength(1);
    expect(assessments[0]).toMatchObject({ status: AssessmentStatus.Sent, platformInvitationId: invitations[0].id });
    expect(await s.syncJobs()).toHaveLength(1);
  });

  it('records an error when the platform stays down through the last attempt, and a replay of the kept job sends the test', async () => {
    const s = await scenario([{ name: 'Pete Platformdown' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await platformFault({ status: 503, match: 'create', count: 3 });

    // One attempt only, so that the first is the last (production has 8).
    const event = s.event('Pete Platformdown');
    const jobId = leverEventJobId(event);
    await events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId, attempts: 1 });
    const failed = await finished(jobId);
    expect(await failed.getState()).toBe('failed');
    expect((await s.delivery(event))?.outcome).toBe('failed: PLATFORM_UNAVAILABLE');
    const [errored] = await s.assessments();
    expect(errored).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE', platformInvitationId: null });
    expect(errored.errorText).toMatch(/could not be reached/);
    expect((await s.syncJobs()).map((j) => j.data.assessmentId)).toEqual([errored.id]);
    expect(await s.invitations()).toHaveLength(0);

    // The platform is back; the admin replays the failed job (as the config API does).
    await failed.retry('failed', { resetAttemptsMade: true });
    await eventually(async () => (await events.getJobState(jobId)) === 'completed');
    const replayed = await Job.fromId<LeverEventJob>(events, jobId);
    expect(replayed?.returnvalue).toEqual({ outcome: 'sent' });
    const invitations = await s.invitations();
    expect(invitations).toHaveLength(1);
    const sent = (await s.assessments()).find((a) => a.status === AssessmentStatus.Sent);
    expect(sent).toMatchObject({ platformInvitationId: invitations[0].id });
    expect(sent?.id).not.toBe(errored.id);
    expect(await s.syncJobs()).toHaveLength(2);
  });

  it('marks the account disconnected on a revoked Lever key and fails the job (kept), sending nothing', async () => {
    const s = await scenario([{ name: 'Kim Revoked' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await json('POST', `${lever.url}/_sandbox/keys/${s.keyId}/revoke`);

    const event = s.event('Kim Revoked');
    const job = await run(event);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/^LEVER_KEY_REVOKED: /);
    expect(job.attemptsMade).toBe(1);
    expect(await app.get(AccountsRepository).findById(s.account.id)).toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });
    expect((await s.delivery(event))?.outcome).toBe('failed: LEVER_KEY_REVOKED');
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);

    // Later events of the disconnected account fail at once, without calling Lever again.
    const before = (await s.leverRequests()).length;
    const next = await run(s.event('Kim Revoked'));
    expect(next.failedReason).toMatch(/^ACCOUNT_DISCONNECTED: /);
    expect((await s.leverRequests()).length).toBe(before);

    // Both failed jobs are kept (removeOnFail: false), for the config API to list and replay.
    expect((await events.getFailed()).map((j) => j.id)).toEqual(expect.arrayContaining([job.id, next.id]));
  });

  it('delays the job of a rate-limited account, then completes it', async () => {
    const s = await scenario([{ name: 'Rory Ratelimited' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // Every attempt of the client's first call gets a 429 with Retry-After: 1 s.
    await json('POST', `${lever.url}/_sandbox/keys/${s.keyId}/faults`, { status: 429, count: 3, retryAfter: '1' });

    const event = s.event('Rory Ratelimited');
    const job = await run(event);
    expect(job.returnvalue).toEqual({ outcome: 'sent' });
    expect(delayedJobIds).toContain(job.id);
    // Delaying is not a failed attempt.
    expect(job.attemptsMade).toBe(1);
    const statuses = (await s.leverRequests()).filter((r) => r.route === '/v1/opportunities/:id').map((r) => r.status);
    expect(statuses).toEqual([429, 429, 429, 200]);
    expect(await s.invitations()).toHaveLength(1);
  });

  it('finishes the job in hand when the app shuts down', async () => {
    const s = await scenario([{ name: 'Sid Shutdown' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // The platform takes 1.5 s to answer: the job is in hand when the shutdown starts.
    await platformFault({ delayMs: 1_500, match: 'create', count: 1 });

    const event = s.event('Sid Shutdown');
    const jobId = leverEventJobId(event);
    await events.add(QueueName.LeverEvents, event, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    await eventually(async () => (await (await Job.fromId(events, jobId))?.getState()) === 'active');
    await app.close();
    appClosed = true;

    expect(await (await Job.fromId(events, jobId))?.getState()).toBe('completed');
    // The app's pool is closed: read what it stored through a connection of our own.
    const ds = createDataSource(db.url);
    await ds.initialize();
    try {
      const rows: { status: string; platform_invitation_id: string | null }[] = await ds.query(
        'SELECT status, platform_invitation_id FROM assessments WHERE account_id = $1',
        [s.account.id],
      );
      const invitations = await s.invitations();
      expect(invitations).toHaveLength(1);
      expect(rows).toEqual([{ status: 'sent', platform_invitation_id: invitations[0].id }]);
    } finally {
      await ds.destroy();
    }
    expect(await s.syncJobs()).toHaveLength(1);
  });
});
