import { AssessmentStatus, RuleKind, StatusTagSuffix } from '../types';
import { thresholdOutcome } from './threshold-outcome';

/** What the status tag of an assessment depends on. */
export interface AssessmentStatusView {
  status: AssessmentStatus;
  score: number | null;
  passThreshold: number | null;
  failThreshold: number | null;
  /** An open live interview pad shows `Live Pad` instead of `Sent` (docs/flow-b.md). */
  kind: RuleKind;
}

/**
 * The status tag suffix Lever should show for an assessment (null: no status tag at all; no
 * status has that today, the plan keeps supporting it). A live pad is `Live Pad` while open;
 * once the platform reports the interview completed it needs the interviewer's feedback
 * reviewed (`Needs Review`), and a platform that scores it follows the thresholds like a test.
 */
export function desiredStatusSuffix(view: AssessmentStatusView): StatusTagSuffix | null {
  switch (view.status) {
    case AssessmentStatus.Sent:
      return view.kind === RuleKind.LiveInterview ? StatusTagSuffix.LivePad : StatusTagSuffix.Sent;
    case AssessmentStatus.Completed:
      return StatusTagSuffix.NeedsReview;
    case AssessmentStatus.Scored:
      return thresholdOutcome(view.score, view.passThreshold, view.failThreshold);
    case AssessmentStatus.Expired:
      return StatusTagSuffix.Expired;
    case AssessmentStatus.Error:
      return StatusTagSuffix.Error;
    case AssessmentStatus.Canceled:
      return StatusTagSuffix.Canceled;
  }
}
