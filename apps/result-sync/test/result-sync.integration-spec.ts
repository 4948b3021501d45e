import { SecretBox, createHttpApp } from '@lever-assess/common';
import { AccountStatus, AssessmentStatus, CandidateEventType, RuleKind, type PlatformEventType } from '@lever-assess/domain';
import {
  AccountsRepository,
  AssessmentNotesRepository,
  AssessmentsRepository,
  CandidateEventsRepository,
  TriggerRulesRepository,
  type Assessment,
} from '@lever-assess/persistence';
import { QUEUE_CONFIG, QueueName, parkedJobsKey, platformEventJobId, type LeverSyncJob, type PlatformEventJob } from '@lever-assess/queues';
import { AccountChangesPublisher, REDIS, redisOptionsFromUrl } from '@lever-assess/redis';
import type { Redis } from 'ioredis';
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
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { register } from 'prom-client';
import { AppModule } from '../src/app.module';
import { loadResultSyncEnv } from '../src/config';
import { LeverSandboxControl, type SandboxCompany, type SandboxOpportunity } from './support/lever-sandbox-control';

interface FinishedJob {
  state: 'completed' | 'failed';
  failedReason: string | undefined;
  attemptsMade: number;
  job: Job;
}

/**
 * Waits until a job completed or failed for good (a job waiting for a retry is still delayed).
 * The state is read before the job, so the job read is at least as new as the state (read the
 * other way round, a job that failed in between showed state failed with attemptsMade 0).
 */
const waitForJob = (queue: Queue, id: string): Promise<FinishedJob> =>
  eventually(
    async () => {
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed') return null;
      const job = await queue.getJob(id);
      if (!job) return null;
      return { state, failedReason: job.failedReason, attemptsMade: job.attemptsMade, job };
    },
    { timeoutMs: 30_000 },
  );

async function runJob(queue: Queue, data: object, opts: JobsOptions): Promise<FinishedJob> {
  const job = await queue.add(queue.name, data, opts);
  return waitForJob(queue, job.id as string);
}

const PREFIX = 'Acme Test';
const statusTags = (o: SandboxOpportunity) => o.tags.filter((t) => t.startsWith(`${PREFIX} - `));

describe('result-sync against the Lever sandbox', () => {
  let db: TestDatabase;
  let ns: TestRedisNamespace;
  let sandbox: RunningApp;
  let lever: LeverSandboxControl;
  let app: NestFastifyApplication;
  let syncQueue: Queue;
  let eventsQueue: Queue;
  let accounts: AccountsRepository;
  let rules: TriggerRulesRepository;
  let assessments: AssessmentsRepository;
  let notes: AssessmentNotesRepository;
  const encryptionKey = randomBytes(32).toString('base64');
  const box = SecretBox.fromEnv({ ENCRYPTION_KEY: encryptionKey });

  beforeAll(async () => {
    db = await createTestDatabase('la_test_result_sync');
    ns = await createTestRedisNamespace('result_sync');
    sandbox = await startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' });
    lever = new LeverSandboxControl(sandbox.url);
    const env = loadResultSyncEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ns.prefix,
      LEVER_API_URL: `${sandbox.url}/v1`,
      ENCRYPTION_KEY: encryptionKey,
      LOG_LEVEL: 'warn',
    });
    app = await createHttpApp(AppModule.forRoot(env), { service: 'result-sync', logLevel: 'warn' });
    await app.init();
    accounts = app.get(AccountsRepository);
    rules = app.get(TriggerRulesRepository);
    assessments = app.get(AssessmentsRepository);
    notes = app.get(AssessmentNotesRepository);
    const connection = { ...redisOptionsFromUrl(TEST_REDIS_URL), maxRetriesPerRequest: null };
    syncQueue = new Queue(QueueName.LeverSync, { connection, prefix: ns.prefix });
    eventsQueue = new Queue(QueueName.PlatformEvents, { connection, prefix: ns.prefix });
  });

  afterAll(async () => {
    await syncQueue?.close();
    await eventsQueue?.close();
    await app?.close();
    await sandbox?.stop();
    await ns?.cleanup();
    await db?.drop();
  });

  interface Scenario {
    lever: SandboxCompany;
    accountId: string;
    assessment: Assessment;
    invitationId: string;
  }

  /** A Lever company with one candidate, its account, a rule (pass 70, fail 40) and a sent assessment. */
  async function scenario(
    opts: {
      status?: AssessmentStatus;
      errorCode?: string;
      errorText?: string;
      opportunityId?: string;
      thresholds?: boolean;
      notifyFollowers?: boolean;
    } = {},
  ): Promise<Scenario> {
    const company = await lever.newCompany();
    const account = await accounts.create({
      name: `Co ${company.companyId}`,
      tagPrefix: PREFIX,
      leverApiKeyEnc: box.encrypt(company.apiKey),
      leverSignatureTokenEnc: box.encrypt('signature-token'),
      performAsUserId: company.botUserId,
      platformAccountId: `pa-${randomUUID()}`,
      notifyFollowers: opts.notifyFollowers,
    });
    const thresholds = opts.thresholds === false ? {} : { passThreshold: 70, failThreshold: 40 };
    const rule = await rules.create(account.id, { stageId: 'stage-coding', kind: RuleKind.TakeHome, ...thresholds });
    const opportunityId = opts.opportunityId ?? company.opportunityId;
    const { assessment: inserted } = await assessments.insertIfNoActive({
      accountId: account.id,
      opportunityId,
      candidateId: opportunityId,
      ruleId: rule.id,
      kind: RuleKind.TakeHome,
      status: opts.status,
      errorCode: opts.errorCode,
      errorText: opts.errorText,
      triggeredAt: new Date(),
    });
    const invitationId = `inv-${randomUUID()}`;
    const assessment = (await assessments.update(account.id, inserted.id, {
      platformInvitationId: invitationId,
      candidateUrl: `https://platform.example/take/${invitationId}`,
    })) as Assessment;
    return { lever: company, accountId: account.id, assessment, invitationId };
  }

  const syncJob = (s: Scenario): LeverSyncJob => ({
    accountId: s.accountId,
    opportunityId: s.assessment.opportunityId,
    assessmentId: s.assessment.id,
    correlationId: `test-${randomUUID()}`,
  });
  const sync = (s: Scenario) => runJob(syncQueue, syncJob(s), QUEUE_CONFIG[QueueName.LeverSync].job);
  /** Adds the sync and waits until it is parked: delayed, and listed under its account. */
  async function parkedSync(s: Scenario): Promise<Job> {
    const job = await syncQueue.add(QueueName.LeverSync, syncJob(s), QUEUE_CONFIG[QueueName.LeverSync].job);
    const client = await syncQueue.getBackend().client;
    await eventually(
      async () =>
        (await client.hexists(parkedJobsKey(syncQueue.qualifiedName, s.accountId), job.id as string)) === 1 &&
        (await job.getState()) === 'delayed',
      { timeoutMs: 30_000 },
    );
    return (await syncQueue.getJob(job.id as string)) as Job;
  }

  /** Delivers a platform event as the gateway would, then waits for the lever-sync it causes. */
  async function platformEvent(s: Scenario, type: PlatformEventType, facts: { score?: number; reportUrl?: string } = {}) {
    const eventId = `evt-${randomUUID()}`;
    const event: PlatformEventJob = {
      eventId,
      type,
      invitationId: s.invitationId,
      reference: s.assessment.id,
      score: facts.score ?? null,
      reportUrl: facts.reportUrl ?? null,
      occurredAt: new Date().toISOString(),
      correlationId: eventId,
    };
    const finished = await runJob(eventsQueue, event, { ...QUEUE_CONFIG[QueueName.PlatformEvents].job, jobId: platformEventJobId(event) });
    await waitForQueuesIdle([eventsQueue, syncQueue]);
    return finished;
  }

  const leverState = (s: Scenario) => lever.opportunity(s.lever.opportunityId);
  const reload = async (s: Scenario) => (await assessments.findById(s.accountId, s.assessment.id)) as Assessment;
  const metric = async (name: string, labels: Record<string, string>) =>
    (await register.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ??
    0;

  it('a sent assessment gets the Sent tag, written as the perform-as user', async () => {
    const s = await scenario();
    expect((await sync(s)).state).toBe('completed');
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Sent`]);
    expect(o.tags).toContain('Full-time');
    expect(o.history.length).toBeGreaterThan(0);
    expect(o.history.every((h) => h.performAs === s.lever.botUserId)).toBe(true);
    expect(o.notes).toEqual([]);
  });

  it('completed replaces Sent with Needs Review, adding before removing', async () => {
    const s = await scenario();
    await sync(s);
    expect((await platformEvent(s, 'invitation.completed')).state).toBe('completed');
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Needs Review`]);
    const addAt = o.history.findIndex((h) => h.action === 'addTags' && JSON.stringify(h.detail).includes('Needs Review'));
    const removeAt = o.history.findIndex((h) => h.action === 'removeTags' && JSON.stringify(h.detail).includes(`${PREFIX} - Sent`));
    expect(addAt).toBeGreaterThanOrEqual(0);
    expect(removeAt).toBeGreaterThan(addAt);
    await expect(reload(s)).resolves.toMatchObject({ status: AssessmentStatus.Completed, completedAt: expect.any(Date) });
  });

  it.each([
    [85, 'Pass'],
    [70, 'Pass'],
    [20, 'Fail'],
    [40, 'Fail'],
    [55, 'Needs Review'],
  ])('score %s -> %s, with the report link once and one result note, however often it syncs', async (score, outcome) => {
    const s = await scenario();
    await sync(s);
    await platformEvent(s, 'invitation.completed');
    const reportUrl = `https://platform.example/reports/${s.invitationId}`;
    await platformEvent(s, 'invitation.scored', { score, reportUrl });
    await sync(s);
    await sync(s);

    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - ${outcome}`]);
    expect(o.links.filter((l) => l === reportUrl)).toHaveLength(1);
    expect(o.links).not.toContain(`https://platform.example/take/${s.invitationId}`); // Flow A: the platform emails the test link
    expect(o.notes).toHaveLength(1);
    expect(o.notes[0].value).toContain(`assessment result: ${outcome}`);
    expect(o.notes[0].value).toContain(`Score: ${score} (pass at 70 or more, fail at 40 or less)`);
    expect(o.notes[0].value).toContain(reportUrl);
    expect(o.notes[0].userId).toBe(s.lever.botUserId);
    expect(o.notes[0].notifyFollowers).toBe(false); // the account did not ask for it
    await expect(reload(s)).resolves.toMatchObject({ status: AssessmentStatus.Scored, score, reportUrl, scoredAt: expect.any(Date) });
    await expect(notes.listForAssessment(s.accountId, s.assessment.id)).resolves.toEqual([
      expect.objectContaining({ eventKey: 'scored', leverNoteId: o.notes[0].id }),
    ]);
  });

  it("an account that asks for it has the result note notify the candidate's followers, and only that note", async () => {
    const s = await scenario({ notifyFollowers: true });
    await platformEvent(s, 'invitation.scored', { score: 90, reportUrl: 'https://platform.example/r/n' });
    const errored = await scenario({ notifyFollowers: true, status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL' });
    await sync(errored);

    expect((await leverState(s)).notes.map((n) => n.notifyFollowers)).toEqual([true]);
    expect((await leverState(errored)).notes.map((n) => n.notifyFollowers)).toEqual([false]);
  });

  it('without thresholds a scored assessment stays Needs Review', async () => {
    const s = await scenario({ thresholds: false });
    await platformEvent(s, 'invitation.scored', { score: 99, reportUrl: 'https://platform.example/r/x' });
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Needs Review`]);
  });

  it('scored before completed ends in Pass/Fail and stays there', async () => {
    const s = await scenario();
    await sync(s);
    await platformEvent(s, 'invitation.scored', { score: 90, reportUrl: 'https://platform.example/r/early' });
    const late = await platformEvent(s, 'invitation.completed');
    expect(late.state).toBe('completed'); // ignored, not failed
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Pass`]);
    await expect(reload(s)).resolves.toMatchObject({ status: AssessmentStatus.Scored, score: 90, completedAt: expect.any(Date) });

    const t = await scenario();
    await platformEvent(t, 'invitation.scored', { score: 10, reportUrl: 'https://platform.example/r/early2' });
    await platformEvent(t, 'invitation.completed');
    await platformEvent(t, 'invitation.expired');
    expect(statusTags(await leverState(t))).toEqual([`${PREFIX} - Fail`]);
    expect(await metric('platform_events_total', { type: 'invitation.completed', outcome: 'ignored' })).toBeGreaterThanOrEqual(2);
  });

  it('expired -> Expired', async () => {
    const s = await scenario();
    await sync(s);
    await platformEvent(s, 'invitation.expired');
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Expired`]);
    await expect(reload(s)).resolves.toMatchObject({ status: AssessmentStatus.Expired });
  });

  it('an error assessment gets the Error tag and exactly one note, even when its job runs 3 times at once', async () => {
    const errorText =
      'The assessment was not sent because the candidate has no email address in Lever. Add an email address to the candidate, then move them to the stage again.';
    const s = await scenario({ status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL', errorText });
    const jobs = await Promise.all(
      [1, 2, 3].map(() => syncQueue.add(QueueName.LeverSync, syncJob(s), QUEUE_CONFIG[QueueName.LeverSync].job)),
    );
    const finished = await Promise.all(jobs.map((j) => waitForJob(syncQueue, j.id as string)));
    expect(finished.map((f) => f.state)).toEqual(['completed', 'completed', 'completed']);
    await sync(s);

    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Error`]);
    expect(o.notes).toHaveLength(1);
    expect(o.notes[0].value).toBe(`${PREFIX}: ${errorText}\n(lever-assess ref ${s.assessment.id}/error:CANDIDATE_NO_EMAIL)`);
    expect(o.notes[0].userId).toBe(s.lever.botUserId);
  });

  it('a note whose write failed with a 5xx is written by the retry, once', async () => {
    const s = await scenario({ status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'No email.' });
    // getOpportunity and addTags pass, then createNote answers 500: Lever may or may not have
    // stored it, so the claim is kept and the job retried.
    await lever.fault(s.lever.keyId, { delayMs: 1, count: 2 });
    await lever.fault(s.lever.keyId, { status: 500, count: 1 });
    const finished = await sync(s);
    expect(finished.state).toBe('completed');
    expect(finished.job.attemptsStarted).toBeGreaterThanOrEqual(2);
    const o = await leverState(s);
    expect(o.notes).toHaveLength(1);
    expect((await notes.listForAssessment(s.accountId, s.assessment.id))[0].leverNoteId).toBe(o.notes[0].id);
  });

  it('a note Lever stored although its answer was lost is found by its reference, not written again', async () => {
    const s = await scenario({ status: AssessmentStatus.Error, errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'No email.' });
    expect((await sync(s)).state).toBe('completed');
    // The state a timed-out createNote leaves: claimed in Postgres, no Lever note id recorded.
    const [claim] = await notes.listForAssessment(s.accountId, s.assessment.id);
    await app.get(DataSource).query(`UPDATE "assessment_notes" SET "lever_note_id" = NULL WHERE "id" = $1`, [claim.id]);

    expect((await sync(s)).state).toBe('completed');
    const o = await leverState(s);
    expect(o.notes).toHaveLength(1);
    expect((await notes.listForAssessment(s.accountId, s.assessment.id))[0].leverNoteId).toBe(o.notes[0].id);
  });

  it('canceled replaces the status tag by Canceled and leaves the others', async () => {
    const s = await scenario();
    await sync(s);
    await assessments.update(s.accountId, s.assessment.id, { status: AssessmentStatus.Canceled });
    await sync(s);
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Canceled`]);
    expect(o.tags).toEqual(['Full-time', `${PREFIX} - Canceled`]);
  });

  it('a replayed job of an older assessment does not put its tag back over the newer one', async () => {
    const s = await scenario();
    await platformEvent(s, 'invitation.scored', { score: 95, reportUrl: 'https://platform.example/r/old' });
    const { assessment: newer } = await assessments.insertIfNoActive({
      accountId: s.accountId,
      opportunityId: s.assessment.opportunityId,
      candidateId: s.assessment.candidateId,
      ruleId: s.assessment.ruleId,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(),
    });
    await runJob(syncQueue, { ...syncJob(s), assessmentId: newer.id }, QUEUE_CONFIG[QueueName.LeverSync].job);
    await sync(s); // the old one again
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Sent`]);
    expect(o.links).toContain('https://platform.example/r/old');
  });

  it('two pads of one move: the take-home status wins over the live pad created after it; the live pad alone shows Live Pad', async () => {
    const s = await scenario({ thresholds: false });
    const liveRule = await rules.create(s.accountId, { stageId: 'stage-onsite', requiredTag: 'Live Pad', kind: RuleKind.LiveInterview });
    const takeHomeRule = await rules.create(s.accountId, {
      stageId: 'stage-onsite',
      requiredTag: 'Take Home',
      kind: RuleKind.TakeHome,
      passThreshold: 70,
    });
    const pad = async (ruleId: string, kind: RuleKind, triggeredAt: Date, urls: Partial<Assessment>) => {
      const { assessment } = await assessments.insertIfNoActive({
        accountId: s.accountId,
        opportunityId: s.assessment.opportunityId,
        candidateId: s.assessment.candidateId,
        ruleId,
        kind,
        triggeredAt,
      });
      return (await assessments.update(s.accountId, assessment.id, { platformInvitationId: `inv-${randomUUID()}`, ...urls })) as Assessment;
    };
    const syncOf = (a: Assessment) => runJob(syncQueue, { ...syncJob(s), assessmentId: a.id }, QUEUE_CONFIG[QueueName.LeverSync].job);

    const movedAt = new Date();
    const takeHome = await pad(takeHomeRule.id, RuleKind.TakeHome, movedAt, { candidateUrl: 'https://platform.example/pads/t' });
    await syncOf(takeHome);
    const live = await pad(liveRule.id, RuleKind.LiveInterview, movedAt, {
      candidateUrl: 'https://platform.example/pads/l',
      interviewerUrl: 'https://platform.example/pads/l/interviewer',
    });
    await syncOf(live); // newest, but of the same move: it leaves the tag to the take-home
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Sent`]);
    await assessments.update(s.accountId, takeHome.id, {
      status: AssessmentStatus.Scored,
      score: 80,
      reportUrl: 'https://platform.example/r/t',
    });
    await syncOf(takeHome);
    await syncOf(live);
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Pass`]);
    expect(o.links).toEqual(
      expect.arrayContaining([
        'https://platform.example/pads/l',
        'https://platform.example/pads/l/interviewer',
        'https://platform.example/pads/t',
        'https://platform.example/r/t',
      ]),
    );

    // A later move that creates only a live pad: its tag is Live Pad.
    await assessments.update(s.accountId, live.id, { status: AssessmentStatus.Expired });
    const nextLive = await pad(liveRule.id, RuleKind.LiveInterview, new Date(movedAt.getTime() + 60_000), {
      candidateUrl: 'https://platform.example/pads/l2',
    });
    await syncOf(nextLive);
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Live Pad`]);
  });

  it('a revoked key marks the account disconnected and parks the job (no attempt used) until the key is replaced, then it syncs', async () => {
    const s = await scenario();
    await lever.revoke(s.lever.keyId);
    const first = await parkedSync(s);
    expect(first.attemptsMade).toBe(0);
    await expect(accounts.findById(s.accountId)).resolves.toMatchObject({ status: AccountStatus.Disconnected });
    const recorded = await reload(s);
    expect(recorded).toMatchObject({ status: AssessmentStatus.Sent, errorCode: 'LEVER_KEY_REVOKED' });
    expect(recorded.errorText).toContain('resumes by itself');

    const requestsBefore = await lever.requestCount(s.lever.keyId);
    const second = await parkedSync(s);
    expect(await lever.requestCount(s.lever.keyId)).toBe(requestsBefore); // Lever is not called for a disconnected account

    // What PATCH /v1/accounts/:id with a new key does: the parked syncs run by themselves.
    const { apiKey } = await lever.addKey(s.lever.companyId, `replacement-${randomUUID()}`);
    await accounts.update(s.accountId, { leverApiKeyEnc: box.encrypt(apiKey) });
    await accounts.setStatus(s.accountId, AccountStatus.Active, null);
    await new AccountChangesPublisher(app.get<Redis>(REDIS), ns.prefix).announce(s.accountId);
    for (const job of [first, second]) expect((await waitForJob(syncQueue, job.id as string)).state).toBe('completed');
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Sent`]);
    await expect(reload(s)).resolves.toMatchObject({ errorCode: null, errorText: null });
  });

  it('a 403 on a write is recorded on the assessment; after the key is fixed a retry syncs and clears it', async () => {
    const s = await scenario();
    await lever.setPermissions(s.lever.keyId, ['opportunities:read']);
    const failed = await sync(s);
    expect(failed).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect(failed.failedReason).toMatch(/^LEVER_PERMISSION_MISSING/);
    const recorded = await reload(s);
    expect(recorded).toMatchObject({ status: AssessmentStatus.Sent, errorCode: 'LEVER_PERMISSION_MISSING' });
    expect(recorded.errorText).toContain('could not be told in Lever');
    expect(await metric('lever_sync_total', { outcome: 'permission_missing' })).toBeGreaterThanOrEqual(1);

    await lever.setPermissions(s.lever.keyId, ['opportunities:read', 'opportunities:write', 'notes:read', 'notes:write']);
    await failed.job.retry('failed');
    expect((await waitForJob(syncQueue, failed.job.id as string)).state).toBe('completed');
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Sent`]);
    await expect(reload(s)).resolves.toMatchObject({ errorCode: null, errorText: null });
  });

  it('an opportunity gone from Lever is recorded and the job dropped', async () => {
    const s = await scenario({ opportunityId: `missing-${randomUUID()}` });
    const finished = await sync(s);
    expect(finished.state).toBe('completed');
    await expect(reload(s)).resolves.toMatchObject({ errorCode: 'LEVER_NOT_FOUND' });
    expect(await metric('lever_sync_total', { outcome: 'opportunity_not_found' })).toBeGreaterThanOrEqual(1);
  });

  it('a rate-limited account waits (delayed, no attempt used) and then syncs', async () => {
    const s = await scenario();
    // More 429s than the client's own attempts: the job itself has to wait.
    await lever.fault(s.lever.keyId, { status: 429, count: 3, retryAfter: '1' });
    const finished = await sync(s);
    // It ran at least twice, yet the waits used no attempt (BullMQ counts the final run as 0 or 1
    // depending on timing, so the bound is what is asserted).
    expect(finished.state).toBe('completed');
    expect(finished.attemptsMade).toBeLessThanOrEqual(1);
    expect(finished.job.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Sent`]);
    expect(await metric('lever_sync_total', { outcome: 'rate_limited' })).toBeGreaterThanOrEqual(1);
  });

  it('after a brown-out (error, invitation id never recorded) the invitation is adopted from its callback and the result reaches Lever', async () => {
    const s = await scenario();
    // The dispatcher never learnt the invitation id; the last attempt ended the assessment as error.
    await assessments.update(s.accountId, s.assessment.id, {
      platformInvitationId: null,
      status: AssessmentStatus.Error,
      errorCode: 'PLATFORM_UNAVAILABLE',
      errorText: 'The assessment was not sent because the assessment platform could not be reached.',
    });
    await sync(s);
    expect(statusTags(await leverState(s))).toEqual([`${PREFIX} - Error`]);

    // The candidate took the test the platform had sent after all.
    const reportUrl = `https://platform.example/reports/${s.invitationId}`;
    expect((await platformEvent(s, 'invitation.scored', { score: 90, reportUrl })).state).toBe('completed');

    await expect(reload(s)).resolves.toMatchObject({
      status: AssessmentStatus.Scored,
      platformInvitationId: s.invitationId,
      errorCode: null,
      score: 90,
    });
    const o = await leverState(s);
    expect(statusTags(o)).toEqual([`${PREFIX} - Pass`]);
    expect(o.links).toContain(reportUrl);
  });

  it('a platform event for an unknown assessment fails for good and changes nothing', async () => {
    const s = await scenario();
    const forged = { ...s, invitationId: `inv-${randomUUID()}` };
    const finished = await platformEvent(forged, 'invitation.scored', { score: 100, reportUrl: 'https://platform.example/r/forged' });
    expect(finished).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect(finished.failedReason).toMatch(/^UNKNOWN_PLATFORM_REFERENCE/);
    await expect(reload(s)).resolves.toMatchObject({ status: AssessmentStatus.Sent, score: null });
    expect((await leverState(s)).tags).toEqual(['Full-time']);
  });

  // ---- the candidate timeline (docs/config-api.md) ---------------------------------------------

  const timeline = async (s: Scenario) =>
    (await app.get(CandidateEventsRepository).listForOpportunity(s.accountId, s.assessment.opportunityId)).map((e) => ({
      type: e.type,
      correlationId: e.correlationId,
      assessmentId: e.assessmentId,
      detail: e.detail,
    }));

  it('records each Lever write and each platform event, applied or ignored, with its correlation id and no URL', async () => {
    const s = await scenario();
    const job = syncJob(s);
    await runJob(syncQueue, job, QUEUE_CONFIG[QueueName.LeverSync].job);
    const scored = (await platformEvent(s, 'invitation.scored', { score: 90, reportUrl: 'https://platform.example/r/timeline' })).job.data
      .correlationId as string;
    const completed = (await platformEvent(s, 'invitation.completed')).job.data.correlationId as string;

    const steps = await timeline(s);
    const a = s.assessment.id;
    const step = (type: string, correlationId: string, detail: object) => ({ type, correlationId, assessmentId: a, detail });
    expect(steps).toEqual([
      step(CandidateEventType.LeverTagsAdded, job.correlationId, { tags: [`${PREFIX} - Sent`] }),
      step(CandidateEventType.PlatformEventApplied, scored, {
        eventType: 'invitation.scored',
        eventId: scored,
        from: 'sent',
        to: 'scored',
      }),
      step(CandidateEventType.LeverTagsAdded, scored, { tags: [`${PREFIX} - Pass`] }),
      step(CandidateEventType.LeverTagsRemoved, scored, { tags: [`${PREFIX} - Sent`] }),
      step(CandidateEventType.LeverLinksAdded, scored, { count: 1, kinds: ['report'] }),
      step(CandidateEventType.LeverNoteWritten, scored, { eventKey: expect.any(String), noteId: expect.any(String) }),
      step(CandidateEventType.PlatformEventIgnored, completed, { eventType: 'invitation.completed', eventId: completed, from: 'scored' }),
    ]);
    expect(JSON.stringify(steps)).not.toContain('https://');
  });

  it('records a sync that failed for good, with its code', async () => {
    const s = await scenario();
    await lever.setPermissions(s.lever.keyId, ['opportunities:read']);
    const job = syncJob(s);
    expect(await runJob(syncQueue, job, QUEUE_CONFIG[QueueName.LeverSync].job)).toMatchObject({ state: 'failed' });
    expect(await timeline(s)).toEqual([
      {
        type: CandidateEventType.LeverSyncFailed,
        correlationId: job.correlationId,
        assessmentId: s.assessment.id,
        detail: { code: 'LEVER_PERMISSION_MISSING' },
      },
    ]);
  });
});
