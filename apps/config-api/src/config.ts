import { IntegrationEnv, Sensitive, loadEnv } from '@lever-assess/common';
import { IsString, IsUrl, MinLength } from 'class-validator';

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
}

export const loadConfigApiEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(ConfigApiEnv, raw);
