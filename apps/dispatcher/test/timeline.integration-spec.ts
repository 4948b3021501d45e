import { CandidateEventType, RuleKind } from '@lever-assess/domain';
import { CandidateEventsRepository } from '@lever-assess/persistence';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/** The candidate timeline the dispatcher records for a delivery (docs/config-api.md, timeline). */
describe('dispatcher: candidate timeline', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_timeline', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const timeline = (accountId: string, opportunityId: string) =>
    h.app.get(CandidateEventsRepository).listForOpportunity(accountId, opportunityId);

  it('a sent invitation: webhook received (sent), rule matched, invitation created, under the delivery token', async () => {
    const s = await h.scenario([{ name: 'Ada Lovelace' }]);
    const rule = await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Ada Lovelace');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'sent' });
    const [assessment] = await s.assessments();

    const rows = await timeline(s.account.id, event.opportunityId);
    expect(rows.map((r) => r.type)).toEqual([
      CandidateEventType.WebhookReceived,
      CandidateEventType.RuleMatched,
      CandidateEventType.InvitationCreated,
    ]);
    expect(rows.every((r) => r.correlationId === event.correlationId)).toBe(true);
    expect(rows[0].detail).toEqual({ toStageId: event.toStageId, triggeredAt: event.triggeredAt, outcome: 'sent' });
    expect(rows[1]).toMatchObject({
      assessmentId: assessment.id,
      detail: { ruleId: rule.id, kind: RuleKind.TakeHome, testId: s.catalog.basics.id, overrideTag: null, assessment: 'new' },
    });
    expect(rows[2]).toMatchObject({
      assessmentId: assessment.id,
      detail: {
        ruleId: rule.id,
        assessmentId: assessment.id,
        invitationId: assessment.platformInvitationId,
        kind: RuleKind.TakeHome,
        testId: s.catalog.basics.id,
      },
    });
    // No personal data: the candidate's name and email stay out of the timeline.
    expect(JSON.stringify(rows)).not.toMatch(/Ada|candidates\.example/);

    // The same delivery again: one more step, the duplicate.
    expect((await h.run(event, `${event.deliveryToken}-again`)).returnvalue).toEqual({ outcome: 'duplicate' });
    const again = await timeline(s.account.id, event.opportunityId);
    expect(again.map((r) => r.type)).toHaveLength(4);
    expect(again[3]).toMatchObject({ type: CandidateEventType.WebhookReceived, detail: { outcome: 'duplicate' } });
  });

  it('a stage without a rule: webhook received (no-rule) and why no rule matched', async () => {
    const s = await h.scenario([{ name: 'Nina Nontrigger', stage: 'Onsite' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Nina Nontrigger', { toStageId: s.stage('Onsite') });
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'no-rule' });

    const rows = await timeline(s.account.id, event.opportunityId);
    expect(rows.map((r) => [r.type, r.detail])).toEqual([
      [CandidateEventType.WebhookReceived, { toStageId: s.stage('Onsite'), triggeredAt: event.triggeredAt, outcome: 'no-rule' }],
      [CandidateEventType.RuleNotMatched, { reason: 'no-rule', stageId: s.stage('Onsite') }],
    ]);
  });

  it('an error: the rule matched and the invitation failed with its code', async () => {
    const s = await h.scenario([{ name: 'Sam Noemail', emails: [] }]);
    const rule = await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const event = s.event('Sam Noemail');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'error' });
    const [assessment] = await s.assessments();

    const rows = await timeline(s.account.id, event.opportunityId);
    expect(rows.map((r) => [r.type, r.detail])).toEqual([
      [CandidateEventType.WebhookReceived, expect.objectContaining({ outcome: 'error' })],
      [CandidateEventType.RuleMatched, expect.objectContaining({ ruleId: rule.id })],
      [CandidateEventType.InvitationFailed, { ruleId: rule.id, code: 'CANDIDATE_NO_EMAIL' }],
    ]);
    expect(rows[2].assessmentId).toBe(assessment.id);
  });
});
