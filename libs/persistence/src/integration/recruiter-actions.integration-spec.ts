import 'reflect-metadata';
import { LeverEventName, RecruiterAction } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { RecruiterActionRecord, RecruiterActionStatus, RecruiterActionsRepository } from '..';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('RecruiterActionsRepository and LeverDeliveriesRepository.existsForMove', () => {
  let db: TestDatabase;
  let repos: Repositories;
  let actions: RecruiterActionsRepository;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
    actions = new RecruiterActionsRepository(db.dataSource.getRepository(RecruiterActionRecord));
  });
  afterAll(() => db.dispose());

  const key = async () => ({ accountId: (await newAccount(repos, `Co ${randomUUID()}`)).id, opportunityId: `opp-${randomUUID()}` });

  it('grants one claim per (account, opportunity, action) among 10 concurrent callers until the tag is removed', async () => {
    const k = { ...(await key()), action: RecruiterAction.Resend };
    const claims = await Promise.all(Array.from({ length: 10 }, () => actions.claim(k)));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const record = claims.find((c) => c.claimed)!.record;
    expect(new Set(claims.map((c) => c.record.id))).toEqual(new Set([record.id]));
    await actions.setOutcome(k.accountId, record.id, null, 'nothing to resend');
    await expect(actions.claim(k)).resolves.toMatchObject({ claimed: false, record: { outcome: 'nothing to resend' } });
    // Another action of the same candidate is its own.
    await expect(actions.claim({ ...k, action: RecruiterAction.Cancel })).resolves.toMatchObject({ claimed: true });

    const listedAt = new Date(Date.now() - 1_000);
    await actions.markTagRemoved(k.accountId, record.id);
    await expect(actions.removedSince(k, listedAt)).resolves.toBe(true);
    await expect(actions.removedSince(k, new Date(Date.now() + 60_000))).resolves.toBe(false);
    // The tag added again later: a new action.
    await expect(actions.claim(k)).resolves.toMatchObject({ claimed: true });
    const rows = await actions.listForOpportunity(k.accountId, k.opportunityId);
    expect(rows.filter((r) => r.action === RecruiterAction.Resend).map((r) => r.status)).toEqual([
      RecruiterActionStatus.TagRemoved,
      RecruiterActionStatus.Acted,
    ]);
  });

  it('release lets the next sweep claim again', async () => {
    const k = { ...(await key()), action: RecruiterAction.Cancel };
    const { record } = await actions.claim(k);
    await actions.release(k.accountId, record.id);
    await expect(actions.claim(k)).resolves.toMatchObject({ claimed: true });
  });

  it('finds a recorded stage change of the move, within the given time', async () => {
    const { accountId, opportunityId } = await key();
    const at = new Date('2026-12-01T10:00:00Z');
    await repos.deliveries.recordOnce({ accountId, deliveryToken: randomUUID(), opportunityId, toStageId: 's1', triggeredAt: at });
    await repos.deliveries.recordOnce({
      accountId,
      deliveryToken: randomUUID(),
      opportunityId,
      event: LeverEventName.ArchiveChange,
      toStageId: null,
      triggeredAt: new Date('2026-12-01T12:00:00Z'),
    });
    const move = (toStageId: string, since: string) =>
      repos.deliveries.existsForMove({ accountId, opportunityId, toStageId, since: new Date(since) });
    await expect(move('s1', '2026-12-01T09:55:00Z')).resolves.toBe(true);
    await expect(move('s1', '2026-12-01T10:00:00Z')).resolves.toBe(true);
    await expect(move('s1', '2026-12-01T10:00:01Z')).resolves.toBe(false);
    await expect(move('s2', '2026-12-01T09:00:00Z')).resolves.toBe(false);
    await expect(
      repos.deliveries.existsForMove({ accountId, opportunityId: 'other', toStageId: 's1', since: new Date('2026-01-01T00:00:00Z') }),
    ).resolves.toBe(false);
  });

  it('goes with its account', async () => {
    const k = { ...(await key()), action: RecruiterAction.Resend };
    await actions.claim(k);
    await repos.accounts.delete(k.accountId);
    await expect(actions.listForOpportunity(k.accountId, k.opportunityId)).resolves.toEqual([]);
  });
});
