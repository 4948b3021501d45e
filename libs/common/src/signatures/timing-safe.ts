import { timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison; unequal lengths return false without comparing. */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
