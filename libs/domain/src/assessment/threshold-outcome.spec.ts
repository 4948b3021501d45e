import { thresholdOutcome } from './threshold-outcome';

describe('thresholdOutcome', () => {
  it.each([
    // score, pass, fail, outcome
    [80, 70, 40, 'Pass'],
    [70, 70, 40, 'Pass'], // at the pass threshold
    [69.5, 70, 40, 'Needs Review'],
    [41, 70, 40, 'Needs Review'],
    [40, 70, 40, 'Fail'], // at the fail threshold
    [0, 70, 40, 'Fail'],
    [100, null, null, 'Needs Review'], // no thresholds
    [90, 70, null, 'Pass'],
    [10, 70, null, 'Needs Review'],
    [10, null, 40, 'Fail'],
    [90, null, 40, 'Needs Review'],
    [null, 70, 40, 'Needs Review'], // no score
    [Number.NaN, 70, 40, 'Needs Review'],
  ] as const)('score %s, pass %s, fail %s -> %s', (score, pass, fail, outcome) => {
    expect(thresholdOutcome(score, pass, fail)).toBe(outcome);
  });
});
