import { deterministicScore } from './deterministic-score';

describe('deterministicScore', () => {
  it('is stable per id, within 20-100, and varies across ids', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `inv_${i}`);
    const scores = ids.map(deterministicScore);
    expect(ids.map(deterministicScore)).toEqual(scores);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...scores)).toBeLessThanOrEqual(100);
    expect(new Set(scores).size).toBeGreaterThan(40);
  });
});
