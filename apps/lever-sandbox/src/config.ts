import { BaseEnv, Sensitive, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

export class LeverSandboxEnv extends BaseEnv {
  override PORT = 4010;

  /** API key of the seeded "Acme" company (Basic auth user name). */
  @Sensitive()
  @IsString()
  @MinLength(1)
  LEVER_SANDBOX_API_KEY = 'demo-lever-key';

  /** Where Acme's candidateStageChange webhooks go; unset = none sent. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  LEVER_SANDBOX_WEBHOOK_URL?: string;

  /** Acme's webhook signature token (Lever: Settings > Webhooks). */
  @Sensitive()
  @IsString()
  @MinLength(1)
  LEVER_SANDBOX_SIGNATURE_TOKEN = 'demo-signature-token';

  /** Per-key steady rate, like Lever's 10 rps. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  LEVER_SANDBOX_RATE_PER_SECOND = 10;

  /** Per-key burst, like Lever's 20. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LEVER_SANDBOX_BURST = 20;

  /** First gap between webhook delivery retries; doubles per retry. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS = 1_000;

  /** Retries after a failed delivery (Lever: "five times"). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  LEVER_SANDBOX_WEBHOOK_RETRIES = 5;
}

export const loadLeverSandboxEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(LeverSandboxEnv, raw);
