import * as testing from '@lever-assess/testing';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { Assessment, AssessmentsRepository, TestDefinition, createDataSource } from '@lever-assess/persistence';
import { PlatformClient } from '@lever-assess/platform-client';
import { QueueName } from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import { TEST_REDIS_URL, eventually } from '@lever-assess/testing';
import { Queue, Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import { ACME, ConfigApiHarness, PLATFORM_API_KEY } from './config-api.harness';

describe('config-api assessments and failed jobs', () => {
  let h: ConfigApiHarness;
  let ds: DataSource;
  let repo: AssessmentsRepository;
  let platform: PlatformClient;
  let queues: Record<QueueName, Queue>;
  let account: any;
  let rule: any;
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_assess', testing);
    ds = createDataSource(h.db.url);
    await ds.initialize();
    repo = new AssessmentsRepository(ds.getRepository(Assessment), ds.getRepository(TestDefinition));
    platform = new PlatformClient({ baseUrl: h.platform.url, apiKey: PLATFORM_API_KEY });
    queues = Object.fromEntries(
      Object.values(QueueName).map((name) => [name, new Queue(name, { connection, prefix: h.ns.prefix })]),
    ) as Record<QueueName, Queue>;
    account = await h.createAccount();
    const test = await h.call('POST', `/v1/accounts/${account.id}/tests`, {
      body: { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: 'take_home' },
    });
    rule = (
      await h.call('POST', `/v1/accounts/${account.id}/trigger-rules`, {
        body: { stageId: ACME.codingTestStageId, kind: 'take_home', testId: test.body.id },
      })
    ).body;
  });
  afterAll(async () => {
    for (const q of Object.values(queues ?? {})) await q.close();
    await ds?.destroy();
    await h?.close();
  });

  let opportunities = 0;
  /** An assessment as the dispatcher would have recorded it; `invite` also creates it on the platform. */
  async function assessment(status: AssessmentStatus, invite = false): Promise<Assessment> {
    const opportunityId = `opp-${++opportunities}`;
    const { assessment: a } = await repo.insertIfNoActive({
      accountId: account.id,
      opportunityId,
      candidateId: opportunityId,
      ruleId: rule.id,
      testId: rule.testId,
      kind: RuleKind.TakeHome,
      status,
      triggeredAt: new Date(),
      ...(status === AssessmentStatus.Error ? { errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'The candidate has no email in Lever' } : {}),
    });
    if (!invite) return a;
    const invitation = await platform.createInvitation(
      {
        testId: 'tst_python_basics',
        kind: RuleKind.TakeHome,
        timeLimitMinutes: 120,
        candidate: { name: 'Ada', email: 'ada@candidates.example' },
        reference: a.id,
        accountId: 'acme',
      },
      a.id,
    );
    return (await repo.update(account.id, a.id, { platformInvitationId: invitation.id, candidateUrl: invitation.candidateUrl }))!;
  }
  const path = (p = '') => `/v1/accounts/${account.id}/assessments${p}`;

  it('lists assessments newest first, filtered by opportunity and status, paginated', async () => {
    const a = await assessment(AssessmentStatus.Sent);
    const b = await assessment(AssessmentStatus.Error);
    const all = await h.call('GET', path('?limit=200'));
    expect(all.status).toBe(200);
    const ids = all.body.items.map((x: any) => x.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));

    const byOpportunity = await h.call('GET', path(`?opportunityId=${a.opportunityId}`));
    expect(byOpportunity.body).toMatchObject({ total: 1, items: [{ id: a.id, status: 'sent', ruleId: rule.id, kind: 'take_home' }] });
    const errors = await h.call('GET', path('?status=error'));
    expect(errors.body.items.every((x: any) => x.status === 'error')).toBe(true);
    expect(errors.body.items.find((x: any) => x.id === b.id)).toMatchObject({
      errorCode: 'CANDIDATE_NO_EMAIL',
      errorText: 'The candidate has no email in Lever',
    });
    const page = await h.call('GET', path('?limit=1&offset=1'));
    expect(page.body).toMatchObject({ limit: 1, offset: 1, total: all.body.total, items: [{ id: all.body.items[1].id }] });
    expect((await h.call('GET', path(`/${a.id}`))).body.id).toBe(a.id);

    const bad = await h.call('GET', path('?status=lost&limit=x'));
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: any) => f.field).sort()).toEqual(['limit', 'status']);
    expect((await h.call('GET', path('/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('resend of an active assessment enqueues lever-sync to re-apply tags and links', async () => {
    const a = await assessment(AssessmentStatus.Sent);
    const res = await h.call('POST', path(`/${a.id}/resend`));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ assessmentId: a.id, action: 'lever-sync', queue: 'lever-sync' });
    const job = await queues[QueueName.LeverSync].getJob(res.body.jobId);
    expect(job?.data).toEqual({
      accountId: account.id,
      opportunityId: a.opportunityId,
      assessmentId: a.id,
      correlationId: expect.stringMatching(/^resend-/),
    });
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit?limit=1`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'assessment.resend',
      entityId: a.id,
      details: { action: 'lever-sync', status: 'sent' },
    });
  });

  it('resend of an errored assessment runs the stage trigger again with a fresh delivery', async () => {
    const a = await assessment(AssessmentStatus.Error);
    const res = await h.call('POST', path(`/${a.id}/resend`));
    expect(res.body).toMatchObject({ action: 'retrigger', queue: 'lever-events' });
    const job = await queues[QueueName.LeverEvents].getJob(res.body.jobId);
    expect(job?.data).toEqual({
      accountId: account.id,
      opportunityId: a.opportunityId,
      candidateId: a.candidateId,
      fromStageId: null,
      toStageId: ACME.codingTestStageId,
      triggeredAt: expect.any(String),
      deliveryToken: expect.stringMatching(/^resend-/),
      correlationId: job?.data.deliveryToken,
    });
  });

  it('cancel cancels the invitation on the platform, marks it canceled and enqueues lever-sync', async () => {
    const a = await assessment(AssessmentStatus.Sent, true);
    const syncBefore = await queues[QueueName.LeverSync].getWaitingCount();
    const res = await h.call('POST', path(`/${a.id}/cancel`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.id, status: 'canceled' });
    const invitations = await h.sandbox(h.platform, 'GET', '/_sandbox/invitations');
    expect(invitations.data.find((i: any) => i.id === a.platformInvitationId)).toMatchObject({ status: 'canceled' });
    expect(await queues[QueueName.LeverSync].getWaitingCount()).toBe(syncBefore + 1);
    const waiting = await queues[QueueName.LeverSync].getWaiting();
    expect(waiting.filter((j) => j.data.assessmentId === a.id).map((j) => j.data)).toEqual([
      { accountId: account.id, opportunityId: a.opportunityId, assessmentId: a.id, correlationId: expect.stringMatching(/^cancel-/) },
    ]);

    // Again: already canceled, nothing more happens.
    expect((await h.call('POST', path(`/${a.id}/cancel`))).body.status).toBe('canceled');
    expect(await queues[QueueName.LeverSync].getWaitingCount()).toBe(syncBefore + 1);
    const audit = await h.call('GET', `/v1/accounts/${account.id}/audit?limit=1`);
    expect(audit.body.items[0]).toMatchObject({ action: 'assessment.cancel', entityId: a.id, details: { previousStatus: 'sent' } });
  });

  it('refuses to cancel what cannot be canceled (409)', async () => {
    const errored = await assessment(AssessmentStatus.Error);
    const res = await h.call('POST', path(`/${errored.id}/cancel`));
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('ASSESSMENT_NOT_CANCELABLE');

    // Completed on the platform meanwhile: the platform refuses, the assessment stays as it was.
    const a = await assessment(AssessmentStatus.Sent, true);
    await h.sandbox(h.platform, 'POST', `/_sandbox/invitations/${a.platformInvitationId}/complete`, { send: false });
    const refused = await h.call('POST', path(`/${a.id}/cancel`));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/platform refused/);
    expect((await h.call('GET', path(`/${a.id}`))).body.status).toBe('sent');
  });

  it('a rule with assessments cannot be deleted (disable it instead)', async () => {
    const res = await h.call('DELETE', `/v1/accounts/${account.id}/trigger-rules/${rule.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('RULE_IN_USE');
  });

  describe('failed jobs', () => {
    let failedId: string;

    beforeAll(async () => {
      const queue = queues[QueueName.PlatformEvents];
      const job = await queue.add(
        QueueName.PlatformEvents,
        {
          eventId: 'evt-1',
          type: 'invitation.scored',
          invitationId: 'inv-1',
          reference: 'ref-1',
          score: 80,
          reportUrl: null,
          occurredAt: new Date().toISOString(),
          correlationId: 'evt-1',
          apiKey: 'must-not-show',
        },
        { attempts: 1, removeOnFail: false },
      );
      failedId = job.id!;
      const worker = new Worker(
        QueueName.PlatformEvents,
        async () => {
          throw new Error('platform said no');
        },
        { connection, prefix: h.ns.prefix },
      );
      try {
        await eventually(async () => (await queue.getFailedCount()) === 1);
      } finally {
        await worker.close();
      }
    });

    it('lists failed jobs per queue with the reason and ids, never other payload fields', async () => {
      const res = await h.call('GET', '/v1/failed-jobs?queue=platform-events');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        totals: { 'platform-events': 1 },
        items: [
          {
            id: failedId,
            name: 'platform-events',
            queue: 'platform-events',
            failedReason: 'platform said no',
            attemptsMade: 1,
            createdAt: expect.any(String),
            processedAt: expect.any(String),
            failedAt: expect.any(String),
            ids: { eventId: 'evt-1', invitationId: 'inv-1', reference: 'ref-1', type: 'invitation.scored', correlationId: 'evt-1' },
          },
        ],
      });
      expect(res.text).not.toContain('must-not-show');
      const all = await h.call('GET', '/v1/failed-jobs');
      expect(all.body.totals).toEqual({ 'lever-events': 0, 'platform-events': 1, 'lever-sync': 0, 'account-sweeps': 0 });
      const bad = await h.call('GET', '/v1/failed-jobs?queue=nope');
      expect(bad.status).toBe(400);
      expect(bad.body.fields[0].field).toBe('queue');
    });

    it('retries a failed job; unknown queue 400, unknown job 404, a job not failed 409', async () => {
      expect((await h.call('POST', '/v1/failed-jobs/nope/1/retry')).status).toBe(400);
      expect((await h.call('POST', '/v1/failed-jobs/platform-events/999999/retry')).status).toBe(404);

      const res = await h.call('POST', `/v1/failed-jobs/platform-events/${failedId}/retry`);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: failedId, queue: 'platform-events', state: 'waiting' });
      const job = await queues[QueueName.PlatformEvents].getJob(failedId);
      expect(await job!.getState()).toBe('waiting');
      expect(job!.attemptsMade).toBe(0);
      expect((await h.call('GET', '/v1/failed-jobs?queue=platform-events')).body.totals['platform-events']).toBe(0);

      const again = await h.call('POST', `/v1/failed-jobs/platform-events/${failedId}/retry`);
      expect(again.status).toBe(409);
      expect(again.body.error).toBe('JOB_NOT_FAILED');
    });
  });
});
