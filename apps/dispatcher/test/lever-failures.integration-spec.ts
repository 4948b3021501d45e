import { AccountStatus, RuleKind } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { accountsWithParkedJobs, leverEventJobId } from '@lever-assess/queues';
import { AccountChangesPublisher, REDIS } from '@lever-assess/redis';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * A revoked Lever key (account disconnected, jobs parked until the key is replaced) and a rate-limited key (job delayed, not
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

  it('parks the jobs of an account whose Lever key was revoked (disconnected, nothing sent, no attempt used) and runs them once the key is replaced', async () => {
    const s = await h.scenario([{ name: 'Kim Revoked' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await h.lever.revokeKey(s.keyId);

    const first = s.event('Kim Revoked');
    const job = await h.park(first);
    expect(job.attemptsMade).toBe(0);
    expect(await h.app.get(AccountsRepository).findById(s.account.id)).toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });
    expect((await s.delivery(first))?.outcome).toBeNull(); // not failed: it is waiting for the key
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);

    // Later events of the disconnected account park at once, without calling Lever again.
    const before = (await s.leverRequests()).length;
    const second = { ...s.event('Kim Revoked'), triggeredAt: new Date(Date.now() + 1).toISOString() };
    await h.park(second);
    expect((await s.leverRequests()).length).toBe(before);
    await expect(accountsWithParkedJobs(h.events)).resolves.toEqual([s.account.id]);

    // An admin pastes a new key (what PATCH /v1/accounts/:id does): the parked jobs run by themselves.
    const { apiKey } = await h.lever.addKey(s.companyId, `replacement-${randomUUID()}`);
    await h.app.get(AccountsRepository).update(s.account.id, { leverApiKeyEnc: h.box.encrypt(apiKey) });
    await h.app.get(AccountsRepository).setStatus(s.account.id, AccountStatus.Active, null);
    await new AccountChangesPublisher(h.app.get<Redis>(REDIS), h.ns.prefix).announce(s.account.id);

    // Both run at once. Either one sends and the other finds the move handled, or both reach the
    // same assessment before its invitation is recorded and both send it with the same
    // Idempotency-Key (the platform answers the second with the first invitation): never two.
    const outcomes = [(await h.finished(job.id as string)).returnvalue, (await h.finished(leverEventJobId(second))).returnvalue]
      .map((r) => (r as { outcome: string }).outcome)
      .sort();
    expect([
      ['already-handled', 'sent'],
      ['sent', 'sent'],
    ]).toContainEqual(outcomes);
    expect(await s.invitations()).toHaveLength(1); // one move, one invitation, however many deliveries
    await expect(accountsWithParkedJobs(h.events)).resolves.toEqual([]);
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
