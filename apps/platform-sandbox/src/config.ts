import { BaseEnv, DEV_PLATFORM_API_KEY, Sensitive, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

const URL_OPTS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export const DEV_PLATFORM_WEBHOOK_SECRET = 'dev-platform-webhook-secret';

/** Environment of the platform sandbox (docs/platform-sandbox.md). */
export class PlatformSandboxEnv extends BaseEnv {
  override PORT = 4020;

  /** Bearer token the /v1 API accepts (the gateway/dispatcher's PLATFORM_API_KEY). */
  @Sensitive()
  @IsString()
  @MinLength(1)
  PLATFORM_API_KEY = DEV_PLATFORM_API_KEY;

  /** HMAC secret for callback signatures (the gateway's PLATFORM_WEBHOOK_SECRET). */
  @Sensitive()
  @IsString()
  @MinLength(16)
  PLATFORM_WEBHOOK_SECRET = DEV_PLATFORM_WEBHOOK_SECRET;

  /** Where callbacks are POSTed: the gateway's /webhooks/platform. */
  @IsUrl(URL_OPTS)
  PLATFORM_CALLBACK_URL = 'http://127.0.0.1:3000/webhooks/platform';

  /** Origin used to build candidate, interviewer and report links. */
  @IsUrl(URL_OPTS)
  PLATFORM_PUBLIC_URL = 'http://127.0.0.1:4020';

  /** 0 = off. Otherwise each invitation completes after this delay, then is scored shortly after. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  AUTO_COMPLETE_AFTER_MS = 0;

  /** Delivery attempts per callback (first included) before it is marked failed. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  CALLBACK_MAX_ATTEMPTS = 5;

  /** Backoff base between delivery attempts: attempt n waits base * 2^(n-1) ms. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CALLBACK_RETRY_BASE_MS = 500;

  /** Timeout of one delivery attempt. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CALLBACK_TIMEOUT_MS = 5_000;
}

export const loadPlatformSandboxEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(PlatformSandboxEnv, raw);

/** Injection token of the validated env. */
export const SANDBOX_ENV = Symbol('SANDBOX_ENV');
