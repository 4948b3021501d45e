/** SQLSTATE codes we act on (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';
/** Also what PostgreSQL answers for a prepared statement whose result columns changed. */
export const PG_FEATURE_NOT_SUPPORTED = '0A000';

interface PgErrorFields {
  code?: string;
  constraint?: string;
}

/** The pg error fields, whether `err` is pg's DatabaseError or TypeORM's QueryFailedError around it. */
export function pgErrorFields(err: unknown): PgErrorFields {
  if (typeof err !== 'object' || err === null) return {};
  const driverError = (err as { driverError?: PgErrorFields }).driverError;
  const source = driverError ?? (err as PgErrorFields);
  return { code: source.code, constraint: source.constraint };
}

/** True for a unique violation, optionally only of the named constraint or unique index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const fields = pgErrorFields(err);
  return fields.code === PG_UNIQUE_VIOLATION && (constraint === undefined || fields.constraint === constraint);
}

/** True for a foreign-key violation, optionally only of the named constraint. */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  const fields = pgErrorFields(err);
  return fields.code === PG_FOREIGN_KEY_VIOLATION && (constraint === undefined || fields.constraint === constraint);
}

/** True for a CHECK violation, optionally only of the named constraint. */
export function isCheckViolation(err: unknown, constraint?: string): boolean {
  const fields = pgErrorFields(err);
  return fields.code === PG_CHECK_VIOLATION && (constraint === undefined || fields.constraint === constraint);
}
