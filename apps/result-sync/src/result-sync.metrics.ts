import { counter } from '@lever-assess/common';

/**
 * lever-sync jobs by outcome: synced | opportunity_not_found | rate_limited | transient_error |
 * permission_missing | key_revoked | account_unavailable | assessment_missing | invalid_payload |
 * failed. permission_missing means the recruiter could not be told in Lever at all.
 */
export const leverSyncTotal = counter('lever_sync_total', 'lever-sync jobs by outcome', ['outcome'] as const);

/** Platform events by type and outcome: applied | ignored | unknown_assessment | invalid | transient_error. */
export const platformEventsTotal = counter('platform_events_total', 'Platform events by type and outcome', ['type', 'outcome'] as const);

/** Account sweeps by outcome: swept | incomplete (a listing hit its page limit) | fan_out | the error code it failed or waited with. */
export const accountSweepsTotal = counter('account_sweeps_total', 'Account sweeps by outcome', ['outcome'] as const);

/**
 * What sweeps found, by kind: invited | before_lookback | before_rule | already_handled |
 * tag_repaired | action. A steady `invited` means webhooks are being lost.
 */
export const sweepFindingsTotal = counter('sweep_findings_total', 'What account sweeps found and did, by kind', ['kind'] as const);
