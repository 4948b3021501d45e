import { HealthRegistry } from '@lever-assess/common';
import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AccountChangesPublisher } from './account-changes';
import { closeRedis, createRedis, logConnectionErrors, redisHealthCheck } from './redis-connection';

/** The app's general-purpose ioredis client (health check, pub/sub publishing, locks, rate limiter). */
export const REDIS = Symbol('REDIS');
/** Options the module was created with (URL, key prefix), for code that opens its own connection. */
export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

export interface RedisModuleOptions {
  url: string;
  /** Prefix of every key and channel of this deployment (QUEUE_PREFIX). */
  keyPrefix: string;
  /**
   * Clients on a request path (the gateway) fail at once while Redis is down, so the caller gets
   * a 503 and retries, instead of the command waiting in an in-memory queue.
   */
  failFast?: boolean;
}

/** Registers the Redis readiness check, logs connection errors (throttled), closes the client last. */
@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    health: HealthRegistry,
  ) {
    health.register(redisHealthCheck(redis));
    logConnectionErrors(redis, (message) => this.logger.warn(message), 'redis client');
  }

  async onApplicationShutdown() {
    await closeRedis(this.redis);
  }
}

/** The one home of an app's Redis connection; global, imported once by the app module. */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_OPTIONS, useValue: options },
        { provide: REDIS, useFactory: () => createRedis(options.url, { failFast: options.failFast, name: 'lever-assess' }) },
        RedisLifecycle,
        {
          provide: AccountChangesPublisher,
          inject: [REDIS],
          useFactory: (redis: Redis) => new AccountChangesPublisher(redis, options.keyPrefix),
        },
      ],
      exports: [REDIS, REDIS_OPTIONS, AccountChangesPublisher],
    };
  }
}

/** RedisModule options from the shared env variables (REDIS_URL, QUEUE_PREFIX). */
export const redisOptionsFromEnv = (
  env: { REDIS_URL: string; QUEUE_PREFIX: string },
  extra: { failFast?: boolean } = {},
): RedisModuleOptions => ({
  url: env.REDIS_URL,
  keyPrefix: env.QUEUE_PREFIX,
  ...extra,
});
