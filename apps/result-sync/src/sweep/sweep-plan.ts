import {
  desiredStatusSuffix,
  statusTagOwner,
  statusTagPlan,
  type AssessmentStatus,
  type RuleKind,
  type StatusTagOwnerView,
} from '@lever-assess/domain';

/** A webhook may be stamped a little before or after our clocks: records this much older still count. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

/** What the sweep reads of a listed opportunity to tell when it entered a stage. */
export interface StageEntryView {
  stageChanges: readonly { toStageId: string; updatedAt: number | null }[];
  lastAdvancedAt: number | null;
}

/**
 * When the opportunity last entered `stageId` (ms): the latest stageChanges entry to it, else
 * lastAdvancedAt (Lever omits stageChanges in some listings); null when neither says.
 */
export function enteredStageAt(o: StageEntryView, stageId: string): number | null {
  let latest: number | null = null;
  for (const change of o.stageChanges) {
    if (change.toStageId === stageId && change.updatedAt !== null && (latest === null || change.updatedAt > latest))
      latest = change.updatedAt;
  }
  return latest ?? o.lastAdvancedAt;
}

export type InviteCheck =
  { kind: 'check'; enteredAt: number; ruleIds: string[] } | { kind: 'skip'; reason: 'beforeLookback' | 'beforeRule' };

/**
 * Whether a candidate in a trigger stage may be invited by the sweep, before looking for a record
 * of the move: never when it entered before the look-back (or we cannot tell when), never for a
 * rule created after the move (the rule did not exist when the webhook would have come).
 */
export function inviteCheck(
  enteredAt: number | null,
  stageRules: readonly { id: string; createdAt: Date }[],
  now: number,
  lookbackMs: number,
): InviteCheck {
  if (enteredAt === null || enteredAt < now - lookbackMs) return { kind: 'skip', reason: 'beforeLookback' };
  const ruleIds = stageRules.filter((r) => r.createdAt.getTime() <= enteredAt).map((r) => r.id);
  if (ruleIds.length === 0) return { kind: 'skip', reason: 'beforeRule' };
  return { kind: 'check', enteredAt, ruleIds };
}

/** True when one of the stage's rules has an assessment triggered by this move (or a later one). */
export function assessmentForMove(
  assessments: readonly { ruleId: string; triggeredAt: Date }[],
  ruleIds: readonly string[],
  enteredAt: number,
): boolean {
  const since = enteredAt - CLOCK_TOLERANCE_MS;
  return assessments.some((a) => ruleIds.includes(a.ruleId) && a.triggeredAt.getTime() >= since);
}

/** The sweep's delivery token for a move: stable, so every sweep and replica makes the same job. */
export const sweepDeliveryToken = (opportunityId: string, stageId: string, enteredAt: number) =>
  `sweep:${opportunityId}:${stageId}:${enteredAt}`;

export interface DriftAssessment extends StatusTagOwnerView {
  ruleId: string;
  score: number | null;
}

/**
 * The assessment whose status tag is out of date in Lever's listing, or null when the tags
 * match (or there is no assessment): the status-tag owner's desired tag, with the rule's thresholds.
 */
export function driftedOwner<A extends DriftAssessment>(
  prefix: string,
  tags: readonly string[],
  assessments: readonly A[],
  thresholdsOf: (ruleId: string) => { passThreshold: number | null; failThreshold: number | null } | null,
): A | null {
  const owner = statusTagOwner(assessments);
  if (!owner) return null;
  const thresholds = thresholdsOf(owner.ruleId) ?? { passThreshold: null, failThreshold: null };
  const suffix = desiredStatusSuffix({
    status: owner.status as AssessmentStatus,
    score: owner.score,
    kind: owner.kind as RuleKind,
    ...thresholds,
  });
  const plan = statusTagPlan(prefix, tags, suffix);
  return plan.add.length > 0 || plan.remove.length > 0 ? owner : null;
}
