import { BaseEnv, Sensitive, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { ACME_DEFAULT_EVENT_SIGNATURE_TOKENS } from './seed/acme.seed';
import { LEVER_WEBHOOK_EVENTS, type LeverWebhookEvent } from './store/sandbox.model';

const OWN_TOKEN_EVENTS = LEVER_WEBHOOK_EVENTS.filter((e) => e !== 'candidateStageChange');

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

  /**
   * Acme's tokens for the other events, as a JSON object `{ "<event>": "<token>" | null }`, merged
   * over the defaults; null signs that event with LEVER_SANDBOX_SIGNATURE_TOKEN (one shared token).
   */
  @Sensitive()
  @IsOptional()
  @IsString()
  LEVER_SANDBOX_SIGNATURE_TOKENS?: string;

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

  /** The OAuth client the sandbox's auth server knows (LEVER_OAUTH_CLIENT_ID of the product). */
  @IsString()
  @MinLength(1)
  LEVER_SANDBOX_OAUTH_CLIENT_ID = 'demo-oauth-client';

  @Sensitive()
  @IsString()
  @MinLength(1)
  LEVER_SANDBOX_OAUTH_CLIENT_SECRET = 'demo-oauth-secret';

  /** Access token lifetime (Lever: 3600 s); short in tests of the refresh. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LEVER_SANDBOX_OAUTH_ACCESS_TTL_S = 3_600;

  validateCrossField(): string[] {
    try {
      this.acmeSignatureTokens();
      return [];
    } catch (err) {
      return [`LEVER_SANDBOX_SIGNATURE_TOKENS: ${(err as Error).message}`];
    }
  }

  /** Acme's per-event signature tokens (defaults + LEVER_SANDBOX_SIGNATURE_TOKENS). Messages never quote a value. */
  acmeSignatureTokens(): Partial<Record<LeverWebhookEvent, string>> {
    const tokens = { ...ACME_DEFAULT_EVENT_SIGNATURE_TOKENS };
    if (this.LEVER_SANDBOX_SIGNATURE_TOKENS === undefined) return tokens;
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.LEVER_SANDBOX_SIGNATURE_TOKENS);
    } catch {
      throw new Error('must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be a JSON object');
    for (const [event, token] of Object.entries(parsed)) {
      if (event === 'candidateStageChange') throw new Error('set the candidateStageChange token with LEVER_SANDBOX_SIGNATURE_TOKEN');
      if (!(OWN_TOKEN_EVENTS as string[]).includes(event)) throw new Error(`keys must be among ${OWN_TOKEN_EVENTS.join(', ')}`);
      if (token !== null && (typeof token !== 'string' || token === '')) throw new Error('each value must be a non-empty string or null');
      if (token === null) delete tokens[event as LeverWebhookEvent];
      else tokens[event as LeverWebhookEvent] = token;
    }
    return tokens;
  }
}

export const loadLeverSandboxEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(LeverSandboxEnv, raw);
