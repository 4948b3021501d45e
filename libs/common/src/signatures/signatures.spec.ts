import { signLeverWebhook, verifyLeverWebhook, LEVER_REPLAY_WINDOW_MS } from './lever-signature';
import { signPlatformPayload, verifyPlatformSignature, PLATFORM_MAX_SKEW_MS } from './platform-signature';

describe('Lever webhook signature', () => {
  // Test vector from docs/lever-api.md 3.3.
  const secret = 'test-signature-token';
  const token = 'be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154';
  const triggeredAt = 1431454330072;
  const expected = '67237316b71be6f4595c3313d347b09353b22d7cbab3726261b73d409acd8fd7';
  const now = triggeredAt + 60_000;

  it('matches the documented test vector', () => {
    expect(signLeverWebhook(token, triggeredAt, secret)).toBe(expected);
  });

  it('accepts a valid signature, in either hex case, with any of the account tokens', () => {
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected }, [secret], { now })).toBe('valid');
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected.toUpperCase() }, ['other', secret], { now })).toBe('valid');
    expect(verifyLeverWebhook({ token, triggeredAt: String(triggeredAt), signature: expected }, [secret], { now })).toBe('valid');
  });

  it('rejects altered fields and the wrong secret', () => {
    expect(verifyLeverWebhook({ token: token + 'x', triggeredAt, signature: expected }, [secret], { now })).toBe('bad-signature');
    expect(verifyLeverWebhook({ token, triggeredAt: triggeredAt + 1, signature: expected }, [secret], { now })).toBe('bad-signature');
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected.slice(0, 63) + '0' }, [secret], { now })).toBe('bad-signature');
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected }, ['wrong-secret'], { now })).toBe('bad-signature');
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected }, [], { now })).toBe('bad-signature');
  });

  it('refuses unsigned deliveries', () => {
    expect(verifyLeverWebhook({ token, triggeredAt }, [secret], { now })).toBe('unsigned');
    expect(verifyLeverWebhook({ triggeredAt, signature: expected }, [secret], { now })).toBe('unsigned');
    expect(verifyLeverWebhook({ token, signature: expected }, [secret], { now })).toBe('unsigned');
  });

  it('refuses a delivery outside the replay window or from the future', () => {
    expect(
      verifyLeverWebhook({ token, triggeredAt, signature: expected }, [secret], { now: triggeredAt + LEVER_REPLAY_WINDOW_MS + 1 }),
    ).toBe('stale');
    expect(verifyLeverWebhook({ token, triggeredAt, signature: expected }, [secret], { now: triggeredAt - 10 * 60_000 })).toBe('stale');
    expect(
      verifyLeverWebhook({ token, triggeredAt, signature: expected }, [secret], { now: triggeredAt + 1000, replayWindowMs: 500 }),
    ).toBe('stale');
  });
});

describe('platform callback signature', () => {
  const secret = 'platform-secret';
  const body = Buffer.from('{"id":"evt_1","type":"invitation.completed"}');
  const ts = 1_700_000_000_000;

  it('accepts a valid signature over the raw bytes', () => {
    expect(verifyPlatformSignature(body, String(ts), signPlatformPayload(body, ts, secret), secret, ts + 1000)).toBe('valid');
  });

  it('rejects an altered body, timestamp or signature', () => {
    const sig = signPlatformPayload(body, ts, secret);
    expect(verifyPlatformSignature(Buffer.from(body.toString().replace('1', '2')), String(ts), sig, secret, ts)).toBe('bad-signature');
    expect(verifyPlatformSignature(body, String(ts + 1), sig, secret, ts)).toBe('bad-signature');
    expect(verifyPlatformSignature(body, String(ts), sig.replace('v1=', 'v2='), secret, ts)).toBe('bad-signature');
    expect(verifyPlatformSignature(body, 'not-a-number', sig, secret, ts)).toBe('bad-signature');
    expect(verifyPlatformSignature(body, String(ts), signPlatformPayload(body, ts, 'other'), secret, ts)).toBe('bad-signature');
  });

  it('refuses stale and future timestamps and missing headers', () => {
    const sig = signPlatformPayload(body, ts, secret);
    expect(verifyPlatformSignature(body, String(ts), sig, secret, ts + PLATFORM_MAX_SKEW_MS + 1)).toBe('stale');
    expect(verifyPlatformSignature(body, String(ts), sig, secret, ts - PLATFORM_MAX_SKEW_MS - 1)).toBe('stale');
    expect(verifyPlatformSignature(body, undefined, sig, secret, ts)).toBe('unsigned');
    expect(verifyPlatformSignature(body, String(ts), undefined, secret, ts)).toBe('unsigned');
  });
});
