import IORedis, { type Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueName } from './test-env';

export interface TestRedisNamespace {
  /** Use as QUEUE_PREFIX / key prefix: nothing else in Redis starts with it. */
  prefix: string;
  redis: Redis;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestRedisNamespace(label = 'test'): Promise<TestRedisNamespace> {
  const prefix = uniqueName(label);
  const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 3 });
  return {
    prefix,
    redis,
    cleanup: async () => {
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
