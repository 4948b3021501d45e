import { gauge } from '@lever-assess/common';
import { ACCOUNT_STATUSES, type AccountStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

type CountByStatus = () => Promise<Record<AccountStatus, number>>;
const readers = new Set<CountByStatus>();

// One GROUP BY per scrape. A disconnected account (revoked key, missing permission) has its work
// parked until an admin fixes the key: on-call alerts on it (deploy/prometheus/alerts.yaml).
gauge(
  'accounts_by_status',
  'Accounts per status (active, disconnected: Lever key revoked or missing a permission, disabled), read from PostgreSQL at scrape time',
  ['status'] as const,
  async function () {
    const [read] = readers;
    const counts = await read?.().catch(() => null);
    if (!counts) return;
    for (const status of ACCOUNT_STATUSES) this.set({ status }, counts[status]);
  },
);

/** Lets the accounts gauge read PostgreSQL for as long as the app runs. */
@Injectable()
export class AccountStatusMetrics implements OnApplicationShutdown {
  private readonly read: CountByStatus;

  constructor(accounts: AccountsRepository) {
    this.read = () => accounts.countByStatus();
    readers.add(this.read);
  }

  onApplicationShutdown(): void {
    readers.delete(this.read);
  }
}
