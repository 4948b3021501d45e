import { IntegrationEnv, Sensitive, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

export class ConfigApiEnv extends IntegrationEnv {
  override PORT = 3001;

  /** Bootstrap admin token (Authorization: Bearer); more tokens can be created through the API. */
  @Sensitive()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN: string;

  /** Public URL of the webhook gateway, used to print the webhook URL an admin pastes into Lever. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

  /** How long `POST /v1/accounts/:id/sweep` waits for the sweep before answering 202 (it goes on). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SWEEP_WAIT_MS = 60_000;

  /** The built console (apps/console) served at /console; unset: dist/apps/console beside this bundle. */
  @IsOptional()
  @IsString()
  CONSOLE_DIR?: string;
}

export const loadConfigApiEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(ConfigApiEnv, raw);
