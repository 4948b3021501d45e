import { createHmac } from 'node:crypto';
import { timingSafeEqualStrings } from './timing-safe';

/**
 * Lever signs `token + triggeredAt` (plain concatenation) with the webhook's signature token;
 * the body itself is not signed (docs/lever-api.md 3.3).
 */
export function signLeverWebhook(token: string, triggeredAt: number | string, signatureToken: string): string {
  return createHmac('sha256', signatureToken).update(`${token}${triggeredAt}`).digest('hex');
}

/** Default replay window: long enough for Lever's retries and an admin's manual "Rerun". */
export const LEVER_REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Clock skew tolerated for a triggeredAt in the future. */
export const LEVER_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export type LeverSignatureCheck = 'valid' | 'unsigned' | 'bad-signature' | 'stale';

export interface LeverSignedFields {
  token?: unknown;
  triggeredAt?: unknown;
  signature?: unknown;
}

/**
 * Checks a Lever webhook envelope against one or more signature tokens (an account may hold the
 * stage-change token and per-event tokens). Stale = triggeredAt outside the replay window.
 */
export function verifyLeverWebhook(
  body: LeverSignedFields,
  signatureTokens: readonly string[],
  { now = Date.now(), replayWindowMs = LEVER_REPLAY_WINDOW_MS } = {},
): LeverSignatureCheck {
  const { token, triggeredAt, signature } = body;
  if (typeof token !== 'string' || token === '' || typeof signature !== 'string' || signature === '') return 'unsigned';
  if (typeof triggeredAt !== 'number' && typeof triggeredAt !== 'string') return 'unsigned';
  const signed = signature.toLowerCase();
  // Every token is tried (no early exit) so timing does not reveal which one matched.
  let valid = false;
  for (const secret of signatureTokens) {
    if (timingSafeEqualStrings(signLeverWebhook(token, triggeredAt, secret), signed)) valid = true;
  }
  if (!valid) return 'bad-signature';
  const at = Number(triggeredAt);
  if (!Number.isFinite(at) || now - at > replayWindowMs || at - now > LEVER_MAX_FUTURE_SKEW_MS) return 'stale';
  return 'valid';
}
