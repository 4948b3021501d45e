import { createHmac } from 'node:crypto';
import { timingSafeEqualStrings } from './timing-safe';

export const PLATFORM_SIGNATURE_HEADER = 'x-platform-signature';
export const PLATFORM_TIMESTAMP_HEADER = 'x-platform-timestamp';
/** Callbacks older (or further in the future) than this are refused as replays. */
export const PLATFORM_MAX_SKEW_MS = 5 * 60 * 1000;

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` (DESIGN.md, platform contract). */
export function signPlatformPayload(rawBody: Buffer | string, timestampMs: number | string, secret: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestampMs}.`).update(rawBody).digest('hex');
}

export type PlatformSignatureCheck = 'valid' | 'unsigned' | 'bad-signature' | 'stale';

/** Verifies over the raw bytes received, never over re-serialised JSON. */
export function verifyPlatformSignature(
  rawBody: Buffer | string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  secret: string,
  now = Date.now(),
): PlatformSignatureCheck {
  if (!timestampHeader || !signatureHeader) return 'unsigned';
  if (!/^\d{1,16}$/.test(timestampHeader)) return 'bad-signature';
  if (!timingSafeEqualStrings(signPlatformPayload(rawBody, timestampHeader, secret), signatureHeader)) {
    return 'bad-signature';
  }
  return Math.abs(now - Number(timestampHeader)) > PLATFORM_MAX_SKEW_MS ? 'stale' : 'valid';
}
