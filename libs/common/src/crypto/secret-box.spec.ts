import { randomBytes } from 'node:crypto';
import { createCipheriv } from 'node:crypto';
import { SecretBox, SecretDecryptionError, type SecretContext } from './secret-box';

const ctx: SecretContext = { table: 'accounts', column: 'lever_api_key_enc', rowId: '11111111-1111-4111-8111-111111111111' };

describe(SecretBox.name, () => {
  const key = randomBytes(32);
  const sut = new SecretBox(key);

  it('round-trips a secret and never stores the plaintext', () => {
    const sealed = sut.encrypt('lever-api-key-123');
    expect(sealed).not.toContain('lever-api-key-123');
    expect(sealed.startsWith(`v1.${sut.currentKeyId}.`)).toBe(true);
    expect(sut.decrypt(sealed)).toBe('lever-api-key-123');
  });

  it('uses a fresh IV each time', () => {
    expect(sut.encrypt('same')).not.toEqual(sut.encrypt('same'));
  });

  it.each([
    ['ciphertext', 4],
    ['auth tag', 3],
    ['iv', 2],
  ])('detects a tampered %s', (_part, index) => {
    const parts = sut.encrypt('secret value').split('.');
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[0] ^= 0x01;
    parts[index] = bytes.toString('base64url');
    expect(() => sut.decrypt(parts.join('.'))).toThrow(SecretDecryptionError);
  });

  it('refuses a value relabelled to another key id', () => {
    const other = new SecretBox(randomBytes(32), [key]);
    const parts = sut.encrypt('x').split('.');
    parts[1] = other.currentKeyId;
    expect(() => other.decrypt(parts.join('.'))).toThrow(SecretDecryptionError);
  });

  it('decrypts with a previous key during rotation and says the value needs re-encryption', () => {
    const sealedOld = sut.encrypt('rotate me');
    const rotated = new SecretBox(randomBytes(32), [key]);
    expect(rotated.decrypt(sealedOld)).toBe('rotate me');
    expect(rotated.needsRotation(sealedOld)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('rotate me', ctx))).toBe(false);
  });

  it('names an unknown key instead of guessing', () => {
    const stranger = new SecretBox(randomBytes(32));
    expect(() => stranger.decrypt(sut.encrypt('x'))).toThrow(/no key with id/);
  });

  it('rejects malformed input and wrong key sizes', () => {
    expect(() => sut.decrypt('plaintext')).toThrow(SecretDecryptionError);
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('builds from env, falling back to a development key only when none is given', () => {
    const fromEnv = SecretBox.fromEnv({ ENCRYPTION_KEY: key.toString('base64') });
    expect(fromEnv.isDevelopmentKey).toBe(false);
    expect(fromEnv.decrypt(sut.encrypt('y'))).toBe('y');
    expect(SecretBox.fromEnv({}).isDevelopmentKey).toBe(true);
  });

  describe('v2: bound to its row and column', () => {
    it('round-trips with its context and starts with the current prefix', () => {
      const sealed = sut.encrypt('bound', ctx);
      expect(sealed.startsWith(`v2.${sut.currentKeyId}.`)).toBe(true);
      expect(sealed.startsWith(sut.currentPrefix)).toBe(true);
      expect(sut.decrypt(sealed, ctx)).toBe('bound');
      expect(SecretBox.describe(sealed)).toEqual({ version: 'v2', keyId: sut.currentKeyId });
    });

    it.each<[string, SecretContext]>([
      ['another row', { ...ctx, rowId: '22222222-2222-4222-8222-222222222222' }],
      ['another column', { ...ctx, column: 'lever_signature_token_enc' }],
      ['another table', { ...ctx, table: 'admin_tokens' }],
    ])('refuses a value copied to %s', (_case, elsewhere) => {
      expect(() => sut.decrypt(sut.encrypt('bound', ctx), elsewhere)).toThrow(SecretDecryptionError);
    });

    it('refuses to open a v2 value without its context', () => {
      expect(() => sut.decrypt(sut.encrypt('bound', ctx))).toThrow(/context is required/);
    });

    it('refuses a v2 value relabelled as v1 (and the other way round)', () => {
      const v2 = sut.encrypt('bound', ctx);
      expect(() => sut.decrypt(v2.replace(/^v2\./, 'v1.'), ctx)).toThrow(SecretDecryptionError);
      const v1 = sut.encrypt('unbound');
      expect(() => sut.decrypt(v1.replace(/^v1\./, 'v2.'), ctx)).toThrow(SecretDecryptionError);
    });
  });

  describe('the original v1 format', () => {
    it('still opens, with or without a context, and needs rotation', () => {
      const legacy = sut.encrypt('legacy');
      expect(legacy.startsWith(`v1.${sut.currentKeyId}.`)).toBe(true);
      expect(sut.decrypt(legacy)).toBe('legacy');
      expect(sut.decrypt(legacy, ctx)).toBe('legacy');
      expect(sut.needsRotation(legacy)).toBe(true);
    });

    it('opens a value sealed exactly as the v1 code did', () => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(`v1.${sut.currentKeyId}`));
      const body = Buffer.concat([cipher.update('written by v1', 'utf8'), cipher.final()]);
      const sealed = ['v1', sut.currentKeyId, iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
      expect(sut.decrypt(sealed, ctx)).toBe('written by v1');
    });
  });

  describe('the auth tag length is pinned to 16 bytes', () => {
    it.each([4, 8, 12, 15, 17])('refuses a %i-byte tag', (length) => {
      const parts = sut.encrypt('x', ctx).split('.');
      const tag = Buffer.from(parts[3], 'base64url');
      parts[3] = (length <= 16 ? tag.subarray(0, length) : Buffer.concat([tag, Buffer.alloc(length - 16)])).toString('base64url');
      expect(() => sut.decrypt(parts.join('.'), ctx)).toThrow(/auth tag must be 16 bytes/);
    });

    it('refuses a value genuinely sealed with a short tag', () => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 4 });
      cipher.setAAD(Buffer.from(`v1.${sut.currentKeyId}`));
      const body = Buffer.concat([cipher.update('short tag', 'utf8'), cipher.final()]);
      const sealed = ['v1', sut.currentKeyId, iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
      expect(() => sut.decrypt(sealed)).toThrow(SecretDecryptionError);
    });
  });

  describe('needsRotation and reseal', () => {
    const oldBox = new SecretBox(randomBytes(32));
    const rotated = new SecretBox(randomBytes(32), [key]);

    it('is true for a value under an older key (any format) or in v1, false for a current v2', () => {
      expect(rotated.needsRotation(sut.encrypt('a', ctx))).toBe(true);
      expect(rotated.needsRotation(sut.encrypt('a'))).toBe(true);
      expect(rotated.needsRotation(rotated.encrypt('a'))).toBe(true);
      expect(rotated.needsRotation(rotated.encrypt('a', ctx))).toBe(false);
      expect(rotated.needsRotation(oldBox.encrypt('a', ctx))).toBe(true);
    });

    it('reseals an old value under the current key, bound to its context, and leaves a current one alone', () => {
      const resealed = rotated.reseal(sut.encrypt('move me'), ctx);
      expect(resealed?.startsWith(rotated.currentPrefix)).toBe(true);
      expect(SecretBox.describe(resealed as string)).toEqual({ version: 'v2', keyId: rotated.currentKeyId });
      expect(rotated.decrypt(resealed as string, ctx)).toBe('move me');
      expect(rotated.reseal(resealed as string, ctx)).toBeNull();
    });

    it('refuses to reseal what it cannot open', () => {
      expect(() => rotated.reseal(oldBox.encrypt('x', ctx), ctx)).toThrow(/no key with id/);
    });
  });

  it('describes only well-formed sealed values', () => {
    expect(SecretBox.describe('plaintext')).toBeNull();
    expect(SecretBox.describe(sut.encrypt('x'))).toEqual({ version: 'v1', keyId: sut.currentKeyId });
  });
});
