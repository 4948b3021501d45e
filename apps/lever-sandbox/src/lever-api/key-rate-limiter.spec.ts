import { KeyRateLimiter } from './key-rate-limiter';

describe(KeyRateLimiter.name, () => {
  it('allows the burst, then refills at the rate, per key', () => {
    const sut = new KeyRateLimiter(10, 3);
    const at0 = [1, 2, 3, 4].map(() => sut.take('k', 0));
    expect(at0).toEqual([true, true, true, false]);
    expect(sut.take('other', 0)).toBe(true);
    expect(sut.take('k', 50)).toBe(false); // half a token
    expect(sut.take('k', 100)).toBe(true); // one token after 100 ms at 10/s
    expect(sut.take('k', 100)).toBe(false);
    expect([1, 2, 3, 4].map(() => sut.take('k', 10_000))).toEqual([true, true, true, false]); // capped at burst
  });
});
