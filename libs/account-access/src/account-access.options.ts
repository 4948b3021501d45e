export const ACCOUNT_ACCESS_OPTIONS = Symbol('ACCOUNT_ACCESS_OPTIONS');

/** The subset of IntegrationEnv the module needs (pass the app's env object). */
export interface AccountAccessOptions {
  queuePrefix: string;
  leverApiUrl: string;
  leverRatePerSecond: number;
  platformApiUrl: string;
  platformApiKey: string;
  encryptionKey?: string;
  encryptionKeysPrevious?: string;
}

export const accountAccessOptionsFromEnv = (env: {
  QUEUE_PREFIX: string;
  LEVER_API_URL: string;
  LEVER_RATE_PER_SECOND: number;
  PLATFORM_API_URL: string;
  PLATFORM_API_KEY: string;
  ENCRYPTION_KEY?: string;
  ENCRYPTION_KEYS_PREVIOUS?: string;
}): AccountAccessOptions => ({
  queuePrefix: env.QUEUE_PREFIX,
  leverApiUrl: env.LEVER_API_URL,
  leverRatePerSecond: env.LEVER_RATE_PER_SECOND,
  platformApiUrl: env.PLATFORM_API_URL,
  platformApiKey: env.PLATFORM_API_KEY,
  encryptionKey: env.ENCRYPTION_KEY,
  encryptionKeysPrevious: env.ENCRYPTION_KEYS_PREVIOUS,
});

/** Redis key prefix of the per-account Lever token buckets (shared by every replica). */
export const leverRateLimitKeyPrefix = (queuePrefix: string) => `${queuePrefix}:lever-rate:`;
