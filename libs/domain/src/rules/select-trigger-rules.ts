import { normalizeTag, tagSet } from './tag-match';
import type { TriggerRuleView } from './trigger-rule.view';

/** A rule with a (non-blank) required tag: Flow B. */
export function isTaggedRule(rule: Pick<TriggerRuleView, 'requiredTag'>): boolean {
  return rule.requiredTag !== null && normalizeTag(rule.requiredTag) !== '';
}

/**
 * Picks the rules that fire for a candidate who reached the rules' stage (DESIGN.md: "rules whose
 * required tag the candidate carries win over rules without a required tag at the same stage"):
 * - every tagged rule whose tag the candidate carries, each creating its own assessment; else
 * - every untagged rule.
 * Tagged rules the candidate does not match never fire. Input order is kept (stable results).
 */
export function selectTriggerRules<R extends TriggerRuleView>(rules: readonly R[], candidateTags: readonly string[]): R[] {
  const tags = tagSet(candidateTags);
  const tagged = rules.filter((r) => isTaggedRule(r) && tags.has(normalizeTag(r.requiredTag as string)));
  if (tagged.length > 0) return tagged;
  return rules.filter((r) => !isTaggedRule(r));
}
