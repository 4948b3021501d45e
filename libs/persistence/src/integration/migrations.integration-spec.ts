import 'reflect-metadata';
import { Client } from 'pg';
import { createDatabase, createDataSource, dropDatabase, MIGRATIONS, MIGRATIONS_TABLE, revertLastMigration, runMigrations } from '..';
import { uniqueDatabaseUrl } from './test-database';

async function tablesIn(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  const url = uniqueDatabaseUrl();

  afterAll(() => dropDatabase(url));

  it('creates the database once, and dropping it is idempotent', async () => {
    await expect(createDatabase(url)).resolves.toBe(true);
    await expect(createDatabase(url)).resolves.toBe(false);
    const other = uniqueDatabaseUrl();
    await createDatabase(other);
    await dropDatabase(other);
    await expect(dropDatabase(other)).resolves.toBeUndefined();
  });

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const applied = await runMigrations(url);
    expect(applied).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(applied[0]).toMatch(/^InitialSchema\d{13}$/);
    await expect(runMigrations(url)).resolves.toEqual([]);
    expect(await tablesIn(url)).toEqual(
      [
        'accounts',
        'admin_tokens',
        'assessment_notes',
        'assessments',
        'audit_log',
        'candidate_events',
        'console_sessions',
        'console_sign_in_links',
        'lever_deliveries',
        'lever_opportunity_views',
        'recruiter_actions',
        'tests',
        'trigger_rules',
        MIGRATIONS_TABLE,
      ].sort(),
    );
  });

  it('leaves no difference between the entities and the migrated schema', async () => {
    // What `typeorm migration:generate` would write: must be nothing, or entity and migration disagree.
    const ds = await createDataSource(url, { logging: false }).initialize();
    try {
      const { upQueries } = await ds.driver.createSchemaBuilder().log();
      expect(upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('reverts the last migration down to an empty schema, and applies again', async () => {
    const name = await revertLastMigration(url);
    expect(name).toBe(new MIGRATIONS[MIGRATIONS.length - 1]().name);
    if (MIGRATIONS.length === 1) expect(await tablesIn(url)).toEqual([MIGRATIONS_TABLE]);
    while (await revertLastMigration(url));
    expect(await tablesIn(url)).toEqual([MIGRATIONS_TABLE]);
    await expect(revertLastMigration(url)).resolves.toBeNull();
    await expect(runMigrations(url)).resolves.toHaveLength(MIGRATIONS.length);
  });
});
