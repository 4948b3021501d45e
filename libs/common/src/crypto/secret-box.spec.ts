import { randomBytes } from 'node:crypto';
import { SecretBox, SecretDecryptionError } from './secret-box';

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
    expect(rotated.needsRotation(rotated.encrypt('rotate me'))).toBe(false);
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
});
