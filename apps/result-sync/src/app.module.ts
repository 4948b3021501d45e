import { AccountAccessModule, accountAccessOptionsFromEnv } from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueuesModule } from '@lever-assess/queues';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ResultSyncEnv } from './config';
import { LeverSyncProcessor } from './lever-sync/lever-sync.processor';
import { LeverSyncService } from './lever-sync/lever-sync.service';
import { PlatformEventsProcessor } from './platform-events/platform-events.processor';
import { PlatformEventsService } from './platform-events/platform-events.service';
import { OWNED_QUEUES } from './worker/owned-queues';
import { assertQueueProcessors } from './worker/queue-wiring';

const PROCESSORS = [PlatformEventsProcessor, LeverSyncProcessor];

@Module({})
export class AppModule {
  static forRoot(env: ResultSyncEnv): DynamicModule {
    // Before anything connects: an owned queue without its processor stops the app.
    assertQueueProcessors('result-sync', OWNED_QUEUES, PROCESSORS);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        QueuesModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queues: OWNED_QUEUES }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
      ],
      providers: [PlatformEventsService, LeverSyncService, ...PROCESSORS],
    };
  }
}
