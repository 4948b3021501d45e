import { SecretBox } from '@lever-assess/common';
import { Account, AccountsRepository, LeverDeliveriesRepository, LeverDelivery, createDataSource } from '@lever-assess/persistence';
import { createTestDatabase, createTestRedisNamespace, type TestDatabase, type TestRedisNamespace } from '@lever-assess/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeliveryRetentionService } from '../src/housekeeping/delivery-retention.service';

const DAY_MS = 24 * 60 * 60 * 1000;

describe(DeliveryRetentionService.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let ns: TestRedisNamespace;
  let deliveries: LeverDeliveriesRepository;
  let accountId: string;
  let sut: DeliveryRetentionService;
  const now = new Date('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase('la_test_retention');
    ds = createDataSource(db.url);
    await ds.initialize();
    ns = await createTestRedisNamespace('retention');
    deliveries = new LeverDeliveriesRepository(ds.getRepository(LeverDelivery));
    const box = SecretBox.fromEnv({});
    const account = await new AccountsRepository(ds.getRepository(Account)).create({
      name: 'Acme',
      tagPrefix: 'Acme Test',
      leverApiKeyEnc: box.encrypt('key'),
      leverSignatureTokenEnc: box.encrypt('token'),
      platformAccountId: 'p',
    });
    accountId = account.id;
    sut = new DeliveryRetentionService(deliveries, ns.redis, { retentionDays: 30, queuePrefix: ns.prefix });
  });

  afterAll(async () => {
    await ns?.cleanup();
    await ds?.destroy();
    await db?.drop();
  });

  async function recordAt(daysAgo: number): Promise<string> {
    const deliveryToken = randomUUID();
    await deliveries.recordOnce({ accountId, deliveryToken, opportunityId: 'o', toStageId: 's', triggeredAt: now });
    await ds.getRepository(LeverDelivery).update({ accountId, deliveryToken }, { receivedAt: new Date(now.getTime() - daysAgo * DAY_MS) });
    return deliveryToken;
  }

  it('forgets deliveries older than the retention period and keeps the rest', async () => {
    const old = await recordAt(31);
    const recent = await recordAt(29);
    await expect(sut.prune(now)).resolves.toBe(1);
    await expect(deliveries.find(accountId, old)).resolves.toBeNull();
    await expect(deliveries.find(accountId, recent)).resolves.not.toBeNull();
    // A forgotten token counts as new again (hence retention far above the replay window).
    await expect(
      deliveries.recordOnce({ accountId, deliveryToken: old, opportunityId: 'o', toStageId: 's', triggeredAt: now }),
    ).resolves.toBe(true);
  });

  it('lets one replica prune at a time', async () => {
    await recordAt(40);
    const other = new DeliveryRetentionService(deliveries, ns.redis, { retentionDays: 30, queuePrefix: ns.prefix });
    const results = await Promise.all([sut.prune(now), other.prune(now)]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.filter((r) => r === 1)).toHaveLength(1);
  });
});
