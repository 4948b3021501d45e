import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Each script acts only while the key still holds our token, so a lock that expired and was
// taken by another holder is never released, renewed or trusted by the first one.
const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_COMMAND = 'releaseHeldLock';
const RENEW_COMMAND = 'renewHeldLock';
type LockScripts = {
  [RELEASE_COMMAND]: (key: string, token: string) => Promise<number>;
  [RENEW_COMMAND]: (key: string, token: string, ttlMs: number) => Promise<number>;
};

/**
 * The client with the lock's scripts defined: EVALSHA (one EVAL per connection while Redis does
 * not know them) instead of the script's text with every renewal and release.
 */
function withLockScripts(redis: Redis): Redis & LockScripts {
  if (!(RELEASE_COMMAND in redis)) {
    redis.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE_LUA });
    redis.defineCommand(RENEW_COMMAND, { numberOfKeys: 1, lua: RENEW_LUA });
  }
  return redis as Redis & LockScripts;
}

/** The lock was lost (expired and taken, or Redis unreachable for too long): stop before writing. */
export class LockLostError extends Error {
  readonly code = 'LOCK_LOST';
  readonly retryable = true;
  /** The job is handed back at once (no attempt used) and runs again under a fresh lock. */
  readonly delayJobMs = 0;
  constructor(readonly key: string) {
    super(`Lock ${key} is no longer held`);
    this.name = 'LockLostError';
  }
}

export interface HeldLock {
  /**
   * The fence: resolves while the lock is still ours, checked in Redis. Call it before every
   * effect that must not happen twice.
   * @throws LockLostError when it is not
   */
  assertHeld(): Promise<void>;
  /** Stops renewing and deletes the key if it is still ours. */
  release(): Promise<void>;
}

export interface LockOptions {
  /**
   * Renews the TTL this often while held (default ttl / 3), so a holder that works longer than
   * the TTL keeps its lock, and a crashed one frees it within one TTL.
   */
  renewEveryMs?: number;
}

/**
 * A mutual-exclusion lock shared by every replica (SET NX PX), renewed while held and fenced:
 * `assertHeld` says whether it is still ours. Returns null when another holder has it.
 */
export async function tryLock(
  redis: Redis,
  key: string,
  ttlMs: number,
  { renewEveryMs = Math.floor(ttlMs / 3) }: LockOptions = {},
): Promise<HeldLock | null> {
  const scripts = withLockScripts(redis);
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  let lost = false;
  const markLost = () => {
    lost = true;
    clearInterval(timer);
  };
  const renew = async () => {
    try {
      if ((await scripts[RENEW_COMMAND](key, token, ttlMs)) !== 1) markLost();
    } catch {
      // Redis unreachable: the fence's own check decides; the next tick tries again.
    }
  };
  const timer = setInterval(() => void renew(), Math.max(10, renewEveryMs));
  timer.unref();
  return {
    assertHeld: async () => {
      if (!lost && (await redis.get(key)) === token) return;
      markLost();
      throw new LockLostError(key);
    },
    release: async () => {
      clearInterval(timer);
      await scripts[RELEASE_COMMAND](key, token);
    },
  };
}
