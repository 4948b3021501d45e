import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source-options';

/** Applies pending migrations, each in its own transaction. Resolves the names applied, in order. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  return withDataSource(databaseUrl, async (ds) => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  });
}

/** Reverts the most recently applied migration. Resolves its name, or null when none was applied. */
export async function revertLastMigration(databaseUrl: string): Promise<string | null> {
  return withDataSource(databaseUrl, async (ds) => {
    const [last] = await ds
      .query(
        `SELECT "name" FROM ${ds.driver.escape(ds.options.migrationsTableName ?? 'migrations')} ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`,
      )
      .catch(() => [] as { name: string }[]);
    if (!last) return null;
    await ds.undoLastMigration({ transaction: 'each' });
    return (last as { name: string }).name;
  });
}

async function withDataSource<T>(databaseUrl: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  // A small pool and TypeORM's own logging off: callers report what happened.
  const ds = createDataSource(databaseUrl, { poolSize: 2, logging: false });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}
