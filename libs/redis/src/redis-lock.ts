import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Deletes the key only if it still holds our token, so a lock that expired and was taken by
// another worker is never released by the first one.
const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * A short mutual-exclusion lock shared by every replica (SET NX PX). Returns null when another
 * holder has it. The TTL bounds how long a crashed holder can block others.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return {
    release: async () => {
      await redis.eval(RELEASE_LUA, 1, key, token);
    },
  };
}
