import type { ObjectLiteral, Repository } from 'typeorm';

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

/**
 * The entities a plain SQL `SELECT *` finds. For the workers' per-job reads: TypeORM's find
 * builds and escapes its query and maps aliased columns on every call, several times the CPU of
 * the round trip itself (docs/performance.md "Cost per candidate"); the rows are converted the
 * same way, so callers get the same entities.
 */
export async function selectEntities<E extends ObjectLiteral>(repo: Repository<E>, sql: string, params: unknown[]): Promise<E[]> {
  return entitiesFromReturnedRows(repo, await repo.query(sql, params));
}

/**
 * The entities a plain SQL `UPDATE ... RETURNING *` changed. TypeORM answers an UPDATE's query()
 * with `[rows, rowCount]`, an INSERT's or SELECT's with the rows alone.
 */
export async function updatedEntities<E extends ObjectLiteral>(repo: Repository<E>, sql: string, params: unknown[]): Promise<E[]> {
  const [rows] = (await repo.query(sql, params)) as [unknown, number];
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
