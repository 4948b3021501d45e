import { AccountUnavailableError } from '@lever-assess/account-access';
import {
  LeverAuthError,
  LeverError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
} from '@lever-assess/lever-client';
import { AssessmentNotFoundError } from '../result-sync.errors';

/**
 * How a lever-sync failure is handled (style §6): rate_limited waits without using an attempt;
 * transient is retried with backoff; not_found is recorded and dropped; the rest are recorded on
 * the assessment and fail the job for good (listed and replayable through the config API).
 */
export type SyncFailureKind =
  | 'rate_limited'
  | 'transient'
  | 'opportunity_not_found'
  | 'permission_missing'
  | 'key_revoked'
  | 'account_unavailable'
  | 'assessment_missing'
  | 'failed';

export function classifySyncFailure(err: unknown): SyncFailureKind {
  if (err instanceof LeverRateLimitedError) return 'rate_limited';
  if (err instanceof LeverNotFoundError) return 'opportunity_not_found';
  if (err instanceof LeverPermissionError) return 'permission_missing';
  if (err instanceof LeverAuthError) return 'key_revoked';
  if (err instanceof AccountUnavailableError) return 'account_unavailable';
  if (err instanceof AssessmentNotFoundError) return 'assessment_missing';
  if (err instanceof LeverError && !err.retryable) return 'failed';
  // Lever 5xx/timeouts, Postgres or Redis trouble, anything unexpected: let the attempts retry it.
  return 'transient';
}

/** Failure codes lever-sync records on a (non-error) assessment; a later successful sync clears them. */
export const SYNC_ERROR_CODES = new Set([
  'LEVER_KEY_REVOKED',
  'LEVER_PERMISSION_MISSING',
  'LEVER_NOT_FOUND',
  'ACCOUNT_UNAVAILABLE',
  'LEVER_SYNC_FAILED',
]);

/** The code and plain-words text recorded on the assessment (visible through the config API). */
export function syncFailureRecord(kind: SyncFailureKind, err: Error): { errorCode: string; errorText: string } | null {
  switch (kind) {
    case 'key_revoked':
      return {
        errorCode: 'LEVER_KEY_REVOKED',
        errorText:
          "Lever rejected the account's API key (revoked or invalid), so the candidate could not be updated in Lever. " +
          'Paste a new Lever API key for this account, test the connection, then retry the failed lever-sync job.',
      };
    case 'permission_missing':
      return {
        errorCode: 'LEVER_PERMISSION_MISSING',
        errorText:
          `The account's Lever API key lacks a permission (${(err as LeverPermissionError).endpoint}), so the candidate could not be updated ` +
          'and the recruiter could not be told in Lever. Create a Lever key with opportunities and notes read and write permissions, ' +
          'update the account, then retry the failed lever-sync job.',
      };
    case 'opportunity_not_found':
      return {
        errorCode: 'LEVER_NOT_FOUND',
        errorText: 'The opportunity no longer exists in Lever (deleted or merged); nothing was written.',
      };
    case 'account_unavailable':
      return { errorCode: 'ACCOUNT_UNAVAILABLE', errorText: `${err.message}, then retry the failed lever-sync job.` };
    case 'failed':
      return { errorCode: 'LEVER_SYNC_FAILED', errorText: `Lever refused the update: ${err.message}` };
    default:
      return null;
  }
}

/**
 * True when Lever certainly stored no note: it answered with a client error (4xx), or the
 * request never left. After a 5xx or a timeout the note may exist, so its claim is kept.
 */
export function noteCertainlyNotWritten(err: unknown): boolean {
  if (err instanceof LeverUnavailableError) return !err.writeMayHaveApplied;
  return err instanceof LeverError && err.status !== undefined && err.status >= 400 && err.status < 500;
}
