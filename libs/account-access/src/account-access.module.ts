import { SecretBox } from '@lever-assess/common';
import { LeverClient, LeverOAuthClient, RedisTokenBucketLimiter } from '@lever-assess/lever-client';
import { REDIS } from '@lever-assess/redis';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ACCOUNT_ACCESS_OPTIONS, leverRateLimitKeyPrefix, type AccountAccessOptions } from './account-access.options';
import { ACCOUNT_CONFIG_CACHE_OPTIONS, AccountConfigCache, type AccountConfigCacheOptions } from './account-config.cache';
import { LeverAccountsService } from './lever-accounts.service';
import { LeverOAuthSession } from './lever-oauth.session';
import { PARKED_JOBS_OPTIONS, ParkedJobsResumer, type ParkedJobsOptions } from './parked-jobs.resumer';

/**
 * Acting on behalf of accounts: SecretBox, LeverClient (rate-limited per key through Redis) and
 * LeverAccountsService. Needs RedisModule and PersistenceModule imported by the app.
 */
@Module({})
export class AccountAccessModule {
  static forRoot(options: AccountAccessOptions): DynamicModule {
    return {
      module: AccountAccessModule,
      global: true,
      providers: [
        { provide: ACCOUNT_ACCESS_OPTIONS, useValue: options },
        {
          provide: SecretBox,
          useFactory: () => {
            const box = SecretBox.fromEnv({
              ENCRYPTION_KEY: options.encryptionKey,
              ENCRYPTION_KEYS_PREVIOUS: options.encryptionKeysPrevious,
            });
            if (box.isDevelopmentKey) new Logger('SecretBox').warn('ENCRYPTION_KEY is not set: secrets use the development key');
            return box;
          },
        },
        {
          provide: LeverClient,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new LeverClient({
              baseUrl: options.leverApiUrl,
              limiter: new RedisTokenBucketLimiter({
                redis,
                keyPrefix: leverRateLimitKeyPrefix(options.queuePrefix),
                ratePerSecond: options.leverRatePerSecond,
                burst: options.leverRateBurst,
              }),
            }),
        },
        // Null while LEVER_OAUTH_* is unset: OAuth connect is off, API keys work as before.
        { provide: LeverOAuthClient, useValue: options.leverOAuth ? new LeverOAuthClient(options.leverOAuth) : null },
        LeverOAuthSession,
        LeverAccountsService,
      ],
      exports: [SecretBox, LeverClient, LeverOAuthClient, LeverOAuthSession, LeverAccountsService],
    };
  }
}

/**
 * For worker apps: resumes the jobs parked for a disconnected account once its key is replaced.
 * Needs QueuesModule (the consumed queues), PersistenceModule and RedisModule.
 */
@Module({})
export class ParkedJobsModule {
  static forRoot(options: ParkedJobsOptions): DynamicModule {
    return {
      module: ParkedJobsModule,
      providers: [{ provide: PARKED_JOBS_OPTIONS, useValue: options }, ParkedJobsResumer],
      exports: [ParkedJobsResumer],
    };
  }
}

/**
 * For worker apps: AccountConfigCache (rules and catalog per account in memory, dropped when
 * config-api announces a change). Needs PersistenceModule.
 */
@Module({})
export class AccountConfigCacheModule {
  static forRoot(options: AccountConfigCacheOptions): DynamicModule {
    return {
      module: AccountConfigCacheModule,
      global: true,
      providers: [{ provide: ACCOUNT_CONFIG_CACHE_OPTIONS, useValue: options }, AccountConfigCache],
      exports: [AccountConfigCache],
    };
  }
}
