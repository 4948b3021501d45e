import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of secrets at rest (Lever API keys, webhook signature tokens).
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is derived from the
 * key itself (first 8 hex chars of its SHA-256), so rotating means: set the new ENCRYPTION_KEY,
 * move the old one to ENCRYPTION_KEYS_PREVIOUS, re-encrypt, then drop the old key.
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

  get isDevelopmentKey(): boolean {
    return this.currentKeyId === SecretBox.keyId(DEVELOPMENT_KEY);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv);
    // The key id is authenticated too, so a ciphertext cannot be relabelled to another key.
    cipher.setAAD(Buffer.from(`v1.${this.currentKeyId}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.currentKeyId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
  }

  /** @throws SecretDecryptionError when the value is malformed, tampered with or under an unknown key. */
  decrypt(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new SecretDecryptionError('not a v1 sealed secret');
    const [, keyId, iv, tag, body] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new SecretDecryptionError(`no key with id ${keyId} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`v1.${keyId}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('authentication failed (tampered value or wrong key)');
    }
  }

  /** True when the value was sealed under an older key and should be re-encrypted. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

// Only for development and tests; production refuses to start without ENCRYPTION_KEY.
const DEVELOPMENT_KEY = createHash('sha256').update('lever-assess development key').digest();

const b64 = (buf: Buffer) => buf.toString('base64url');
