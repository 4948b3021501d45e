import type { Redis } from 'ioredis';
import IORedis from 'ioredis';
import { closeRedis, logConnectionErrors, redisOptionsFromUrl } from './redis-connection';

/**
 * Redis pub/sub channel on which an account change is announced (created, updated, key rotated,
 * disabled, deleted, marked disconnected). Each gateway replica then reloads that account in its
 * in-memory cache. Message: the account id. Prefixed like the queues so deployments sharing one
 * Redis stay apart.
 */
export const accountChangesChannel = (keyPrefix: string) => `${keyPrefix}:account-changes`;

/** Account ids are UUIDs; anything else on the channel is not ours and is ignored. */
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Publishing side: one PUBLISH on the shared client. */
export class AccountChangesPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async announce(accountId: string): Promise<void> {
    await this.redis.publish(accountChangesChannel(this.keyPrefix), accountId);
  }
}

export interface AccountChangesHandlers {
  /** One account changed: reload it. */
  onChange(accountId: string): void;
  /**
   * The subscription was (re)established. Messages published while the connection was down are
   * lost (pub/sub does not queue them), so the listener reloads everything here.
   */
  onSubscribed(): Promise<void>;
  /** The connection dropped: announcements are missed until the next onSubscribed. */
  onDisconnected?(): void;
  warn(message: string, err?: unknown): void;
}

/** A running subscription; close() ends it without hanging on a dead server. */
export interface AccountChangesSubscription {
  close(): Promise<void>;
}

/**
 * Subscribing side, on a dedicated connection (a subscribed ioredis client can run no other
 * command). It waits for Redis and reconnects for as long as it runs, and subscribes again on
 * every reconnect, each time followed by `onSubscribed`.
 */
export function subscribeAccountChanges(
  redisUrl: string,
  keyPrefix: string,
  handlers: AccountChangesHandlers,
  connectionName = 'lever-assess-account-changes',
): AccountChangesSubscription {
  const channel = accountChangesChannel(keyPrefix);
  const subscriber = new IORedis({
    ...redisOptionsFromUrl(redisUrl),
    connectionName,
    maxRetriesPerRequest: null,
    // Subscribed again below on every 'ready', each time followed by onSubscribed.
    autoResubscribe: false,
  });
  logConnectionErrors(subscriber, (message) => handlers.warn(message), 'account-changes subscriber');
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    if (!ACCOUNT_ID.test(message)) {
      handlers.warn('ignored a malformed account-changes message');
      return;
    }
    handlers.onChange(message);
  });
  subscriber.on('close', () => handlers.onDisconnected?.());
  subscriber.on('ready', () => {
    subscriber
      .subscribe(channel)
      .then(() => handlers.onSubscribed())
      .catch((err: unknown) => handlers.warn('subscribing to account changes failed; will retry on reconnect', err));
  });
  return { close: () => closeRedis(subscriber) };
}
