import { RETRYABLE_STATUSES, fullJitterDelayMs, isRetryableStatus, parseRetryAfterMs } from './retry-policy';

describe('retry policy', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries %i', (status) => expect(RETRYABLE_STATUSES.has(status)).toBe(true));
  it.each([400, 401, 403, 404, 409, 422, 501])('does not retry %i', (status) => expect(RETRYABLE_STATUSES.has(status)).toBe(false));

  it.each([
    [599, true],
    [505, true],
    [501, false],
    [499, false],
  ])('treats other statuses: %i retryable=%s', (status, expected) => expect(isRetryableStatus(status)).toBe(expected));

  describe(fullJitterDelayMs.name, () => {
    const opts = { baseMs: 250, capMs: 4_000 };
    it('grows the ceiling exponentially from the base', () => {
      expect(fullJitterDelayMs(1, opts, () => 0.999)).toBe(249);
      expect(fullJitterDelayMs(2, opts, () => 0.999)).toBe(499);
      expect(fullJitterDelayMs(3, opts, () => 0.999)).toBe(999);
    });
    it('caps the ceiling', () => expect(fullJitterDelayMs(20, opts, () => 0.999)).toBe(3996));
    it('can be zero (full jitter)', () => expect(fullJitterDelayMs(3, opts, () => 0)).toBe(0));
  });

  describe(parseRetryAfterMs.name, () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    it('reads delta seconds', () => {
      expect(parseRetryAfterMs('2', now)).toBe(2000);
      expect(parseRetryAfterMs(' 0.5 ', now)).toBe(500);
    });
    it('reads an HTTP date relative to now', () => expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000));
    it('never returns a negative wait for a past date', () => expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0));
    it.each([null, undefined, '', 'soon', '-1'])('ignores %p', (v) => expect(parseRetryAfterMs(v, now)).toBeNull());
  });
});
