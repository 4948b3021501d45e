/**
 * Why an invitation could not be sent, as stored on the assessment (`errorCode`, `errorText`)
 * and shown to recruiters in Lever. Codes are persisted: never rename one. Texts say what went
 * wrong and what to do, in plain words, and never contain an email address or a secret.
 */
export const AssessmentProblemCode = {
  CandidateNoEmail: 'CANDIDATE_NO_EMAIL',
  NoTestResolvable: 'NO_TEST_RESOLVABLE',
  PlatformRejected: 'PLATFORM_REJECTED',
  PlatformUnavailable: 'PLATFORM_UNAVAILABLE',
  /** The platform refused our API key (its code in platform-client). */
  PlatformAuthFailed: 'PLATFORM_AUTH_FAILED',
  /** The platform answered 404 to the invitation request (a wrong PLATFORM_API_URL). */
  PlatformNotFound: 'PLATFORM_NOT_FOUND',
  /** Any other permanent failure after the assessment was recorded; the text names the failure's code. */
  SendFailed: 'SEND_FAILED',
} as const;
export type AssessmentProblemCode = (typeof AssessmentProblemCode)[keyof typeof AssessmentProblemCode];

export interface AssessmentProblem {
  code: AssessmentProblemCode;
  reason: string;
}

const AGAIN = 'then move the candidate back into this stage, or ask an admin to resend the assessment.';

export const candidateNoEmailProblem = (): AssessmentProblem => ({
  code: AssessmentProblemCode.CandidateNoEmail,
  reason: `The assessment was not sent because the candidate has no email address in Lever. Add an email address to the candidate, ${AGAIN}`,
});

export const noTestResolvableProblem = (): AssessmentProblem => ({
  code: AssessmentProblemCode.NoTestResolvable,
  reason:
    "The take-home assessment was not sent because no test is chosen: its configuration has no test and none of the candidate's tags " +
    `is the name of a take-home test in the catalog. Ask an admin to pick a test for this stage (or tag the candidate with a test's name), ${AGAIN}`,
});

/** `platformMessage` is the platform's own explanation (it names fields, never their values). */
export function platformRejectedProblem(platformMessage: string): AssessmentProblem {
  const message = platformMessage.trim().replace(/[.\s]+$/, '') || 'no reason given';
  return {
    code: AssessmentProblemCode.PlatformRejected,
    reason: `The assessment platform refused the invitation: ${message}. Correct this in Lever or in the configuration, ${AGAIN}`,
  };
}

/** The platform stayed unreachable through every retry of the job (its failed job is kept for replay). */
export const platformUnavailableProblem = (): AssessmentProblem => ({
  code: AssessmentProblemCode.PlatformUnavailable,
  reason:
    'The assessment was not sent because the assessment platform could not be reached, even after several retries. ' +
    'Nothing needs fixing on the candidate: ask an admin to replay the failed job or resend the assessment once the platform is back.',
});

const REPLAY = 'ask an admin to fix it, then replay the failed job or resend the assessment.';

/**
 * A permanent failure (its job failed for good, kept for replay) after the assessment was
 * recorded: the recruiter must see that no test went out. `code` is the failure's own code.
 */
export function sendFailedProblem(code: string): AssessmentProblem {
  switch (code) {
    case AssessmentProblemCode.PlatformAuthFailed:
      return {
        code: AssessmentProblemCode.PlatformAuthFailed,
        reason: `The assessment was not sent because the assessment platform refused our API key. Nothing needs fixing on the candidate: ${REPLAY}`,
      };
    case AssessmentProblemCode.PlatformNotFound:
      return {
        code: AssessmentProblemCode.PlatformNotFound,
        reason: `The assessment was not sent because the assessment platform did not recognise the request (HTTP 404). Nothing needs fixing on the candidate: ${REPLAY}`,
      };
    default:
      return {
        code: AssessmentProblemCode.SendFailed,
        reason: `The assessment was not sent: sending failed for good (${code}). ${REPLAY.charAt(0).toUpperCase()}${REPLAY.slice(1)}`,
      };
  }
}
