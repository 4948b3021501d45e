import { EncryptionEnv, LEVER_REPLAY_WINDOW_MS, Sensitive, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';

export class GatewayEnv extends EncryptionEnv {
  override PORT = 3000;

  /** Shared secret of the platform's callbacks (X-Platform-Signature). */
  @Sensitive()
  @IsString()
  @MinLength(16)
  PLATFORM_WEBHOOK_SECRET = 'dev-platform-webhook-secret';

  /** Lever deliveries whose triggeredAt is older than this are refused (replays). */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  LEVER_REPLAY_WINDOW_MS = LEVER_REPLAY_WINDOW_MS;

  /** Bodies above this get 413; Lever's envelopes are a few hundred bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

  /**
   * Full reload of the in-memory account cache from Postgres, as a safety net for a missed
   * pub/sub message (changes normally arrive through Redis within a second).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  ACCOUNT_CACHE_RELOAD_MS = 5 * 60_000;

  override validateCrossField(): string[] {
    const problems = super.validateCrossField();
    if (this.NODE_ENV === 'production' && this.PLATFORM_WEBHOOK_SECRET === 'dev-platform-webhook-secret') {
      problems.push('PLATFORM_WEBHOOK_SECRET: must be set (not the development default) when NODE_ENV=production');
    }
    return problems;
  }
}

/** Injection token of the validated GatewayEnv. */
export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

export const loadGatewayEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(GatewayEnv, raw);
