import { REDIS, tryLock, type HeldLock } from '@lever-assess/redis';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * The locks that make syncs of one opportunity run one at a time across replicas. A seam of its
 * own so that the processor's unit tests use an in-memory lock (InMemoryLocks of libs/testing).
 */
export abstract class OpportunityLocks {
  /** Null when another holder has `key`; the TTL bounds how long a crashed holder blocks the others. */
  abstract tryLock(key: string, ttlMs: number): Promise<HeldLock | null>;
}

/** Redis `SET NX PX`, shared by every replica (tryLock of @lever-assess/redis). */
@Injectable()
export class RedisOpportunityLocks extends OpportunityLocks {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    super();
  }

  tryLock(key: string, ttlMs: number): Promise<HeldLock | null> {
    return tryLock(this.redis, key, ttlMs);
  }
}
