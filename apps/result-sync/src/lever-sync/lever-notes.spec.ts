import { plannedNote, type NoteInput } from './lever-notes';

describe('plannedNote', () => {
  const input = (patch: Partial<NoteInput>): NoteInput => ({
    status: 'sent',
    score: null,
    reportUrl: null,
    errorCode: null,
    errorText: null,
    passThreshold: 70,
    failThreshold: 40,
    ...patch,
  });

  it.each(['sent', 'completed', 'expired', 'canceled'] as const)('no note for %s', (status) => {
    expect(plannedNote('Acme', input({ status }))).toBeNull();
  });

  it('error: the recorded reason, keyed by its code', () => {
    expect(
      plannedNote('Acme', input({ status: 'error', errorCode: 'CANDIDATE_NO_EMAIL', errorText: 'No email. Add one, then move again.' })),
    ).toEqual({
      eventKey: 'error:CANDIDATE_NO_EMAIL',
      value: 'Acme: No email. Add one, then move again.',
      isResult: false,
    });
  });

  it('error without a recorded reason still tells the recruiter what to do', () => {
    const note = plannedNote('Acme', input({ status: 'error' }));
    expect(note?.eventKey).toBe('error:UNKNOWN');
    expect(note?.value).toMatch(/^Acme: The assessment could not be sent\. Ask an admin/);
  });

  it.each<[Partial<NoteInput>, string]>([
    [
      { score: 82, reportUrl: 'https://p.example/r/1' },
      'Acme: assessment result: Pass\nScore: 82 (pass at 70 or more, fail at 40 or less)\nReport: https://p.example/r/1',
    ],
    [{ score: 12 }, 'Acme: assessment result: Fail\nScore: 12 (pass at 70 or more, fail at 40 or less)\nReport: not available'],
    [
      { score: 55, passThreshold: null, failThreshold: null },
      'Acme: assessment result: Needs Review\nScore: 55 (no thresholds set: a person decides)\nReport: not available',
    ],
    [{ score: 55, failThreshold: null }, 'Acme: assessment result: Needs Review\nScore: 55 (pass at 70 or more)\nReport: not available'],
  ])('scored %o', (patch, value) => {
    expect(plannedNote('Acme', input({ status: 'scored', ...patch }))).toEqual({ eventKey: 'scored', value, isResult: true });
  });
});
