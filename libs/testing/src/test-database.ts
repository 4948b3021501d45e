import { Client } from 'pg';
import { createDatabase, dropDatabase, parseDatabaseUrl, runMigrations } from '@lever-assess/persistence';
import { TEST_POSTGRES_URL, uniqueName } from './test-env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

const urlOf = (database: string) => {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * Creates a fresh database for one test file, migrated with the real migrations. In a Jest run
 * that names a template (TEST_TEMPLATE_DATABASE, tools/jest/database-template.js) it is a copy of
 * that template, migrated once by the first file that needs it: 0.2 s instead of 0.55 s per file.
 */
export async function createTestDatabase(label = 'la_test'): Promise<TestDatabase> {
  const name = uniqueName(label);
  const databaseUrl = urlOf(name);
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (template) {
    await createDatabase(databaseUrl, { template: await migratedTemplate(template) });
  } else {
    await createDatabase(databaseUrl);
    await runMigrations(databaseUrl);
  }
  return { url: databaseUrl, name, drop: () => dropDatabase(databaseUrl) };
}

let migrated: Promise<string> | undefined;

/** The run's template, created and migrated under an advisory lock so that one Jest worker makes it. */
function migratedTemplate(name: string): Promise<string> {
  migrated ??= (async () => {
    const lock = new Client({ connectionString: parseDatabaseUrl(urlOf(name)).maintenanceUrl, connectionTimeoutMillis: 5_000 });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
      if (await createDatabase(urlOf(name))) {
        // A half-migrated template would be copied by every other file: none is left behind.
        await runMigrations(urlOf(name)).catch(async (err: unknown) => {
          await dropDatabase(urlOf(name));
          throw err;
        });
      }
      return name;
    } finally {
      await lock.end();
    }
  })();
  return migrated;
}
