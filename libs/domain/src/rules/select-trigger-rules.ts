import { normalizeTag, tagSet } from './tag-match';
import type { TriggerRuleView } from './trigger-rule.view';

/** A rule with a (non-blank) required tag: Flow B. */
export function isTaggedRule(rule: Pick<TriggerRuleView, 'requiredTag'>): boolean {
  return rule.requiredTag !== null && normalizeTag(rule.requiredTag) !== '';
}

/** A rule that names a Lever posting (job): it fires only for candidates who applied to it. */
export function isPostingRule(rule: Pick<TriggerRuleView, 'postingId'>): boolean {
  return typeof rule.postingId === 'string' && rule.postingId.trim() !== '';
}

/**
 * How specific a rule is, highest first: posting + tag (3) > posting (2) > tag (1) > plain (0).
 * The posting outranks the tag: the job a candidate applied to is a fact of their application,
 * a tag is a recruiter's note, and "this role sends that test" is the setting an account asks for.
 */
export function ruleSpecificity(rule: Pick<TriggerRuleView, 'requiredTag' | 'postingId'>): number {
  return (isPostingRule(rule) ? 2 : 0) + (isTaggedRule(rule) ? 1 : 0);
}

/**
 * Picks the rules that fire for a candidate who reached the rules' stage (DESIGN.md: tagged rules
 * win over untagged ones; a matching posting rule beats a stage-only rule):
 * - a rule applies when the candidate carries its required tag (if any) and applied to its
 *   posting (if any; `postingIds` are the postings of the candidate's applications);
 * - of the applying rules, only the most specific fire (docs/decisions.md, rule precedence):
 *   posting + tag > posting > tag > plain; every rule of that rank fires, each creating its own
 *   assessment.
 * Input order is kept (stable results).
 */
export function selectTriggerRules<R extends TriggerRuleView>(
  rules: readonly R[],
  candidateTags: readonly string[],
  postingIds: readonly string[] = [],
): R[] {
  const tags = tagSet(candidateTags);
  const postings = new Set(postingIds);
  const applying = rules.filter(
    (r) =>
      (!isTaggedRule(r) || tags.has(normalizeTag(r.requiredTag as string))) &&
      (!isPostingRule(r) || postings.has((r.postingId as string).trim())),
  );
  const top = Math.max(-1, ...applying.map(ruleSpecificity));
  return applying.filter((r) => ruleSpecificity(r) === top);
}

/** The posting ids of a candidate's applications (Lever lists at most one), blanks dropped. */
export function applicationPostingIds(applications: readonly { postingId: string | null }[]): string[] {
  return applications.map((a) => a.postingId).filter((p): p is string => typeof p === 'string' && p !== '');
}
