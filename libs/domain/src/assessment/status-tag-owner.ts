import { AssessmentStatus, RuleKind } from '../types';

/** What decides which of an opportunity's assessments the status tag shows. */
export interface StatusTagOwnerView {
  id: string;
  status: AssessmentStatus;
  kind: RuleKind;
  /** The Lever stage change that created the assessment: one move can create several pads. */
  triggeredAt: Date;
  createdAt: Date;
}

// Lower wins. An error must be seen (DESIGN.md failure cases); a test's result is what the tag
// is for, so a take-home beats a live pad (whose links are in Lever anyway); a canceled one
// shows only when everything of its move was canceled.
function rank(a: StatusTagOwnerView): number {
  if (a.status === AssessmentStatus.Error) return 0;
  if (a.status === AssessmentStatus.Canceled) return 3;
  return a.kind === RuleKind.LiveInterview ? 2 : 1;
}

const byCreation = (a: StatusTagOwnerView, b: StatusTagOwnerView): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The assessment whose state the candidate's one status tag shows, or null when there is none.
 * Only the newest move counts (the last created assessment's `triggeredAt`), so a replayed job of
 * an older assessment never puts its tag back. When that move created several assessments
 * (several tagged rules, Flow B), the most telling one wins: error, then a test, then a live pad,
 * then canceled; ties go to the first created (the first rule), so every sync picks the same one.
 */
export function statusTagOwner<T extends StatusTagOwnerView>(assessments: readonly T[]): T | null {
  if (assessments.length === 0) return null;
  const newest = [...assessments].sort(byCreation)[assessments.length - 1];
  const move = assessments.filter((a) => a.triggeredAt.getTime() === newest.triggeredAt.getTime());
  return move.sort((a, b) => rank(a) - rank(b) || byCreation(a, b))[0];
}
