import { StatusTagSuffix } from '../types';

export type ThresholdOutcome = typeof StatusTagSuffix.Pass | typeof StatusTagSuffix.Fail | typeof StatusTagSuffix.NeedsReview;

/**
 * score >= pass -> Pass; score <= fail -> Fail; between the two, without a score, or without
 * thresholds -> Needs Review (a person decides). Either threshold may be set alone.
 */
export function thresholdOutcome(score: number | null, pass: number | null, fail: number | null): ThresholdOutcome {
  if (score === null || !Number.isFinite(score)) return StatusTagSuffix.NeedsReview;
  if (pass !== null && score >= pass) return StatusTagSuffix.Pass;
  if (fail !== null && score <= fail) return StatusTagSuffix.Fail;
  return StatusTagSuffix.NeedsReview;
}
