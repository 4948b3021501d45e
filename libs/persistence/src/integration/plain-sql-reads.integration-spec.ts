import 'reflect-metadata';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import {
  Account,
  Assessment,
  AssessmentNote,
  LeverOpportunityView,
  TestDefinition,
  TriggerRule,
  createDataSource,
  isUniqueViolation,
  type AccountWithSecrets,
  type EarlierAttemptsQuery,
} from '..';
import { plainQuery } from '../repositories/returned-rows';
import { accountWithRule, makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, seal, type TestDatabase } from './test-database';

// The workers' per-job reads are plain SQL (returned-rows.ts selectEntities) instead of TypeORM's
// find, for CPU. Each must give exactly the entities TypeORM's own read gives: every column, with
// its type (dates, numeric score, jsonb, arrays, nulls) and order.
describe('plain SQL reads give what TypeORM reads', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  async function filledAssessments() {
    const { account, rule } = await accountWithRule(repos);
    const test = await repos.tests.create(account.id, { name: `T ${randomUUID()}`, platformTestId: 'pt-1', kind: RuleKind.TakeHome });
    const opportunityId = `opp-${randomUUID()}`;
    const triggeredAt = new Date('2026-03-04T05:06:07.891Z');
    const base = { accountId: account.id, opportunityId, candidateId: 'cand-1', ruleId: rule.id, kind: RuleKind.TakeHome, triggeredAt };
    const { assessment: scored } = await repos.assessments.insertIfNoActive({
      ...base,
      testId: test.id,
      contactId: 'contact-1',
      sourceDeliveryToken: 'tok-a',
      invitationRequest: { kind: 'take_home', testId: 'pt-1', reference: 'r', candidate: { name: 'N', email: 'n@example.com' } } as never,
    });
    await repos.assessments.transition(account.id, scored.id, [AssessmentStatus.Sent], {
      status: AssessmentStatus.Scored,
      score: 87.25,
      scoredAt: new Date('2026-03-05T00:00:00.001Z'),
      platformInvitationId: `inv-${randomUUID()}`,
      candidateUrl: 'https://platform.example/c',
      reportUrl: 'https://platform.example/r',
    });
    const { assessment: sent } = await repos.assessments.insertIfNoActive({ ...base, sourceDeliveryToken: null as never });
    return { account, rule, opportunityId, triggeredAt, scored, sent };
  }

  it('AccountsRepository.findByIdWithSecrets', async () => {
    const { account } = await filledAssessments();
    await repos.accounts.update(account.id, {
      performAsUserId: 'user-9',
      leverSignatureTokensEnc: seal('{"candidateHired":"t"}'),
    } as never);
    const typeorm = await db.dataSource
      .getRepository(Account)
      .createQueryBuilder('a')
      .addSelect([
        'a.leverApiKeyEnc',
        'a.leverSignatureTokenEnc',
        'a.leverSignatureTokensEnc',
        'a.leverOauthAccessTokenEnc',
        'a.leverOauthRefreshTokenEnc',
      ])
      .where('a.id = :id', { id: account.id })
      .getOne();
    const plain = await repos.accounts.findByIdWithSecrets(account.id);
    expect(plain).toEqual(typeorm);
    expect((plain as AccountWithSecrets).leverApiKeyEnc).toBeTruthy();
    expect(plain).toBeInstanceOf(Account);
    await expect(repos.accounts.findByIdWithSecrets(randomUUID())).resolves.toBeNull();
  });

  it('TriggerRulesRepository.list and TestsRepository.list (the account cache)', async () => {
    const { account } = await accountWithRule(repos);
    const names = ['Zeta', 'alpha', 'Beta'];
    const tests = [];
    for (const name of names) {
      tests.push(
        await repos.tests.create(account.id, { name: `${name} ${randomUUID()}`, platformTestId: `pt-${name}`, kind: RuleKind.TakeHome }),
      );
    }
    await repos.rules.create(account.id, {
      stageId: 'stage-2',
      stageName: 'Coding',
      requiredTag: 'Backend',
      kind: RuleKind.TakeHome,
      testId: tests[0]?.id,
      passThreshold: 70,
      failThreshold: 40,
      enabled: false,
    });
    await repos.rules.create(account.id, { stageId: 'stage-3', kind: RuleKind.LiveInterview, postingId: 'posting-1' });

    const rules = await repos.rules.list(account.id);
    expect(rules).toHaveLength(3);
    expect(rules).toEqual(
      await db.dataSource.getRepository(TriggerRule).find({ where: { accountId: account.id }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
    const listed = await repos.tests.list(account.id);
    expect(listed).toHaveLength(3);
    expect(listed).toEqual(
      await db.dataSource.getRepository(TestDefinition).find({ where: { accountId: account.id }, order: { name: 'ASC', id: 'ASC' } }),
    );
  });

  it('AssessmentsRepository.findById and listForOpportunity', async () => {
    const { account, opportunityId, scored, sent } = await filledAssessments();
    const repo = db.dataSource.getRepository(Assessment);
    for (const id of [scored.id, sent.id]) {
      const plain = await repos.assessments.findById(account.id, id);
      expect(plain).toEqual(await repo.findOneBy({ accountId: account.id, id }));
      expect(plain).toBeInstanceOf(Assessment);
    }
    expect((await repos.assessments.findById(account.id, scored.id))?.score).toBe(87.25);
    const list = await repos.assessments.listForOpportunity(account.id, opportunityId);
    expect(list).toEqual(await repo.find({ where: { accountId: account.id, opportunityId }, order: { createdAt: 'ASC', id: 'ASC' } }));
    expect(list.map((a) => a.id)).toEqual([scored.id, sent.id]);
    // Tenant-scoped: another account's id finds nothing.
    const other = await accountWithRule(repos);
    await expect(repos.assessments.findById(other.account.id, scored.id)).resolves.toBeNull();
    await expect(repos.assessments.listForOpportunity(other.account.id, opportunityId)).resolves.toEqual([]);
  });

  it('AssessmentsRepository.findEarlierAttempts: the finished assessment of the move', async () => {
    const finishedForMove = async (query: EarlierAttemptsQuery) => (await repos.assessments.findEarlierAttempts(query)).finishedForMove;
    const { account, rule, opportunityId, triggeredAt, scored, sent } = await filledAssessments();
    // Only the finished one of this move stays (the active one would take its slot below).
    await db.dataSource.getRepository(Assessment).delete({ id: sent.id });
    const where = { accountId: account.id, opportunityId, ruleId: rule.id, triggeredAt };
    const found = await finishedForMove({ ...where, otherThanDeliveryToken: 'tok-other' });
    expect(found).toEqual(await db.dataSource.getRepository(Assessment).findOneBy({ id: scored.id }));
    // Its own delivery, another move time, or only active ones: nothing.
    await expect(finishedForMove({ ...where, otherThanDeliveryToken: 'tok-a' })).resolves.toBeNull();
    await expect(
      finishedForMove({ ...where, triggeredAt: new Date(triggeredAt.getTime() + 1), otherThanDeliveryToken: 'x' }),
    ).resolves.toBeNull();
    await db.dataSource.getRepository(Assessment).update({ id: scored.id }, { status: AssessmentStatus.Completed });
    await expect(finishedForMove({ ...where, otherThanDeliveryToken: 'tok-other' })).resolves.toBeNull();
    // A row without a token (a manual resend) counts as another delivery.
    await db.dataSource.getRepository(Assessment).update({ id: scored.id }, { status: AssessmentStatus.Error, sourceDeliveryToken: null });
    await expect(finishedForMove({ ...where, otherThanDeliveryToken: 'tok-a' })).resolves.toMatchObject({
      id: scored.id,
    });
    const statuses = await db.dataSource.getRepository(Assessment).countBy({ id: scored.id, status: In([AssessmentStatus.Error]) });
    expect(statuses).toBe(1);
  });

  it('LeverOpportunityViewsRepository.find', async () => {
    const { account, opportunityId } = await filledAssessments();
    await repos.views.recordRead(
      account.id,
      opportunityId,
      { tags: ['b', 'a'], links: ['https://x.example'] },
      new Date('2026-01-01T00:00:00.123Z'),
    );
    const plain = await repos.views.find(account.id, opportunityId);
    expect(plain).toEqual(await db.dataSource.getRepository(LeverOpportunityView).findOneBy({ accountId: account.id, opportunityId }));
    expect(plain?.tags).toEqual(expect.arrayContaining(['a', 'b']));
    expect(plain).toBeInstanceOf(LeverOpportunityView);
    await expect(repos.views.find(account.id, 'nobody')).resolves.toBeNull();
  });

  it('AssessmentNotesRepository.listForAssessment', async () => {
    const { account, scored } = await filledAssessments();
    await repos.notes.claim(account.id, scored.id, 'scored');
    await repos.notes.claim(account.id, scored.id, 'completed');
    await repos.notes.setNoteId(account.id, scored.id, 'scored', 'note-1');
    const plain = await repos.notes.listForAssessment(account.id, scored.id);
    const typeorm = await db.dataSource
      .getRepository(AssessmentNote)
      .find({ where: { assessmentId: scored.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    expect(plain).toEqual(typeorm);
    expect(plain).toHaveLength(2);
    const other = await accountWithRule(repos);
    await expect(repos.notes.listForAssessment(other.account.id, scored.id)).resolves.toEqual([]);
  });

  it('OpportunitySyncReadsRepository.read gives what the three reads give, in one statement', async () => {
    const { account, opportunityId, scored, sent } = await filledAssessments();
    // Text that JSON must carry exactly: quotes, backslashes, unicode; and a json column (the request).
    await repos.views.recordRead(
      account.id,
      opportunityId,
      { tags: ['Zed "quoted"', 'back\\slash', 'Ünïcode ✓', 'a'], links: ["https://x.example/?q=1&r='2'"] },
      new Date('2026-01-01T00:00:00.123Z'),
    );
    await repos.notes.claim(account.id, scored.id, 'scored');
    await repos.notes.claim(account.id, scored.id, 'completed');
    await repos.notes.setNoteId(account.id, scored.id, 'scored', 'note-1');
    await repos.notes.claim(account.id, sent.id, 'sent');
    // Microseconds in a stored timestamp: both reads keep the milliseconds alone.
    await db.dataSource.query(`UPDATE "assessments" SET "scored_at" = '2026-03-05T00:00:00.123456Z' WHERE "id" = $1`, [scored.id]);

    const state = await repos.syncReads.read(account.id, opportunityId, scored.id);
    expect(state.assessments).toEqual(await repos.assessments.listForOpportunity(account.id, opportunityId));
    expect(state.view).toEqual(await repos.views.find(account.id, opportunityId));
    expect(state.notes).toEqual(await repos.notes.listForAssessment(account.id, scored.id));
    // Not only equal to our own plain reads: to TypeORM's.
    expect(state.assessments).toEqual(
      await db.dataSource
        .getRepository(Assessment)
        .find({ where: { accountId: account.id, opportunityId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
    expect(state.view).toEqual(await db.dataSource.getRepository(LeverOpportunityView).findOneBy({ accountId: account.id, opportunityId }));
    expect(state.assessments.map((a) => a.id)).toEqual([scored.id, sent.id]);
    expect(state.assessments[0]).toBeInstanceOf(Assessment);
    expect(state.assessments[0]?.score).toBe(87.25);
    expect(state.assessments[0]?.scoredAt).toEqual(new Date('2026-03-05T00:00:00.123Z'));
    expect(state.assessments[0]?.invitationRequest).toMatchObject({ candidate: { email: 'n@example.com' } });
    expect(state.view).toBeInstanceOf(LeverOpportunityView);
    expect(state.view?.tags).toEqual(expect.arrayContaining(['Zed "quoted"', 'back\\slash', 'Ünïcode ✓']));
    expect(state.notes.map((n) => n.eventKey)).toEqual(['scored', 'completed']);
    expect(state.notes[0]).toBeInstanceOf(AssessmentNote);

    // Nothing there: empty lists and no view, not a failure.
    await expect(repos.syncReads.read(account.id, 'nobody', randomUUID())).resolves.toEqual({ assessments: [], view: null, notes: [] });
    // Tenant-scoped: another account's ids find nothing of this one.
    const other = await accountWithRule(repos);
    await expect(repos.syncReads.read(other.account.id, opportunityId, scored.id)).resolves.toEqual({
      assessments: [],
      view: null,
      notes: [],
    });
  });

  // The repositories' plain SQL runs on TypeORM's pg pool without a query runner per statement
  // (returned-rows.ts plainQuery). It must answer exactly as TypeORM's query() does, keep
  // transactions, and fail with errors our constraint checks still read.
  describe('plainQuery answers as TypeORM query() does', () => {
    const accounts = () => db.dataSource.getRepository(Account);

    it('gives the same answer for SELECT, INSERT ... RETURNING, UPDATE and DELETE', async () => {
      const account = await newAccount(repos);
      // Each runs twice, TypeORM's query() first, then plainQuery: written so that the second run
      // answers as the first did (one audit line inserted, then one deleted, by each).
      const statements: [string, unknown[]][] = [
        ['SELECT "id", "name", "created_at" FROM "accounts" WHERE "id" = $1', [account.id]],
        ['SELECT "id" FROM "accounts" WHERE "id" = $1', [randomUUID()]],
        ['UPDATE "accounts" SET "name" = $2 WHERE "id" = $1 RETURNING "id", "name"', [account.id, 'Renamed']],
        ['UPDATE "accounts" SET "name" = $2 WHERE "id" = $1', [account.id, 'Renamed']],
        ['UPDATE "accounts" SET "name" = $2 WHERE "id" = $1', [randomUUID(), 'Nobody']],
        [
          `INSERT INTO "audit_log" ("actor", "action", "account_id", "entity_type", "entity_id", "details")
           VALUES ('test', 'test.run', $1::uuid, 'account', $1::text, '{"a": 1}') RETURNING "action", "details"`,
          [account.id],
        ],
        [
          `DELETE FROM "audit_log" WHERE "id" = (SELECT "id" FROM "audit_log" WHERE "account_id" = $1 AND "action" = $2 LIMIT 1)
           RETURNING "action"`,
          [account.id, 'test.run'],
        ],
        ['DELETE FROM "audit_log" WHERE "account_id" = $1 AND "action" = $2', [account.id, 'no.such.action']],
      ];
      for (const [sql, params] of statements) {
        const typeorm: unknown = await accounts().query(sql, params);
        await expect(plainQuery(accounts(), sql, params)).resolves.toEqual(typeorm);
      }
      // The answers above are not all empty: the shapes were compared on rows.
      await expect(
        plainQuery(accounts(), 'UPDATE "accounts" SET "name" = $2 WHERE "id" = $1 RETURNING "name"', [account.id, 'R']),
      ).resolves.toEqual([[{ name: 'R' }], 1]);
      await expect(plainQuery(accounts(), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual([{ name: 'R' }]);
    });

    it("runs on the transaction's query runner inside a transaction", async () => {
      const account = await newAccount(repos);
      await db.dataSource.transaction(async (tx) => {
        await plainQuery(tx.getRepository(Account), 'UPDATE "accounts" SET "name" = $2 WHERE "id" = $1', [account.id, 'Inside']);
        // Seen inside the transaction, not yet outside it.
        await expect(plainQuery(tx.getRepository(Account), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual(
          [{ name: 'Inside' }],
        );
        await expect(plainQuery(accounts(), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual([
          { name: account.name },
        ]);
      });
      await expect(plainQuery(accounts(), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual([
        { name: 'Inside' },
      ]);
    });

    it("fails with pg's error, which the constraint checks read", async () => {
      const account = await newAccount(repos);
      // A copy of the row: its primary key (and webhook key) are taken.
      const err = await plainQuery(accounts(), 'INSERT INTO "accounts" SELECT * FROM "accounts" WHERE "id" = $1', [account.id]).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isUniqueViolation(err)).toBe(true);
    });

    it('goes through TypeORM when the DataSource is not initialized (its own error)', async () => {
      const closed = createDataSource(db.url);
      await expect(plainQuery(closed.getRepository(Account), 'SELECT 1', [])).rejects.toThrow('Driver not Connected');
    });
  });

  // Outside a transaction, plainQuery prepares each text by name once per connection
  // (prepared-statements.ts). One connection per DataSource here, so what it prepared is what
  // pg_prepared_statements lists (read through TypeORM's query(), which prepares nothing).
  describe('plainQuery prepares its statements by name', () => {
    const opened: DataSource[] = [];
    afterAll(() => Promise.all(opened.map((ds) => ds.destroy())));

    async function oneConnection(preparedStatements?: number): Promise<Repository<Account>> {
      const ds = await createDataSource(db.url, { poolSize: 1, logging: false, preparedStatements }).initialize();
      opened.push(ds);
      return ds.getRepository(Account);
    }
    const prepared = async (repo: Repository<Account>) =>
      ((await repo.query('SELECT "statement" FROM pg_prepared_statements ORDER BY "prepare_time"')) as { statement: string }[]).map(
        (row) => row.statement,
      );

    it('once per text, up to DATABASE_PREPARED_STATEMENTS texts; the rest run unnamed with the same answers', async () => {
      const account = await newAccount(repos);
      const repo = await oneConnection(2);
      const byId = 'SELECT "name" FROM "accounts" WHERE "id" = $1';
      const byName = 'SELECT "id" FROM "accounts" WHERE "name" = $1 AND "id" = $2';
      const third = 'SELECT "id", "name" FROM "accounts" WHERE "id" = $1';
      for (let i = 0; i < 3; i++) await expect(plainQuery(repo, byId, [account.id])).resolves.toEqual([{ name: account.name }]);
      await expect(plainQuery(repo, byName, [account.name, account.id])).resolves.toEqual([{ id: account.id }]);
      await expect(plainQuery(repo, third, [account.id])).resolves.toEqual([{ id: account.id, name: account.name }]);
      expect(await prepared(repo)).toEqual([byId, byName]);
    });

    it('keeps its connection, and what it prepared there, when PostgreSQL refuses a statement', async () => {
      const account = await newAccount(repos);
      const repo = await oneConnection();
      const backend = 'SELECT pg_backend_pid() AS "pid"';
      const [before] = await plainQuery<{ pid: number }[]>(repo, backend);
      const copy = 'INSERT INTO "accounts" SELECT * FROM "accounts" WHERE "id" = $1';
      for (let i = 0; i < 2; i++) {
        const err = await plainQuery(repo, copy, [account.id]).catch((e: unknown) => e);
        expect(isUniqueViolation(err)).toBe(true);
      }
      await expect(plainQuery(repo, backend)).resolves.toEqual([before]);
      expect(await prepared(repo)).toEqual([backend, copy]);
    });

    it('prepares nothing at DATABASE_PREPARED_STATEMENTS=0', async () => {
      const account = await newAccount(repos);
      const repo = await oneConnection(0);
      await expect(plainQuery(repo, 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual([
        { name: account.name },
      ]);
      expect(await prepared(repo)).toEqual([]);
    });

    it('prepares nothing inside a transaction', async () => {
      const account = await newAccount(repos);
      const repo = await oneConnection();
      await repo.manager.transaction((tx) =>
        plainQuery(tx.getRepository(Account), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id]),
      );
      expect(await prepared(repo)).toEqual([]);
    });

    it('runs a statement once more, under a new name, when a migration changed its columns since it was prepared', async () => {
      const repo = await oneConnection();
      const table = `prepared_probe_${randomUUID().replace(/-/g, '')}`;
      await repo.query(`CREATE TABLE "${table}" ("id" int)`);
      const insert = `INSERT INTO "${table}" ("id") VALUES ($1) RETURNING *`;
      const select = `SELECT * FROM "${table}" ORDER BY "id"`;
      await expect(plainQuery(repo, insert, [1])).resolves.toEqual([{ id: 1 }]);
      await expect(plainQuery(repo, select)).resolves.toEqual([{ id: 1 }]);
      // What a migration adding a column does: PostgreSQL now refuses both prepared statements
      // on this connection ("cached plan must not change result type").
      await repo.query(`ALTER TABLE "${table}" ADD COLUMN "note" text NOT NULL DEFAULT 'x'`);
      await expect(plainQuery(repo, insert, [2])).resolves.toEqual([{ id: 2, note: 'x' }]);
      await expect(plainQuery(repo, select)).resolves.toEqual([
        { id: 1, note: 'x' },
        { id: 2, note: 'x' },
      ]);
      // The refused INSERT did nothing: one row per call. Later calls use the new names.
      await expect(plainQuery(repo, insert, [3])).resolves.toEqual([{ id: 3, note: 'x' }]);
      await expect(repo.query(`SELECT count(*)::int AS "n" FROM "${table}"`)).resolves.toEqual([{ n: 3 }]);
      expect((await prepared(repo)).filter((statement) => statement === insert)).toHaveLength(2);
      await repo.query(`DROP TABLE "${table}"`);
    });
  });
});
