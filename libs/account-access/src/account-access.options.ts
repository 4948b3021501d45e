import type { LeverOAuthOptions } from '@lever-assess/lever-client';

export const ACCOUNT_ACCESS_OPTIONS = Symbol('ACCOUNT_ACCESS_OPTIONS');

/** The subset of IntegrationEnv the module needs (pass the app's env object). */
export interface AccountAccessOptions {
  queuePrefix: string;
  leverApiUrl: string;
  leverRatePerSecond: number;
  leverRateBurst: number;
  encryptionKey?: string;
  encryptionKeysPrevious?: string;
  /** Lever's OAuth client; absent: OAuth accounts use their stored access token until it expires, no refresh. */
  leverOAuth?: LeverOAuthOptions | null;
  /** Refresh an access token that expires within this long (default 2 minutes). */
  leverOAuthRefreshMarginMs?: number;
}

export const accountAccessOptionsFromEnv = (env: {
  QUEUE_PREFIX: string;
  LEVER_API_URL: string;
  LEVER_RATE_PER_SECOND: number;
  LEVER_RATE_BURST: number;
  ENCRYPTION_KEY?: string;
  ENCRYPTION_KEYS_PREVIOUS?: string;
  leverOAuth?: () => LeverOAuthOptions | null;
}): AccountAccessOptions => ({
  queuePrefix: env.QUEUE_PREFIX,
  leverApiUrl: env.LEVER_API_URL,
  leverRatePerSecond: env.LEVER_RATE_PER_SECOND,
  leverRateBurst: env.LEVER_RATE_BURST,
  encryptionKey: env.ENCRYPTION_KEY,
  encryptionKeysPrevious: env.ENCRYPTION_KEYS_PREVIOUS,
  leverOAuth: env.leverOAuth?.() ?? null,
});

/** The Redis lock one account's OAuth refresh runs under, shared by every replica. */
export const leverOAuthRefreshLockKey = (queuePrefix: string, accountId: string) => `${queuePrefix}:lever-oauth-refresh:${accountId}`;

/** Redis key prefix of the per-key Lever token buckets and job turns (shared by every replica). */
export const leverRateLimitKeyPrefix = (queuePrefix: string) => `${queuePrefix}:lever-rate:`;
