import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Account, createDataSource, isUniqueViolation } from '..';
import { plainQuery } from '../repositories/returned-rows';
import { newAccount, makeRepositories, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

// The repositories' plain SQL runs on TypeORM's pg pool without a query runner per statement
// (returned-rows.ts plainQuery). It must answer exactly as TypeORM's query() does, keep
// transactions, and fail with errors our constraint checks still read.
describe('plainQuery answers as TypeORM query() does', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

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
      await expect(plainQuery(tx.getRepository(Account), 'SELECT "name" FROM "accounts" WHERE "id" = $1', [account.id])).resolves.toEqual([
        { name: 'Inside' },
      ]);
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
    await expect(plainQuery(closed.getRepository(Account), 'SELECT 1', [])).rejects.toThrow();
  });
});
