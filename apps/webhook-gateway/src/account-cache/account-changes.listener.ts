import { accountChangesChannel, closeRedis, logConnectionErrors, redisOptionsFromUrl } from '@lever-assess/queues';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { AccountCache } from './account-cache.service';

/** Account ids are UUIDs; anything else on the channel is not ours and is ignored. */
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Listens on `<QUEUE_PREFIX>:account-changes` (published by the config API and account-access)
 * on a dedicated connection, since a subscribed ioredis client can run no other command.
 * A message reloads that one account. Every (re)subscription is followed by a full reload:
 * messages published while the connection was down are lost (pub/sub does not queue them).
 */
@Injectable()
export class AccountChangesListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountChangesListener.name);
  private subscriber: Redis | undefined;

  constructor(
    private readonly cache: AccountCache,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  onApplicationBootstrap(): void {
    const channel = accountChangesChannel(this.env.QUEUE_PREFIX);
    const subscriber = new IORedis({
      ...redisOptionsFromUrl(this.env.REDIS_URL),
      connectionName: 'lever-assess-gateway-account-changes',
      // Not fail-fast: a subscriber waits for Redis and reconnects for as long as the app runs.
      maxRetriesPerRequest: null,
      // Subscribed again below on every 'ready', each time followed by the full reload.
      autoResubscribe: false,
    });
    this.subscriber = subscriber;
    logConnectionErrors(subscriber, (message) => this.logger.warn(message), 'account-changes subscriber');
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      if (!ACCOUNT_ID.test(message)) {
        this.logger.warn({ msg: 'ignored a malformed account-changes message' });
        return;
      }
      void this.cache.reloadAccount(message);
    });
    subscriber.on('ready', () => {
      subscriber
        .subscribe(channel)
        .then(() => {
          this.logger.log({ msg: 'subscribed to account changes', channel });
          return this.cache.reloadAll();
        })
        .catch((err: unknown) => this.logger.warn({ msg: 'subscribing to account changes failed; will retry on reconnect', err }));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}
