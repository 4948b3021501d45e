import { AssessmentStatus, PlatformEventType } from '../types';

/**
 * Where each platform event takes an assessment, and from which statuses. Forward only:
 * sent -> completed -> scored, sent|completed -> expired. A scored event may skip completed (the
 * platform's callbacks can arrive out of order); scored, expired, canceled and error are final.
 */
const EVENT_MOVES: Record<PlatformEventType, { to: AssessmentStatus; from: readonly AssessmentStatus[] }> = {
  [PlatformEventType.Completed]: { to: AssessmentStatus.Completed, from: [AssessmentStatus.Sent] },
  [PlatformEventType.Scored]: { to: AssessmentStatus.Scored, from: [AssessmentStatus.Sent, AssessmentStatus.Completed] },
  [PlatformEventType.Expired]: { to: AssessmentStatus.Expired, from: [AssessmentStatus.Sent, AssessmentStatus.Completed] },
};

/**
 * The status an assessment moves to on `event`, or null when the event would move it backwards
 * or sideways (a repeat, or a late event after a later one): then the event is ignored.
 */
export function applyPlatformEvent(current: AssessmentStatus, event: PlatformEventType): AssessmentStatus | null {
  const move = EVENT_MOVES[event];
  return move.from.includes(current) ? move.to : null;
}

/**
 * The statuses `event` applies from: pass them to a conditional update (status IN from) so that
 * the check and the write are one atomic step against concurrent events.
 */
export function platformEventSources(event: PlatformEventType): readonly AssessmentStatus[] {
  return EVENT_MOVES[event].from;
}

/** Statuses no platform event changes any more. */
export const FINAL_ASSESSMENT_STATUSES: readonly AssessmentStatus[] = [
  AssessmentStatus.Scored,
  AssessmentStatus.Expired,
  AssessmentStatus.Canceled,
  AssessmentStatus.Error,
];
