import 'reflect-metadata';
import { CandidateEventType } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('CandidateEventsRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  const at = (offsetMs: number) => new Date(Date.parse('2026-01-01T10:00:00Z') + offsetMs);

  it('appends several steps in one insert and lists them oldest first, by time then insertion order', async () => {
    const { id } = await newAccount(repos);
    const assessmentId = randomUUID();
    await repos.events.append([
      { accountId: id, opportunityId: 'opp-1', type: CandidateEventType.LeverTagsAdded, correlationId: 'c2', at: at(2_000), assessmentId },
      { accountId: id, opportunityId: 'opp-1', type: CandidateEventType.WebhookReceived, correlationId: 'c1', at: at(0) },
      // Same time: insertion order decides.
      { accountId: id, opportunityId: 'opp-1', type: CandidateEventType.RuleMatched, correlationId: 'c1', at: at(1_000), detail: { n: 1 } },
      { accountId: id, opportunityId: 'opp-1', type: CandidateEventType.InvitationCreated, correlationId: 'c1', at: at(1_000) },
      { accountId: id, opportunityId: 'opp-other', type: CandidateEventType.WebhookReceived, correlationId: 'c3' },
    ]);
    await repos.events.append({ accountId: id, opportunityId: 'opp-1', type: CandidateEventType.LeverNoteWritten, correlationId: 'c4' });

    const rows = await repos.events.listForOpportunity(id, 'opp-1');
    expect(rows.map((r) => r.type)).toEqual([
      CandidateEventType.WebhookReceived,
      CandidateEventType.RuleMatched,
      CandidateEventType.InvitationCreated,
      CandidateEventType.LeverTagsAdded,
      CandidateEventType.LeverNoteWritten,
    ]);
    expect(rows[1]).toMatchObject({ correlationId: 'c1', detail: { n: 1 }, assessmentId: null, at: at(1_000) });
    expect(rows[3]).toMatchObject({ assessmentId, detail: {} });
    // Without `at`, the insert's now().
    expect(Math.abs(rows[4].at.getTime() - Date.now())).toBeLessThan(60_000);

    await expect(repos.events.listForOpportunity(id, 'opp-1', { limit: 2 })).resolves.toHaveLength(2);
    await repos.events.append([]);
  });

  it('never crosses accounts, refuses an unknown account, and goes with a deleted account', async () => {
    const a = await newAccount(repos, 'A');
    const b = await newAccount(repos, 'B');
    await repos.events.append({
      accountId: a.id,
      opportunityId: 'opp-shared',
      type: CandidateEventType.WebhookReceived,
      correlationId: 'x',
    });
    await expect(repos.events.listForOpportunity(b.id, 'opp-shared')).resolves.toEqual([]);
    await expect(
      repos.events.append({ accountId: randomUUID(), opportunityId: 'o', type: CandidateEventType.WebhookReceived, correlationId: 'x' }),
    ).rejects.toThrow();

    await repos.accounts.delete(a.id);
    const { count } = (await db.dataSource.query(`SELECT count(*)::int AS count FROM candidate_events WHERE account_id = $1`, [a.id]))[0];
    expect(count).toBe(0);
  });
});
