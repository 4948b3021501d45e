import 'reflect-metadata';
import { createLogger, EnvValidationError, loadEnv } from '@lever-assess/common';
import { createDatabase, DatabaseEnv, parseDatabaseUrl, revertLastMigration, runMigrations } from '@lever-assess/persistence';

/**
 * `node dist/apps/config-api/migrate.js [revert]`: creates the database named in DATABASE_URL
 * if missing, then applies pending migrations (or reverts the last one). One JSON log line per
 * step; exit code 0 on success, 1 on any failure. Run once per deploy, before the apps start
 * (docker-compose `migrate` service, `npm run db:migrate`), never from the apps themselves.
 */
async function main(args: string[]): Promise<void> {
  const command = args[0] ?? 'up';
  if (command !== 'up' && command !== 'revert') throw new UsageError(`unknown command "${command}" (expected: up | revert)`);

  const env = loadEnv(DatabaseEnv);
  const logger = createLogger('migrate', env.LOG_LEVEL);
  // The URL may carry a password: log the database name only.
  const { database } = parseDatabaseUrl(env.DATABASE_URL);

  if (command === 'revert') {
    const reverted = await revertLastMigration(env.DATABASE_URL);
    logger.info({ database, reverted }, reverted ? `reverted ${reverted}` : 'no migration to revert');
    return;
  }
  if (await createDatabase(env.DATABASE_URL)) logger.info({ database }, 'created database');
  const applied = await runMigrations(env.DATABASE_URL);
  for (const name of applied) logger.info({ database, migration: name }, `applied ${name}`);
  logger.info({ database, applied }, applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    const logger = createLogger('migrate', 'info');
    // Env errors name the variable and the rule, never the value; pg errors carry no password.
    if (err instanceof EnvValidationError || err instanceof UsageError) logger.fatal(err.message);
    else logger.fatal({ err }, 'migration failed');
    logger.flush?.();
    process.exit(1);
  },
);
