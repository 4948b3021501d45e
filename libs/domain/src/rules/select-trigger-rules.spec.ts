import { RuleKind } from '../types';
import { isTaggedRule, selectTriggerRules } from './select-trigger-rules';
import type { TriggerRuleView } from './trigger-rule.view';

const rule = (id: string, requiredTag: string | null, kind: RuleKind = RuleKind.TakeHome): TriggerRuleView => ({
  id,
  requiredTag,
  kind,
  testId: null,
});

const untaggedA = rule('untagged-a', null);
const untaggedB = rule('untagged-b', null, RuleKind.LiveInterview);
const blankTag = rule('blank-tag', '   ');
const live = rule('live', 'Live Pad', RuleKind.LiveInterview);
const takeHome = rule('take-home', 'Take Home');

describe(selectTriggerRules.name, () => {
  it.each<[string, TriggerRuleView[], string[], string[]]>([
    ['no rules', [], ['Live Pad'], []],
    ['untagged rules fire for any candidate', [untaggedA, untaggedB], [], ['untagged-a', 'untagged-b']],
    ['a blank required tag counts as untagged', [blankTag], ['anything'], ['blank-tag']],
    ['a tagged rule without its tag never fires', [live], ['Other'], []],
    ['untagged rules fire when no tagged rule matches', [untaggedA, live], ['Other'], ['untagged-a']],
    ['a matching tagged rule wins over untagged rules', [untaggedA, live], ['Live Pad'], ['live']],
    ['every matching tagged rule fires', [untaggedA, live, takeHome], ['Take Home', 'Live Pad'], ['live', 'take-home']],
    ['only the matching tagged rules fire', [live, takeHome], ['Take Home'], ['take-home']],
    ['tags compare trimmed and ignoring case', [untaggedA, live], ['  live pad '], ['live']],
    ['a rule tag with stray spaces still matches', [rule('spaced', ' Live Pad ')], ['LIVE PAD'], ['spaced']],
    ['a blank candidate tag matches nothing', [live], ['', '  '], []],
    ['a partial tag does not match', [live], ['Live'], []],
  ])('%s', (_name, rules, tags, expected) => {
    expect(selectTriggerRules(rules, tags).map((r) => r.id)).toEqual(expected);
  });

  it('returns the callers own objects (entities pass through)', () => {
    const entity = { ...live, stageId: 's1', timeLimitMinutes: 90 };
    expect(selectTriggerRules([entity], ['Live Pad'])[0]).toBe(entity);
  });
});

describe(isTaggedRule.name, () => {
  it.each<[string | null, boolean]>([
    [null, false],
    ['', false],
    ['  ', false],
    ['x', true],
  ])('%p -> %p', (requiredTag, expected) => {
    expect(isTaggedRule({ requiredTag })).toBe(expected);
  });
});
