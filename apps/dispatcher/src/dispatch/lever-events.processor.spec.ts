import { AccountStatus, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { LeverRateLimitedError, LeverUnavailableError } from '@lever-assess/lever-client';
import { PlatformAuthError, PlatformUnavailableError } from '@lever-assess/platform-client';
import type { JobContext, LeverEventJob } from '@lever-assess/queues';
import { UnitFakes, type FakeAccountInput } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import { dispatchOverFakes } from '../../test/support/dispatch-over-fakes';
import { DispatchOutcome } from './dispatch-outcome';
import { LeverEventsProcessor } from './lever-events.processor';

const STAGE = 'stage-coding-test';

/** The processor over the real dispatch service and in-memory fakes; one rule, one candidate at its stage. */
async function setup(accountInput: FakeAccountInput = {}) {
  const f = new UnitFakes();
  const { account, apiKey } = await f.addAccount(accountInput);
  const test = await f.tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome });
  await f.rules.create(account.id, { stageId: STAGE, kind: RuleKind.TakeHome, testId: test.id });
  const opportunity = f.lever.addOpportunity(apiKey, { stageId: STAGE });
  const { service: dispatcher, lifecycle, leverSync } = dispatchOverFakes(f);
  const deliveryToken = randomUUID();
  const event: LeverEventJob = {
    accountId: account.id,
    opportunityId: opportunity.id,
    candidateId: opportunity.id,
    fromStageId: null,
    toStageId: STAGE,
    triggeredAt: new Date().toISOString(),
    deliveryToken,
    correlationId: deliveryToken,
  };
  return {
    f,
    leverSync,
    account,
    event,
    processor: new LeverEventsProcessor(dispatcher, lifecycle),
    deliveryOutcome: async () => (await f.deliveries.find(account.id, deliveryToken))?.outcome,
    assessments: async () => (await f.assessments.list(account.id, { opportunityId: opportunity.id })).items,
  };
}

const attempt = (n: number, of = 8): JobContext => ({ id: 'job-1', attempt: n, isLastAttempt: n >= of, queueKey: 'bull:lever-events' });

describe(LeverEventsProcessor.name, () => {
  let w: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    w = await setup();
  });

  it.each<[DispatchOutcome, Partial<LeverEventJob>, RegExp]>([
    [DispatchOutcome.Sent, {}, /^sent: /],
    [DispatchOutcome.NoRule, { toStageId: 'stage-without-rule' }, /^no-rule$/],
  ])('completes with the dispatch outcome (%s) as the job result', async (outcome, change, recorded) => {
    await expect(w.processor.run({ ...w.event, ...change }, attempt(1))).resolves.toEqual({ kind: 'done', result: { outcome } });

    await expect(w.deliveryOutcome()).resolves.toMatch(recorded);
  });

  it.each<[string, (event: LeverEventJob) => unknown]>([
    ['not an object', () => 'hello'],
    ['a missing field', ({ toStageId: _missing, ...rest }) => rest],
    ['a bad timestamp', (event) => ({ ...event, triggeredAt: 'yesterday' })],
  ])('fails a payload with %s for good, touching nothing', async (_case, corrupt) => {
    const data = corrupt(w.event);

    await expect(w.processor.run(data, attempt(1))).resolves.toMatchObject({ kind: 'fail', code: 'INVALID_JOB_PAYLOAD' });

    expect(w.f.store.deliveries.size).toBe(0);
    expect(w.f.lever.calls).toEqual([]);
  });

  it('delays the job by the Lever rate limit wait, without using an attempt or recording anything', async () => {
    w.f.lever.failNext('getOpportunity', (failure) => new LeverRateLimitedError({ ...failure, status: 429 }, 5_000));
    const before = Date.now();

    const outcome = await w.processor.run(w.event, attempt(1));

    expect(outcome).toMatchObject({ kind: 'delay', code: 'LEVER_RATE_LIMITED' });
    expect(outcome.kind === 'delay' && outcome.until).toBeGreaterThanOrEqual(before + 5_000);
    expect(outcome.kind === 'delay' && outcome.until).toBeLessThanOrEqual(Date.now() + 5_000);
    await expect(w.deliveryOutcome()).resolves.toBeNull();
  });

  it.each([
    [404, 'LEVER_NOT_FOUND'],
    // A 403 on the opportunity read: a confidential candidate for a key without that access (issue 17).
    [403, 'LEVER_CONFIDENTIAL_ACCESS'],
    [400, 'LEVER_BAD_REQUEST'],
  ])('fails the job for good on a Lever %i and records the delivery as failed (%s)', async (status, code) => {
    w.f.lever.failNext('getOpportunity', status);

    await expect(w.processor.run(w.event, attempt(1))).resolves.toMatchObject({ kind: 'fail', code });

    await expect(w.deliveryOutcome()).resolves.toBe(`failed: ${code}`);
  });

  it('fails the job for good on a permanent platform failure after the insert, ending the assessment as error with a sync', async () => {
    w.f.platform.failNext('createInvitation', new PlatformAuthError(401));

    await expect(w.processor.run(w.event, attempt(1))).resolves.toMatchObject({ kind: 'fail', code: 'PLATFORM_AUTH_FAILED' });

    await expect(w.deliveryOutcome()).resolves.toBe('failed: PLATFORM_AUTH_FAILED');
    const [assessment] = await w.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_AUTH_FAILED', platformInvitationId: null });
    expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
  });

  it('parks the job on a Lever 401 (no failure recorded) and marks the account disconnected, so later jobs park without calling Lever', async () => {
    w.f.lever.failNext('getOpportunity', 401);
    await expect(w.processor.run(w.event, attempt(8))).resolves.toEqual({
      kind: 'park',
      code: 'LEVER_KEY_REVOKED',
      accountId: w.account.id,
    });
    await expect(w.deliveryOutcome()).resolves.toBeNull(); // not failed: it runs when the key is replaced
    const calls = w.f.lever.calls.length;

    const next = { ...w.event, deliveryToken: randomUUID() };
    await expect(w.processor.run(next, attempt(1))).resolves.toEqual({
      kind: 'park',
      code: 'ACCOUNT_UNAVAILABLE',
      accountId: w.account.id,
    });

    expect(w.f.lever.calls).toHaveLength(calls);
    await expect(w.f.accounts.findById(w.account.id)).resolves.toMatchObject({ status: AccountStatus.Disconnected });
    expect(w.f.accountChanges.announced).toEqual([w.account.id]);
  });

  it('retries a transient failure before the last attempt, recording nothing', async () => {
    w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503));

    await expect(w.processor.run(w.event, attempt(3))).resolves.toMatchObject({ kind: 'retry', code: 'PLATFORM_UNAVAILABLE' });

    await expect(w.deliveryOutcome()).resolves.toBeNull();
    expect(await w.assessments()).toEqual([expect.objectContaining({ status: AssessmentStatus.Sent, platformInvitationId: null })]);
    expect(w.leverSync.jobs).toEqual([]);
  });

  it('on the last attempt records the exhausted retries (delivery failed, unsent assessment in error) and still retries', async () => {
    w.f.platform.failNext('createInvitation', new PlatformUnavailableError('http', 3, 503));

    await expect(w.processor.run(w.event, attempt(8))).resolves.toMatchObject({ kind: 'retry', code: 'PLATFORM_UNAVAILABLE' });

    await expect(w.deliveryOutcome()).resolves.toBe('failed: PLATFORM_UNAVAILABLE');
    const [assessment] = await w.assessments();
    expect(assessment).toMatchObject({ status: AssessmentStatus.Error, errorCode: 'PLATFORM_UNAVAILABLE' });
    expect(w.leverSync.jobs).toEqual([expect.objectContaining({ assessmentId: assessment.id })]);
  });

  it('keeps the outcome of the last attempt when recording the exhausted retries fails too', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    // Lever times out and, at the same moment, Postgres goes away.
    w.f.lever.failNext('getOpportunity', (failure) => {
      w.f.store.outage(outage);
      return new LeverUnavailableError({ ...failure, cause: 'timeout' });
    });

    await expect(w.processor.run(w.event, attempt(8))).resolves.toMatchObject({ kind: 'retry', code: 'LEVER_UNAVAILABLE' });

    w.f.store.recover();
    await expect(w.deliveryOutcome()).resolves.toBeNull();
  });

  it('retries an unexpected error (the database) under TRANSIENT_FAILURE', async () => {
    const outage = new Error('Connection terminated unexpectedly');
    w.f.store.outage(outage);

    await expect(w.processor.run(w.event, attempt(1))).resolves.toEqual({ kind: 'retry', code: 'TRANSIENT_FAILURE', error: outage });
  });
});
