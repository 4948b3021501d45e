import { RuleKind } from '@lever-assess/domain';
import { buildInvitationRequest } from './invitation-request.builder';

describe(buildInvitationRequest.name, () => {
  const input = {
    assessmentId: 'asm-1',
    platformAccountId: 'plat-acme',
    kind: RuleKind.TakeHome,
    platformTestId: 'tst_python_basics',
    timeLimitMinutes: 90,
    candidateName: ' Ada Lovelace ',
    candidateEmail: 'ada@candidates.example',
  };

  it('maps the assessment onto the platform contract (reference = assessment id)', () => {
    expect(buildInvitationRequest(input)).toEqual({
      testId: 'tst_python_basics',
      kind: 'take_home',
      timeLimitMinutes: 90,
      candidate: { name: ' Ada Lovelace '.trim(), email: 'ada@candidates.example' },
      reference: 'asm-1',
      accountId: 'plat-acme',
    });
  });

  it.each<[string, string]>([
    ['', 'Candidate'],
    ['   ', 'Candidate'],
    ['Grace', 'Grace'],
  ])('names a nameless candidate: %p -> %p', (name, expected) => {
    expect(buildInvitationRequest({ ...input, candidateName: name }).candidate.name).toBe(expected);
  });

  it('sends a live pad without a question with a null test', () => {
    expect(buildInvitationRequest({ ...input, kind: RuleKind.LiveInterview, platformTestId: null })).toMatchObject({
      testId: null,
      kind: 'live_interview',
    });
  });
});
