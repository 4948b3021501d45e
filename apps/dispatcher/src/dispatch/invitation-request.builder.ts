import type { RuleKind } from '@lever-assess/domain';
import type { CreateInvitationRequest } from '@lever-assess/platform-client';

export interface InvitationRequestInput {
  assessmentId: string;
  platformAccountId: string;
  kind: RuleKind;
  /** The catalog test's platform id; null for a live interview without a question. */
  platformTestId: string | null;
  timeLimitMinutes: number;
  candidateName: string;
  candidateEmail: string;
}

/**
 * The platform request for one assessment. It must be the same on every retry of the job: the
 * platform answers a reused Idempotency-Key with a different body by a 422.
 */
export function buildInvitationRequest(input: InvitationRequestInput): CreateInvitationRequest {
  return {
    testId: input.platformTestId,
    kind: input.kind,
    timeLimitMinutes: input.timeLimitMinutes,
    candidate: { name: input.candidateName.trim() || 'Candidate', email: input.candidateEmail },
    reference: input.assessmentId,
    accountId: input.platformAccountId,
  };
}
