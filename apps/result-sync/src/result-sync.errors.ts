/** A lever-sync job names an assessment that is not (or no longer) in the account. */
export class AssessmentNotFoundError extends Error {
  readonly code = 'ASSESSMENT_NOT_FOUND';
  /** Retrying cannot make it exist or valid: the job fails for good (kept, replayable). */
  readonly retryable = false;
  constructor(
    readonly accountId: string,
    readonly assessmentId: string,
  ) {
    super(`Assessment ${assessmentId} does not exist in account ${accountId}`);
    this.name = 'AssessmentNotFoundError';
  }
}

/** A platform event whose reference and invitation id match no assessment of ours. */
export class UnknownPlatformReferenceError extends Error {
  readonly code = 'UNKNOWN_PLATFORM_REFERENCE';
  /** Retrying cannot make it exist or valid: the job fails for good (kept, replayable). */
  readonly retryable = false;
  constructor(
    readonly reference: string,
    readonly invitationId: string,
  ) {
    super(`No assessment ${reference} with platform invitation ${invitationId}`);
    this.name = 'UnknownPlatformReferenceError';
  }
}

/** A platform event whose facts cannot be stored or shown (score out of range, non-web report URL). */
export class InvalidPlatformEventError extends Error {
  readonly code = 'INVALID_PLATFORM_EVENT';
  /** Retrying cannot make it exist or valid: the job fails for good (kept, replayable). */
  readonly retryable = false;
  constructor(readonly problem: string) {
    super(`Invalid platform event: ${problem}`);
    this.name = 'InvalidPlatformEventError';
  }
}
