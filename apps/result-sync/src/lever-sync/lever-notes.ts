import { AssessmentStatus, thresholdOutcome } from '@lever-assess/domain';

/** What a note is about; claimed once per assessment in assessment_notes. Persisted: never rename. */
export const noteEventKey = {
  scored: () => 'scored',
  error: (errorCode: string | null) => `error:${errorCode ?? 'UNKNOWN'}`,
};

/**
 * The line that ends every note we write. It lets a retry find a note whose first write timed out
 * (Lever may have stored it) instead of writing it twice or never.
 */
export const noteReference = (assessmentId: string, eventKey: string) => `(lever-assess ref ${assessmentId}/${eventKey})`;

export interface NoteInput {
  status: AssessmentStatus;
  score: number | null;
  reportUrl: string | null;
  errorCode: string | null;
  errorText: string | null;
  passThreshold: number | null;
  failThreshold: number | null;
}

export interface PlannedNote {
  eventKey: string;
  value: string;
  /** The result of a test: the one note an account may have notify the candidate's followers. */
  isResult: boolean;
}

const FALLBACK_ERROR_TEXT =
  'The assessment could not be sent. Ask an admin to check the assessment in the configuration, then move the candidate back into this stage.';

function thresholdsText(pass: number | null, fail: number | null): string {
  const parts = [pass !== null ? `pass at ${pass} or more` : null, fail !== null ? `fail at ${fail} or less` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no thresholds set: a person decides';
}

/**
 * The note an assessment calls for, or null. Errors: what went wrong and what to do (the
 * dispatcher's errorText is written for recruiters). Scored: the result with thresholds and
 * report. Never includes emails or secrets.
 */
export function plannedNote(prefix: string, a: NoteInput): PlannedNote | null {
  if (a.status === AssessmentStatus.Error) {
    return {
      eventKey: noteEventKey.error(a.errorCode),
      value: `${prefix}: ${a.errorText?.trim() || FALLBACK_ERROR_TEXT}`,
      isResult: false,
    };
  }
  if (a.status === AssessmentStatus.Scored) {
    const outcome = thresholdOutcome(a.score, a.passThreshold, a.failThreshold);
    const lines = [
      `${prefix}: assessment result: ${outcome}`,
      `Score: ${a.score ?? 'not given'} (${thresholdsText(a.passThreshold, a.failThreshold)})`,
      a.reportUrl ? `Report: ${a.reportUrl}` : 'Report: not available',
    ];
    return { eventKey: noteEventKey.scored(), value: lines.join('\n'), isResult: true };
  }
  return null;
}
