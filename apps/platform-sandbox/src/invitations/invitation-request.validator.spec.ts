import { InvalidInvitationRequestError, parseCreateInvitationRequest } from './invitation-request.validator';

const valid = () => ({
  testId: 'tst_python_basics',
  kind: 'take_home',
  timeLimitMinutes: 120,
  candidate: { name: 'Ada Lovelace', email: 'ada@example.com' },
  reference: 'asm-1',
  accountId: 'acct-1',
});

function fieldOf(body: unknown): string {
  try {
    parseCreateInvitationRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInvitationRequestError);
    return (err as InvalidInvitationRequestError).field;
  }
  throw new Error('expected a validation error');
}

describe('parseCreateInvitationRequest', () => {
  it('returns only the contract fields', () => {
    expect(parseCreateInvitationRequest({ ...valid(), extra: 1 })).toEqual(valid());
  });

  it('allows a live interview without a test', () => {
    expect(parseCreateInvitationRequest({ ...valid(), kind: 'live_interview', testId: null }).testId).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ['kind', { kind: 'quiz' }],
    ['testId', { testId: null }],
    ['testId', { testId: undefined }],
    ['testId', { testId: 'tst_missing' }],
    ['timeLimitMinutes', { timeLimitMinutes: 0 }],
    ['timeLimitMinutes', { timeLimitMinutes: -5 }],
    ['timeLimitMinutes', { timeLimitMinutes: 1.5 }],
    ['timeLimitMinutes', { timeLimitMinutes: '60' }],
    ['candidate', { candidate: 'ada' }],
    ['candidate.email', { candidate: { name: 'Ada' } }],
    ['candidate.email', { candidate: { name: 'Ada', email: '' } }],
    ['candidate.email', { candidate: { name: 'Ada', email: 'not-an-email' } }],
    ['candidate.name', { candidate: { name: ' ', email: 'ada@example.com' } }],
    ['reference', { reference: '' }],
    ['accountId', { accountId: 7 }],
  ])('names %s', (field, patch) => {
    expect(fieldOf({ ...valid(), ...patch })).toBe(field);
  });

  it('never echoes the email in the message', () => {
    expect(() => parseCreateInvitationRequest({ ...valid(), candidate: { name: 'A', email: 'bad@@x' } })).toThrow(
      'candidate.email is not a valid email address',
    );
  });
});
