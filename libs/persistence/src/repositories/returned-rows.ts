import type { Pool, PoolClient, QueryResult } from 'pg';
import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { pgErrorFields } from '../errors/postgres-errors';
import { isStalePreparedPlan, preparedStatementNamesOf, type PreparedStatementNames } from './prepared-statements';

/**
 * Runs one plain SQL statement and answers as TypeORM's `query()` does: the rows, or `[rows,
 * rowCount]` for an UPDATE or DELETE. Outside a transaction it goes straight to the pg pool TypeORM
 * keeps, without a TypeORM query runner per statement (its checkout, events and release were about
 * 7% of each worker's CPU under the throughput load: docs/performance.md, eleventh round); inside one
 * (the repository's manager holds a query runner) it runs on that runner. Outside one it runs as
 * a named prepared statement (prepared-statements.ts). A failed statement rejects with pg's own
 * error, whose code and constraint postgres-errors.ts reads either way.
 */
export async function plainQuery<T = unknown>(repo: { manager: EntityManager }, sql: string, params: unknown[] = []): Promise<T> {
  const { manager } = repo;
  const pool = manager.queryRunner ? undefined : pgPoolOf(manager);
  if (!pool) return (await manager.query(sql, params)) as T;
  const result = await namedQuery(pool, preparedStatementNamesOf(manager.connection), sql, params);
  return (result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows) as T;
}

/**
 * `sql` on one of the pool's connections, as a named prepared statement where it has a name
 * (prepared-statements.ts). Only outside a transaction: a statement PostgreSQL refuses as stale
 * did nothing, so it runs again, once, under a new name, which a transaction (aborted by the
 * refusal) would not allow.
 */
function namedQuery(pool: Pool, names: PreparedStatementNames, sql: string, params: unknown[]): Promise<QueryResult> {
  return onPooledConnection(pool, async (client) => {
    const name = names.nameOf(sql);
    if (name === undefined) return client.query(sql, params);
    try {
      return await client.query({ name, text: sql, values: params });
    } catch (err) {
      if (!isStalePreparedPlan(err)) throw err;
      return client.query({ name: names.rename(sql), text: sql, values: params });
    }
  });
}

/**
 * Runs `use` on a connection of the pool and gives the connection back. Not `pool.query`: that
 * closes the connection after any failed statement, so every expected unique violation (a repeated
 * trigger) cost a new connection and its prepared statements. A server's refusal (it carries a
 * SQLSTATE) leaves the connection usable, as TypeORM's query runner treats it; only a connection
 * that failed (an 'error' event, or an error without a SQLSTATE) is closed.
 */
async function onPooledConnection<T>(pool: Pool, use: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  // Without a listener, a connection failing while checked out would be an unhandled 'error' event.
  client.on('error', onError);
  try {
    return await use(client);
  } catch (err) {
    if (pgErrorFields(err).code === undefined) broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** The pg pool of an initialized PostgreSQL DataSource (TypeORM's driver holds it as `master`). */
function pgPoolOf(manager: EntityManager): Pool | undefined {
  const { connection } = manager;
  if (!connection.isInitialized || connection.options.type !== 'postgres') return undefined;
  const pool = (connection.driver as { master?: Pool }).master;
  return typeof pool?.query === 'function' ? pool : undefined;
}

/**
 * Entities from the rows of an `INSERT/UPDATE ... RETURNING *` (column names as the database
 * has them), converted as TypeORM converts a SELECT's: one round trip instead of a write and a
 * re-read.
 */
export function entitiesFromReturnedRows<E extends ObjectLiteral>(repo: Repository<E>, rows: unknown): E[] {
  if (!Array.isArray(rows)) return [];
  const driver = repo.manager.connection.driver;
  return rows.map((row: Record<string, unknown>) => {
    const entity = repo.create();
    for (const column of repo.metadata.columns) {
      if (column.databaseName in row) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
    }
    return entity;
  });
}

/** The entity of one row returned as JSON (`row_to_json`), or null when there was none. */
export function entityFromReturnedRow<E extends ObjectLiteral>(repo: Repository<E>, row: unknown): E | null {
  return row ? (entitiesFromReturnedRows(repo, [row])[0] ?? null) : null;
}

/**
 * The entities a plain SQL `SELECT *` finds. For the workers' per-job reads: TypeORM's find
 * builds and escapes its query and maps aliased columns on every call, several times the CPU of
 * the round trip itself (docs/performance.md "Cost per candidate"); the rows are converted the
 * same way, so callers get the same entities.
 */
export async function selectEntities<E extends ObjectLiteral>(repo: Repository<E>, sql: string, params: unknown[]): Promise<E[]> {
  return entitiesFromReturnedRows(repo, await plainQuery(repo, sql, params));
}

/**
 * The entities a plain SQL `UPDATE ... RETURNING *` changed. TypeORM answers an UPDATE's query()
 * with `[rows, rowCount]`, an INSERT's or SELECT's with the rows alone.
 */
export async function updatedEntities<E extends ObjectLiteral>(repo: Repository<E>, sql: string, params: unknown[]): Promise<E[]> {
  const [rows] = await plainQuery<[unknown, number]>(repo, sql, params);
  return entitiesFromReturnedRows(repo, rows);
}

/** Numbered placeholders for a plain SQL statement: `add(value)` keeps the value and answers its `$n` (with `cast`). */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}
