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

/**
 * Closes a client without hanging on a dead server: QUIT when connected (pending replies are
 * flushed), otherwise, or if QUIT takes longer than `timeoutMs`, drop the socket.
 */
export async function closeRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([redis.quit().catch(() => 'error' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== 'OK') redis.disconnect();
}

/**
 * Logs connection errors of a client or queue once, then at most every `everyMs` while they
 * continue: an unreachable Redis must be visible without flooding the log (and an 'error'
 * listener keeps ioredis from printing "Unhandled error event" to stderr).
 */
export function logConnectionErrors(
  emitter: { on(event: 'error', listener: (err: Error) => void): unknown },
  log: (message: string, err: Error) => void,
  label: string,
  everyMs = 30_000,
): void {
  let last = 0;
  let suppressed = 0;
  emitter.on('error', (err: Error) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed++;
      return;
    }
    log(`${label}: ${err.message}${suppressed ? ` (${suppressed} similar errors suppressed)` : ''}`, err);
    last = now;
    suppressed = 0;
  });
}
