import type { DataSource } from 'typeorm';
import { pgErrorFields, PG_FEATURE_NOT_SUPPORTED } from '../errors/postgres-errors';

/**
 * How many distinct plain SQL texts a process prepares by name on each of its PostgreSQL
 * connections (DATABASE_PREPARED_STATEMENTS; 0 turns it off). A named statement is parsed and
 * planned once per connection instead of for every job (PostgreSQL's CPU -45%
 * per candidate under the throughput load: docs/performance.md, twelfth round). A stage change to
 * "Sent" uses 9 texts in the dispatcher and 4 in result-sync (counted), from 23 call sites in the
 * repositories; the bound keeps texts built from varying parts (several timeline rows in one
 * insert) from growing every connection's statements without end: past it, a text runs unnamed.
 */
export const DEFAULT_PREPARED_STATEMENTS = 200;

/** Our own DataSource option (TypeORM keeps the options it is given and ignores this one). */
export interface PreparedStatementsOption {
  preparedStatements?: number;
}

/**
 * PostgreSQL refuses a prepared `SELECT *` or `RETURNING *` whose table a migration changed since
 * the connection prepared it, before executing anything, and goes on refusing it on that
 * connection: the text is then prepared again under a new name.
 */
const STALE_PLAN = 'cached plan must not change result type';

/** The names plain SQL texts are prepared under, for one DataSource's connections. */
export class PreparedStatementNames {
  private readonly names = new Map<string, string>();
  private issued = 0;

  constructor(private readonly capacity: number) {}

  /** The name `text` is prepared under, or undefined when it runs unnamed (capacity used up, or 0). */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.capacity) return known;
    return this.issue(text);
  }

  /** A new name for `text`, whose statement under its current name PostgreSQL no longer runs. */
  rename(text: string): string {
    return this.issue(text);
  }

  /** How many texts have a name (for tests). */
  get size(): number {
    return this.names.size;
  }

  private issue(text: string): string {
    // Names are per connection and the pool's connections belong to this DataSource alone, so a
    // counter is unique enough; pg refuses one name for two texts, which a counter never gives.
    const name = `la_${(this.issued++).toString(36)}`;
    this.names.set(text, name);
    return name;
  }
}

const namesByDataSource = new WeakMap<DataSource, PreparedStatementNames>();

/** The statement names of `dataSource`, sized by its `preparedStatements` option. */
export function preparedStatementNamesOf(dataSource: DataSource): PreparedStatementNames {
  let names = namesByDataSource.get(dataSource);
  if (!names) {
    const configured = (dataSource.options as PreparedStatementsOption).preparedStatements;
    names = new PreparedStatementNames(configured ?? DEFAULT_PREPARED_STATEMENTS);
    namesByDataSource.set(dataSource, names);
  }
  return names;
}

/** Whether `err` is PostgreSQL refusing a prepared statement whose result columns changed. */
export function isStalePreparedPlan(err: unknown): boolean {
  return pgErrorFields(err).code === PG_FEATURE_NOT_SUPPORTED && err instanceof Error && err.message.startsWith(STALE_PLAN);
}
