import {
  AccountAccessModule,
  AccountConfigCacheModule,
  AssessmentActionsService,
  ParkedJobsModule,
  accountAccessOptionsFromEnv,
} from '@lever-assess/account-access';
import { ObservabilityModule } from '@lever-assess/common';
import { PersistenceModule } from '@lever-assess/persistence';
import { PlatformClientModule } from '@lever-assess/platform-client';
import { QueueName, QueuesModule, assertQueueProcessors } from '@lever-assess/queues';
import { RedisModule, redisOptionsFromEnv } from '@lever-assess/redis';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ResultSyncEnv } from './config';
import { LeverSyncProcessor } from './lever-sync/lever-sync.processor';
import { LeverSyncService } from './lever-sync/lever-sync.service';
import { OpportunityLocks, RedisOpportunityLocks } from './lever-sync/opportunity-locks';
import { PlatformEventsProcessor } from './platform-events/platform-events.processor';
import { PlatformEventsService } from './platform-events/platform-events.service';
import { AccountSweepService } from './sweep/account-sweep.service';
import { AccountSweepsProcessor } from './sweep/account-sweeps.processor';
import { SweepPacer } from './sweep/sweep-pacer';
import { SweepScheduler } from './sweep/sweep-scheduler';
import { SWEEP_SETTINGS, sweepSettingsFromEnv } from './sweep/sweep.settings';

/** The queues result-sync consumes (it also produces lever-sync); each needs exactly one processor. */
const OWNED_QUEUES = [QueueName.PlatformEvents, QueueName.LeverSync, QueueName.AccountSweeps];
const PROCESSORS = [PlatformEventsProcessor, LeverSyncProcessor, AccountSweepsProcessor];

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
        // lever-events too: the sweep enqueues missed stage changes and recruiter resends there.
        QueuesModule.forRoot({ redis, queues: [...OWNED_QUEUES, QueueName.LeverEvents] }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, preparedStatements: env.DATABASE_PREPARED_STATEMENTS }),
        AccountAccessModule.forRoot(accountAccessOptionsFromEnv(env)),
        // Rules and catalog per account in memory, dropped when config-api announces an edit.
        AccountConfigCacheModule.forRoot({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, maxAgeMs: env.ACCOUNT_CONFIG_CACHE_MS }),
        // Jobs of a disconnected account wait parked; they resume here once its key is replaced.
        ParkedJobsModule.forRoot({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, queues: OWNED_QUEUES }),
        // The Cancel action tag cancels the invitation on the platform.
        PlatformClientModule.forRoot({ baseUrl: env.PLATFORM_API_URL, apiKey: env.PLATFORM_API_KEY }),
      ],
      providers: [
        PlatformEventsService,
        LeverSyncService,
        { provide: OpportunityLocks, useClass: RedisOpportunityLocks },
        { provide: SWEEP_SETTINGS, useValue: sweepSettingsFromEnv(env) },
        AssessmentActionsService,
        AccountSweepService,
        SweepPacer,
        SweepScheduler,
        ...PROCESSORS,
      ],
    };
  }
}
