export { LeverClient, type LeverClientOptions } from './lib/lever-client';
export type { LeverHttpOptions } from './lib/lever-http';
export * from './lib/lever.errors';
export type * from './lib/lever.types';
export { LEVER_WEBHOOK_ORIGINS } from './lib/lever.types';
export type { LeverRateLimiter } from './lib/rate-limit/lever-rate-limiter';
export { RedisTokenBucketLimiter, type RedisTokenBucketLimiterOptions } from './lib/rate-limit/redis-token-bucket.limiter';
export { leverCredentialId, leverKeyId } from './lib/rate-limit/lever-budget';
export * from './lib/lever-oauth';
