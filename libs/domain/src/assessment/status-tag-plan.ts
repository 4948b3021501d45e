import { allStatusTags, statusTag } from '../status-tag';
import type { StatusTagSuffix } from '../types';

/**
 * Tag changes that leave exactly one status tag of a prefix (or none). Lever has no "replace
 * tags" call: `add` must be applied BEFORE `remove`, so the candidate never shows no status tag.
 */
export interface StatusTagPlan {
  add: string[];
  remove: string[];
}

export type TagStep = { action: 'addTags' | 'removeTags'; tags: string[] };

/**
 * Compares the opportunity's tags with the wanted suffix. Lever tags are case-sensitive: only
 * exact status tags of `prefix` count; other tags are never touched.
 */
export function statusTagPlan(prefix: string, currentTags: readonly string[], desiredSuffix: StatusTagSuffix | null): StatusTagPlan {
  const wanted = desiredSuffix === null ? null : statusTag(prefix, desiredSuffix);
  const present = new Set(currentTags);
  return {
    add: wanted !== null && !present.has(wanted) ? [wanted] : [],
    remove: allStatusTags(prefix).filter((tag) => tag !== wanted && present.has(tag)),
  };
}

/** The plan as ordered Lever calls (add first), skipping empty ones. */
export function tagPlanSteps(plan: StatusTagPlan): TagStep[] {
  const steps: TagStep[] = [];
  if (plan.add.length > 0) steps.push({ action: 'addTags', tags: plan.add });
  if (plan.remove.length > 0) steps.push({ action: 'removeTags', tags: plan.remove });
  return steps;
}
