import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, normalizePage } from './pagination';

describe(normalizePage.name, () => {
  it.each([
    [undefined, { limit: DEFAULT_PAGE_SIZE, offset: 0 }],
    [{}, { limit: DEFAULT_PAGE_SIZE, offset: 0 }],
    [
      { limit: 10, offset: 20 },
      { limit: 10, offset: 20 },
    ],
    [
      { limit: 0, offset: -3 },
      { limit: 1, offset: 0 },
    ],
    [{ limit: 10_000 }, { limit: MAX_PAGE_SIZE, offset: 0 }],
    [
      { limit: 2.7, offset: 1.9 },
      { limit: 2, offset: 1 },
    ],
  ])('%j -> %j', (input, expected) => {
    expect(normalizePage(input)).toEqual(expected);
  });
});
