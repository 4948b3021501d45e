/**
 * The steps recorded on a candidate's timeline (`candidate_events.type`, served by
 * `GET /v1/accounts/:id/events`). Persisted and shown to support: add values, never rename one.
 * The detail fields of each are listed in docs/config-api.md; details hold ids, stage ids, tags,
 * codes and counts, never names, emails or URLs.
 */
export const CandidateEventType = {
  /** A Lever stage change taken by the dispatcher, with its outcome. */
  WebhookReceived: 'webhook.received',
  /** A trigger rule fired for the move (one per rule), with the test it sends. */
  RuleMatched: 'rule.matched',
  /** No enabled rule at the stage, or none whose required tag the candidate carries. */
  RuleNotMatched: 'rule.not_matched',
  InvitationCreated: 'invitation.created',
  /** The assessment ended as `error`: refused by the platform, a candidate problem, or a permanent failure. */
  InvitationFailed: 'invitation.failed',
  LeverTagsAdded: 'lever.tags_added',
  LeverTagsRemoved: 'lever.tags_removed',
  LeverLinksAdded: 'lever.links_added',
  LeverNoteWritten: 'lever.note_written',
  PlatformEventApplied: 'platform_event.applied',
  PlatformEventIgnored: 'platform_event.ignored',
  /** Withdrawn because the candidate was archived, hired or deleted in Lever (detail: event, previous status). */
  AssessmentCanceled: 'assessment.canceled',
  /** The candidate was deleted in Lever: personal data purged (detail: assessments scrubbed). */
  CandidatePurged: 'candidate.purged',
  /** result-sync could not bring Lever up to date for good (the job is kept for replay). */
  LeverSyncFailed: 'lever_sync.failed',
} as const;
export type CandidateEventType = (typeof CandidateEventType)[keyof typeof CandidateEventType];
export const CANDIDATE_EVENT_TYPES: readonly CandidateEventType[] = Object.values(CandidateEventType);
