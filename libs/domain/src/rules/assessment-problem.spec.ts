import {
  AssessmentProblemCode,
  candidateNoEmailProblem,
  noTestResolvableProblem,
  platformRejectedProblem,
  platformUnavailableProblem,
  sendFailedProblem,
} from './assessment-problem';

describe('assessment problems', () => {
  it.each<[string, string]>([
    [
      'candidate.email must look like an email',
      'The assessment platform refused the invitation: candidate.email must look like an email. ',
    ],
    ['testId is not in the catalog.  ', 'The assessment platform refused the invitation: testId is not in the catalog. '],
    ['', 'The assessment platform refused the invitation: no reason given. '],
  ])('quotes the platform message %p', (message, start) => {
    const problem = platformRejectedProblem(message);
    expect(problem.code).toBe(AssessmentProblemCode.PlatformRejected);
    expect(problem.reason.startsWith(start)).toBe(true);
  });

  it.each([candidateNoEmailProblem(), noTestResolvableProblem(), platformRejectedProblem('x')])('says what to do: $code', (problem) => {
    expect(problem.reason).toMatch(/move the candidate back into this stage, or ask an admin to resend/);
  });

  it('tells the recruiter that an unreachable platform needs an admin, not a candidate fix', () => {
    expect(platformUnavailableProblem()).toMatchObject({
      code: AssessmentProblemCode.PlatformUnavailable,
      reason: expect.stringMatching(/replay the failed job or resend/),
    });
  });

  it.each<[string, string]>([
    ['PLATFORM_AUTH_FAILED', 'PLATFORM_AUTH_FAILED'],
    ['PLATFORM_NOT_FOUND', 'PLATFORM_NOT_FOUND'],
    ['LEVER_PERMISSION_MISSING', 'SEND_FAILED'],
  ])('names a permanent failure after the assessment was recorded (%s -> %s) and says to replay', (failure, code) => {
    const problem = sendFailedProblem(failure);
    expect(problem.code).toBe(code);
    expect(problem.reason).toMatch(/^The assessment was not sent/);
    expect(problem.reason).toMatch(/replay the failed job or resend the assessment\.$/);
    if (code === 'SEND_FAILED') expect(problem.reason).toContain(`(${failure})`);
  });
});
