import 'reflect-metadata';
import { createLogger, EncryptionEnv, EnvValidationError, loadEnv } from '@lever-assess/common';
import { parseReencryptArgs, ReencryptUsageError, runReencrypt } from './secrets/reencrypt-command';

/**
 * `node dist/apps/config-api/reencrypt-secrets.js [--dry-run] [--batch-size=N]`
 * (`npm run secrets:reencrypt`): after an ENCRYPTION_KEY rotation, re-seals every sealed value
 * under the new key, bound to its row and column; old values open with ENCRYPTION_KEYS_PREVIOUS.
 * Idempotent and resumable (values already current are skipped). Exit code 0 when every value is
 * current (or, with --dry-run, could be made so), 1 otherwise (docs/deploy.md, Rotating secrets).
 */
async function main(argv: string[]): Promise<number> {
  const args = parseReencryptArgs(argv);
  const env = loadEnv(EncryptionEnv);
  const summary = await runReencrypt(env, args, createLogger('reencrypt-secrets', env.LOG_LEVEL));
  return summary.failures.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const logger = createLogger('reencrypt-secrets', 'info');
    // Env errors name the variable and the rule, never the value.
    if (err instanceof EnvValidationError || err instanceof ReencryptUsageError) logger.fatal(err.message);
    else logger.fatal({ err }, 're-encryption failed');
    logger.flush?.();
    process.exit(1);
  },
);
