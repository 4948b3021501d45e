import { AccountAccessModule, AccountConfigCacheModule, ParkedJobsModule, accountAccessOptionsFromEnv } from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { PlatformClientModule } from '@lever-assess/platform-client';
import { QueueName, QueuesModule, assertQueueProcessors } from '@lever-assess/queues';
import { RedisModule, redisOptionsFromEnv } from '@lever-assess/redis';
import { Module, type DynamicModule } from '@nestjs/common';
import type { DispatcherEnv } from './config';
import { DISPATCHER_PROCESSORS, DispatchModule } from './dispatch/dispatch.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';

/** The queues the dispatcher consumes; each needs exactly one processor. */
const OWNED_QUEUES = [QueueName.LeverEvents];

@Module({})
export class AppModule {
  static forRoot(env: DispatcherEnv): DynamicModule {
    // Before anything connects: an owned queue without its processor stops the app.
    assertQueueProcessors('dispatcher', OWNED_QUEUES, DISPATCHER_PROCESSORS);
    const redis = redisOptionsFromEnv(env);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        RedisModule.forRoot(redis),
        // Consumes lever-events; produces lever-sync.
        QueuesModule.forRoot({ redis, queues: [QueueName.LeverEvents, QueueName.LeverSync] }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, preparedStatements: env.DATABASE_PREPARED_STATEMENTS }),
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
        // Rules and catalog per account in memory, dropped when config-api announces an edit.
        AccountConfigCacheModule.forRoot({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, maxAgeMs: env.ACCOUNT_CONFIG_CACHE_MS }),
        // Jobs of a disconnected account wait parked; they resume here once its key is replaced.
        ParkedJobsModule.forRoot({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, queues: OWNED_QUEUES }),
        PlatformClientModule.forRoot({ baseUrl: env.PLATFORM_API_URL, apiKey: env.PLATFORM_API_KEY }),
        DispatchModule,
        HousekeepingModule.forRoot({
          retentionDays: env.LEVER_DELIVERY_RETENTION_DAYS,
          queuePrefix: env.QUEUE_PREFIX,
          keyHealthIntervalMs: env.KEY_HEALTH_INTERVAL_MS,
        }),
      ],
    };
  }
}
