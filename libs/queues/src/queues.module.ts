import { HealthRegistry, gauge } from '@lever-assess/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_CONFIG } from './queue-config';
import type { QueueName } from './queue-names';
import { closeRedis, createRedis, logConnectionErrors, redisHealthCheck, redisOptionsFromUrl } from './redis-connection';

/** A general-purpose ioredis client (health checks, pub/sub publishing, rate limiter). */
export const REDIS = Symbol('REDIS');
/** The queues this app registered, for depth metrics and failed-job tooling. */
export const REGISTERED_QUEUES = Symbol('REGISTERED_QUEUES');

export interface QueuesModuleOptions {
  redisUrl: string;
  prefix: string;
  /** Queues this app produces to or consumes from. */
  queues: readonly QueueName[];
  /**
   * Producers on a request path (the gateway) fail at once while Redis is down, so the caller
   * gets a 503 and retries, instead of the command waiting in an in-memory queue.
   */
  failFast?: boolean;
}

/**
 * Registers the Redis readiness check, logs connection errors of the shared client and the queues
 * (throttled), and closes the shared client on shutdown without hanging on a dead server.
 */
@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REGISTERED_QUEUES) queues: Queue[],
    health: HealthRegistry,
  ) {
    health.register(redisHealthCheck(redis));
    const warn = (message: string) => this.logger.warn(message);
    logConnectionErrors(redis, warn, 'redis client');
    for (const queue of queues) logConnectionErrors(queue, warn, `queue ${queue.name}`);
  }

  async onApplicationShutdown() {
    await closeRedis(this.redis);
  }
}

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;
const scrapedQueues = new Set<Queue>();

// Queue depth read at scrape time: worker replicas scale on it (DESIGN.md, Scale).
gauge('queue_jobs', 'Jobs per queue and state, read at scrape time', ['queue', 'state'] as const, async function () {
  for (const queue of scrapedQueues) {
    const counts = await queue.getJobCounts(...STATES).catch(() => null);
    if (!counts) continue;
    for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
  }
});

/** Adds this app's queues to the depth gauge for as long as the app runs. */
@Injectable()
class QueueDepthRegistration implements OnApplicationShutdown {
  constructor(@Inject(REGISTERED_QUEUES) private readonly queues: Queue[]) {
    for (const q of queues) scrapedQueues.add(q);
  }
  onApplicationShutdown() {
    for (const q of this.queues) scrapedQueues.delete(q);
  }
}

@Module({})
export class QueuesModule {
  static forRoot(options: QueuesModuleOptions): DynamicModule {
    const connection = {
      ...redisOptionsFromUrl(options.redisUrl),
      ...(options.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
    };
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: options.prefix }),
        BullModule.registerQueue(...options.queues.map((name) => ({ name, defaultJobOptions: QUEUE_CONFIG[name].job }))),
      ],
      providers: [
        { provide: REDIS, useFactory: () => createRedis(options.redisUrl, { failFast: options.failFast, name: 'lever-assess' }) },
        RedisLifecycle,
        {
          provide: REGISTERED_QUEUES,
          inject: options.queues.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => queues,
        },
        QueueDepthRegistration,
      ],
      exports: [BullModule, REDIS, REGISTERED_QUEUES],
    };
  }
}
