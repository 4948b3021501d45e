import { SecretDecryptionError, type SecretBox } from '@lever-assess/common';
import type { DataSource } from 'typeorm';
import { ACCOUNT_SECRET_COLUMNS, ACCOUNTS_TABLE, accountSecretContext, type AccountSecretColumn } from './account-secrets';

export interface ReencryptOptions {
  /** Count what would change, write nothing. */
  dryRun?: boolean;
  /** Rows read per query (keyset pagination by id). */
  batchSize?: number;
  /** Called after each batch with the rows walked so far and the rows there were at the start. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface ReencryptFailure {
  table: string;
  column: string;
  rowId: string;
  reason: string;
}

export interface ReencryptSummary {
  dryRun: boolean;
  /** Rows walked. */
  rows: number;
  /** Rows rewritten (or, in a dry run, that would be). */
  rowsChanged: number;
  /** Values re-sealed (or that would be), per `table.column`. */
  valuesChanged: Record<string, number>;
  /** Rows whose value changed between our read and our write (an admin saved it), re-read and redone. */
  conflicts: number;
  /** Values that could not be opened (under a key no longer configured, or tampered with): left as they are. */
  failures: ReencryptFailure[];
}

type Row = { id: string } & Record<AccountSecretColumn, string | null>;

const COLUMNS = ACCOUNT_SECRET_COLUMNS.map((c) => c.column);
const SELECT = `SELECT id, ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM ${ACCOUNTS_TABLE}`;
const MAX_ATTEMPTS = 5;

/**
 * Re-seals every sealed account value that is not in the current format under the current key
 * (`box.needsRotation`): opened with whichever configured key sealed it, sealed again under
 * ENCRYPTION_KEY and bound to its row and column. Walks the table in id order, in batches.
 *
 * Each row is rewritten by one UPDATE that also checks every rewritten column still holds the
 * value that was read (optimistic concurrency): a config-api PATCH that lands in between wins,
 * and the row is read again and redone. Idempotent: values already current are left alone, so a
 * second run (or a run resumed after an interruption) changes nothing it does not need to.
 */
export async function reencryptAccountSecrets(ds: DataSource, box: SecretBox, options: ReencryptOptions = {}): Promise<ReencryptSummary> {
  const { dryRun = false, batchSize = 200, onProgress } = options;
  const summary: ReencryptSummary = {
    dryRun,
    rows: 0,
    rowsChanged: 0,
    valuesChanged: Object.fromEntries(COLUMNS.map((c) => [`${ACCOUNTS_TABLE}.${c}`, 0])),
    conflicts: 0,
    failures: [],
  };
  const [{ count }] = (await ds.query(`SELECT count(*)::int AS count FROM ${ACCOUNTS_TABLE}`)) as { count: number }[];
  const total = Math.max(count, 0);

  let afterId: string | null = null;
  for (;;) {
    const batch: Row[] =
      afterId === null
        ? await ds.query(`${SELECT} ORDER BY id LIMIT $1`, [batchSize])
        : await ds.query(`${SELECT} WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, batchSize]);
    if (batch.length === 0) break;
    for (const row of batch) await reencryptRow(ds, box, row, dryRun, summary);
    summary.rows += batch.length;
    afterId = batch[batch.length - 1].id;
    onProgress?.({ done: summary.rows, total: Math.max(total, summary.rows) });
  }
  return summary;
}

async function reencryptRow(ds: DataSource, box: SecretBox, first: Row, dryRun: boolean, summary: ReencryptSummary): Promise<void> {
  let row: Row | undefined = first;
  for (let attempt = 1; row && attempt <= MAX_ATTEMPTS; attempt++) {
    const changes: { column: AccountSecretColumn; from: string; to: string }[] = [];
    const failures: ReencryptFailure[] = [];
    for (const { property, column } of ACCOUNT_SECRET_COLUMNS) {
      const sealed = row[column];
      if (sealed === null || !box.needsRotation(sealed)) continue;
      try {
        const to = box.reseal(sealed, accountSecretContext(property, row.id));
        if (to !== null) changes.push({ column, from: sealed, to });
      } catch (err) {
        if (!(err instanceof SecretDecryptionError)) throw err;
        failures.push({ table: ACCOUNTS_TABLE, column, rowId: row.id, reason: err.message });
      }
    }
    if (changes.length === 0 || dryRun || (await writeRow(ds, row.id, changes))) {
      summary.failures.push(...failures);
      if (changes.length > 0) summary.rowsChanged++;
      for (const { column } of changes) summary.valuesChanged[`${ACCOUNTS_TABLE}.${column}`]++;
      return;
    }
    // Someone changed the row since we read it: read it again (gone: nothing to do).
    summary.conflicts++;
    [row] = (await ds.query(`${SELECT} WHERE id = $1`, [row.id])) as Row[];
  }
  if (row) throw new Error(`account ${row.id} kept changing while it was being re-encrypted (${MAX_ATTEMPTS} attempts)`);
}

/** One statement: every changed column, only if each still holds what was read. */
async function writeRow(
  ds: DataSource,
  id: string,
  changes: { column: AccountSecretColumn; from: string; to: string }[],
): Promise<boolean> {
  const params: string[] = [id];
  const sets: string[] = [];
  const checks: string[] = [];
  for (const { column, from, to } of changes) {
    params.push(to);
    sets.push(`"${column}" = $${params.length}`);
    params.push(from);
    checks.push(`"${column}" = $${params.length}`);
  }
  const result: unknown = await ds.query(
    `UPDATE ${ACCOUNTS_TABLE} SET ${sets.join(', ')} WHERE id = $1 AND ${checks.join(' AND ')} RETURNING id`,
    params,
  );
  // TypeORM's postgres driver answers an UPDATE with [rows, rowCount].
  const [rows] = result as [unknown[], number];
  return rows.length === 1;
}

/**
 * Sealed values per `table.column` not in the current format under the current key (`prefix` is
 * `SecretBox.currentPrefix`): read from the prefix without decrypting, one scan of `accounts`.
 */
export async function countAccountSecretsNeedingRotation(ds: DataSource, prefix: string): Promise<Record<string, number>> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const [row] = (await ds.query(
    `SELECT ${COLUMNS.map((c) => `count(*) FILTER (WHERE "${c}" NOT LIKE $1)::int AS "${c}"`).join(', ')} FROM ${ACCOUNTS_TABLE}`,
    [pattern],
  )) as Record<AccountSecretColumn, number>[];
  return Object.fromEntries(COLUMNS.map((c) => [`${ACCOUNTS_TABLE}.${c}`, row[c]]));
}
