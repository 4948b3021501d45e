import { AccountAccessModule, accountAccessOptionsFromEnv } from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { Module, type DynamicModule } from '@nestjs/common';
import type { DispatcherEnv } from './config';
import { DispatchModule } from './dispatch/dispatch.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';

@Module({})
export class AppModule {
  static forRoot(env: DispatcherEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        // Consumes lever-events; produces lever-sync.
        QueuesModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queues: [QueueName.LeverEvents, QueueName.LeverSync] }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
        DispatchModule,
        HousekeepingModule.forRoot({ retentionDays: env.LEVER_DELIVERY_RETENTION_DAYS, queuePrefix: env.QUEUE_PREFIX }),
      ],
    };
  }
}
