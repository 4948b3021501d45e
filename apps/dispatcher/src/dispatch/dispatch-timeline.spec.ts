import { CandidateEventType, RuleKind } from '@lever-assess/domain';
import { PlatformUnavailableError } from '@lever-assess/platform-client';
import type { LeverEventJob } from '@lever-assess/queues';
import { UnitFakes } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import { dispatchOverFakes } from '../../test/support/dispatch-over-fakes';
import { DispatchOutcome } from './dispatch-outcome';

const STAGE = 'stage-coding-test';

/** The timeline steps of the failure paths (the sent / no-rule / error paths: test/timeline.integration-spec.ts). */
describe('dispatcher timeline steps', () => {
  async function setup() {
    const f = new UnitFakes();
    const { account, apiKey } = await f.addAccount();
    const test = await f.tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome });
    const rule = await f.rules.create(account.id, { stageId: STAGE, kind: RuleKind.TakeHome, testId: test.id, requiredTag: 'Backend' });
    const { service } = dispatchOverFakes(f);
    const event = (tags: string[]): LeverEventJob => {
      const opportunity = f.lever.addOpportunity(apiKey, { stageId: STAGE, tags });
      const deliveryToken = randomUUID();
      return {
        accountId: account.id,
        opportunityId: opportunity.id,
        candidateId: opportunity.id,
        fromStageId: 'stage-new',
        toStageId: STAGE,
        triggeredAt: new Date().toISOString(),
        deliveryToken,
        correlationId: deliveryToken,
      };
    };
    const steps = (e: LeverEventJob) => f.events.listForOpportunity(account.id, e.opportunityId);
    return { f, account, rule, service, event, steps };
  }

  it('says which tagged rules the candidate did not match', async () => {
    const w = await setup();
    const e = w.event(['Frontend']);
    await expect(w.service.dispatch(e)).resolves.toBe(DispatchOutcome.NoMatchingRule);
    expect((await w.steps(e)).map((s) => [s.type, s.detail])).toEqual([
      [CandidateEventType.WebhookReceived, expect.objectContaining({ outcome: 'no-matching-rule' })],
      [CandidateEventType.RuleNotMatched, { reason: 'no-matching-rule', stageId: STAGE, ruleIds: [w.rule.id], requiredTags: ['Backend'] }],
    ]);
  });

  it('records a permanent failure as the delivery outcome, with each assessment it ended as error', async () => {
    const w = await setup();
    const e = w.event(['Backend']);
    w.f.platform.failNext('createInvitation', new PlatformUnavailableError('network', 3));
    await expect(w.service.dispatch(e)).rejects.toThrow(PlatformUnavailableError);
    // Nothing recorded for an attempt that will be retried.
    expect(await w.steps(e)).toEqual([]);

    await w.service.recordRetriesExhausted(e, 'PLATFORM_UNAVAILABLE');
    const [assessment] = (await w.f.assessments.list(w.account.id, { opportunityId: e.opportunityId })).items;
    expect((await w.steps(e)).map((s) => [s.type, s.detail, s.assessmentId, s.correlationId])).toEqual([
      [
        CandidateEventType.WebhookReceived,
        { toStageId: STAGE, triggeredAt: e.triggeredAt, outcome: 'failed', code: 'PLATFORM_UNAVAILABLE', retriesExhausted: true },
        null,
        e.correlationId,
      ],
      [CandidateEventType.InvitationFailed, { ruleId: w.rule.id, code: 'PLATFORM_UNAVAILABLE' }, assessment.id, e.correlationId],
    ]);
  });

  it('fails the job when the timeline cannot be written, leaving the delivery unfinished for the retry', async () => {
    const w = await setup();
    const e = w.event([]);
    const append = jest.spyOn(w.f.events, 'append').mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    await expect(w.service.dispatch(e)).rejects.toThrow('ECONNREFUSED');
    expect((await w.f.deliveries.find(w.account.id, e.deliveryToken))?.outcome).toBeNull();

    append.mockRestore();
    await expect(w.service.dispatch(e)).resolves.toBe(DispatchOutcome.NoMatchingRule);
    expect(await w.steps(e)).toHaveLength(2);
  });
});
