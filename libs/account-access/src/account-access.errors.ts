import type { AccountStatus } from '@lever-assess/domain';

/** The account cannot be acted for: unknown, disabled, or its Lever key is known to be broken. */
export class AccountUnavailableError extends Error {
  readonly code = 'ACCOUNT_UNAVAILABLE';
  readonly retryable = false;
  constructor(
    readonly accountId: string,
    readonly status: AccountStatus | 'missing',
    readonly reason: string | null = null,
  ) {
    super(
      status === 'missing'
        ? `Account ${accountId} does not exist`
        : `Account ${accountId} is ${status}${reason ? ` (${reason})` : ''}; fix its Lever connection in the config API`,
    );
    this.name = 'AccountUnavailableError';
  }

  /** A disconnected account's jobs park until its key is replaced (outcomeOfError); the others fail. */
  get parkAccountId(): string | undefined {
    return this.status === 'disconnected' ? this.accountId : undefined;
  }
}
