import { RuleKind } from '../types';
import { desiredLinks, linksToAdd, type AssessmentLinksView } from './assessment-links';

describe('desiredLinks', () => {
  const view = (patch: Partial<AssessmentLinksView>): AssessmentLinksView => ({
    reportUrl: null,
    candidateUrl: 'https://p.example/c/1',
    interviewerUrl: null,
    kind: RuleKind.TakeHome,
    requiredTag: null,
    ...patch,
  });

  it.each<[string, Partial<AssessmentLinksView>, string[]]>([
    ['stage test before a result: nothing', {}, []],
    ['stage test with a report', { reportUrl: 'https://p.example/r/1' }, ['https://p.example/r/1']],
    [
      'tagged take-home pad',
      { requiredTag: 'Pad', reportUrl: 'https://p.example/r/1' },
      ['https://p.example/r/1', 'https://p.example/c/1'],
    ],
    ['a blank required tag is a stage test, not a pad', { requiredTag: '  ' }, []],
    ['tagged take-home pad before a result: its candidate link', { requiredTag: 'Take Home' }, ['https://p.example/c/1']],
    [
      'live pad',
      { kind: RuleKind.LiveInterview, interviewerUrl: 'https://p.example/i/1' },
      ['https://p.example/c/1', 'https://p.example/i/1'],
    ],
    ['non-web URLs are never written', { reportUrl: 'javascript:alert(1)', kind: RuleKind.LiveInterview, candidateUrl: 'not a url' }, []],
    ['the same URL once', { reportUrl: 'https://p.example/c/1', requiredTag: 'Pad' }, ['https://p.example/c/1']],
  ])('%s', (_name, patch, expected) => {
    expect(desiredLinks(view(patch))).toEqual(expected);
  });
});

describe('linksToAdd', () => {
  it('keeps only links Lever does not hold yet', () => {
    expect(linksToAdd(['a', 'b'], ['b', 'z'])).toEqual(['a']);
    expect(linksToAdd(['a'], ['a'])).toEqual([]);
  });
});
