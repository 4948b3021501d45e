import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BACKGROUND_CONNECT_RETRY_MS, BackgroundConnection, DatabaseConnection } from './connection/background-connection';
import { createDataSourceOptions } from './data-source/data-source-options';
import { ENTITIES } from './entities';
import { PostgresHealthRegistration } from './health/postgres-health.registration';
import { AccountsRepository } from './repositories/accounts.repository';
import { AdminTokensRepository } from './repositories/admin-tokens.repository';
import { AssessmentNotesRepository } from './repositories/assessment-notes.repository';
import { AssessmentsRepository } from './repositories/assessments.repository';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { CandidateEventsRepository } from './repositories/candidate-events.repository';
import { ConsoleSessionsRepository } from './repositories/console-sessions.repository';
import { LeverDeliveriesRepository } from './repositories/lever-deliveries.repository';
import { LeverOpportunityViewsRepository } from './repositories/lever-opportunity-views.repository';
import { OpportunitySyncReadsRepository } from './repositories/opportunity-sync-reads.repository';
import { RecruiterActionsRepository } from './repositories/recruiter-actions.repository';
import { TestsRepository } from './repositories/tests.repository';
import { TriggerRulesRepository } from './repositories/trigger-rules.repository';

export const REPOSITORIES = [
  AccountsRepository,
  TestsRepository,
  TriggerRulesRepository,
  AssessmentsRepository,
  AssessmentNotesRepository,
  LeverDeliveriesRepository,
  LeverOpportunityViewsRepository,
  OpportunitySyncReadsRepository,
  AdminTokensRepository,
  AuditLogRepository,
  CandidateEventsRepository,
  RecruiterActionsRepository,
  ConsoleSessionsRepository,
];

export interface PersistenceModuleOptions {
  databaseUrl: string;
  /** Connection attempts at start-up before Nest gives up (default 10, 3 s apart). */
  retryAttempts?: number;
  retryDelayMs?: number;
  poolSize?: number;
  /** Distinct plain SQL texts prepared by name per connection (DATABASE_PREPARED_STATEMENTS); 0: none. */
  preparedStatements?: number;
  /**
   * Start even when PostgreSQL is down: one connection attempt during start-up, then retries
   * every `retryDelayMs` in the background (`retryAttempts` is not used) while the app runs;
   * repositories fail until the connection is made (DatabaseConnection.isConnected says). For an
   * app whose hot path does not use PostgreSQL (the webhook gateway).
   */
  connectInBackground?: boolean;
  /** Add PostgreSQL to the app's readiness checks (default true). */
  readinessCheck?: boolean;
}

/**
 * TypeORM for Nest with the shared options (schema changed by migrations only) and every
 * repository of this lib. Registers the Postgres readiness check with HealthRegistry when the
 * app imports ObservabilityModule. The TypeORM DataSource is injectable too.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    const retryDelayMs = options.retryDelayMs ?? 3_000;
    const background = options.connectInBackground === true;
    return {
      module: PersistenceModule,
      // Global: repositories are used by feature modules and shared libs (account-access) alike.
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(options.databaseUrl, {
            ...(options.poolSize ? { poolSize: options.poolSize } : {}),
            preparedStatements: options.preparedStatements,
          }),
          retryAttempts: options.retryAttempts ?? 10,
          retryDelay: retryDelayMs,
          // BackgroundConnection connects it instead.
          manualInitialization: background,
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [
        ...REPOSITORIES,
        DatabaseConnection,
        ...(options.readinessCheck === false ? [] : [PostgresHealthRegistration]),
        ...(background ? [{ provide: BACKGROUND_CONNECT_RETRY_MS, useValue: retryDelayMs }, BackgroundConnection] : []),
      ],
      exports: [...REPOSITORIES, DatabaseConnection, TypeOrmModule],
    };
  }
}
