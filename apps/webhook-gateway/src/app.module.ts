import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { Module, type DynamicModule } from '@nestjs/common';
import type { GatewayEnv } from './config';
import { GatewayEnvModule } from './gateway-env.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        GatewayEnvModule.forRoot(env),
        // Producer only; failFast turns "Redis down" into an immediate 503 so Lever retries later.
        QueuesModule.forRoot({
          redisUrl: env.REDIS_URL,
          prefix: env.QUEUE_PREFIX,
          queues: [QueueName.LeverEvents, QueueName.PlatformEvents],
          failFast: true,
        }),
        // Accounts are read at start-up and on cache invalidation, never per request.
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL }),
        WebhooksModule,
      ],
    };
  }
}
