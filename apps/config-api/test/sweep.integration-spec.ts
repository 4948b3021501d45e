import { AccountStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { QueueName, type AccountSweepJob, type AccountSweepResult } from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import * as testing from '@lever-assess/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { ConfigApiHarness } from './config-api.harness';

/**
 * The endpoint's part: auth, 404, 409, enqueue, wait, answer. The sweep itself runs in
 * result-sync (apps/result-sync/test/sweep.integration-spec.ts); here a stand-in worker answers.
 */
describe('config-api POST /v1/accounts/:id/sweep', () => {
  let h: ConfigApiHarness;
  let worker: Worker<AccountSweepJob, AccountSweepResult> | null = null;
  const seen: AccountSweepJob[] = [];

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_sweep', testing);
  });

  afterEach(async () => {
    await worker?.close();
    worker = null;
  });

  afterAll(async () => {
    await h?.close();
  });

  const startWorker = (answer: (job: AccountSweepJob) => Promise<AccountSweepResult>) => {
    worker = new Worker<AccountSweepJob, AccountSweepResult>(
      QueueName.AccountSweeps,
      async (job) => {
        seen.push(job.data);
        return answer(job.data);
      },
      { connection: { ...redisOptionsFromUrl(testing.TEST_REDIS_URL), maxRetriesPerRequest: null }, prefix: h.ns.prefix },
    );
  };

  const summary = (accountId: string): AccountSweepResult => ({
    accountId,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    stages: [{ stageId: 'stage-coding', listed: 3, pages: 1 }],
    invited: [{ opportunityId: 'o1', stageId: 'stage-coding', enteredAt: new Date().toISOString(), jobId: 'le-1' }],
    skipped: { beforeLookback: 1, beforeRule: 0, alreadyHandled: 1 },
    tagsRepaired: [],
    actions: [],
    leverRequests: 2,
    complete: true,
  });

  it('needs an admin token', async () => {
    const res = await h.call('POST', `/v1/accounts/${randomUUID()}/sweep`, { token: null });
    expect(res.status).toBe(401);
  });

  it('404 for an unknown account', async () => {
    const res = await h.call('POST', `/v1/accounts/${randomUUID()}/sweep`);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('ACCOUNT_NOT_FOUND');
  });

  it('409 with the reason when the account is not active', async () => {
    const account = await h.createAccount({ name: 'Disabled Co', platformAccountId: `pa-${randomUUID()}` });
    await h.app.get(AccountsRepository).setStatus(account.id, AccountStatus.Disconnected, 'LEVER_KEY_REVOKED');
    const res = await h.call('POST', `/v1/accounts/${account.id}/sweep`);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('ACCOUNT_NOT_ACTIVE');
    expect(res.body.message).toContain('disconnected (LEVER_KEY_REVOKED)');
  });

  it('runs an admin sweep and answers its result', async () => {
    const account = await h.createAccount({ name: 'Active Co', platformAccountId: `pa-${randomUUID()}` });
    startWorker(async (job) => summary(job.accountId));
    const res = await h.call('POST', `/v1/accounts/${account.id}/sweep`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      jobId: expect.stringMatching(/^as-admin-/),
      status: 'finished',
      result: summary(account.id) && expect.any(Object),
    });
    expect(res.body.result).toMatchObject({ accountId: account.id, invited: [{ opportunityId: 'o1' }], leverRequests: 2, complete: true });
    expect(seen.at(-1)).toEqual({ accountId: account.id, reason: 'admin', correlationId: expect.stringMatching(/^sweep-admin-/) });
  });

  it('502 when the sweep fails', async () => {
    const account = await h.createAccount({ name: 'Failing Co', platformAccountId: `pa-${randomUUID()}` });
    startWorker(async () => {
      throw new UnrecoverableError('LEVER_UNAVAILABLE: Lever is down');
    });
    const res = await h.call('POST', `/v1/accounts/${account.id}/sweep`);
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('SWEEP_FAILED');
    expect(res.body.message).toContain('Lever is down');
  });

  it('202 with the job id when the sweep takes longer than SWEEP_WAIT_MS', async () => {
    // A second app (closed by the harness) that waits only 300 ms.
    const { url } = await h.startApp(h.envWith({ SWEEP_WAIT_MS: '300' }));
    const account = await h.createAccount({ name: 'Slow Co', platformAccountId: `pa-${randomUUID()}` });
    // No worker: the job waits.
    const res = await h.call('POST', `/v1/accounts/${account.id}/sweep`, { baseUrl: url });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'running', jobId: expect.stringMatching(/^as-admin-/) });
  });
});
