import { counter } from '@lever-assess/common';

/** One increment per processed job attempt, by outcome (DispatchOutcome, plus rate-limited/retry/invalid-payload). */
export const dispatcherEventsTotal = counter('dispatcher_events_total', 'lever-events jobs processed, by outcome', ['outcome'] as const);

/** Invitations created on the platform, by rule kind. */
export const invitationsCreatedTotal = counter('invitations_created_total', 'Invitations created on the assessment platform, by kind', [
  'kind',
] as const);

/** Assessments canceled because of a Lever lifecycle event, by event (archived, hired, deleted). */
export const assessmentsCanceledTotal = counter(
  'assessments_canceled_total',
  'Assessments canceled because the candidate was archived, hired or deleted in Lever',
  ['event'] as const,
);
