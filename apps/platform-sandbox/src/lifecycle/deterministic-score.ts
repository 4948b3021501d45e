import { createHash } from 'node:crypto';

/**
 * The auto-complete score: pseudo-random but fixed per invitation id (20-100), so a demo shows
 * a spread of pass/fail results and a rerun of the same invitation scores the same.
 */
export function deterministicScore(invitationId: string): number {
  const n = createHash('sha256').update(invitationId).digest().readUInt32BE(0);
  return 20 + (n % 81);
}
