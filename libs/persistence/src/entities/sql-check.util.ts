/**
 * `"column" IN ('a','b')` for a CHECK constraint, built from a domain constant so the entity
 * metadata names the same values as the domain. Migrations spell their SQL out literally: they
 * are history and must not change when a constant does.
 */
export function sqlIn(column: string, values: readonly string[]): string {
  return `"${column}" IN (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
}

/** pg returns numeric as a string (it may not fit a double); scores do, so map them to numbers. */
export const numericToNumber = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};
