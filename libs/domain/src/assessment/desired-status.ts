import { AssessmentStatus, StatusTagSuffix, type RuleKind } from '../types';
import { thresholdOutcome } from './threshold-outcome';

/** What the status tag of an assessment depends on. */
export interface AssessmentStatusView {
  status: AssessmentStatus;
  score: number | null;
  passThreshold: number | null;
  failThreshold: number | null;
  /** Live pads (Flow B) have no score; their tag is decided when that flow is built. */
  kind: RuleKind;
}

/**
 * The status tag suffix Lever should show for an assessment; null means no status tag at all
 * (a canceled assessment leaves the candidate untagged).
 */
export function desiredStatusSuffix(view: AssessmentStatusView): StatusTagSuffix | null {
  switch (view.status) {
    case AssessmentStatus.Sent:
      return StatusTagSuffix.Sent;
    case AssessmentStatus.Completed:
      return StatusTagSuffix.NeedsReview;
    case AssessmentStatus.Scored:
      return thresholdOutcome(view.score, view.passThreshold, view.failThreshold);
    case AssessmentStatus.Expired:
      return StatusTagSuffix.Expired;
    case AssessmentStatus.Error:
      return StatusTagSuffix.Error;
    case AssessmentStatus.Canceled:
      return null;
  }
}
