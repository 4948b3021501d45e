/**
 * Shared vocabulary of lever-assess. The string values are persisted (Postgres enums, job
 * payloads, API responses): never rename one without a migration.
 */
export const RuleKind = { TakeHome: 'take_home', LiveInterview: 'live_interview' } as const;
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];
export const RULE_KINDS: readonly RuleKind[] = Object.values(RuleKind);

export const AssessmentStatus = {
  Sent: 'sent',
  Completed: 'completed',
  Scored: 'scored',
  Expired: 'expired',
  Canceled: 'canceled',
  Error: 'error',
} as const;
export type AssessmentStatus = (typeof AssessmentStatus)[keyof typeof AssessmentStatus];
export const ASSESSMENT_STATUSES: readonly AssessmentStatus[] = Object.values(AssessmentStatus);
/** Statuses that still occupy the (account, opportunity, rule) slot: a new trigger is a duplicate. */
export const ACTIVE_ASSESSMENT_STATUSES: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed];

export const AccountStatus = { Active: 'active', Disconnected: 'disconnected', Disabled: 'disabled' } as const;
export type AccountStatus = (typeof AccountStatus)[keyof typeof AccountStatus];
export const ACCOUNT_STATUSES: readonly AccountStatus[] = Object.values(AccountStatus);

/**
 * What the last check of an account's Lever key found (`GET /v1/accounts/:id` -> `health`):
 * `unchecked` until the first check after the key was set, `ok`, `key_revoked` (401: the account
 * is disconnected), `missing_permission` (403: named in the problem), `unreachable` (Lever did not
 * answer the check; the key may well be fine).
 */
export const KeyHealthStatus = {
  Unchecked: 'unchecked',
  Ok: 'ok',
  KeyRevoked: 'key_revoked',
  MissingPermission: 'missing_permission',
  Unreachable: 'unreachable',
} as const;
export type KeyHealthStatus = (typeof KeyHealthStatus)[keyof typeof KeyHealthStatus];
export const KEY_HEALTH_STATUSES: readonly KeyHealthStatus[] = Object.values(KeyHealthStatus);

export const PlatformEventType = {
  Completed: 'invitation.completed',
  Scored: 'invitation.scored',
  Expired: 'invitation.expired',
} as const;
export type PlatformEventType = (typeof PlatformEventType)[keyof typeof PlatformEventType];
export const PLATFORM_EVENT_TYPES: readonly PlatformEventType[] = Object.values(PlatformEventType);

/**
 * The Lever webhook events the product acts on (lever-api.md 3.1). Stage changes send tests; the
 * lifecycle events cancel what is pending (DESIGN.md "Lifecycle"). Persisted in job payloads and
 * lever_deliveries: never rename.
 */
export const LeverEventName = {
  StageChange: 'candidateStageChange',
  ArchiveChange: 'candidateArchiveChange',
  Hired: 'candidateHired',
  Deleted: 'candidateDeleted',
} as const;
export type LeverEventName = (typeof LeverEventName)[keyof typeof LeverEventName];
export type LeverLifecycleEventName = Exclude<LeverEventName, typeof LeverEventName.StageChange>;
export const LEVER_LIFECYCLE_EVENTS: readonly LeverLifecycleEventName[] = [
  LeverEventName.ArchiveChange,
  LeverEventName.Hired,
  LeverEventName.Deleted,
];
export function isLeverLifecycleEvent(value: unknown): value is LeverLifecycleEventName {
  return (LEVER_LIFECYCLE_EVENTS as readonly unknown[]).includes(value);
}

/**
 * The status tag suffixes shown in Lever: `<prefix> - <suffix>`. `Live Pad` marks an open live
 * interview pad (Flow B): it has no test to wait for, so recruiters filter it apart from `Sent`.
 * `Canceled` marks an invitation withdrawn (by an admin, a recruiter's action tag, or because the
 * candidate was archived or hired), so a recruiter sees why no result will come.
 */
export const StatusTagSuffix = {
  Sent: 'Sent',
  LivePad: 'Live Pad',
  NeedsReview: 'Needs Review',
  Pass: 'Pass',
  Fail: 'Fail',
  Expired: 'Expired',
  Error: 'Error',
  Canceled: 'Canceled',
} as const;
export type StatusTagSuffix = (typeof StatusTagSuffix)[keyof typeof StatusTagSuffix];
export const STATUS_TAG_SUFFIXES: readonly StatusTagSuffix[] = Object.values(StatusTagSuffix);

/** Default take-home time limit (DESIGN.md Flow B). */
export const DEFAULT_TIME_LIMIT_MINUTES = 120;
