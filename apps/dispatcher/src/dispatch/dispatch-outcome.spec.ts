import { DispatchOutcome, aggregateOutcome, deliveryOutcomeText, isFinishedDelivery, type RuleResult } from './dispatch-outcome';

const r = (result: RuleResult['result'], assessmentId = 'a1'): RuleResult => ({ ruleId: 'r', result, assessmentId });

describe(aggregateOutcome.name, () => {
  it.each<[RuleResult['result'][], DispatchOutcome]>([
    [['sent'], DispatchOutcome.Sent],
    [['error', 'sent'], DispatchOutcome.Sent],
    [['already', 'error'], DispatchOutcome.Error],
    [['already'], DispatchOutcome.AlreadyHandled],
    [['already', 'already'], DispatchOutcome.AlreadyHandled],
  ])('%p -> %p', (results, expected) => {
    expect(aggregateOutcome(results.map((x) => r(x)))).toBe(expected);
  });
});

describe(deliveryOutcomeText.name, () => {
  it.each<[DispatchOutcome, string | RuleResult[] | undefined, string]>([
    [DispatchOutcome.NoRule, undefined, 'no-rule'],
    [DispatchOutcome.Failed, 'LEVER_KEY_REVOKED', 'failed: LEVER_KEY_REVOKED'],
    [DispatchOutcome.Sent, [r('sent', 'a1'), r('already', 'a2')], 'sent: a1=sent, a2=already'],
  ])('%p %p -> %p', (outcome, detail, expected) => {
    expect(deliveryOutcomeText(outcome, detail)).toBe(expected);
  });
});

describe(isFinishedDelivery.name, () => {
  it.each<[string | null, boolean]>([
    [null, false],
    ['failed: LEVER_KEY_REVOKED', false],
    ['no-rule', true],
    ['sent: a1=sent', true],
    ['account-disabled', true],
  ])('%p -> %p', (outcome, expected) => {
    expect(isFinishedDelivery(outcome)).toBe(expected);
  });
});
