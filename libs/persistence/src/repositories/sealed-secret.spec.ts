import { SecretBox } from '@lever-assess/common';
import { randomBytes } from 'node:crypto';
import { UnsealedSecretError } from '../errors/persistence.errors';
import { assertSealed } from './sealed-secret';

describe(assertSealed.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('accepts SecretBox output and absent values', () => {
    expect(() => assertSealed('f', box.encrypt('lever-key'))).not.toThrow();
    expect(() => assertSealed('f', box.encrypt(''))).not.toThrow();
    expect(() => assertSealed('f', null)).not.toThrow();
    expect(() => assertSealed('f', undefined)).not.toThrow();
  });

  it.each(['lever-key', 'v1.lever.key', '', 'v1.zzzzzzzz.a.b.c'])('refuses %j, naming the field only', (value) => {
    expect(() => assertSealed('leverApiKeyEnc', value)).toThrow(UnsealedSecretError);
    expect(() => assertSealed('leverApiKeyEnc', value)).toThrow(/leverApiKeyEnc/);
  });
});
