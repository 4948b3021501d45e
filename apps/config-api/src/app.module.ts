import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigApiEnv } from './config';

@Module({})
export class AppModule {
  static forRoot(env: ConfigApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        // Lists and replays failed jobs; enqueues lever-sync after admin actions.
        QueuesModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queues: [QueueName.LeverEvents, QueueName.PlatformEvents, QueueName.LeverSync] }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
      ],
    };
  }
}
