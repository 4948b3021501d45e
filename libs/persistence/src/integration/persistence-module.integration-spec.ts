import 'reflect-metadata';
import { HealthRegistry, ObservabilityModule } from '@lever-assess/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AccountsRepository, createDatabase, dropDatabase, PersistenceModule, postgresHealthCheck, REPOSITORIES, runMigrations } from '..';
import { seal, uniqueDatabaseUrl } from './test-database';

describe(PersistenceModule.name, () => {
  const url = uniqueDatabaseUrl();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    await createDatabase(url);
    await runMigrations(url);
    moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule, PersistenceModule.forRoot({ databaseUrl: url, retryAttempts: 1, poolSize: 2 })],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await dropDatabase(url);
  });

  it('provides every repository, working against the database', async () => {
    for (const repository of REPOSITORIES) expect(moduleRef.get(repository)).toBeInstanceOf(repository);
    const accounts = moduleRef.get(AccountsRepository);
    const created = await accounts.create({
      name: 'Nest',
      tagPrefix: 'N',
      leverApiKeyEnc: seal('k'),
      leverSignatureTokenEnc: seal('t'),
      platformAccountId: 'p',
    });
    await expect(accounts.findByWebhookKey(created.webhookKey)).resolves.toMatchObject({ id: created.id });
  });

  it('registers its readiness check with the HealthRegistry', async () => {
    const checks = moduleRef.get(HealthRegistry).list();
    expect(checks.map((c) => c.name)).toEqual(['postgres']);
    await expect(checks[0].check()).resolves.toBeUndefined();
  });

  it('reports Postgres health through the injected DataSource', async () => {
    const dataSource = moduleRef.get(DataSource);
    const check = postgresHealthCheck(dataSource);
    expect(check.name).toBe('postgres');
    await expect(check.check()).resolves.toBeUndefined();
  });

  it('reports an unusable DataSource as unhealthy', async () => {
    const closed = new DataSource({ type: 'postgres', url });
    await expect(postgresHealthCheck(closed).check()).rejects.toThrow('not initialized');
  });
});
