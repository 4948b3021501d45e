import { createLogger, EncryptionEnv, loadEnv, SecretBox, type SecretContext } from '@lever-assess/common';
import {
  Account,
  AccountsRepository,
  accountSecretContext,
  createDataSource,
  reencryptAccountSecrets,
  type AccountSecretProperty,
} from '@lever-assess/persistence';
import { createTestDatabase } from '@lever-assess/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { parseReencryptArgs, runReencrypt } from '../src/secrets/reencrypt-command';

const PROPERTIES: AccountSecretProperty[] = ['leverApiKeyEnc', 'leverSignatureTokenEnc', 'leverSignatureTokensEnc'];
const key = () => randomBytes(32).toString('base64');

/** What each account's secrets are in plaintext, to check them after every run. */
type Plain = Record<AccountSecretProperty, string | null>;

describe('secrets:reencrypt (reencrypt-secrets.js) against a real database', () => {
  const oldKey = key();
  const newKey = key();
  const oldBox = SecretBox.fromEnv({ ENCRYPTION_KEY: oldKey });
  const newBox = SecretBox.fromEnv({ ENCRYPTION_KEY: newKey });
  /** During the rotation: the new key current, the old one still accepted. */
  let rotatingEnv: EncryptionEnv;
  const plain = new Map<string, Plain>();
  let db: { url: string; drop(): Promise<void> };
  let ds: DataSource;
  let accounts: AccountsRepository;
  let currentId: string;

  const snapshot = async () =>
    JSON.stringify(
      await ds.query(`SELECT id, lever_api_key_enc, lever_signature_token_enc, lever_signature_tokens_enc FROM accounts ORDER BY id`),
    );
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const summary = await runReencrypt(rotatingEnv, parseReencryptArgs(args), createLogger('reencrypt-secrets', 'info', out));
    return { summary, messages: lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
  };

  /** An account whose secrets are sealed by `seal` (a format and key of the past or present). */
  const addAccount = async (seal: (plaintext: string, context: SecretContext) => string, withTokens = true) => {
    const id = randomUUID();
    const values: Plain = {
      leverApiKeyEnc: `lever-key-${randomUUID()}`,
      leverSignatureTokenEnc: `sig-${randomUUID()}`,
      leverSignatureTokensEnc: withTokens ? JSON.stringify({ candidateHired: `hired-${randomUUID()}` }) : null,
      // API-key accounts have no OAuth tokens.
      leverOauthAccessTokenEnc: null,
      leverOauthRefreshTokenEnc: null,
    };
    const sealed = (p: AccountSecretProperty) => (values[p] === null ? null : seal(values[p] as string, accountSecretContext(p, id)));
    await accounts.create({
      id,
      name: `Account ${id}`,
      tagPrefix: `T ${id}`,
      platformAccountId: 'p',
      leverApiKeyEnc: sealed('leverApiKeyEnc') as string,
      leverSignatureTokenEnc: sealed('leverSignatureTokenEnc') as string,
      leverSignatureTokensEnc: sealed('leverSignatureTokensEnc'),
    });
    plain.set(id, values);
    return id;
  };

  beforeAll(async () => {
    db = await createTestDatabase('la_reencrypt');
    rotatingEnv = loadEnv(EncryptionEnv, {
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: newKey,
      ENCRYPTION_KEYS_PREVIOUS: oldKey,
      NODE_ENV: 'test',
    });
    ds = await createDataSource(db.url, { poolSize: 3, logging: false }).initialize();
    accounts = new AccountsRepository(ds.getRepository(Account));
    // The past: v1 (no AAD) under the old key, v2 under the old key, v1 under the new key; and the present.
    for (let i = 0; i < 3; i++) await addAccount((text) => oldBox.encrypt(text));
    await addAccount((text, ctx) => oldBox.encrypt(text, ctx));
    await addAccount((text, ctx) => oldBox.encrypt(text, ctx), false);
    await addAccount((text) => newBox.encrypt(text));
    currentId = await addAccount((text, ctx) => newBox.encrypt(text, ctx));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('counts the values needing rotation from their prefix (the secrets_needing_rotation gauge)', async () => {
    expect(await accounts.countSecretsNeedingRotation(newBox.currentPrefix)).toEqual({
      'accounts.lever_api_key_enc': 6,
      'accounts.lever_signature_token_enc': 6,
      'accounts.lever_signature_tokens_enc': 5,
      // API-key accounts only here: nothing to rotate in the OAuth columns.
      'accounts.lever_oauth_access_token_enc': 0,
      'accounts.lever_oauth_refresh_token_enc': 0,
    });
  });

  it('--dry-run counts what would change and writes nothing', async () => {
    const before = await snapshot();
    const { summary, messages } = await run(['--dry-run', '--batch-size=3']);
    expect(summary).toMatchObject({
      dryRun: true,
      rows: 7,
      rowsChanged: 6,
      valuesChanged: {
        'accounts.lever_api_key_enc': 6,
        'accounts.lever_signature_token_enc': 6,
        'accounts.lever_signature_tokens_enc': 5,
        'accounts.lever_oauth_access_token_enc': 0,
        'accounts.lever_oauth_refresh_token_enc': 0,
      },
      failures: [],
    });
    expect(messages).toEqual(
      expect.arrayContaining(['3 of 7 rows', '6 of 7 rows', '7 of 7 rows', 'dry run: would re-encrypt 17 value(s) in 6 of 7 rows']),
    );
    expect(await snapshot()).toBe(before);
  });

  it('re-seals every value under the new key, bound to its row; then every value opens without the old key', async () => {
    const current = await snapshot();
    const { summary, messages } = await run(['--batch-size=3']);
    expect(summary).toMatchObject({ dryRun: false, rows: 7, rowsChanged: 6, conflicts: 0, failures: [] });
    expect(messages).toContain('re-encrypted 17 value(s) in 6 of 7 rows');
    expect(await accounts.countSecretsNeedingRotation(newBox.currentPrefix)).toEqual({
      'accounts.lever_api_key_enc': 0,
      'accounts.lever_signature_token_enc': 0,
      'accounts.lever_signature_tokens_enc': 0,
      'accounts.lever_oauth_access_token_enc': 0,
      'accounts.lever_oauth_refresh_token_enc': 0,
    });

    // The already-current account was left exactly as it was.
    const rowOf = (snap: string) => (JSON.parse(snap) as { id: string }[]).find((r) => r.id === currentId);
    expect(rowOf(await snapshot())).toEqual(rowOf(current));

    // ENCRYPTION_KEYS_PREVIOUS emptied: every value still opens, only with its own row and column.
    const newOnly = SecretBox.fromEnv({ ENCRYPTION_KEY: newKey });
    for (const [id, values] of plain) {
      const row = (await accounts.findByIdWithSecrets(id)) as Record<AccountSecretProperty, string | null>;
      for (const p of PROPERTIES) {
        if (values[p] === null) {
          expect(row[p]).toBeNull();
          continue;
        }
        expect(row[p]?.startsWith(newOnly.currentPrefix)).toBe(true);
        expect(newOnly.decrypt(row[p] as string, accountSecretContext(p, id))).toBe(values[p]);
        const elsewhere = [...plain.keys()].find((other) => other !== id) as string;
        expect(() => newOnly.decrypt(row[p] as string, accountSecretContext(p, elsewhere))).toThrow();
      }
    }
  });

  it('a second run changes nothing', async () => {
    const before = await snapshot();
    const { summary, messages } = await run([]);
    expect(summary).toMatchObject({ rows: 7, rowsChanged: 0, conflicts: 0, failures: [] });
    expect(Object.values(summary.valuesChanged)).toEqual([0, 0, 0, 0, 0]);
    expect(messages).toContain('re-encrypted 0 value(s) in 0 of 7 rows');
    expect(await snapshot()).toBe(before);
  });

  it('never overwrites a value an admin saved between its read and its write (optimistic condition)', async () => {
    const id = await addAccount((text) => oldBox.encrypt(text));
    const patched = newBox.encrypt('saved-by-admin', accountSecretContext('leverApiKeyEnc', id));
    // The PATCH lands after the command read the row and before its conditional UPDATE.
    let raced = false;
    const racingDs = new Proxy(ds, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (sql: string, params?: unknown[]) => {
          if (!raced && sql.startsWith('UPDATE accounts SET') && params?.[0] === id) {
            raced = true;
            await accounts.update(id, { leverApiKeyEnc: patched });
          }
          return target.query(sql, params);
        };
      },
    });
    const summary = await reencryptAccountSecrets(racingDs, SecretBox.fromEnv(rotatingEnv), { batchSize: 100 });
    expect(raced).toBe(true);
    expect(summary).toMatchObject({ conflicts: 1, rowsChanged: 1, failures: [] });
    const row = (await accounts.findByIdWithSecrets(id)) as Record<AccountSecretProperty, string>;
    expect(row.leverApiKeyEnc).toBe(patched);
    expect(newBox.decrypt(row.leverSignatureTokenEnc, accountSecretContext('leverSignatureTokenEnc', id))).toBe(
      plain.get(id)?.leverSignatureTokenEnc,
    );
  });

  it('reports a value under a key that is no longer configured, rewrites the rest of its row (the command then exits 1)', async () => {
    const stranger = new SecretBox(randomBytes(32));
    const id = await addAccount((text) => newBox.encrypt(text));
    await ds.query(`UPDATE accounts SET lever_api_key_enc = $1 WHERE id = $2`, [stranger.encrypt('lost'), id]);
    const { summary, messages } = await run([]);
    expect(summary.failures).toEqual([
      { table: 'accounts', column: 'lever_api_key_enc', rowId: id, reason: expect.stringMatching(/no key with id/) },
    ]);
    expect(messages.some((m) => m.includes('1 value(s) could not be opened'))).toBe(true);
    const row = (await accounts.findByIdWithSecrets(id)) as Record<AccountSecretProperty, string>;
    expect(row.leverSignatureTokenEnc.startsWith(newBox.currentPrefix)).toBe(true);
    expect(await accounts.countSecretsNeedingRotation(newBox.currentPrefix)).toMatchObject({ 'accounts.lever_api_key_enc': 1 });
  });

  it('refuses unknown arguments', () => {
    expect(() => parseReencryptArgs(['--force'])).toThrow(/unknown argument/);
    expect(() => parseReencryptArgs(['--batch-size=0'])).toThrow(/unknown argument/);
    expect(parseReencryptArgs(['--dry-run', '--batch-size=50'])).toEqual({ dryRun: true, batchSize: 50 });
  });
});
