import { RuleKind } from '@lever-assess/domain';
import { ruleShapeErrors, type RuleShape } from './trigger-rule-shape.validator';

describe(ruleShapeErrors.name, () => {
  const base: RuleShape = { kind: RuleKind.TakeHome, testId: 't1', passThreshold: 70, failThreshold: 40 };

  it.each<[string, Partial<RuleShape>, string[]]>([
    ['a complete take-home rule', {}, []],
    ['take-home without a test', { testId: null }, ['testId']],
    ['live interview without a test', { kind: RuleKind.LiveInterview, testId: null }, []],
    ['fail equal to pass', { failThreshold: 70 }, ['failThreshold']],
    ['fail above pass', { failThreshold: 90 }, ['failThreshold']],
    ['only a pass threshold', { failThreshold: null }, []],
    ['only a fail threshold', { passThreshold: null }, []],
    ['no thresholds', { passThreshold: null, failThreshold: null }, []],
    ['fail 0 below pass 1', { passThreshold: 1, failThreshold: 0 }, []],
    ['both problems', { testId: null, failThreshold: 80 }, ['testId', 'failThreshold']],
  ])('%s', (_name, patch, fields) => {
    expect(ruleShapeErrors({ ...base, ...patch }).map((e) => e.field)).toEqual(fields);
  });
});
