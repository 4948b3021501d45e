import { subscribeAccountChanges, type AccountChangesSubscription } from '@lever-assess/redis';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { AccountCache } from './account-cache.service';

/**
 * Keeps the account cache fresh from `<QUEUE_PREFIX>:account-changes` (published by the config
 * API and account-access): a message reloads that one account; every (re)subscription is followed
 * by a full reload, since messages published while the connection was down are lost.
 */
@Injectable()
export class AccountChangesListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountChangesListener.name);
  private subscription: AccountChangesSubscription | undefined;

  constructor(
    private readonly cache: AccountCache,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = subscribeAccountChanges(
      this.env.REDIS_URL,
      this.env.QUEUE_PREFIX,
      {
        onChange: (accountId) => void this.cache.reloadAccount(accountId),
        onSubscribed: async () => {
          this.logger.log({ msg: 'subscribed to account changes' });
          await this.cache.reloadAll();
        },
        warn: (msg, err) => this.logger.warn({ msg, ...(err === undefined ? {} : { err }) }),
      },
      'lever-assess-gateway-account-changes',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
