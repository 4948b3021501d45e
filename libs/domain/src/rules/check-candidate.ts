import { candidateNoEmailProblem, type AssessmentProblem } from './assessment-problem';
import type { CandidateView } from './trigger-rule.view';

/**
 * Why a candidate cannot be invited, with what the product does about it:
 * - `skip`: nothing is sent and no assessment is recorded (only the delivery's outcome). An
 *   archived candidate left the pipeline, and an anonymized one has had their data erased on
 *   request: a test and an Error tag on them would be noise or worse.
 * - `error`: an assessment is recorded with status `error` and this reason, so the recruiter sees
 *   the Error tag and a note in Lever (DESIGN.md failure cases).
 */
export type CandidateProblem =
  | { disposition: 'skip'; code: 'CANDIDATE_ANONYMIZED' | 'CANDIDATE_ARCHIVED'; reason: string }
  | ({ disposition: 'error' } & AssessmentProblem);

/** The address invitations go to: the first non-blank email (Lever lists the primary first). */
export function primaryEmail(emails: readonly string[]): string | null {
  for (const e of emails) if (typeof e === 'string' && e.trim() !== '') return e.trim();
  return null;
}

/** Null when the candidate can be invited. Anonymized first: such a candidate has no email either. */
export function checkCandidate(candidate: CandidateView): CandidateProblem | null {
  if (candidate.isAnonymized) {
    return {
      disposition: 'skip',
      code: 'CANDIDATE_ANONYMIZED',
      reason: 'The candidate was anonymized in Lever, so no assessment was sent.',
    };
  }
  if (candidate.archived) {
    return { disposition: 'skip', code: 'CANDIDATE_ARCHIVED', reason: 'The candidate is archived in Lever, so no assessment was sent.' };
  }
  if (!primaryEmail(candidate.emails)) return { disposition: 'error', ...candidateNoEmailProblem() };
  return null;
}
