import type { RuleKind } from '../types';

/**
 * What the domain needs of a trigger rule (the persistence entity satisfies it). The rules given
 * to the domain are already the account's enabled rules at the event's stage.
 */
export interface TriggerRuleView {
  id: string;
  /** Blank or null: the rule applies to every candidate reaching the stage. */
  requiredTag: string | null;
  /** Lever posting id; blank, null or absent: the rule applies whatever job the candidate applied to. */
  postingId?: string | null;
  kind: RuleKind;
  /** The rule's own test (catalog id); required for take_home, optional for live_interview. */
  testId: string | null;
}

/** One entry of the account's test catalog; its name doubles as the override tag. */
export interface CatalogTestView {
  id: string;
  name: string;
  kind: RuleKind;
}

/** What the domain needs of a Lever opportunity to decide whether a candidate can be invited. */
export interface CandidateView {
  emails: readonly string[];
  archived: boolean;
  isAnonymized: boolean;
}
