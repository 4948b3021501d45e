import { SecretBox, gauge } from '@lever-assess/common';
import { AccountsRepository } from '@lever-assess/persistence';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

type CountNeedingRotation = () => Promise<Record<string, number>>;
const readers = new Set<CountNeedingRotation>();

// One scan of `accounts` per scrape, on the values' prefix (`v2.<current key id>.`): nothing is
// decrypted. Non-zero after an ENCRYPTION_KEY rotation until `secrets:reencrypt` has run; the old
// key may be dropped from ENCRYPTION_KEYS_PREVIOUS only at 0 (docs/deploy.md, Rotating secrets).
gauge(
  'secrets_needing_rotation',
  'Sealed values not under the current ENCRYPTION_KEY or not bound to their row (the v1 format), per table and column, read at scrape time',
  ['table', 'column'] as const,
  async function () {
    const [read] = readers;
    const counts = await read?.().catch(() => null);
    if (!counts) return;
    for (const [qualified, count] of Object.entries(counts)) {
      const [table, column] = qualified.split('.');
      this.set({ table, column }, count);
    }
  },
);

/** Lets the rotation gauge read PostgreSQL for as long as the app runs. */
@Injectable()
export class SecretsRotationMetrics implements OnApplicationShutdown {
  private readonly read: CountNeedingRotation;

  constructor(accounts: AccountsRepository, box: SecretBox) {
    this.read = () => accounts.countSecretsNeedingRotation(box.currentPrefix);
    readers.add(this.read);
  }

  onApplicationShutdown(): void {
    readers.delete(this.read);
  }
}
