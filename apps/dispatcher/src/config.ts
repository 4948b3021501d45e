import { IntegrationEnv, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** dispatcher serves only health and metrics over HTTP. */
export class DispatcherEnv extends IntegrationEnv {
  override PORT = 3002;

  /**
   * Recorded Lever delivery tokens are forgotten after this many days. Keep it well above the
   * gateway's replay window (24 h by default), or a replayed token could be processed again.
   */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(3650)
  LEVER_DELIVERY_RETENTION_DAYS = 30;

  /** How often every active account's Lever key is checked with one cheap read (0: never). Default 15 minutes. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 60 * 60 * 1000)
  KEY_HEALTH_INTERVAL_MS = 15 * 60 * 1000;
}

export const loadDispatcherEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(DispatcherEnv, raw);
