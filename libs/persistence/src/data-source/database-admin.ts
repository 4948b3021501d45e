import { Client, escapeIdentifier } from 'pg';

/** The database named in a postgres:// URL, and a URL to the same server's `postgres` database. */
export function parseDatabaseUrl(databaseUrl: string): { database: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  return { database, maintenanceUrl: url.toString() };
}

const DUPLICATE_DATABASE = '42P04';

/**
 * CREATE DATABASE if it does not exist yet, as a copy of `template` when given (nobody may be
 * connected to the template). Resolves true when this call created it.
 */
export async function createDatabase(databaseUrl: string, { template }: { template?: string } = {}): Promise<boolean> {
  const { database, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  return withMaintenanceClient(maintenanceUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${escapeIdentifier(database)}${template ? ` TEMPLATE ${escapeIdentifier(template)}` : ''}`);
      return true;
    } catch (err) {
      // Another process (a second replica, a parallel test) created it in between.
      if ((err as { code?: string }).code === DUPLICATE_DATABASE) return false;
      throw err;
    }
  });
}

/**
 * DROP DATABASE IF EXISTS ... WITH (FORCE): open connections are terminated. For tests and
 * local resets only; nothing in the apps calls it.
 */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { database, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  await withMaintenanceClient(maintenanceUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`),
  );
}

async function withMaintenanceClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
