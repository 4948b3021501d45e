import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';
import { SnakeNamingStrategy } from '../naming/snake-naming.strategy';
import type { PreparedStatementsOption } from '../repositories/prepared-statements';

/** What a caller may change of the shared options: TypeORM's, and how many statements to prepare by name. */
export type DataSourceOverrides = Partial<PostgresDataSourceOptions> & PreparedStatementsOption;

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * The one set of TypeORM options, shared by Nest (PersistenceModule), the migrate entry point
 * and the TypeORM CLI. The schema changes only through migrations: never synchronize, never run
 * migrations on app start (several replicas would race).
 */
export function createDataSourceOptions(databaseUrl: string, overrides: DataSourceOverrides = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is built into PostgreSQL >= 13: no extension to install (which would
    // need a superuser in managed databases).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    connectTimeoutMS: 5_000,
    poolSize: 10,
    // TypeORM's logger prints plain text to the console, and would report every expected
    // unique violation (duplicate triggers) as an error. Failed queries reach the caller as
    // exceptions and are logged there, as JSON with the correlation id.
    logging: false,
    ...overrides,
  } as PostgresDataSourceOptions;
}

/** A DataSource that is not initialized yet (call `initialize()`). */
export function createDataSource(databaseUrl: string, overrides: DataSourceOverrides = {}): DataSource {
  return new DataSource(createDataSourceOptions(databaseUrl, overrides));
}
