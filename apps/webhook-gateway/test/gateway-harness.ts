import { SecretBox, createHttpApp, createLogger, signLeverWebhook, signPlatformPayload } from '@lever-assess/common';
import { Account, AccountsRepository, createDataSource } from '@lever-assess/persistence';
import { QueueName, type LeverEventsJob, type PlatformEventJob } from '@lever-assess/queues';
import { redisOptionsFromUrl } from '@lever-assess/redis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadGatewayEnv } from '../src/config';

/** The key the app decrypts with, and the tests encrypt with. */
export const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
export const PLATFORM_SECRET = 'platform-webhook-secret-for-tests';

export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
  /** JSON log lines the app wrote. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Builds the gateway in-process, as main.ts does (raw body, body limit), listening on a free port.
 * `waitUntil` (e.g. `eventually`) is given a probe that holds once the gateway subscribed to
 * account changes and reloaded after subscribing: from then on an announced change is never missed.
 */
export async function startGateway(
  env: Record<string, string>,
  waitUntil?: (probe: () => boolean) => Promise<unknown>,
): Promise<RunningGateway> {
  const gatewayEnv = loadGatewayEnv({ ENCRYPTION_KEY, PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET, LOG_LEVEL: 'info', ...env });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('webhook-gateway', gatewayEnv.LOG_LEVEL, {
    write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = await createHttpApp(AppModule.forRoot(gatewayEnv), {
    service: 'webhook-gateway',
    logger,
    rawBody: true,
    bodyLimitBytes: gatewayEnv.WEBHOOK_BODY_LIMIT_BYTES,
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  if (waitUntil) {
    const subscribedAt = () => logs.findIndex((l) => l.msg === 'subscribed to account changes');
    await waitUntil(() => subscribedAt() >= 0 && logs.slice(subscribedAt()).some((l) => l.msg === 'account cache loaded'));
  }
  return { app, url, logs, close: () => app.close() };
}

/** What a spec gets from @lever-assess/testing (only spec files may import it): its database and Redis namespace. */
export interface WorldServices {
  db: { url: string; drop(): Promise<void> };
  ns: { prefix: string; redis: Redis; cleanup(): Promise<void> };
  redisUrl: string;
}

/** A test file's world: its own database, Redis prefix, repository and queue handles. */
export interface GatewayWorld extends WorldServices {
  dataSource: DataSource;
  accounts: AccountsRepository;
  box: SecretBox;
  leverEvents: Queue<LeverEventsJob>;
  platformEvents: Queue<PlatformEventJob>;
  /** DATABASE_URL, REDIS_URL and QUEUE_PREFIX of this world, for the gateway. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createGatewayWorld(services: WorldServices): Promise<GatewayWorld> {
  const { db, ns, redisUrl } = services;
  const dataSource = createDataSource(db.url);
  await dataSource.initialize();
  const connection = redisOptionsFromUrl(redisUrl);
  const leverEvents = new Queue<LeverEventsJob>(QueueName.LeverEvents, { connection, prefix: ns.prefix });
  const platformEvents = new Queue<PlatformEventJob>(QueueName.PlatformEvents, { connection, prefix: ns.prefix });
  return {
    ...services,
    dataSource,
    accounts: new AccountsRepository(dataSource.getRepository(Account)),
    box: SecretBox.fromEnv({ ENCRYPTION_KEY }),
    leverEvents,
    platformEvents,
    env: { DATABASE_URL: db.url, REDIS_URL: redisUrl, QUEUE_PREFIX: ns.prefix },
    dispose: async () => {
      await leverEvents.close();
      await platformEvents.close();
      await ns.cleanup();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export interface TestAccount {
  account: Account;
  signatureToken: string;
}

export async function createAccount(
  world: GatewayWorld,
  signatureToken = 'sig-' + randomBytes(8).toString('hex'),
  perEvent?: Record<string, string>,
): Promise<TestAccount> {
  const account = await world.accounts.create({
    name: 'Acme',
    tagPrefix: 'Acme Test',
    leverApiKeyEnc: world.box.encrypt('lever-api-key'),
    leverSignatureTokenEnc: world.box.encrypt(signatureToken),
    leverSignatureTokensEnc: perEvent ? world.box.encrypt(JSON.stringify(perEvent)) : null,
    performAsUserId: 'user-1',
    platformAccountId: 'platform-acme',
  });
  return { account, signatureToken };
}

export interface DeliveryOptions {
  signatureToken: string;
  token?: string;
  triggeredAt?: number;
  event?: string;
  data?: Record<string, unknown>;
}

/** A Lever delivery signed the way Lever signs it (token + triggeredAt). */
export function leverDelivery({
  signatureToken,
  token = randomBytes(24).toString('hex'),
  triggeredAt = Date.now(),
  event = 'candidateStageChange',
  data,
}: DeliveryOptions) {
  return {
    triggeredAt,
    event,
    data: data ?? {
      opportunityId: randomUUID(),
      candidateId: randomUUID(),
      contactId: randomUUID(),
      toStageId: 'a0000000-0000-4000-8000-000000000003',
      fromStageId: 'a0000000-0000-4000-8000-000000000001',
    },
    signature: signLeverWebhook(token, triggeredAt, signatureToken),
    token,
  };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A platform callback with its signature headers, signed over the exact bytes sent. */
export function platformCallback(event: Record<string, unknown>, { secret = PLATFORM_SECRET, timestamp = Date.now() } = {}) {
  const raw = JSON.stringify(event);
  return {
    raw,
    headers: { 'x-platform-timestamp': String(timestamp), 'x-platform-signature': signPlatformPayload(raw, timestamp, secret) },
  };
}

/** Every job of any state in the queue whose payload matches `filter`. */
export async function jobsWhere<T>(queue: Queue<T>, filter: (data: T) => boolean) {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.filter((job) => filter(job.data));
}
