import { AccountStatus, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { LeverRateLimitedError } from '@lever-assess/lever-client';
import type { JobContext, LeverSyncJob } from '@lever-assess/queues';
import { InMemoryLocks, UnitFakes } from '@lever-assess/testing';
import { LeverSyncProcessor } from './lever-sync.processor';
import { leverSyncOverFakes } from '../../test/support/result-sync-over-fakes';

const context: JobContext = { id: 'job-1', attempt: 1, isLastAttempt: false, queueKey: 'bull:lever-sync' };

/** The processor over the real LeverSyncService, in-memory fakes and locks; two candidates with a completed test each. */
async function setup() {
  const f = new UnitFakes();
  const { account, apiKey } = await f.addAccount({ tagPrefix: 'Acme Test' });
  const rule = await f.rules.create(account.id, { stageId: 'stage-1', kind: RuleKind.TakeHome });
  const locks = new InMemoryLocks();
  const service = leverSyncOverFakes(f);
  const jobFor = async (): Promise<LeverSyncJob> => {
    const opportunity = f.lever.addOpportunity(apiKey, { tags: ['Acme Test - Sent'] });
    const { assessment } = await f.assessments.insertIfNoActive({
      accountId: account.id,
      opportunityId: opportunity.id,
      candidateId: opportunity.id,
      ruleId: rule.id,
      kind: rule.kind,
      triggeredAt: new Date(),
    });
    await f.assessments.update(account.id, assessment.id, { status: AssessmentStatus.Completed });
    return { accountId: account.id, opportunityId: opportunity.id, assessmentId: assessment.id, correlationId: 'corr-1' };
  };
  return {
    f,
    account,
    apiKey,
    locks,
    processor: new LeverSyncProcessor(service, locks),
    job: await jobFor(),
    otherJob: await jobFor(),
    stored: (job: LeverSyncJob) => f.assessments.findById(job.accountId, job.assessmentId),
  };
}

describe(LeverSyncProcessor.name, () => {
  let w: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    w = await setup();
  });

  it('syncs the assessment and completes, releasing the opportunity lock', async () => {
    await expect(w.processor.run(w.job, context)).resolves.toEqual({ kind: 'done', result: undefined });

    expect(w.f.lever.opportunity(w.apiKey, w.job.opportunityId).tags).toEqual(['Acme Test - Needs Review']);
    expect(w.locks.heldKeys()).toEqual([]);
  });

  it('delays a job whose opportunity another sync holds, without calling Lever; other opportunities go on', async () => {
    const release = w.f.lever.hold('getOpportunity');
    const first = w.processor.run(w.job, context);
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.f.lever.callsOf('getOpportunity')).toBe(1); // the first sync holds the lock, its read in flight
    const callsBefore = w.f.lever.calls.length;

    const second = await w.processor.run({ ...w.job, correlationId: 'corr-2' }, context);

    expect(second).toMatchObject({ kind: 'delay', code: 'OPPORTUNITY_LOCKED' });
    expect(second.kind === 'delay' && second.until - Date.now()).toBeLessThanOrEqual(500);
    expect(w.f.lever.calls).toHaveLength(callsBefore);
    const other = w.processor.run(w.otherJob, context);
    release();
    await expect(first).resolves.toMatchObject({ kind: 'done' });
    await expect(other).resolves.toMatchObject({ kind: 'done' });
    await expect(w.processor.run(w.job, context)).resolves.toMatchObject({ kind: 'done' });
  });

  it('stops before writing when its lock was taken over mid-sync, and hands the job back (no attempt used)', async () => {
    const release = w.f.lever.hold('getOpportunity');
    const running = w.processor.run(w.job, context);
    await new Promise((resolve) => setImmediate(resolve));
    const [key] = w.locks.heldKeys();
    // The sync stalled past its TTL and another replica took the opportunity over.
    w.locks.takeOver(key);
    release();

    await expect(running).resolves.toMatchObject({ kind: 'delay', code: 'LOCK_LOST' });
    expect(w.f.lever.writes).toEqual([]);
    await expect(w.stored(w.job)).resolves.toMatchObject({ errorCode: null });
  });

  it('delays the job by the Lever rate limit wait, without recording anything', async () => {
    w.f.lever.failNext('addTags', (failure) => new LeverRateLimitedError({ ...failure, status: 429 }, 3_000));
    const before = Date.now();

    const outcome = await w.processor.run(w.job, context);

    expect(outcome).toMatchObject({ kind: 'delay', code: 'LEVER_RATE_LIMITED' });
    expect(outcome.kind === 'delay' && outcome.until).toBeGreaterThanOrEqual(before + 3_000);
    await expect(w.stored(w.job)).resolves.toMatchObject({ errorCode: null });
    expect(w.locks.heldKeys()).toEqual([]);
  });

  it('records a deleted opportunity (404) on the assessment and completes: nothing is left to update', async () => {
    w.f.lever.failNext('getOpportunity', 404);

    await expect(w.processor.run(w.job, context)).resolves.toEqual({ kind: 'done', result: undefined });

    await expect(w.stored(w.job)).resolves.toMatchObject({ status: AssessmentStatus.Completed, errorCode: 'LEVER_NOT_FOUND' });
  });

  it.each([
    [401, 'LEVER_KEY_REVOKED', 'park'],
    [403, 'LEVER_PERMISSION_MISSING', 'fail'],
  ])('records a Lever %i on the assessment (%s) and ends the job: %s', async (status, code, kind) => {
    w.f.lever.failNext('addTags', status);

    await expect(w.processor.run(w.job, context)).resolves.toMatchObject({ kind, code });

    await expect(w.stored(w.job)).resolves.toMatchObject({ status: AssessmentStatus.Completed, errorCode: code });
    expect(w.locks.heldKeys()).toEqual([]);
  });

  it('after a 401 stops the next jobs of the account before they call Lever', async () => {
    w.f.lever.failNext('getOpportunity', 401);
    await w.processor.run(w.job, context);
    const calls = w.f.lever.calls.length;

    await expect(w.processor.run(w.otherJob, context)).resolves.toMatchObject({ kind: 'park', code: 'ACCOUNT_UNAVAILABLE' });

    expect(w.f.lever.calls).toHaveLength(calls);
    await expect(w.f.accounts.findById(w.account.id)).resolves.toMatchObject({ status: AccountStatus.Disconnected });
    await expect(w.stored(w.otherJob)).resolves.toMatchObject({ errorCode: 'ACCOUNT_UNAVAILABLE' });
  });

  it.each([500, 503])('retries a Lever %i, recording nothing', async (status) => {
    w.f.lever.failNext('getOpportunity', status);

    await expect(w.processor.run(w.job, context)).resolves.toMatchObject({ kind: 'retry', code: 'LEVER_UNAVAILABLE' });

    await expect(w.stored(w.job)).resolves.toMatchObject({ errorCode: null });
    expect(w.locks.heldKeys()).toEqual([]);
  });

  it('fails a job whose assessment does not exist for good', async () => {
    await expect(w.processor.run({ ...w.job, assessmentId: 'b1d3b1a0-0000-4000-8000-000000000000' }, context)).resolves.toMatchObject({
      kind: 'fail',
      code: 'ASSESSMENT_NOT_FOUND',
    });
  });

  it('fails an invalid payload for good without taking a lock', async () => {
    await expect(w.processor.run({ accountId: w.job.accountId }, context)).resolves.toMatchObject({
      kind: 'fail',
      code: 'INVALID_JOB_PAYLOAD',
    });

    expect(w.f.lever.calls).toEqual([]);
  });
});
