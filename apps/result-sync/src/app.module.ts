import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ResultSyncEnv } from './config';

@Module({})
export class AppModule {
  static forRoot(env: ResultSyncEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        // Consumes platform-events and lever-sync.
        QueuesModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queues: [QueueName.PlatformEvents, QueueName.LeverSync] }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
      ],
    };
  }
}
