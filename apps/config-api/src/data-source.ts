import 'reflect-metadata';
import { loadEnv } from '@lever-assess/common';
import { createDataSource, DatabaseEnv } from '@lever-assess/persistence';

/**
 * For the TypeORM CLI only (`scripts/db-generate.sh` runs `typeorm migration:generate -d
 * dist/apps/config-api/data-source.js`): the same options the apps use, not initialized here.
 * Exactly one export: the CLI refuses a file exporting the DataSource twice (named + default).
 */
export default createDataSource(loadEnv(DatabaseEnv).DATABASE_URL);
