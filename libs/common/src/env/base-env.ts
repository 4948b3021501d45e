import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { Sensitive } from './load-env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const URL_OPTS = { require_tld: false, require_protocol: true } as const;

/** Variables every app reads. Each app extends the chain it needs and overrides PORT's default. */
export class BaseEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;
}

export class RedisEnv extends BaseEnv {
  @IsUrl({ ...URL_OPTS, protocols: ['redis', 'rediss'] })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** BullMQ key prefix; lets several deployments (or test files) share one Redis. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, _ . or -' })
  QUEUE_PREFIX = 'bull';
}

export class RedisDatabaseEnv extends RedisEnv {
  @IsUrl({ ...URL_OPTS, protocols: ['postgres', 'postgresql'] })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/lever_assess';

  /**
   * Distinct SQL texts each process prepares by name on each PostgreSQL connection, so the server
   * parses and plans the workers' statements once per connection instead of per job. 0 behind a
   * PgBouncer in transaction mode older than 1.21 (or without max_prepared_statements), where a
   * prepared statement does not follow the client from one transaction to the next.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DATABASE_PREPARED_STATEMENTS = 200;
}

/**
 * ENCRYPTION_KEY: base64 of 32 bytes, required in production. ENCRYPTION_KEYS_PREVIOUS: a
 * comma-separated list of retired keys still accepted for decryption while secrets are rotated.
 */
export class EncryptionEnv extends RedisDatabaseEnv {
  @IsOptional()
  @Sensitive()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be the base64 encoding of exactly 32 bytes' })
  ENCRYPTION_KEY?: string;

  @IsOptional()
  @Sensitive()
  @Matches(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, {
    message: 'ENCRYPTION_KEYS_PREVIOUS must be a comma-separated list of base64 32-byte keys',
  })
  ENCRYPTION_KEYS_PREVIOUS?: string;

  validateCrossField(): string[] {
    return this.NODE_ENV === 'production' && !this.ENCRYPTION_KEY ? ['ENCRYPTION_KEY: is required when NODE_ENV=production'] : [];
  }
}

export const DEV_PLATFORM_API_KEY = 'dev-platform-key';

/** Apps that call Lever and the assessment platform on behalf of accounts. */
export class IntegrationEnv extends EncryptionEnv {
  @IsUrl({ ...URL_OPTS, protocols: ['http', 'https'] })
  LEVER_API_URL = 'https://api.lever.co/v1';

  @IsUrl({ ...URL_OPTS, protocols: ['http', 'https'] })
  PLATFORM_API_URL = 'http://127.0.0.1:4020';

  @Sensitive()
  @IsString()
  PLATFORM_API_KEY = DEV_PLATFORM_API_KEY;

  /**
   * Requests per second per Lever API key, shared by every replica through Redis: Lever's
   * documented 10 (lever-api.md 2). Lower it when a customer's other tools share the key.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  LEVER_RATE_PER_SECOND = 10;

  /**
   * Requests one Lever key may send at once after a quiet spell. Lever allows bursts of 20; five
   * are left spare (500 ms at 10/s) so that requests granted apart but arriving closer together
   * (a busy worker at the start of a bulk move, network jitter) never meet an empty bucket at
   * Lever. With two spare, the bench's 200-candidate move drew one 429 per run (docs/performance.md).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  LEVER_RATE_BURST = 15;

  /** Lever's OAuth server (authorize at /authorize, token at /oauth/token); the sandbox root locally. */
  @IsUrl({ ...URL_OPTS, protocols: ['http', 'https'] })
  LEVER_OAUTH_URL = 'https://auth.lever.co';

  /**
   * Where the admin's browser is sent to approve (its /authorize page), when it is not
   * LEVER_OAUTH_URL: with docker compose the apps reach the sandbox as `lever-sandbox` but the
   * browser on the host as `localhost`. Unset: LEVER_OAUTH_URL (Lever serves both from one host).
   */
  @IsOptional()
  @IsUrl({ ...URL_OPTS, protocols: ['http', 'https'] })
  LEVER_OAUTH_AUTHORIZE_URL?: string;

  /**
   * Workers keep each account's trigger rules and test catalog in memory for at most this long
   * (docs/many-tenants.md "Rules and catalog in memory"); config-api's announcement of an edit
   * drops them at once. 0: read them from PostgreSQL for every job.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  ACCOUNT_CONFIG_CACHE_MS = 30_000;

  /** Issued by Lever's partner programme; OAuth connect is off while unset (API keys still work). */
  @IsOptional()
  @IsString()
  LEVER_OAUTH_CLIENT_ID?: string;

  @IsOptional()
  @Sensitive()
  @IsString()
  LEVER_OAUTH_CLIENT_SECRET?: string;

  /** config-api's public callback, registered with Lever: `<config-api>/oauth/lever/callback`. */
  @IsOptional()
  @IsUrl({ ...URL_OPTS, protocols: ['http', 'https'] })
  LEVER_OAUTH_REDIRECT_URL?: string;

  /** The OAuth client when all three of its variables are set, else null (OAuth connect off). */
  leverOAuth(): { url: string; authorizeUrl?: string; clientId: string; clientSecret: string; redirectUrl: string } | null {
    if (!this.LEVER_OAUTH_CLIENT_ID || !this.LEVER_OAUTH_CLIENT_SECRET || !this.LEVER_OAUTH_REDIRECT_URL) return null;
    return {
      url: this.LEVER_OAUTH_URL,
      ...(this.LEVER_OAUTH_AUTHORIZE_URL ? { authorizeUrl: this.LEVER_OAUTH_AUTHORIZE_URL } : {}),
      clientId: this.LEVER_OAUTH_CLIENT_ID,
      clientSecret: this.LEVER_OAUTH_CLIENT_SECRET,
      redirectUrl: this.LEVER_OAUTH_REDIRECT_URL,
    };
  }

  override validateCrossField(): string[] {
    const problems = super.validateCrossField();
    const oauth = [this.LEVER_OAUTH_CLIENT_ID, this.LEVER_OAUTH_CLIENT_SECRET, this.LEVER_OAUTH_REDIRECT_URL].filter(Boolean).length;
    if (oauth > 0 && oauth < 3) {
      problems.push('LEVER_OAUTH_CLIENT_ID, LEVER_OAUTH_CLIENT_SECRET, LEVER_OAUTH_REDIRECT_URL: set all three or none');
    }
    if (this.NODE_ENV === 'production' && this.PLATFORM_API_KEY === DEV_PLATFORM_API_KEY) {
      problems.push('PLATFORM_API_KEY: must be set (not the development default) when NODE_ENV=production');
    }
    return problems;
  }
}
