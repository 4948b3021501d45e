import 'reflect-metadata';
import { ASSESSMENT_STATUSES, AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import {
  Assessment,
  ConstraintViolationError,
  isUniqueViolation,
  ReferenceNotFoundError,
  UQ_ASSESSMENT_ACTIVE,
  type NewAssessment,
} from '..';
import { accountWithRule, makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('AssessmentsRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  async function newInput(overrides: Partial<NewAssessment> = {}): Promise<NewAssessment> {
    const { account, rule } = await accountWithRule(repos);
    return {
      accountId: account.id,
      opportunityId: `opp-${randomUUID()}`,
      candidateId: `cand-${randomUUID()}`,
      ruleId: rule.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date('2026-01-02T03:04:05.678Z'),
      sourceDeliveryToken: `tok-${randomUUID()}`,
      ...overrides,
    };
  }

  /** A plain INSERT, bypassing insertIfNoActive, to test the index itself. */
  function rawInsert(input: NewAssessment, status: AssessmentStatus) {
    return db.dataSource.getRepository(Assessment).insert({ ...input, status });
  }

  describe('uq_assessment_active', () => {
    it('rejects a second active assessment for the same account, opportunity and rule', async () => {
      const input = await newInput();
      await rawInsert(input, AssessmentStatus.Sent);
      const error = await rawInsert(input, AssessmentStatus.Completed).catch((e: unknown) => e);
      expect(isUniqueViolation(error, UQ_ASSESSMENT_ACTIVE)).toBe(true);
    });

    it.each([AssessmentStatus.Error, AssessmentStatus.Scored, AssessmentStatus.Expired, AssessmentStatus.Canceled])(
      'allows a new active assessment once the first is %s',
      async (finished) => {
        const input = await newInput();
        const { identifiers } = await rawInsert(input, AssessmentStatus.Sent);
        await expect(rawInsert(input, AssessmentStatus.Sent)).rejects.toThrow();
        await repos.assessments.update(input.accountId, identifiers[0].id as string, { status: finished });
        await expect(rawInsert(input, AssessmentStatus.Sent)).resolves.toBeDefined();
      },
    );

    it('does not tie different rules or opportunities together', async () => {
      const input = await newInput();
      const otherRule = await repos.rules.create(input.accountId, { stageId: 's2', kind: RuleKind.LiveInterview });
      await rawInsert(input, AssessmentStatus.Sent);
      await expect(rawInsert({ ...input, ruleId: otherRule.id }, AssessmentStatus.Sent)).resolves.toBeDefined();
      await expect(rawInsert({ ...input, opportunityId: 'opp-other' }, AssessmentStatus.Sent)).resolves.toBeDefined();
    });
  });

  describe('insertIfNoActive', () => {
    it('creates one, then returns the same one for a duplicate trigger', async () => {
      const input = await newInput();
      const first = await repos.assessments.insertIfNoActive(input);
      expect(first.created).toBe(true);
      expect(first.assessment).toMatchObject({
        accountId: input.accountId,
        opportunityId: input.opportunityId,
        ruleId: input.ruleId,
        status: AssessmentStatus.Sent,
        testId: null,
        score: null,
      });
      expect(first.assessment.triggeredAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
      const second = await repos.assessments.insertIfNoActive({ ...input, sourceDeliveryToken: 'another-token' });
      expect(second).toEqual({ assessment: first.assessment, created: false });
    });

    it('creates exactly one of 10 concurrent duplicate inserts, and all see the same row', async () => {
      const input = await newInput();
      const results = await Promise.all(Array.from({ length: 10 }, () => repos.assessments.insertIfNoActive(input)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.assessment.id)).size).toBe(1);
      const all = await repos.assessments.list(input.accountId, { opportunityId: input.opportunityId });
      expect(all.total).toBe(1);
    });

    it('creates a new one after the active one ended in error', async () => {
      const input = await newInput();
      const first = await repos.assessments.insertIfNoActive(input);
      await repos.assessments.update(input.accountId, first.assessment.id, {
        status: AssessmentStatus.Error,
        errorCode: 'PLATFORM_REFUSED',
      });
      const retry = await repos.assessments.insertIfNoActive(input);
      expect(retry.created).toBe(true);
      expect(retry.assessment.id).not.toBe(first.assessment.id);
    });

    it('records an error assessment without occupying the slot', async () => {
      const input = await newInput();
      const failed = await repos.assessments.insertIfNoActive({
        ...input,
        status: AssessmentStatus.Error,
        errorCode: 'CANDIDATE_NO_EMAIL',
      });
      expect(failed.created).toBe(true);
      await expect(repos.assessments.insertIfNoActive(input)).resolves.toMatchObject({ created: true });
    });

    it("refuses another account's rule or test", async () => {
      const input = await newInput();
      const other = await accountWithRule(repos);
      const otherTest = await repos.tests.create(other.account.id, { name: 'X', platformTestId: 'p', kind: RuleKind.TakeHome });
      await expect(repos.assessments.insertIfNoActive({ ...input, ruleId: other.rule.id })).rejects.toBeInstanceOf(ReferenceNotFoundError);
      await expect(repos.assessments.insertIfNoActive({ ...input, testId: otherTest.id })).rejects.toBeInstanceOf(ReferenceNotFoundError);
    });
  });

  it('update and transition return the row exactly as a fresh read gives it', async () => {
    const input = await newInput();
    const { assessment } = await repos.assessments.insertIfNoActive(input);
    expect(assessment).toEqual(await repos.assessments.findById(input.accountId, assessment.id));
    const scored = await repos.assessments.transition(input.accountId, assessment.id, [AssessmentStatus.Sent], {
      status: AssessmentStatus.Scored,
      score: 87.5,
      scoredAt: new Date('2026-02-03T04:05:06.789Z'),
      platformInvitationId: 'inv-1',
    });
    expect(scored).toEqual(await repos.assessments.findById(input.accountId, assessment.id));
    expect(scored).toMatchObject({ status: AssessmentStatus.Scored, score: 87.5, platformInvitationId: 'inv-1' });
    expect(scored?.updatedAt.getTime()).toBeGreaterThanOrEqual(assessment.updatedAt.getTime());
    // Not in a `from` status: nothing changes and nothing is returned.
    await expect(repos.assessments.transition(input.accountId, assessment.id, [AssessmentStatus.Sent], { score: 1 })).resolves.toBeNull();
    await expect(repos.assessments.update(input.accountId, randomUUID(), { score: 1 })).resolves.toBeNull();
  });

  it('accepts every domain status and kind, and the database refuses others', async () => {
    const input = await newInput();
    for (const status of ASSESSMENT_STATUSES) {
      const { identifiers } = await rawInsert({ ...input, opportunityId: `opp-${status}` }, status);
      expect(identifiers).toHaveLength(1);
    }
    const { assessment } = await repos.assessments.insertIfNoActive({ ...input, kind: RuleKind.LiveInterview });
    await expect(repos.assessments.update(input.accountId, assessment.id, { status: 'pending' as AssessmentStatus })).rejects.toMatchObject(
      { code: 'CONSTRAINT_VIOLATION', constraint: 'ck_assessments_status' },
    );
    await expect(repos.assessments.update(input.accountId, assessment.id, { status: 'bogus' as AssessmentStatus })).rejects.toBeInstanceOf(
      ConstraintViolationError,
    );
  });

  it('transition() moves forward only from the given statuses', async () => {
    const input = await newInput();
    const { assessment } = await repos.assessments.insertIfNoActive(input);
    const scoredAt = new Date('2026-02-01T00:00:00.000Z');
    const scored = await repos.assessments.transition(input.accountId, assessment.id, [AssessmentStatus.Sent, AssessmentStatus.Completed], {
      status: AssessmentStatus.Scored,
      score: 87.5,
      reportUrl: 'https://platform.example/r/1',
      scoredAt,
    });
    expect(scored).toMatchObject({ status: AssessmentStatus.Scored, score: 87.5, scoredAt });
    // A late 'completed' event must not move it back.
    const late = await repos.assessments.transition(input.accountId, assessment.id, [AssessmentStatus.Sent], {
      status: AssessmentStatus.Completed,
    });
    expect(late).toBeNull();
    await expect(repos.assessments.findById(input.accountId, assessment.id)).resolves.toMatchObject({
      status: AssessmentStatus.Scored,
    });
  });

  it('keeps reads and writes inside the account', async () => {
    const input = await newInput();
    const { assessment } = await repos.assessments.insertIfNoActive(input);
    const stranger = await newAccount(repos, 'Stranger');
    await expect(repos.assessments.findById(stranger.id, assessment.id)).resolves.toBeNull();
    await expect(repos.assessments.update(stranger.id, assessment.id, { status: AssessmentStatus.Canceled })).resolves.toBeNull();
    await expect(repos.assessments.list(stranger.id)).resolves.toMatchObject({ total: 0, items: [] });
    await expect(repos.assessments.findById(input.accountId, assessment.id)).resolves.toMatchObject({ status: 'sent' });
  });

  it('finds by platform reference only when assessment and invitation ids both match', async () => {
    const input = await newInput();
    const { assessment } = await repos.assessments.insertIfNoActive(input);
    await repos.assessments.update(input.accountId, assessment.id, { platformInvitationId: 'inv-1', candidateUrl: 'https://c' });
    await expect(repos.assessments.findByPlatformReference(assessment.id, 'inv-1')).resolves.toMatchObject({ id: assessment.id });
    await expect(repos.assessments.findByPlatformReference(assessment.id, 'inv-2')).resolves.toBeNull();
  });

  it('lists newest first with filters and a bounded page', async () => {
    const input = await newInput();
    for (let i = 0; i < 3; i++) {
      const rule = await repos.rules.create(input.accountId, { stageId: `s${i}`, kind: RuleKind.TakeHome });
      await repos.assessments.insertIfNoActive({ ...input, ruleId: rule.id });
    }
    const page = await repos.assessments.list(input.accountId, { opportunityId: input.opportunityId }, { limit: 2 });
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0].createdAt.getTime()).toBeGreaterThanOrEqual(page.items[1].createdAt.getTime());
    const scored = await repos.assessments.list(input.accountId, { status: AssessmentStatus.Scored });
    expect(scored.total).toBe(0);
    await expect(repos.assessments.list(input.accountId, {}, { limit: 10_000 })).resolves.toMatchObject({ limit: 200 });
  });
});
