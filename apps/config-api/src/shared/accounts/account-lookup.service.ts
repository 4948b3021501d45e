import { AccountsRepository, type Account } from '@lever-assess/persistence';
import { Injectable } from '@nestjs/common';
import { AccountNotFoundError } from '../errors/api.errors';

/** Resolves the `:id` of /v1/accounts/:id/... routes, or answers 404. */
@Injectable()
export class AccountLookup {
  constructor(private readonly accounts: AccountsRepository) {}

  async require(accountId: string): Promise<Account> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    return account;
  }
}
