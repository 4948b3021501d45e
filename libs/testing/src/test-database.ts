import { createDatabase, dropDatabase, runMigrations } from '@lever-assess/persistence';
import { TEST_POSTGRES_URL, uniqueName } from './test-env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh database for one test file, migrated with the real migrations. */
export async function createTestDatabase(label = 'la_test'): Promise<TestDatabase> {
  const name = uniqueName(label);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await createDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  return { url: databaseUrl, name, drop: () => dropDatabase(databaseUrl) };
}
