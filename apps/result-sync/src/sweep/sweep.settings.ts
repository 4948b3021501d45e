/** The sweep's settings, from result-sync's env (config.ts validates them at start). */
export interface SweepSettings {
  intervalMs: number;
  lookbackMs: number;
  /** Share of the key's rate the sweep may use (0-1]. */
  budgetShare: number;
  queuePrefix: string;
  leverRatePerSecond: number;
  leverRateBurst: number;
}

export const SWEEP_SETTINGS = Symbol('SWEEP_SETTINGS');

/** The job scheduler every replica upserts: one id, so one schedule cluster-wide. */
export const SWEEP_SCHEDULER_ID = 'account-sweeps-fan-out';

export const sweepSettingsFromEnv = (env: {
  SWEEP_INTERVAL_MS: number;
  SWEEP_LOOKBACK_HOURS: number;
  SWEEP_BUDGET_SHARE: number;
  QUEUE_PREFIX: string;
  LEVER_RATE_PER_SECOND: number;
  LEVER_RATE_BURST: number;
}): SweepSettings => ({
  intervalMs: env.SWEEP_INTERVAL_MS,
  lookbackMs: env.SWEEP_LOOKBACK_HOURS * 60 * 60_000,
  budgetShare: env.SWEEP_BUDGET_SHARE,
  queuePrefix: env.QUEUE_PREFIX,
  leverRatePerSecond: env.LEVER_RATE_PER_SECOND,
  leverRateBurst: env.LEVER_RATE_BURST,
});
