import { checkCandidate, primaryEmail } from './check-candidate';
import type { CandidateView } from './trigger-rule.view';

const ok: CandidateView = { emails: ['ada@candidates.example'], archived: false, isAnonymized: false };

describe(checkCandidate.name, () => {
  it.each<[string, CandidateView, string | null, string | null]>([
    ['a candidate with an email', ok, null, null],
    ['no email', { ...ok, emails: [] }, 'error', 'CANDIDATE_NO_EMAIL'],
    ['only blank emails', { ...ok, emails: ['', '  '] }, 'error', 'CANDIDATE_NO_EMAIL'],
    ['archived', { ...ok, archived: true }, 'skip', 'CANDIDATE_ARCHIVED'],
    ['archived without email is skipped, not an error', { ...ok, archived: true, emails: [] }, 'skip', 'CANDIDATE_ARCHIVED'],
    ['anonymized', { ...ok, isAnonymized: true, emails: [] }, 'skip', 'CANDIDATE_ANONYMIZED'],
    ['anonymized and archived', { ...ok, isAnonymized: true, archived: true }, 'skip', 'CANDIDATE_ANONYMIZED'],
  ])('%s', (_name, candidate, disposition, code) => {
    const problem = checkCandidate(candidate);
    expect(problem?.disposition ?? null).toBe(disposition);
    expect(problem?.code ?? null).toBe(code);
  });

  it('explains in plain words and never quotes an email', () => {
    const problem = checkCandidate({ ...ok, emails: [' '] });
    expect(problem?.reason).toMatch(/no email address in Lever/);
    expect(problem?.reason).not.toMatch(/@/);
  });
});

describe(primaryEmail.name, () => {
  it.each<[string[], string | null]>([
    [[], null],
    [['  '], null],
    [['a@x.example', 'b@x.example'], 'a@x.example'],
    [['', ' b@x.example '], 'b@x.example'],
  ])('%p -> %p', (emails, expected) => {
    expect(primaryEmail(emails)).toBe(expected);
  });
});
