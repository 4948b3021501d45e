import 'reflect-metadata';
import { HealthRegistry, ObservabilityModule } from '@lever-assess/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { DataSource } from 'typeorm';
import {
  AccountsRepository,
  createDatabase,
  DatabaseConnection,
  dropDatabase,
  PersistenceModule,
  postgresHealthCheck,
  REPOSITORIES,
  runMigrations,
} from '..';
import { seal, uniqueDatabaseUrl } from './test-database';

/** A port nothing listens on (yet): bound, read and released. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Opens `port` as a TCP relay to PostgreSQL: "PostgreSQL comes back". */
function relayToPostgres(port: number, target: URL): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, '127.0.0.1', () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

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

describe(`${PersistenceModule.name} connecting in the background`, () => {
  const url = uniqueDatabaseUrl();
  let moduleRef: TestingModule | undefined;
  let relay: { close(): Promise<void> } | undefined;

  beforeAll(async () => {
    await createDatabase(url);
    await runMigrations(url);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await relay?.close();
    await dropDatabase(url);
  });

  it('starts while PostgreSQL is unreachable, leaves it out of readiness, and connects once it answers', async () => {
    const port = await unusedPort();
    const unreachable = new URL(url);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = String(port);
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule,
        PersistenceModule.forRoot({
          databaseUrl: unreachable.toString(),
          connectInBackground: true,
          readinessCheck: false,
          retryDelayMs: 200,
        }),
      ],
    }).compile();
    // Without connectInBackground, init retries and then throws (the app would not start).
    await moduleRef.init();
    const connection = moduleRef.get(DatabaseConnection);
    expect(connection.isConnected).toBe(false);
    expect(
      moduleRef
        .get(HealthRegistry)
        .list()
        .map((c) => c.name),
    ).toEqual([]);
    await expect(moduleRef.get(AccountsRepository).list()).rejects.toThrow();

    relay = await relayToPostgres(port, new URL(url));
    const deadline = Date.now() + 10_000;
    while (!connection.isConnected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(connection.isConnected).toBe(true);
    await expect(moduleRef.get(AccountsRepository).list()).resolves.toMatchObject({ total: 0 });
  });
});
