export * from './redis-connection';
export * from './redis-lock';
export * from './account-changes';
export * from './redis.module';
export * from './one-write';
