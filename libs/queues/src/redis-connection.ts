import type { HealthCheck } from '@lever-assess/common';
import IORedis, { type Redis } from 'ioredis';

/**
 * Parses redis://[user:password@]host:port[/db] (rediss:// for TLS) into ioredis options, so that
 * BullMQ can create (and close) its own connections from them.
 */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
}

export function redisOptionsFromUrl(url: string): RedisEndpoint {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Workers need `maxRetriesPerRequest: null` (blocking commands must not time out). Producers on the
 * request path use `failFast` so that Redis being down fails at once (503) instead of queueing
 * commands in memory while Lever waits.
 */
export function createRedis(url: string, { failFast = false, name }: { failFast?: boolean; name?: string } = {}): Redis {
  return new IORedis({
    ...redisOptionsFromUrl(url),
    ...(name ? { connectionName: name } : {}),
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    lazyConnect: false,
  });
}

export function redisHealthCheck(redis: Redis): HealthCheck {
  return {
    name: 'redis',
    check: async () => {
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
    },
  };
}
