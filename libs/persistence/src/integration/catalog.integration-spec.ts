import 'reflect-metadata';
import { RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { ConstraintViolationError, ReferenceNotFoundError, RuleInUseError, TestInUseError, TestNameTakenError } from '..';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('TestsRepository and TriggerRulesRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  describe('test catalog', () => {
    it('keeps names unique per account ignoring case, on create and on rename', async () => {
      const account = await newAccount(repos);
      await repos.tests.create(account.id, { name: 'Java Senior', platformTestId: 'p1', kind: RuleKind.TakeHome });
      await expect(
        repos.tests.create(account.id, { name: 'java SENIOR', platformTestId: 'p2', kind: RuleKind.TakeHome }),
      ).rejects.toBeInstanceOf(TestNameTakenError);
      const other = await repos.tests.create(account.id, { name: 'Python', platformTestId: 'p3', kind: RuleKind.TakeHome });
      await expect(repos.tests.update(account.id, other.id, { name: 'JAVA senior' })).rejects.toMatchObject({
        code: 'TEST_NAME_TAKEN',
      });
      // Another account may use the same name.
      const second = await newAccount(repos, 'Second');
      await expect(
        repos.tests.create(second.id, { name: 'Java Senior', platformTestId: 'p1', kind: RuleKind.TakeHome }),
      ).resolves.toMatchObject({ name: 'Java Senior' });
    });

    it('finds a test by name ignoring case, only within the account', async () => {
      const account = await newAccount(repos);
      const created = await repos.tests.create(account.id, { name: 'Go Backend', platformTestId: 'g', kind: RuleKind.TakeHome });
      await expect(repos.tests.findByNameInsensitive(account.id, 'go backend')).resolves.toMatchObject({ id: created.id });
      await expect(repos.tests.findByNameInsensitive(account.id, 'go')).resolves.toBeNull();
      const stranger = await newAccount(repos, 'Stranger');
      await expect(repos.tests.findByNameInsensitive(stranger.id, 'Go Backend')).resolves.toBeNull();
      await expect(repos.tests.findByAnyNameInsensitive(account.id, ['vip', 'GO BACKEND'])).resolves.toEqual([
        expect.objectContaining({ id: created.id }),
      ]);
      await expect(repos.tests.findByAnyNameInsensitive(account.id, [])).resolves.toEqual([]);
    });

    it('refuses an unknown kind', async () => {
      const account = await newAccount(repos);
      await expect(repos.tests.create(account.id, { name: 'T', platformTestId: 'p', kind: 'quiz' as RuleKind })).rejects.toMatchObject({
        code: 'CONSTRAINT_VIOLATION',
        constraint: 'ck_tests_kind',
      });
    });

    it('refuses to delete a test a rule uses, and deletes it once unused', async () => {
      const account = await newAccount(repos);
      const test = await repos.tests.create(account.id, { name: 'T', platformTestId: 'p', kind: RuleKind.TakeHome });
      const rule = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, testId: test.id });
      await expect(repos.tests.delete(account.id, test.id)).rejects.toBeInstanceOf(TestInUseError);
      await repos.rules.update(account.id, rule.id, { testId: null });
      await expect(repos.tests.delete(account.id, test.id)).resolves.toBe(true);
      await expect(repos.tests.delete(account.id, test.id)).resolves.toBe(false);
    });
  });

  describe('trigger rules', () => {
    it('applies the defaults: 120 minutes, enabled', async () => {
      const account = await newAccount(repos);
      const rule = await repos.rules.create(account.id, { stageId: 'stage-1', kind: RuleKind.TakeHome });
      expect(rule).toMatchObject({
        accountId: account.id,
        timeLimitMinutes: 120,
        enabled: true,
        requiredTag: null,
        passThreshold: null,
        failThreshold: null,
        testId: null,
      });
    });

    it.each([
      [{ passThreshold: 101 }, 'ck_trigger_rules_pass_threshold'],
      [{ passThreshold: -1 }, 'ck_trigger_rules_pass_threshold'],
      [{ failThreshold: 101 }, 'ck_trigger_rules_fail_threshold'],
      [{ failThreshold: -5 }, 'ck_trigger_rules_fail_threshold'],
      [{ passThreshold: 50, failThreshold: 50 }, 'ck_trigger_rules_fail_below_pass'],
      [{ passThreshold: 40, failThreshold: 60 }, 'ck_trigger_rules_fail_below_pass'],
      [{ timeLimitMinutes: 0 }, 'ck_trigger_rules_time_limit'],
    ])('refuses %j (%s)', async (values, constraint) => {
      const account = await newAccount(repos);
      const error = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, ...values }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConstraintViolationError);
      expect(error).toMatchObject({ constraint });
    });

    it.each([
      [{ passThreshold: 0, failThreshold: null }],
      [{ passThreshold: 100 }],
      [{ failThreshold: 0 }],
      [{ passThreshold: 70, failThreshold: 69 }],
      [{ passThreshold: 100, failThreshold: 0 }],
    ])('accepts %j', async (values) => {
      const account = await newAccount(repos);
      await expect(repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, ...values })).resolves.toMatchObject(values);
    });

    it('checks thresholds on update too', async () => {
      const account = await newAccount(repos);
      const rule = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, passThreshold: 80 });
      await expect(repos.rules.update(account.id, rule.id, { failThreshold: 90 })).rejects.toMatchObject({
        constraint: 'ck_trigger_rules_fail_below_pass',
      });
      await expect(repos.rules.update(account.id, rule.id, { failThreshold: 30 })).resolves.toMatchObject({
        passThreshold: 80,
        failThreshold: 30,
      });
    });

    it('lists the enabled rules of one stage of one account', async () => {
      const account = await newAccount(repos);
      const stage = `stage-${randomUUID()}`;
      const a = await repos.rules.create(account.id, { stageId: stage, kind: RuleKind.TakeHome });
      const b = await repos.rules.create(account.id, { stageId: stage, kind: RuleKind.LiveInterview, requiredTag: 'pad' });
      await repos.rules.create(account.id, { stageId: stage, kind: RuleKind.TakeHome, enabled: false });
      await repos.rules.create(account.id, { stageId: 'elsewhere', kind: RuleKind.TakeHome });
      const stranger = await newAccount(repos, 'Stranger');
      await repos.rules.create(stranger.id, { stageId: stage, kind: RuleKind.TakeHome });
      const rules = await repos.rules.listEnabledForStage(account.id, stage);
      expect(rules.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    });

    it("refuses another account's test, and stays inside the account", async () => {
      const account = await newAccount(repos);
      const stranger = await newAccount(repos, 'Stranger');
      const foreignTest = await repos.tests.create(stranger.id, { name: 'F', platformTestId: 'f', kind: RuleKind.TakeHome });
      await expect(
        repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, testId: foreignTest.id }),
      ).rejects.toBeInstanceOf(ReferenceNotFoundError);
      const rule = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome });
      await expect(repos.rules.findById(stranger.id, rule.id)).resolves.toBeNull();
      await expect(repos.rules.update(stranger.id, rule.id, { enabled: false })).resolves.toBeNull();
      await expect(repos.rules.delete(stranger.id, rule.id)).resolves.toBe(false);
    });

    it('refuses to delete a rule that has assessments', async () => {
      const account = await newAccount(repos);
      const rule = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome });
      await repos.assessments.insertIfNoActive({
        accountId: account.id,
        opportunityId: 'o',
        candidateId: 'c',
        ruleId: rule.id,
        kind: RuleKind.TakeHome,
        triggeredAt: new Date(),
      });
      await expect(repos.rules.delete(account.id, rule.id)).rejects.toBeInstanceOf(RuleInUseError);
      const unused = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome });
      await expect(repos.rules.delete(account.id, unused.id)).resolves.toBe(true);
    });
  });
});
