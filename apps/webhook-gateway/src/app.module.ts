import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { RedisModule, redisOptionsFromEnv } from '@lever-assess/redis';
import { Module, type DynamicModule } from '@nestjs/common';
import type { GatewayEnv } from './config';
import { GatewayEnvModule } from './gateway-env.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    // failFast turns "Redis down" into an immediate 503 so Lever retries later.
    const redis = redisOptionsFromEnv(env, { failFast: true });
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        GatewayEnvModule.forRoot(env),
        RedisModule.forRoot(redis),
        // Producer only.
        QueuesModule.forRoot({ redis, queues: [QueueName.LeverEvents, QueueName.PlatformEvents] }),
        // Accounts are read at start-up and on cache invalidation, never per request: the gateway
        // starts while PostgreSQL is down and is ready once the account cache is loaded, however
        // PostgreSQL fares afterwards (its readiness is the account-cache check, not PostgreSQL's).
        PersistenceModule.forRoot({
          databaseUrl: env.DATABASE_URL,
          preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
          connectInBackground: true,
          readinessCheck: false,
        }),
        WebhooksModule,
      ],
    };
  }
}
