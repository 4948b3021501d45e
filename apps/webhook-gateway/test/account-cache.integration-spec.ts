import 'reflect-metadata';
import { SecretBox } from '@lever-assess/common';
import { AccountChangesPublisher } from '@lever-assess/redis';
import { TEST_REDIS_URL, createTestDatabase, createTestRedisNamespace, eventually } from '@lever-assess/testing';
import {
  createAccount,
  createGatewayWorld,
  leverDelivery,
  postJson,
  startGateway,
  type GatewayWorld,
  type RunningGateway,
  type TestAccount,
} from './gateway-harness';

/**
 * The cache follows Postgres through pub/sub without a restart. The periodic reload is set far
 * beyond these tests' timeouts (default 5 min), so only the announcement can explain a change.
 */
describe('account cache', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_cache'),
      ns: await createTestRedisNamespace('gw_cache'),
      redisUrl: TEST_REDIS_URL,
    });
    gateway = await startGateway(world.env, eventually);
  });

  afterAll(async () => {
    await gateway?.close();
    await world?.dispose();
  });

  const statusOf = async (webhookKey: string, signatureToken: string) =>
    (await postJson(`${gateway.url}/webhooks/lever/${webhookKey}`, leverDelivery({ signatureToken }))).status;
  const announce = (account: TestAccount) => new AccountChangesPublisher(world.ns.redis, world.ns.prefix).announce(account.account.id);

  it('makes an account created after start-up reachable once it is announced', async () => {
    const account = await createAccount(world);
    expect(await statusOf(account.account.webhookKey, account.signatureToken)).toBe(401);
    await announce(account);
    await eventually(async () => (await statusOf(account.account.webhookKey, account.signatureToken)) === 202);
  });

  it('accepts a new signature token and refuses the old one once the change is announced', async () => {
    const account = await createAccount(world, 'old-signature-token');
    await announce(account);
    await eventually(async () => (await statusOf(account.account.webhookKey, 'old-signature-token')) === 202);

    await world.accounts.update(account.account.id, { leverSignatureTokenEnc: world.box.encrypt('new-signature-token') });
    await announce(account);
    await eventually(async () => (await statusOf(account.account.webhookKey, 'new-signature-token')) === 202);
    expect(await statusOf(account.account.webhookKey, 'old-signature-token')).toBe(401);
  });

  it('stops answering for a rotated webhook key and a deleted account', async () => {
    const account = await createAccount(world);
    await announce(account);
    await eventually(async () => (await statusOf(account.account.webhookKey, account.signatureToken)) === 202);

    const newKey = (await world.accounts.setWebhookKey(account.account.id))!;
    await announce(account);
    await eventually(async () => (await statusOf(newKey, account.signatureToken)) === 202);
    expect(await statusOf(account.account.webhookKey, account.signatureToken)).toBe(401);

    await world.accounts.delete(account.account.id);
    await announce(account);
    await eventually(async () => (await statusOf(newKey, account.signatureToken)) === 401);
  });

  it('answers 503 (Lever retries) for an account whose token cannot be decrypted', async () => {
    const account = await createAccount(world);
    // Sealed under a key the gateway does not hold: an ENCRYPTION_KEY mistake on our side.
    const foreign = new SecretBox(Buffer.alloc(32, 1)).encrypt(account.signatureToken);
    await world.accounts.update(account.account.id, { leverSignatureTokenEnc: foreign });
    await announce(account);
    await eventually(async () => (await statusOf(account.account.webhookKey, account.signatureToken)) === 503);
  });
});

describe('account cache periodic reload', () => {
  let world: GatewayWorld;
  let gateway: RunningGateway;

  beforeAll(async () => {
    world = await createGatewayWorld({
      db: await createTestDatabase('la_test_gw_reload'),
      ns: await createTestRedisNamespace('gw_reload'),
      redisUrl: TEST_REDIS_URL,
    });
    gateway = await startGateway({ ...world.env, ACCOUNT_CACHE_RELOAD_MS: '1000' }, eventually);
  });

  afterAll(async () => {
    await gateway?.close();
    await world?.dispose();
  });

  it('picks up a change that was never announced (a missed message)', async () => {
    const account = await createAccount(world);
    await eventually(
      async () =>
        (
          await postJson(
            `${gateway.url}/webhooks/lever/${account.account.webhookKey}`,
            leverDelivery({ signatureToken: account.signatureToken }),
          )
        ).status === 202,
    );
  });
});
