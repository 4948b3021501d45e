import { AccountAccessModule, accountAccessOptionsFromEnv } from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { PlatformClientModule } from '@lever-assess/platform-client';
import { QueueName, QueuesModule } from '@lever-assess/queues';
import { RedisModule, redisOptionsFromEnv } from '@lever-assess/redis';
import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AdminTokensModule } from './admin-tokens/admin-tokens.module';
import { AssessmentsModule } from './assessments/assessments.module';
import { AuditModule } from './audit/audit.module';
import { CatalogModule } from './catalog/catalog.module';
import { ConsoleSessionModule } from './console-session/console-session.module';
import type { ConfigApiEnv } from './config';
import { FailedJobsModule } from './failed-jobs/failed-jobs.module';
import { LeverModule } from './lever/lever.module';
import { LeverOAuthModule } from './lever-oauth/lever-oauth.module';
import { OverviewModule } from './overview/overview.module';
import { PreviewModule } from './preview/preview.module';
import { SharedModule } from './shared/shared.module';
import { TimelineModule } from './timeline/timeline.module';
import { SweepModule } from './sweep/sweep.module';
import { TriggerRulesModule } from './trigger-rules/trigger-rules.module';

@Module({})
export class AppModule {
  static forRoot(env: ConfigApiEnv): DynamicModule {
    const redis = redisOptionsFromEnv(env);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule,
        // Lists and replays failed jobs; enqueues lever-sync and re-triggers after admin actions.
        RedisModule.forRoot(redis),
        QueuesModule.forRoot({
          redis,
          queues: [QueueName.LeverEvents, QueueName.PlatformEvents, QueueName.LeverSync, QueueName.AccountSweeps],
        }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, preparedStatements: env.DATABASE_PREPARED_STATEMENTS }),
        // SecretBox, the rate-limited LeverClient, LeverAccountsService.
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
        // Catalog import, resend and cancel.
        PlatformClientModule.forRoot({ baseUrl: env.PLATFORM_API_URL, apiKey: env.PLATFORM_API_KEY }),
        SharedModule.forRoot(env),
        AdminTokensModule,
        AccountsModule,
        LeverModule,
        LeverOAuthModule,
        CatalogModule,
        TriggerRulesModule,
        AssessmentsModule,
        FailedJobsModule,
        AuditModule,
        PreviewModule,
        TimelineModule,
        SweepModule,
        ConsoleSessionModule,
        OverviewModule,
      ],
    };
  }
}
