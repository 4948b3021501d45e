import { EncryptionEnv, SecretBox, type AppLogger } from '@lever-assess/common';
import { createDataSource, parseDatabaseUrl, reencryptAccountSecrets, type ReencryptSummary } from '@lever-assess/persistence';

export class ReencryptUsageError extends Error {}

export interface ReencryptArgs {
  dryRun: boolean;
  batchSize: number;
}

export const REENCRYPT_USAGE = 'usage: reencrypt-secrets.js [--dry-run] [--batch-size=<1-1000>]';

export function parseReencryptArgs(args: string[]): ReencryptArgs {
  const parsed: ReencryptArgs = { dryRun: false, batchSize: 200 };
  for (const arg of args) {
    const batch = /^--batch-size=(\d+)$/.exec(arg);
    if (arg === '--dry-run') parsed.dryRun = true;
    else if (batch && Number(batch[1]) >= 1 && Number(batch[1]) <= 1000) parsed.batchSize = Number(batch[1]);
    else throw new ReencryptUsageError(`unknown argument "${arg}" (${REENCRYPT_USAGE})`);
  }
  return parsed;
}

/**
 * Re-seals every sealed value under ENCRYPTION_KEY, bound to its row and column (SecretBox v2),
 * opening old values with ENCRYPTION_KEYS_PREVIOUS. Logs `n of N rows` after each batch and a
 * summary. Resolves the summary; a value that cannot be opened is reported in `failures` (the
 * caller exits non-zero: the old key must not be dropped while any remain).
 */
export async function runReencrypt(env: EncryptionEnv, args: ReencryptArgs, logger: AppLogger): Promise<ReencryptSummary> {
  const box = SecretBox.fromEnv(env);
  if (box.isDevelopmentKey) logger.warn('ENCRYPTION_KEY is not set: values are re-sealed under the development key');
  const { database } = parseDatabaseUrl(env.DATABASE_URL);
  const ds = await createDataSource(env.DATABASE_URL, {
    poolSize: 2,
    logging: false,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
  }).initialize();
  try {
    logger.info({ database, keyId: box.currentKeyId, dryRun: args.dryRun }, `re-encrypting sealed values under key ${box.currentKeyId}`);
    const summary = await reencryptAccountSecrets(ds, box, {
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      onProgress: ({ done, total }) => logger.info({ done, total }, `${done} of ${total} rows`),
    });
    for (const failure of summary.failures)
      logger.error(failure, `cannot re-encrypt ${failure.table}.${failure.column} of ${failure.rowId}`);
    const changed = Object.values(summary.valuesChanged).reduce((a, b) => a + b, 0);
    logger.info(
      {
        database,
        ...summary,
        // As a list: the log redacts keys that name a secret (lever_api_key_enc would be [redacted]).
        valuesChanged: Object.entries(summary.valuesChanged).map(([column, count]) => ({ column, count })),
        failures: summary.failures.length,
      },
      `${args.dryRun ? 'dry run: would re-encrypt' : 're-encrypted'} ${changed} value(s) in ${summary.rowsChanged} of ${summary.rows} rows` +
        (summary.failures.length ? `; ${summary.failures.length} value(s) could not be opened` : ''),
    );
    return summary;
  } finally {
    await ds.destroy();
  }
}
