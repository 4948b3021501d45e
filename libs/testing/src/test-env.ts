import { randomBytes } from 'node:crypto';

/** Services the tests talk to; CI and developers may point them elsewhere. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A name unique to this test file's run: `<label>_<pid>_<random>`, safe for DB names and Redis keys. */
export function uniqueName(label: string): string {
  return `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
