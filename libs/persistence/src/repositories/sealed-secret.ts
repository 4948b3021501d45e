import { UnsealedSecretError } from '../errors/persistence.errors';

// SecretBox output: `v<version>.<keyId>.<iv>.<tag>.<ciphertext>`. A cheap shape check that
// catches a caller passing the plaintext Lever key by mistake.
const SEALED = /^v\d+\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function assertSealed(field: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && !SEALED.test(value)) throw new UnsealedSecretError(field);
}
