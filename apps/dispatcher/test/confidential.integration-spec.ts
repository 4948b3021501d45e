import { AccountConfigCache } from '@lever-assess/account-access';
import { AccountStatus, AssessmentStatus, KeyHealthStatus, RuleKind } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { AccountChangesPublisher } from '@lever-assess/redis';
import * as testing from '@lever-assess/testing';
import { KeyHealthService } from '../src/housekeeping/key-health.service';
import { DispatcherHarness } from './support/dispatcher-harness';

/** Every sandbox permission but confidential access (docs/lever-sandbox.md). */
const WITHOUT_CONFIDENTIAL = [
  'opportunities:read',
  'opportunities:write',
  'notes:read',
  'notes:write',
  'stages:read',
  'users:read',
  'tags:read',
  'archive_reasons:read',
];

/**
 * Confidential candidates (issue 17): Lever shows them only to keys created with confidential
 * access. Without it the candidate cannot be read, nor told anything in Lever, so the account's
 * health and the delivery say so and the job fails for good, kept for a replay after a new key.
 */
describe('dispatcher: confidential candidates', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_confidential', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('a key with confidential access sends the test as for anyone', async () => {
    const s = await h.scenario([{ name: 'Cora Confidential', confidentiality: 'confidential' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    expect((await h.run(s.event('Cora Confidential'))).returnvalue).toEqual({ outcome: 'sent' });
    expect((await s.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Sent]);
  });

  it('without confidential access: health, delivery and a failed job say to create a key with confidential access', async () => {
    const s = await h.scenario([
      { name: 'Cleo Confidential', confidentiality: 'confidential' },
      { name: 'Paul Public', confidentiality: 'non-confidential' },
    ]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    await h.lever.setPermissions(s.keyId, WITHOUT_CONFIDENTIAL);

    const event = s.event('Cleo Confidential');
    const job = await h.run(event);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1); // permanent: no retries
    expect(job.failedReason).toMatch(/^LEVER_CONFIDENTIAL_ACCESS: .*create a key with confidential access/);
    expect((await s.delivery(event))?.outcome).toBe('failed: LEVER_CONFIDENTIAL_ACCESS');
    expect(await s.assessments()).toEqual([]);
    const accounts = h.app.get(AccountsRepository);
    const account = await accounts.findById(s.account.id);
    expect(account).toMatchObject({ status: AccountStatus.Active, healthStatus: KeyHealthStatus.MissingPermission });
    expect(account?.healthProblem).toContain('create a key with confidential access');
    expect(account?.healthProblem).not.toContain(s.keyId);

    // Other candidates go on with the same key.
    expect((await h.run(s.event('Paul Public'))).returnvalue).toEqual({ outcome: 'sent' });

    // The scheduled key check lists candidates (confidentiality=all: Lever leaves them out for this key), so
    // it cannot see the problem; it keeps what the job found, since only a new key can fix it.
    await h.app.get(KeyHealthService).checkAll(new Date(Date.now() + 3_600_000));
    const checked = await accounts.findById(s.account.id);
    expect(checked).toMatchObject({ healthStatus: KeyHealthStatus.MissingPermission, healthProblem: account?.healthProblem });
    const lists = (await s.leverRequests()).filter((r) => r.route === '/v1/opportunities');
    expect(lists.length).toBeGreaterThan(0);

    // A new key with confidential access resets the health, and a replay of the kept job sends the test.
    const { apiKey } = await h.lever.addKey(s.companyId, `confidential-${Date.now()}`);
    const sealed = h.box.encrypt(apiKey);
    await accounts.update(s.account.id, { leverApiKeyEnc: sealed });
    expect(await accounts.findById(s.account.id)).toMatchObject({ healthStatus: KeyHealthStatus.Unchecked, healthProblem: null });
    // Announced, as config-api does with every account change: the worker's kept row is dropped.
    await h.app.get(AccountChangesPublisher).announce(s.account.id);
    await testing.eventually(async () => (await h.app.get(AccountConfigCache).account(s.account.id))?.leverApiKeyEnc === sealed);
    await job.retry('failed');
    const replayed = await h.finished(job.id as string);
    expect(replayed.returnvalue).toEqual({ outcome: 'sent' });
    expect((await s.assessments('Cleo Confidential')).map((a) => a.status)).toEqual([AssessmentStatus.Sent]);
  });
});
