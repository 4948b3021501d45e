import fc from 'fast-check';
import { LEVER_REPLAY_WINDOW_MS, signLeverWebhook, verifyLeverWebhook } from './lever-signature';
import { PLATFORM_MAX_SKEW_MS, signPlatformPayload, verifyPlatformSignature } from './platform-signature';

// Hostile input: whatever arrives, the checks answer one of their verdicts (never throw), and
// only a genuine signature is 'valid'. A few hundred runs each keep the unit tier fast.
const RUNS = { numRuns: 300 };
const NOW = 1_795_000_000_000;
const LEVER_VERDICTS = ['valid', 'unsigned', 'bad-signature', 'stale'];

/** Values a JSON body can put in a field, plus a few a JSON parser never makes. */
const anyField = fc.oneof(fc.jsonValue(), fc.anything(), fc.constantFrom(undefined, NaN, Infinity, -0, 2 ** 53, '', 'ff'.repeat(32)));
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const deliveryToken = fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
const secret = fc.string({ minLength: 1, maxLength: 40 });
const recentAt = fc.integer({ min: NOW - LEVER_REPLAY_WINDOW_MS + 1000, max: NOW });

describe('verifyLeverWebhook on hostile input', () => {
  it('never throws, and says valid only for an HMAC of one of the tokens', () => {
    fc.assert(
      fc.property(
        anyField,
        anyField,
        fc.oneof(anyField, hex64),
        fc.array(secret, { maxLength: 3 }),
        (token, triggeredAt, signature, secrets) => {
          const verdict = verifyLeverWebhook({ token, triggeredAt, signature }, secrets, { now: NOW });
          expect(LEVER_VERDICTS).toContain(verdict);
          if (verdict === 'valid') {
            const genuine = secrets.map((s) => signLeverWebhook(token as string, triggeredAt as string, s));
            expect(genuine).toContain((signature as string).toLowerCase());
          }
        },
      ),
      RUNS,
    );
  });

  it('refuses a signature made with another secret', () => {
    fc.assert(
      fc.property(deliveryToken, recentAt, secret, secret, (token, triggeredAt, real, forged) => {
        fc.pre(real !== forged);
        const signature = signLeverWebhook(token, triggeredAt, forged);
        expect(verifyLeverWebhook({ token, triggeredAt, signature }, [real], { now: NOW })).toBe('bad-signature');
      }),
      RUNS,
    );
  });

  it('refuses a genuine delivery once any signed field is changed (so that what is signed changes)', () => {
    fc.assert(
      fc.property(
        deliveryToken,
        recentAt,
        secret,
        deliveryToken,
        recentAt,
        hex64,
        (token, triggeredAt, key, otherToken, otherAt, otherSig) => {
          const signature = signLeverWebhook(token, triggeredAt, key);
          const variants = [
            { token: otherToken, triggeredAt, signature },
            { token, triggeredAt: otherAt, signature },
            { token, triggeredAt, signature: otherSig },
          ];
          for (const variant of variants) {
            const signedSame = `${variant.token}${variant.triggeredAt}` === `${token}${triggeredAt}` && variant.signature === signature;
            if (!signedSame) expect(verifyLeverWebhook(variant, [key], { now: NOW })).not.toBe('valid');
          }
        },
      ),
      RUNS,
    );
  });

  it('accepts what Lever signs, within the replay window', () => {
    fc.assert(
      fc.property(deliveryToken, recentAt, secret, (token, triggeredAt, key) => {
        const signature = signLeverWebhook(token, triggeredAt, key);
        expect(verifyLeverWebhook({ token, triggeredAt, signature }, ['decoy', key], { now: NOW })).toBe('valid');
      }),
      RUNS,
    );
  });
});

describe('verifyPlatformSignature on hostile input', () => {
  const SECRET = 'platform-webhook-secret';
  const body = fc.oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  );
  const header = fc.option(fc.oneof(fc.string(), fc.stringMatching(/^\d{1,20}$/), fc.constant(`v1=${'0'.repeat(64)}`)), { nil: undefined });
  const recentTs = fc.integer({ min: NOW - PLATFORM_MAX_SKEW_MS + 1000, max: NOW + PLATFORM_MAX_SKEW_MS - 1000 });

  it('never throws, and says valid only for the HMAC of the exact bytes and timestamp', () => {
    fc.assert(
      fc.property(body, header, header, (raw, timestamp, signature) => {
        const verdict = verifyPlatformSignature(raw, timestamp, signature, SECRET, NOW);
        expect(LEVER_VERDICTS).toContain(verdict);
        if (verdict === 'valid') expect(signature).toBe(signPlatformPayload(raw, timestamp as string, SECRET));
      }),
      RUNS,
    );
  });

  it('refuses a signed callback whose body, timestamp or signature was changed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        recentTs,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, timestamp, at, flip) => {
          const raw = Buffer.from(bytes);
          const signature = signPlatformPayload(raw, timestamp, SECRET);
          const tampered = Buffer.from(raw);
          tampered[at % tampered.length] ^= flip;
          expect(verifyPlatformSignature(tampered, String(timestamp), signature, SECRET, NOW)).toBe('bad-signature');
          expect(verifyPlatformSignature(raw, String(timestamp + 1), signature, SECRET, NOW)).toBe('bad-signature');
          expect(verifyPlatformSignature(raw, String(timestamp), signature.toUpperCase(), SECRET, NOW)).not.toBe('valid');
          expect(verifyPlatformSignature(raw, String(timestamp), signPlatformPayload(raw, timestamp, `${SECRET}x`), SECRET, NOW)).toBe(
            'bad-signature',
          );
          expect(verifyPlatformSignature(raw, String(timestamp), signature, SECRET, NOW)).toBe('valid');
        },
      ),
      RUNS,
    );
  });
});
