import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Where a sealed value lives: its table, column and row id. A value sealed with a context is bound
 * to it (AES-GCM additional authenticated data), so a ciphertext copied to another row or column
 * does not open.
 */
export interface SecretContext {
  table: string;
  column: string;
  rowId: string;
}

/** The authenticated string for a context: `accounts.lever_api_key_enc:<account id>`. */
export function secretContextLabel({ table, column, rowId }: SecretContext): string {
  return `${table}.${column}:${rowId}`;
}

/** GCM tags are 16 bytes here; a shorter tag would make forgery easier, so none other is accepted. */
const AUTH_TAG_LENGTH = 16;

/**
 * AES-256-GCM encryption of secrets at rest (Lever API keys, webhook signature tokens).
 *
 * Format: `<version>.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is derived from
 * the key itself (first 8 hex chars of its SHA-256) and readable without decrypting, so the values
 * still sealed under an old key can be counted with a `LIKE` (see `currentPrefix`).
 *
 * - `v2` (written whenever a context is given): the AAD is `v2.<keyId>.<table>.<column>:<rowId>`,
 *   binding the value to its key id and to its row and column.
 * - `v1` (the original format, still read): the AAD is `v1.<keyId>` only. Written only when no
 *   context is given (test fixtures); the re-encrypt command (`secrets:reencrypt`) upgrades them.
 *
 * Rotating: set the new ENCRYPTION_KEY, move the old one to ENCRYPTION_KEYS_PREVIOUS, run the
 * re-encrypt command, check `secrets_needing_rotation` is 0, then drop the old key.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKey: Buffer;
  readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new Error('SecretBox keys must be 32 bytes');
      this.keys.set(SecretBox.keyId(key), key);
    }
    this.currentKey = currentKey;
    this.currentKeyId = SecretBox.keyId(currentKey);
  }

  /**
   * Builds a box from env values. Without ENCRYPTION_KEY (allowed outside production) a fixed
   * development key is used so local runs and tests work; `isDevelopmentKey` tells callers to warn.
   */
  static fromEnv(env: { ENCRYPTION_KEY?: string; ENCRYPTION_KEYS_PREVIOUS?: string }): SecretBox {
    const current = env.ENCRYPTION_KEY ? Buffer.from(env.ENCRYPTION_KEY, 'base64') : DEVELOPMENT_KEY;
    const previous = (env.ENCRYPTION_KEYS_PREVIOUS ?? '')
      .split(',')
      .filter(Boolean)
      .map((k) => Buffer.from(k, 'base64'));
    return new SecretBox(current, previous);
  }

  static keyId(key: Buffer): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Version and key id of a sealed value, read from its prefix without decrypting; null when it is not one. */
  static describe(sealed: string): { version: string; keyId: string } | null {
    const parts = sealed.split('.');
    if (parts.length !== 5 || !/^v\d+$/.test(parts[0]) || !/^[0-9a-f]{8}$/.test(parts[1])) return null;
    return { version: parts[0], keyId: parts[1] };
  }

  get isDevelopmentKey(): boolean {
    return this.currentKeyId === SecretBox.keyId(DEVELOPMENT_KEY);
  }

  /** Every value that needs no rotation starts with this (the current format and key). */
  get currentPrefix(): string {
    return `${CURRENT_VERSION}.${this.currentKeyId}.`;
  }

  /**
   * Seals `plaintext` under the current key. Production callers pass the value's context (v2);
   * without one the value is a v1, bound to nothing but its key id, and counts as needing rotation.
   */
  encrypt(plaintext: string, context?: SecretContext): string {
    const version = context ? CURRENT_VERSION : 'v1';
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv, { authTagLength: AUTH_TAG_LENGTH });
    // The key id is authenticated too, so a ciphertext cannot be relabelled to another key.
    cipher.setAAD(aad(version, this.currentKeyId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [version, this.currentKeyId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
  }

  /**
   * Opens a value. A v2 value opens only with the context it was sealed with; a v1 value ignores
   * the context (it was sealed before contexts existed).
   * @throws SecretDecryptionError when the value is malformed, tampered with, under an unknown key
   *   or bound to another row or column.
   */
  decrypt(sealed: string, context?: SecretContext): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || (parts[0] !== 'v1' && parts[0] !== 'v2')) throw new SecretDecryptionError('not a v1 or v2 sealed secret');
    const [version, keyId, iv, tag, body] = parts;
    if (version === 'v2' && !context) throw new SecretDecryptionError('a v2 value is bound to a row: its context is required');
    const key = this.keys.get(keyId);
    if (!key) throw new SecretDecryptionError(`no key with id ${keyId} is configured`);
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== AUTH_TAG_LENGTH) throw new SecretDecryptionError(`the auth tag must be ${AUTH_TAG_LENGTH} bytes`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: AUTH_TAG_LENGTH });
      decipher.setAAD(aad(version, keyId, context));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('authentication failed (tampered value, wrong key or another row/column)');
    }
  }

  /** True when the value is not in the current format under the current key and should be re-encrypted. */
  needsRotation(sealed: string): boolean {
    return !sealed.startsWith(this.currentPrefix);
  }

  /**
   * The value re-sealed under the current key, bound to `context`; null when it needs no rotation.
   * @throws SecretDecryptionError when it cannot be opened (see decrypt)
   */
  reseal(sealed: string, context: SecretContext): string | null {
    if (!this.needsRotation(sealed)) return null;
    return this.encrypt(this.decrypt(sealed, context), context);
  }
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

const CURRENT_VERSION = 'v2';

function aad(version: string, keyId: string, context: SecretContext | undefined): Buffer {
  if (version === 'v1') return Buffer.from(`v1.${keyId}`);
  return Buffer.from(`${version}.${keyId}.${secretContextLabel(context as SecretContext)}`);
}

// Only for development and tests; production refuses to start without ENCRYPTION_KEY.
const DEVELOPMENT_KEY = createHash('sha256').update('lever-assess development key').digest();

const b64 = (buf: Buffer) => buf.toString('base64url');
