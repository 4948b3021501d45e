/**
 * What processing one `lever-events` job decided. The values label `dispatcher_events_total` and
 * start the outcome recorded on the Lever delivery (lever_deliveries.outcome), so keep them stable.
 */
export const DispatchOutcome = {
  /** The delivery token was processed to the end before (a redelivery or a replayed job). */
  Duplicate: 'duplicate',
  AccountMissing: 'account-missing',
  AccountDisabled: 'account-disabled',
  /** No enabled rule at the stage the candidate moved to. */
  NoRule: 'no-rule',
  /** Only tagged rules at the stage, and the candidate carries none of their tags. */
  NoMatchingRule: 'no-matching-rule',
  /** The opportunity has left the stage since the webhook (a late or out-of-order delivery). */
  StaleStage: 'stale-stage',
  /** Archived or anonymized candidate: nothing sent, nothing recorded but this outcome. */
  CandidateSkipped: 'candidate-skipped',
  /** At least one invitation was created. */
  Sent: 'sent',
  /** Nothing sent; at least one assessment recorded as `error` (shown in Lever by result-sync). */
  Error: 'error',
  /** Every selected rule already had its assessment for this move (a second delivery of it). */
  AlreadyHandled: 'already-handled',
  /** Lifecycle: the candidate's pending invitations were canceled (archived or hired). */
  Canceled: 'canceled',
  /** Lifecycle: archived or hired, but nothing was pending. */
  NothingPending: 'nothing-pending',
  /** Lifecycle: Lever shows the candidate unarchived (an unarchive event): nothing to do. */
  NotArchived: 'not-archived',
  /** Lifecycle: the opportunity is gone from Lever (deleted since the archive or hire event). */
  OpportunityGone: 'opportunity-gone',
  /** Lifecycle: a deletion event for an opportunity Lever still has: nothing purged. */
  StillInLever: 'still-in-lever',
  /** Lifecycle: the candidate was deleted in Lever; open invitations canceled, personal data purged. */
  Purged: 'purged',
  /** A permanent failure: the job fails and is kept for replay. */
  Failed: 'failed',
} as const;
export type DispatchOutcome = (typeof DispatchOutcome)[keyof typeof DispatchOutcome];

/** What one selected rule led to. */
export interface RuleResult {
  ruleId: string;
  /** sent / error; `already` when an assessment for this move exists. */
  result: 'sent' | 'error' | 'already';
  assessmentId: string;
}

/** One event's outcome from its rules: any invitation sent wins, then any error. */
export function aggregateOutcome(results: readonly RuleResult[]): DispatchOutcome {
  if (results.some((r) => r.result === 'sent')) return DispatchOutcome.Sent;
  if (results.some((r) => r.result === 'error')) return DispatchOutcome.Error;
  return DispatchOutcome.AlreadyHandled;
}

const FAILED_PREFIX = `${DispatchOutcome.Failed}:`;

/**
 * The text stored on the delivery for support: `sent: <assessment>=sent, <assessment>=already`,
 * `no-rule`, `candidate-skipped: CANDIDATE_ARCHIVED`, `failed: LEVER_KEY_REVOKED`.
 */
export function deliveryOutcomeText(outcome: DispatchOutcome, detail?: string | readonly RuleResult[]): string {
  if (detail === undefined) return outcome;
  const text = typeof detail === 'string' ? detail : detail.map((r) => `${r.assessmentId}=${r.result}`).join(', ');
  return `${outcome}: ${text}`;
}

/**
 * A delivery is finished once an outcome other than a failure is recorded. A failed delivery
 * (permanent error, job kept) is processed again when its job is replayed, and a delivery without
 * outcome is still in progress (or its job is being retried): processing is idempotent, so both go on.
 */
export function isFinishedDelivery(outcome: string | null): boolean {
  return outcome !== null && !outcome.startsWith(FAILED_PREFIX);
}
