import { AccountUnavailableError } from '@lever-assess/account-access';
import { LeverError, LeverUnavailableError, type LeverPermissionError } from '@lever-assess/lever-client';
import type { JobOutcome } from '@lever-assess/queues';

/**
 * The `lever_sync_total` label of a job outcome (the job outcome itself comes from the shared
 * outcomeOfError). permission_missing means the recruiter could not be told in Lever at all.
 */
export function syncMetricOutcome(outcome: JobOutcome<never>): string {
  if (outcome.kind === 'done') return 'synced';
  // A rate limit (a 429, or the job's turn of the key's budget is later); or handed back: a lost lock, a shutdown.
  if (outcome.kind === 'delay') return outcome.code === 'LEVER_RATE_LIMITED' ? 'rate_limited' : 'handed_back';
  if (outcome.kind === 'retry') return 'transient_error';
  if (outcome.kind === 'park') return 'parked';
  return FAILURE_LABELS[outcome.code] ?? 'failed';
}

const FAILURE_LABELS: Record<string, string> = {
  LEVER_NOT_FOUND: 'opportunity_not_found',
  LEVER_PERMISSION_MISSING: 'permission_missing',
  LEVER_CONFIDENTIAL_ACCESS: 'permission_missing',
  LEVER_KEY_REVOKED: 'key_revoked',
  ACCOUNT_UNAVAILABLE: 'account_unavailable',
  ASSESSMENT_NOT_FOUND: 'assessment_missing',
};

/** Failure codes lever-sync records on a (non-error) assessment; a later successful sync clears them. */
export const SYNC_ERROR_CODES = new Set([
  'LEVER_KEY_REVOKED',
  'LEVER_PERMISSION_MISSING',
  'LEVER_CONFIDENTIAL_ACCESS',
  'LEVER_NOT_FOUND',
  'ACCOUNT_UNAVAILABLE',
  'LEVER_SYNC_FAILED',
]);

/** The code and plain-words text recorded on the assessment (visible through the config API). */
export function syncFailureRecord(err: unknown): { errorCode: string; errorText: string } | null {
  if (err instanceof AccountUnavailableError) {
    const then = err.status === 'disconnected' ? 'the update then resumes by itself.' : 'then retry the failed lever-sync job.';
    return { errorCode: 'ACCOUNT_UNAVAILABLE', errorText: `${err.message}; ${then}` };
  }
  if (!(err instanceof LeverError) || err.retryable) return null;
  switch (err.code) {
    case 'LEVER_KEY_REVOKED':
      return {
        errorCode: 'LEVER_KEY_REVOKED',
        errorText:
          "Lever rejected the account's API key (revoked or invalid), so the candidate could not be updated in Lever. " +
          'Paste a new Lever API key for this account and test the connection: the update then resumes by itself.',
      };
    case 'LEVER_PERMISSION_MISSING':
      return {
        errorCode: 'LEVER_PERMISSION_MISSING',
        errorText:
          `The account's Lever API key lacks a permission (${(err as LeverPermissionError).endpoint}), so the candidate could not be updated ` +
          'and the recruiter could not be told in Lever. Create a Lever key with opportunities and notes read and write permissions, ' +
          'update the account, then retry the failed lever-sync job.',
      };
    case 'LEVER_CONFIDENTIAL_ACCESS':
      // The message says what to do (create a key with confidential access); a retry after the new key syncs.
      return { errorCode: 'LEVER_CONFIDENTIAL_ACCESS', errorText: `${err.message} Then retry the failed lever-sync job.` };
    case 'LEVER_NOT_FOUND':
      return {
        errorCode: 'LEVER_NOT_FOUND',
        errorText: 'The opportunity no longer exists in Lever (deleted or merged); nothing was written.',
      };
    default:
      return { errorCode: 'LEVER_SYNC_FAILED', errorText: `Lever refused the update: ${err.message}` };
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
