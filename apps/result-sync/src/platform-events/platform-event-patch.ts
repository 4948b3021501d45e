import { AssessmentStatus, PlatformEventType } from '@lever-assess/domain';
import type { AssessmentPatch } from '@lever-assess/persistence';
import type { PlatformEventJob } from '@lever-assess/queues';

/** Scores are percentages, like the rule thresholds they are compared with. */
const SCORE_MIN = 0;
const SCORE_MAX = 100;

/** Why the event's facts cannot be stored, or null. The gateway checked the shape already. */
export function platformEventProblem(event: PlatformEventJob): string | null {
  if (event.score !== null && (event.score < SCORE_MIN || event.score > SCORE_MAX)) {
    return `score must be between ${SCORE_MIN} and ${SCORE_MAX}`;
  }
  if (event.reportUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(event.reportUrl).protocol;
    } catch {
      // not a URL at all
    }
    // It becomes a link on the candidate in Lever: only web links.
    if (protocol !== 'https:' && protocol !== 'http:') return 'reportUrl must be an http(s) URL';
  }
  return null;
}

/**
 * The row update for an event that applies (see applyPlatformEvent). A scored event that arrives
 * before its completed event also marks the assessment completed, at the scoring time.
 */
export function platformEventPatch(event: PlatformEventJob, completedAt: Date | null): AssessmentPatch {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case PlatformEventType.Completed:
      return { status: AssessmentStatus.Completed, completedAt: at };
    case PlatformEventType.Scored:
      return {
        status: AssessmentStatus.Scored,
        score: event.score,
        reportUrl: event.reportUrl,
        scoredAt: at,
        completedAt: completedAt ?? at,
      };
    case PlatformEventType.Expired:
      return { status: AssessmentStatus.Expired };
  }
}
