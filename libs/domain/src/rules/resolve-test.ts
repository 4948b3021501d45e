import { noTestResolvableProblem, type AssessmentProblem } from './assessment-problem';
import { findTag, normalizeTag } from './tag-match';
import type { CatalogTestView, TriggerRuleView } from './trigger-rule.view';
import { RuleKind } from '../types';

export interface ResolvedTest<T extends CatalogTestView> {
  /** The test to send; null for a live interview without a question, or when `problem` is set. */
  test: T | null;
  /** The candidate's tag (as written in Lever) that chose `test` instead of the rule's own test. */
  overriddenBy?: string;
  /** Set when nothing can be sent: a take-home rule with no resulting test. */
  problem?: AssessmentProblem;
}

/**
 * Chooses the test a rule sends to a candidate (DESIGN.md Flow A step 5): a candidate tag equal to
 * the name of a catalog test of the rule's kind (trimmed, case-insensitive) overrides the rule's
 * own test. When several tags name such tests, the first test in catalog name order wins, so the
 * choice does not depend on the order Lever lists tags in. A take-home rule must end with a test;
 * a live interview may have none.
 */
export function resolveTest<T extends CatalogTestView>(
  rule: Pick<TriggerRuleView, 'kind' | 'testId'>,
  candidateTags: readonly string[],
  catalog: readonly T[],
): ResolvedTest<T> {
  const candidates = catalog
    .filter((t) => t.kind === rule.kind)
    .map((test) => ({ test, tag: findTag(candidateTags, test.name) }))
    .filter((c): c is { test: T; tag: string } => c.tag !== undefined)
    .sort((a, b) => compareNames(a.test.name, b.test.name));
  if (candidates.length > 0) {
    const [{ test, tag }] = candidates;
    return test.id === rule.testId ? { test } : { test, overriddenBy: tag };
  }
  const own = rule.testId ? (catalog.find((t) => t.id === rule.testId) ?? null) : null;
  if (!own && rule.kind === RuleKind.TakeHome) return { test: null, problem: noTestResolvableProblem() };
  return { test: own };
}

function compareNames(a: string, b: string): number {
  const x = normalizeTag(a);
  const y = normalizeTag(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
