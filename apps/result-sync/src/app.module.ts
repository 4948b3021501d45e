import { AccountAccessModule, ParkedJobsModule, accountAccessOptionsFromEnv } from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule, assertQueueProcessors } from '@lever-assess/queues';
import { RedisModule, redisOptionsFromEnv } from '@lever-assess/redis';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ResultSyncEnv } from './config';
import { LeverSyncProcessor } from './lever-sync/lever-sync.processor';
import { LeverSyncService } from './lever-sync/lever-sync.service';
import { OpportunityLocks, RedisOpportunityLocks } from './lever-sync/opportunity-locks';
import { PlatformEventsProcessor } from './platform-events/platform-events.processor';
import { PlatformEventsService } from './platform-events/platform-events.service';

/** The queues result-sync consumes (it also produces lever-sync); each needs exactly one processor. */
const OWNED_QUEUES = [QueueName.PlatformEvents, QueueName.LeverSync];
const PROCESSORS = [PlatformEventsProcessor, LeverSyncProcessor];

@Module({})
export class AppModule {
  static forRoot(env: ResultSyncEnv): DynamicModule {
    // Before anything connects: an owned queue without its processor stops the app.
    assertQueueProcessors('result-sync', OWNED_QUEUES, PROCESSORS);
    const redis = redisOptionsFromEnv(env);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        RedisModule.forRoot(redis),
        QueuesModule.forRoot({ redis, queues: OWNED_QUEUES }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
        // Jobs of a disconnected account wait parked; they resume here once its key is replaced.
        ParkedJobsModule.forRoot({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, queues: OWNED_QUEUES }),
      ],
      providers: [PlatformEventsService, LeverSyncService, { provide: OpportunityLocks, useClass: RedisOpportunityLocks }, ...PROCESSORS],
    };
  }
}
