import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '@lever-assess/common';
import type { DataSource } from 'typeorm';
import { createDatabase, createDataSource, dropDatabase, runMigrations } from '..';

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A URL to a database of its own for one test file: `la_test_<pid>_<random>`. */
export function uniqueDatabaseUrl(): string {
  return `${SERVER_URL}/la_test_${process.pid}_${randomBytes(6).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  dispose(): Promise<void>;
}

/** Creates a fresh database, applies the real migrations and opens a DataSource on it. */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  const url = uniqueDatabaseUrl();
  await createDatabase(url);
  try {
    await runMigrations(url);
    const dataSource = await createDataSource(url, { poolSize: 12, logging: false }).initialize();
    return {
      url,
      dataSource,
      async dispose() {
        await dataSource.destroy();
        await dropDatabase(url);
      },
    };
  } catch (err) {
    await dropDatabase(url);
    throw err;
  }
}

const box = new SecretBox(randomBytes(32));
/** Values sealed the way callers seal them. */
export const seal = (plaintext: string) => box.encrypt(plaintext);
