import { AccountStatus, RuleKind } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * A revoked Lever key (account disconnected, jobs kept) and a rate-limited key (job delayed, not
 * an attempt). Set-up: support/dispatcher-harness.ts (own database, queue prefix and sandboxes).
 */
describe('dispatcher: Lever failures', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_lever', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('marks the account disconnected on a revoked Lever key and fails the job (kept), sending nothing', async () => {
    const s = await h.scenario([{ name: 'Kim Revoked' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await h.lever.revokeKey(s.keyId);

    const event = s.event('Kim Revoked');
    const job = await h.run(event);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/^LEVER_KEY_REVOKED: /);
    expect(job.attemptsMade).toBe(1);
    expect(await h.app.get(AccountsRepository).findById(s.account.id)).toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });
    expect((await s.delivery(event))?.outcome).toBe('failed: LEVER_KEY_REVOKED');
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
    expect(await s.syncJobs()).toHaveLength(0);

    // Later events of the disconnected account fail at once, without calling Lever again.
    const before = (await s.leverRequests()).length;
    const next = await h.run(s.event('Kim Revoked'));
    expect(next.failedReason).toMatch(/^ACCOUNT_UNAVAILABLE: /);
    expect((await s.leverRequests()).length).toBe(before);

    // Both failed jobs are kept (every failed lever-events job, within FAILED_JOB_RETENTION), for the config API to list and replay.
    expect((await h.events.getFailed()).map((j) => j.id)).toEqual(expect.arrayContaining([job.id, next.id]));
  });

  it('delays the job of a rate-limited account, then completes it', async () => {
    const s = await h.scenario([{ name: 'Rory Ratelimited' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    // Every attempt of the client's first call gets a 429 with Retry-After: 1 s.
    await h.lever.fault(s.keyId, { status: 429, count: 3, retryAfter: '1' });

    const event = s.event('Rory Ratelimited');
    const job = await h.run(event);
    expect(job.returnvalue).toEqual({ outcome: 'sent' });
    expect(h.delayedJobIds).toContain(job.id);
    // Delaying is not a failed attempt.
    expect(job.attemptsMade).toBe(1);
    const statuses = (await s.leverRequests()).filter((r) => r.route === '/v1/opportunities/:id').map((r) => r.status);
    expect(statuses).toEqual([429, 429, 429, 200]);
    expect(await s.invitations()).toHaveLength(1);
  });
});
