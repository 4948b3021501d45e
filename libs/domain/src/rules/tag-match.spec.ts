import { findTag, normalizeTag, tagSet } from './tag-match';

describe('tag matching', () => {
  it.each<[string, string]>([
    ['Python Advanced', 'python advanced'],
    ['  Live Pad ', 'live pad'],
    ['', ''],
  ])('normalizeTag(%p) = %p', (tag, expected) => {
    expect(normalizeTag(tag)).toBe(expected);
  });

  it('builds a set without blanks', () => {
    expect([...tagSet(['A', ' a ', '', '  ', 'B'])]).toEqual(['a', 'b']);
  });

  it.each<[string[], string, string | undefined]>([
    [['Full-time', 'python advanced '], 'Python Advanced', 'python advanced '],
    [['Full-time'], 'Python Advanced', undefined],
    [['', 'x'], '  ', undefined],
  ])('findTag(%p, %p) = %p', (tags, wanted, expected) => {
    expect(findTag(tags, wanted)).toBe(expected);
  });
});
