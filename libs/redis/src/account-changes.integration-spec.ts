import { createTestRedisNamespace, eventually, TEST_REDIS_URL, type TestRedisNamespace } from '@lever-assess/testing';
import {
  AccountChangesPublisher,
  accountChangesChannel,
  subscribeAccountChanges,
  type AccountChangesSubscription,
} from './account-changes';

const ACCOUNT = '6f1c1a52-43a5-4c1f-9a51-0d6c4f0c8a11';

describe('account changes over pub/sub', () => {
  let ns: TestRedisNamespace;
  let subscription: AccountChangesSubscription;
  const changed: string[] = [];
  const warnings: string[] = [];
  let subscribed = 0;

  beforeAll(async () => {
    ns = await createTestRedisNamespace('acct_changes');
    subscription = subscribeAccountChanges(TEST_REDIS_URL, ns.prefix, {
      onChange: (id) => changed.push(id),
      onSubscribed: async () => {
        subscribed++;
      },
      warn: (message) => warnings.push(message),
    });
    await eventually(() => subscribed === 1);
  });

  afterAll(async () => {
    await subscription?.close();
    await ns?.cleanup();
  });

  it('delivers a published account id to the subscriber', async () => {
    await new AccountChangesPublisher(ns.redis, ns.prefix).announce(ACCOUNT);
    await eventually(() => changed.includes(ACCOUNT));
  });

  it('ignores a message that is not an account id, with a warning', async () => {
    await ns.redis.publish(accountChangesChannel(ns.prefix), 'not-an-id');
    await eventually(() => warnings.includes('ignored a malformed account-changes message'));
    expect(changed).not.toContain('not-an-id');
  });

  it('does not hear another deployment sharing the Redis (another prefix)', async () => {
    const before = changed.length;
    await new AccountChangesPublisher(ns.redis, `${ns.prefix}-other`).announce(ACCOUNT);
    await new AccountChangesPublisher(ns.redis, ns.prefix).announce('00000000-0000-4000-8000-000000000001');
    await eventually(() => changed.includes('00000000-0000-4000-8000-000000000001'));
    expect(changed.length).toBe(before + 1);
  });

  it('subscribes again after a reconnect, and tells the listener so (it reloads everything)', async () => {
    // Kill our subscriber's connection from the server side, as a Redis restart would.
    const clients = await ns.redis.client('LIST');
    const line = String(clients)
      .split('\n')
      .find((l) => l.includes('name=lever-assess-account-changes'));
    expect(line).toBeDefined();
    const id = /id=(\d+)/.exec(line!)![1];
    await ns.redis.client('KILL', 'ID', id);
    await eventually(() => subscribed === 2, { timeoutMs: 10_000 });
    await new AccountChangesPublisher(ns.redis, ns.prefix).announce('00000000-0000-4000-8000-000000000002');
    await eventually(() => changed.includes('00000000-0000-4000-8000-000000000002'));
  });
});
