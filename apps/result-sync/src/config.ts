import { IntegrationEnv, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

/** result-sync serves only health and metrics over HTTP. */
export class ResultSyncEnv extends IntegrationEnv {
  override PORT = 3003;

  /** How often every active account is swept, cluster-wide (docs/sweep.md). */
  @Type(() => Number)
  @IsInt()
  @Min(10_000)
  @Max(24 * 60 * 60_000)
  SWEEP_INTERVAL_MS = 600_000;

  /** A candidate who entered a trigger stage longer ago than this is never invited by the sweep. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30 * 24)
  SWEEP_LOOKBACK_HOURS = 72;

  /** The largest share of a Lever key's request rate the sweep may use; live work keeps the rest. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1)
  SWEEP_BUDGET_SHARE = 0.2;
}

export const loadResultSyncEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(ResultSyncEnv, raw);
