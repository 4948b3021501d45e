import { HealthRegistry } from '@lever-assess/common';
import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { postgresHealthCheck } from './postgres-health.check';

/**
 * Adds Postgres to the app's readiness checks (docs/decisions.md "Health": the module that owns
 * a dependency registers its check). Optional so scripts and tests can use PersistenceModule
 * without ObservabilityModule.
 */
@Injectable()
export class PostgresHealthRegistration {
  constructor(dataSource: DataSource, @Optional() health?: HealthRegistry) {
    health?.register(postgresHealthCheck(dataSource));
  }
}
