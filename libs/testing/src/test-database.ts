import { Client } from 'pg';
import { createDatabase, dropDatabase, runMigrations } from '@lever-assess/persistence';
import { TEST_POSTGRES_URL, uniqueName } from './test-env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database for one test file, migrated with the real migrations: copied from the
 * run's migrated template when `npm test` made one (tools/jest/database-template.js), else created
 * and migrated here.
 */
export async function createTestDatabase(label = 'la_test'): Promise<TestDatabase> {
  const name = uniqueName(label);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const template = process.env.TEST_DATABASE_TEMPLATE;
  if (template) {
    const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } finally {
      await client.end();
    }
  } else {
    await createDatabase(databaseUrl);
    await runMigrations(databaseUrl);
  }
  return { url: databaseUrl, name, drop: () => dropDatabase(databaseUrl) };
}
