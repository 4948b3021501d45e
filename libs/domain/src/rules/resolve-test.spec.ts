import { RuleKind } from '../types';
import { AssessmentProblemCode } from './assessment-problem';
import { resolveTest } from './resolve-test';
import type { CatalogTestView } from './trigger-rule.view';

const catalog: CatalogTestView[] = [
  { id: 't-basics', name: 'Python Basics', kind: RuleKind.TakeHome },
  { id: 't-advanced', name: 'Python Advanced', kind: RuleKind.TakeHome },
  { id: 't-js', name: 'JavaScript Fundamentals', kind: RuleKind.TakeHome },
  { id: 't-pairing', name: 'Live Pairing', kind: RuleKind.LiveInterview },
];

const takeHome = (testId: string | null) => ({ kind: RuleKind.TakeHome, testId });
const liveRule = (testId: string | null) => ({ kind: RuleKind.LiveInterview, testId });

describe(resolveTest.name, () => {
  it.each<[string, { kind: RuleKind; testId: string | null }, string[], string | null, string | undefined]>([
    ['the rule test without tags', takeHome('t-basics'), [], 't-basics', undefined],
    ['the rule test when no tag names a test', takeHome('t-basics'), ['Full-time', 'Acme Test - Sent'], 't-basics', undefined],
    ['a tag naming a catalog test overrides', takeHome('t-basics'), ['Python Advanced'], 't-advanced', 'Python Advanced'],
    ['override compares trimmed, ignoring case', takeHome('t-basics'), ['  python ADVANCED '], 't-advanced', '  python ADVANCED '],
    ['a tag naming the rule test is no override', takeHome('t-basics'), ['python basics'], 't-basics', undefined],
    ['a tag naming a test of another kind does not override', takeHome('t-basics'), ['Live Pairing'], 't-basics', undefined],
    [
      'two naming tags: first test by name wins, whatever the tag order',
      takeHome('t-basics'),
      ['Python Advanced', 'JavaScript Fundamentals'],
      't-js',
      'JavaScript Fundamentals',
    ],
    ['an override gives a take-home rule without test its test', takeHome(null), ['Python Advanced'], 't-advanced', 'Python Advanced'],
    ['a live rule without a test sends none', liveRule(null), ['Python Advanced'], null, undefined],
    ['a live rule takes a live override', liveRule(null), ['live pairing'], 't-pairing', 'live pairing'],
    ['a live rule keeps its own test', liveRule('t-pairing'), [], 't-pairing', undefined],
  ])('%s', (_name, rule, tags, testId, overriddenBy) => {
    const result = resolveTest(rule, tags, catalog);
    expect(result.test?.id ?? null).toBe(testId);
    expect(result.overriddenBy).toBe(overriddenBy);
    expect(result.problem).toBeUndefined();
  });

  it.each<[string, { kind: RuleKind; testId: string | null }, string[], CatalogTestView[]]>([
    ['take-home rule without test and no naming tag', takeHome(null), ['Full-time'], catalog],
    ['take-home rule whose test left the catalog', takeHome('t-deleted'), [], catalog],
    ['empty catalog', takeHome(null), ['Python Advanced'], []],
  ])('no test resolvable: %s', (_name, rule, tags, tests) => {
    const result = resolveTest(rule, tags, tests);
    expect(result.test).toBeNull();
    expect(result.problem).toMatchObject({ code: AssessmentProblemCode.NoTestResolvable });
    expect(result.problem?.reason).toMatch(/no test is chosen/);
  });
});
