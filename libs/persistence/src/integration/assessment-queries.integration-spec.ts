import 'reflect-metadata';
import { AssessmentStatus, RuleKind, statusTagOwner } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { Assessment, type Account, type EarlierAttemptsQuery, type TriggerRule } from '..';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

// More rows than the pages the services used to scan (100 in the dispatcher, 50 in result-sync).
const DECOYS = 120;
const MOVE_AT = new Date('2026-01-02T03:04:05.678Z');
const OTHER_MOVE_AT = new Date('2026-01-01T00:00:00.000Z');
const THIS_TOKEN = 'tok-this';
const EARLIER_TOKEN = 'tok-earlier';

type Row = Partial<Assessment> & Pick<Assessment, 'accountId' | 'opportunityId' | 'ruleId'>;

describe('AssessmentsRepository queries over a whole opportunity', () => {
  let db: TestDatabase;
  let repos: Repositories;
  // created_at is set per row, so "newest first" is known and the target can sit past any page.
  let clock = Date.parse('2026-03-01T00:00:00.000Z');

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  /** Plain INSERTs, one created_at second apart in call order (the first row is the oldest). */
  async function insert(...rows: Row[]): Promise<string[]> {
    const values = rows.map((row) => ({
      candidateId: `cand-${randomUUID()}`,
      kind: RuleKind.TakeHome,
      status: AssessmentStatus.Scored,
      triggeredAt: MOVE_AT,
      sourceDeliveryToken: EARLIER_TOKEN,
      ...row,
      createdAt: new Date((clock += 1000)),
    }));
    const { identifiers } = await db.dataSource.getRepository(Assessment).insert(values);
    return identifiers.map((i) => i.id as string);
  }

  async function setUp(): Promise<{ account: Account; rules: TriggerRule[]; opportunityId: string }> {
    const account = await newAccount(repos);
    const rules: TriggerRule[] = [];
    for (let i = 0; i < 5; i++) rules.push(await repos.rules.create(account.id, { stageId: `stage-${i}`, kind: RuleKind.TakeHome }));
    return { account, rules, opportunityId: `opp-${randomUUID()}` };
  }

  /** What the old in-memory scans saw: the newest `limit` rows of the opportunity. */
  async function oldPageIds(accountId: string, opportunityId: string, limit: number): Promise<string[]> {
    const { items, total } = await repos.assessments.list(accountId, { opportunityId }, { limit });
    expect(total).toBeGreaterThan(limit);
    return items.map((a) => a.id);
  }

  describe('findEarlierAttempts: the finished assessment of the move', () => {
    /** The finished assessment findEarlierAttempts reports for the move. */
    const finishedForMove = async (query: EarlierAttemptsQuery) => (await repos.assessments.findEarlierAttempts(query)).finishedForMove;

    it('finds the finished assessment of the move from another delivery behind 120 newer rows', async () => {
      const { account, rules, opportunityId } = await setUp();
      const [rule, otherRule, sentRule] = rules;
      const base = { accountId: account.id, opportunityId, ruleId: rule.id };
      const [target] = await insert({ ...base, status: AssessmentStatus.Scored });
      // Each decoy misses exactly one condition.
      const decoys: Row[] = Array.from(
        { length: DECOYS },
        (_, i) =>
          [
            { ...base, status: AssessmentStatus.Error, sourceDeliveryToken: THIS_TOKEN }, // this delivery
            { ...base, triggeredAt: OTHER_MOVE_AT }, // another move
            { ...base, ruleId: otherRule.id }, // another rule
          ][i % 3],
      );
      await insert(...decoys);
      await insert(
        { ...base, ruleId: sentRule.id, status: AssessmentStatus.Sent }, // still active
        { ...base, opportunityId: `${opportunityId}-other` }, // another opportunity
      );
      expect(await oldPageIds(account.id, opportunityId, 100)).not.toContain(target);

      const found = await finishedForMove({
        ...base,
        triggeredAt: new Date(MOVE_AT.getTime()),
        otherThanDeliveryToken: THIS_TOKEN,
      });
      expect(found).toMatchObject({ id: target, status: AssessmentStatus.Scored, sourceDeliveryToken: EARLIER_TOKEN });
      expect(found?.triggeredAt.toISOString()).toBe(MOVE_AT.toISOString());
    });

    it('skips active rows, treats a row without a token as another delivery, and returns the newest match', async () => {
      const { account, rules, opportunityId } = await setUp();
      const base = { accountId: account.id, opportunityId, ruleId: rules[0].id };
      const query = { ...base, triggeredAt: MOVE_AT, otherThanDeliveryToken: THIS_TOKEN };
      await insert({ ...base, status: AssessmentStatus.Completed });
      await expect(finishedForMove(query)).resolves.toBeNull();

      const [manual] = await insert({ ...base, status: AssessmentStatus.Error, sourceDeliveryToken: null });
      await expect(finishedForMove(query)).resolves.toMatchObject({ id: manual });
      const [newer] = await insert({ ...base, status: AssessmentStatus.Canceled });
      await expect(finishedForMove(query)).resolves.toMatchObject({ id: newer });
    });

    it("never returns another account's rows", async () => {
      const { account, rules, opportunityId } = await setUp();
      await insert({ accountId: account.id, opportunityId, ruleId: rules[0].id });
      const stranger = await newAccount(repos, 'Stranger');
      await expect(
        finishedForMove({
          accountId: stranger.id,
          opportunityId,
          ruleId: rules[0].id,
          triggeredAt: MOVE_AT,
          otherThanDeliveryToken: THIS_TOKEN,
        }),
      ).resolves.toBeNull();
    });
  });

  describe('listSentWithoutInvitation', () => {
    it("lists every one of the delivery's uninvited 'sent' rows behind 120 newer rows, newest first", async () => {
      const { account, rules, opportunityId } = await setUp();
      const [ruleA, ruleB, withInvitation, otherToken, noToken] = rules;
      const base = { accountId: account.id, opportunityId, status: AssessmentStatus.Sent, sourceDeliveryToken: THIS_TOKEN };
      const targets = await insert({ ...base, ruleId: ruleA.id }, { ...base, ruleId: ruleB.id });
      const decoys: Row[] = Array.from(
        { length: DECOYS },
        (_, i) =>
          [
            { ...base, ruleId: ruleA.id, status: AssessmentStatus.Error }, // not 'sent' any more
            { ...base, ruleId: ruleA.id, status: AssessmentStatus.Scored, platformInvitationId: `inv-${i}` },
          ][i % 2],
      );
      await insert(...decoys);
      await insert(
        { ...base, ruleId: ruleA.id, opportunityId: `${opportunityId}-other` }, // another opportunity
        { ...base, ruleId: withInvitation.id, platformInvitationId: 'inv-sent' },
        { ...base, ruleId: otherToken.id, sourceDeliveryToken: EARLIER_TOKEN },
        { ...base, ruleId: noToken.id, sourceDeliveryToken: null },
      );
      const oldPage = await oldPageIds(account.id, opportunityId, 100);
      expect(oldPage).not.toContain(targets[0]);
      expect(oldPage).not.toContain(targets[1]);

      const unsent = await repos.assessments.listSentWithoutInvitation({
        accountId: account.id,
        opportunityId,
        sourceDeliveryToken: THIS_TOKEN,
      });
      expect(unsent.map((a) => a.id)).toEqual([targets[1], targets[0]]);
      expect(unsent.every((a) => a.status === AssessmentStatus.Sent && a.platformInvitationId === null)).toBe(true);
    });

    it("never returns another account's rows", async () => {
      const { account, rules, opportunityId } = await setUp();
      await insert({
        accountId: account.id,
        opportunityId,
        ruleId: rules[0].id,
        status: AssessmentStatus.Sent,
        sourceDeliveryToken: THIS_TOKEN,
      });
      const stranger = await newAccount(repos, 'Stranger');
      await expect(
        repos.assessments.listSentWithoutInvitation({ accountId: stranger.id, opportunityId, sourceDeliveryToken: THIS_TOKEN }),
      ).resolves.toEqual([]);
      await expect(
        repos.assessments.listSentWithoutInvitation({ accountId: account.id, opportunityId, sourceDeliveryToken: THIS_TOKEN }),
      ).resolves.toHaveLength(1);
    });
  });

  describe('listStatusTagViews', () => {
    it('returns all 121 assessments of the opportunity, so the owner behind the first page wins', async () => {
      const { account, rules, opportunityId } = await setUp();
      const base = { accountId: account.id, opportunityId, ruleId: rules[0].id };
      // One move with an error first, then 120 expired live pads: the error must own the tag.
      const [error] = await insert({ ...base, status: AssessmentStatus.Error });
      const pads = await insert(
        ...Array.from({ length: DECOYS }, () => ({ ...base, kind: RuleKind.LiveInterview, status: AssessmentStatus.Expired })),
      );
      // Rows of another opportunity and another account, with the same opportunity id.
      await insert({ ...base, opportunityId: `${opportunityId}-other`, status: AssessmentStatus.Error });
      const stranger = await newAccount(repos, 'Stranger');
      const strangerRule = await repos.rules.create(stranger.id, { stageId: 'stage-0', kind: RuleKind.TakeHome });
      await insert({ accountId: stranger.id, opportunityId, ruleId: strangerRule.id, status: AssessmentStatus.Error });
      expect(await oldPageIds(account.id, opportunityId, 50)).not.toContain(error);

      const views = await repos.assessments.listStatusTagViews(account.id, opportunityId);
      expect(views).toHaveLength(DECOYS + 1);
      expect(new Set(views.map((v) => v.id))).toEqual(new Set([error, ...pads]));
      expect(Object.keys(views[0]).sort()).toEqual(['createdAt', 'id', 'kind', 'status', 'triggeredAt']);
      expect(views[0]).toMatchObject({ id: error, status: AssessmentStatus.Error, kind: RuleKind.TakeHome });
      expect(views[0].triggeredAt.toISOString()).toBe(MOVE_AT.toISOString());
      expect(statusTagOwner(views)?.id).toBe(error);

      await expect(repos.assessments.listStatusTagViews(stranger.id, opportunityId)).resolves.toHaveLength(1);
      await expect(repos.assessments.listStatusTagViews(account.id, `opp-${randomUUID()}`)).resolves.toEqual([]);

      // The full rows, the same set in the same order (result-sync decides the owner from these).
      const rows = await repos.assessments.listForOpportunity(account.id, opportunityId);
      expect(rows.map((r) => r.id)).toEqual(views.map((v) => v.id));
      expect(rows[0]).toEqual(await repos.assessments.findById(account.id, error));
    });
  });
});
