import { RuleKind } from '../types';
import { applicationPostingIds, isPostingRule, isTaggedRule, ruleSpecificity, selectTriggerRules } from './select-trigger-rules';
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

describe('selectTriggerRules by job posting', () => {
  const posting = (id: string, postingId: string | null, requiredTag: string | null = null): TriggerRuleView => ({
    ...rule(id, requiredTag),
    postingId,
  });
  const plain = rule('plain', null);
  const tagged = rule('tagged', 'Senior');
  const backend = posting('backend', 'p-backend');
  const frontend = posting('frontend', 'p-frontend');
  const backendSenior = posting('backend-senior', 'p-backend', 'Senior');

  it.each<[string, TriggerRuleView[], string[], string[], string[]]>([
    ['a posting rule fires for a candidate of its posting', [plain, backend, frontend], [], ['p-backend'], ['backend']],
    ['each posting gets its own rule at the same stage', [plain, backend, frontend], [], ['p-frontend'], ['frontend']],
    ['a candidate of another posting gets the stage-only rule', [plain, backend, frontend], [], ['p-other'], ['plain']],
    ['a candidate without an application gets the stage-only rule', [plain, backend], [], [], ['plain']],
    ['a posting rule without a stage-only rule: others get nothing', [backend], [], ['p-other'], []],
    ['a posting rule beats a matching tagged rule', [tagged, backend], ['Senior'], ['p-backend'], ['backend']],
    ['posting + tag beats posting alone', [plain, tagged, backend, backendSenior], ['Senior'], ['p-backend'], ['backend-senior']],
    ['posting + tag without the tag falls back to the posting rule', [plain, backend, backendSenior], [], ['p-backend'], ['backend']],
    ['posting + tag of another posting falls back to the tagged rule', [plain, tagged, backendSenior], ['Senior'], ['p-x'], ['tagged']],
    ['every rule of the top rank fires', [backend, posting('backend-2', 'p-backend'), plain], [], ['p-backend'], ['backend', 'backend-2']],
    ['a blank posting id counts as stage-only', [posting('blank', '  ')], [], ['p-any'], ['blank']],
    ['posting ids compare exactly (opaque ids)', [posting('upper', 'P-BACKEND')], [], ['p-backend'], []],
  ])('%s', (_name, rules, tags, postingIds, expected) => {
    expect(selectTriggerRules(rules, tags, postingIds).map((r) => r.id)).toEqual(expected);
  });

  it.each<[TriggerRuleView, number]>([
    [backendSenior, 3],
    [backend, 2],
    [tagged, 1],
    [plain, 0],
  ])('specificity of rule %#: %p', (r, expected) => {
    expect(ruleSpecificity(r)).toBe(expected);
    expect(isPostingRule(r)).toBe(expected >= 2);
  });

  it('reads the postings of applications, dropping those without one', () => {
    expect(applicationPostingIds([{ postingId: 'p1' }, { postingId: null }, { postingId: '' }])).toEqual(['p1']);
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
