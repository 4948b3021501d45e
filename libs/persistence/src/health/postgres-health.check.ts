import type { HealthCheck } from '@lever-assess/common';
import type { DataSource } from 'typeorm';

/** Readiness: Postgres answers a trivial query through the app's own pool. */
export function postgresHealthCheck(dataSource: DataSource): HealthCheck {
  return {
    name: 'postgres',
    async check() {
      if (!dataSource.isInitialized) throw new Error('postgres data source is not initialized');
      await dataSource.query('SELECT 1');
    },
  };
}
