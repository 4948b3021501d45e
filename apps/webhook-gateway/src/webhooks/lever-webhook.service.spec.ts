import { signLeverWebhook } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import { leverEventJobId, type AddResult, type LeverEventJob, type PlatformEventJob } from '@lever-assess/queues';
import { RecordingProducer, type PublicOf } from '@lever-assess/testing';
import type { AccountCache } from '../account-cache/account-cache.service';
import type { CachedAccount } from '../account-cache/cached-account';
import { GatewayEnv } from '../config';
import { LeverWebhookService } from './lever-webhook.service';
import type { LeverTokenUse, WebhookEnqueuer } from './webhook-enqueuer';
import { WebhookUnavailableError } from './webhook.errors';

const STAGE_TOKEN = 'stage-change-signature-token';
const ACCOUNT: CachedAccount = {
  accountId: '6f1c2a7e-0000-4000-8000-000000000001',
  webhookKey: 'key-acme',
  status: AccountStatus.Active,
  tokens: { stageChange: STAGE_TOKEN, perEvent: { candidateArchiveChange: 'archive-token' } },
};

/** The accounts a test puts in it (the real cache loads them from Postgres). */
class FakeAccountCache implements PublicOf<AccountCache> {
  isLoaded = true;
  private readonly byKey = new Map<string, CachedAccount>();

  constructor(accounts: CachedAccount[]) {
    for (const account of accounts) this.byKey.set(account.webhookKey, account);
  }

  asCache(): AccountCache {
    return this as unknown as AccountCache;
  }

  get(webhookKey: string): CachedAccount | undefined {
    return this.byKey.get(webhookKey);
  }

  // Loading is the real cache's business; the service only reads it.
  async onApplicationBootstrap(): Promise<void> {
    throw new Error('not used by unit tests: onApplicationBootstrap');
  }
  async onApplicationShutdown(): Promise<void> {
    throw new Error('not used by unit tests: onApplicationShutdown');
  }
  async reloadAll(): Promise<void> {
    throw new Error('not used by unit tests: reloadAll');
  }
  async reloadAccount(): Promise<void> {
    throw new Error('not used by unit tests: reloadAccount');
  }
}

/** Enqueues into a RecordingProducer; `unavailable` answers as the real one does when Redis is down. */
class FakeWebhookEnqueuer implements PublicOf<WebhookEnqueuer> {
  readonly leverEvents = new RecordingProducer<LeverEventJob>(leverEventJobId);
  /** Recorded tokens: `<accountId> <token>` -> fingerprint (the real one keeps them in Redis for the replay window). */
  readonly tokens = new Map<string, string>();
  unavailable = false;
  /** Only the next enqueue fails, as a Redis that answered the token record and then went away. */
  failNextEnqueue = false;

  asEnqueuer(): WebhookEnqueuer {
    return this as unknown as WebhookEnqueuer;
  }

  async recordLeverToken(accountId: string, token: string, fingerprint: string): Promise<LeverTokenUse> {
    this.assertAvailable();
    const earlier = this.tokens.get(`${accountId} ${token}`);
    if (earlier === undefined) this.tokens.set(`${accountId} ${token}`, fingerprint);
    return earlier === undefined ? 'first' : earlier === fingerprint ? 'repeat' : 'reused';
  }

  async enqueueLeverEvent(job: LeverEventJob): Promise<AddResult> {
    this.assertAvailable();
    if (this.failNextEnqueue) {
      this.failNextEnqueue = false;
      throw new WebhookUnavailableError('Redis did not answer; retry later');
    }
    return this.leverEvents.addOnce(job);
  }

  async enqueuePlatformEvent(_job: PlatformEventJob): Promise<AddResult> {
    throw new Error('not used by the Lever webhook');
  }

  async leverEventExists(jobId: string): Promise<boolean> {
    this.assertAvailable();
    return this.leverEvents.exists(jobId);
  }

  private assertAvailable(): void {
    if (this.unavailable) throw new WebhookUnavailableError('Redis is unavailable; retry later');
  }
}

/** A candidateStageChange delivery as Lever sends it, signed with `signatureToken`. */
function delivery({
  token = 'delivery-token-1',
  triggeredAt = Date.now(),
  event = 'candidateStageChange',
  data = { opportunityId: 'opp-1', toStageId: 'stage-2', fromStageId: 'stage-1' } as Record<string, unknown>,
  signatureToken = STAGE_TOKEN,
} = {}) {
  return { token, triggeredAt, event, data, signature: signLeverWebhook(token, triggeredAt, signatureToken) };
}

describe(LeverWebhookService.name, () => {
  let cache: FakeAccountCache;
  let enqueuer: FakeWebhookEnqueuer;
  let service: LeverWebhookService;
  beforeEach(() => {
    cache = new FakeAccountCache([
      ACCOUNT,
      { ...ACCOUNT, accountId: 'disabled-account', webhookKey: 'key-off', status: AccountStatus.Disabled },
      // An older Lever account: one token signs every event.
      { ...ACCOUNT, accountId: 'shared-token-account', webhookKey: 'key-shared', tokens: { stageChange: STAGE_TOKEN, perEvent: {} } },
      // Created to have its webhooks registered through Lever's API; no sync has stored a token yet.
      { ...ACCOUNT, accountId: 'unregistered-account', webhookKey: 'key-new', tokens: { stageChange: null, perEvent: {} } },
    ]);
    enqueuer = new FakeWebhookEnqueuer();
    service = new LeverWebhookService(cache.asCache(), enqueuer.asEnqueuer(), new GatewayEnv());
  });

  it('queues a signed stage change (202) with the delivery token as correlation id', async () => {
    const body = delivery();

    await expect(service.receive('key-acme', body, 'req-1')).resolves.toEqual({
      httpStatus: 202,
      outcome: 'accepted',
      accountId: ACCOUNT.accountId,
      correlationId: 'delivery-token-1',
      body: { status: 'accepted' },
    });

    expect(enqueuer.leverEvents.jobs).toEqual([
      {
        accountId: ACCOUNT.accountId,
        opportunityId: 'opp-1',
        candidateId: 'opp-1',
        fromStageId: 'stage-1',
        toStageId: 'stage-2',
        triggeredAt: new Date(body.triggeredAt).toISOString(),
        deliveryToken: 'delivery-token-1',
        correlationId: 'delivery-token-1',
      },
    ]);
  });

  it.each<[string, string, string]>([
    ['candidateArchiveChange', 'key-acme', 'archive-token'],
    ['candidateHired', 'key-acme', STAGE_TOKEN], // no token of its own: the stage-change one
    ['candidateDeleted', 'key-shared', STAGE_TOKEN],
  ])('queues a signed %s (202) as a lifecycle job', async (event, key, signatureToken) => {
    const body = delivery({ event, signatureToken, data: { opportunityId: 'opp-1', contactId: 'contact-1' } });

    await expect(service.receive(key, body, 'req-1')).resolves.toMatchObject({ httpStatus: 202, outcome: 'accepted' });

    expect(enqueuer.leverEvents.jobs).toEqual([
      {
        event,
        accountId: cache.get(key)!.accountId,
        opportunityId: 'opp-1',
        candidateId: 'opp-1',
        triggeredAt: new Date(body.triggeredAt).toISOString(),
        deliveryToken: 'delivery-token-1',
        correlationId: 'delivery-token-1',
      },
    ]);
  });

  it('refuses a lifecycle event signed with the stage-change token when the event has its own (401)', async () => {
    const body = delivery({ event: 'candidateArchiveChange', data: { opportunityId: 'opp-1' } });
    await expect(service.receive('key-acme', body, 'req-1')).rejects.toMatchObject({ httpStatus: 401 });
    expect(enqueuer.leverEvents.jobs).toEqual([]);
  });

  it('refuses every delivery of an account that holds no token yet (401, saying to register its webhooks)', async () => {
    for (const body of [delivery(), delivery({ data: {} }), delivery({ event: 'candidateHired', data: { opportunityId: 'opp-1' } })]) {
      await expect(service.receive('key-new', body, 'req-1')).rejects.toMatchObject({
        httpStatus: 401,
        message: expect.stringContaining('register its webhooks'),
      });
    }
    expect(enqueuer.leverEvents.jobs).toEqual([]);
    expect(enqueuer.tokens.size).toBe(0);
  });

  it('refuses a lifecycle event without an opportunity id (400, naming the field)', async () => {
    const body = delivery({ event: 'candidateHired', data: { candidateId: 'c-1' } });
    await expect(service.receive('key-acme', body, 'req-1')).rejects.toMatchObject({
      httpStatus: 400,
      message: expect.stringContaining('data.opportunityId'),
    });
  });

  it('answers a repeated delivery 200 duplicate and queues it once', async () => {
    const body = delivery();
    await service.receive('key-acme', body, 'req-1');

    await expect(service.receive('key-acme', body, 'req-2')).resolves.toMatchObject({ httpStatus: 200, outcome: 'duplicate' });

    expect(enqueuer.leverEvents.jobs).toHaveLength(1);
  });

  it.each<[string, () => object]>([
    ['a ping (data {})', () => delivery({ data: {} })],
    // Lever's test ping of the stage-change webhook may name another event: any of the account's tokens will do.
    ['a ping naming another event, signed with the stage-change token', () => delivery({ data: {}, event: 'candidateArchiveChange' })],
  ])('answers %s 200 without queueing anything', async (_case, body) => {
    await expect(service.receive('key-acme', body(), 'req-1')).resolves.toMatchObject({ httpStatus: 200, outcome: 'ping' });

    expect(enqueuer.leverEvents.jobs).toEqual([]);
  });

  it.each<[string, string, object, object]>([
    ['a disabled account', 'key-off', delivery(), { httpStatus: 200, outcome: 'account_disabled' }],
    [
      'an event the product does not use',
      'key-acme',
      delivery({ event: 'applicationCreated' }),
      { httpStatus: 200, outcome: 'ignored_event' },
    ],
  ])('ignores a delivery for %s (200)', async (_case, key, body, answer) => {
    await expect(service.receive(key, body, 'req-1')).resolves.toMatchObject({ ...answer, body: { status: 'ignored' } });

    expect(enqueuer.leverEvents.jobs).toEqual([]);
  });

  it.each<[string, string, () => Record<string, unknown>]>([
    ['a signed ping', 'key-acme', () => delivery({ data: {} })],
    ['a signed ping naming another event', 'key-acme', () => delivery({ data: {}, event: 'candidateHired' })],
    [
      'an ignored event signed with the shared token',
      'key-shared',
      () => delivery({ event: 'applicationCreated', data: { opportunityId: 'opp-1' } }),
    ],
    ["a disabled account's delivery", 'key-off', () => delivery({ data: {} })],
  ])('refuses %s sent again as a stage change with forged data (200, nothing queued)', async (_case, key, captured) => {
    const original = captured();
    await expect(service.receive(key, original, 'req-1')).resolves.toMatchObject({ httpStatus: 200 });
    if (key === 'key-off') cache.get('key-off')!.status = AccountStatus.Active;

    const forged = { ...original, event: 'candidateStageChange', data: { opportunityId: 'opp-victim', toStageId: 'stage-2' } };
    await expect(service.receive(key, forged, 'req-2')).resolves.toMatchObject({
      httpStatus: 200,
      outcome: 'token_reused',
      body: { status: 'duplicate' },
    });

    expect(enqueuer.leverEvents.jobs).toEqual([]);
  });

  it('answers a retried ping and ignored event as the first time', async () => {
    const ping = delivery({ data: {} });
    const archive = delivery({
      token: 'delivery-token-2',
      event: 'candidateArchiveChange',
      signatureToken: 'archive-token',
      data: { opportunityId: 'opp-1', fromArchived: { reason: 'r-1', archivedAt: 1 }, toArchived: null },
    });
    for (const data of [archive.data, { toArchived: null, fromArchived: { archivedAt: 1, reason: 'r-1' }, opportunityId: 'opp-1' }]) {
      await expect(service.receive('key-acme', ping, 'req-1')).resolves.toMatchObject({ httpStatus: 200, outcome: 'ping' });
      // The same data in another key order is the same delivery.
      await expect(service.receive('key-acme', { ...archive, data }, 'req-1')).resolves.toMatchObject({
        httpStatus: 200,
        outcome: 'ignored_event',
      });
    }
  });

  it('queues a stage change whose first try recorded the token but failed to queue, once retried', async () => {
    const body = delivery();
    enqueuer.failNextEnqueue = true;
    await expect(service.receive('key-acme', body, 'req-1')).rejects.toMatchObject({ httpStatus: 503 });

    await expect(service.receive('key-acme', body, 'req-2')).resolves.toMatchObject({ httpStatus: 202, outcome: 'accepted' });
    await expect(service.receive('key-acme', body, 'req-3')).resolves.toMatchObject({ httpStatus: 200, outcome: 'duplicate' });
    expect(enqueuer.leverEvents.jobs).toHaveLength(1);
  });

  it.each<[string, string, () => object, object]>([
    [
      'a delivery for a disabled account whose signature does not verify',
      'key-off',
      () => delivery({ signatureToken: 'someone-else' }),
      { httpStatus: 401, outcome: 'bad_signature', accountId: 'disabled-account' },
    ],
    [
      'an unsigned delivery for a disabled account',
      'key-off',
      () => ({ ...delivery(), signature: undefined }),
      { httpStatus: 401, outcome: 'unsigned' },
    ],
    ['an unknown webhook key', 'key-nobody', () => delivery(), { httpStatus: 401, outcome: 'unknown_key', correlationId: 'req-1' }],
    [
      'a wrong signature',
      'key-acme',
      () => delivery({ signatureToken: 'someone-else' }),
      { httpStatus: 401, outcome: 'bad_signature', accountId: ACCOUNT.accountId, correlationId: 'delivery-token-1' },
    ],
    [
      'an unsigned delivery',
      'key-acme',
      () => ({ ...delivery(), signature: undefined }),
      { httpStatus: 401, outcome: 'unsigned', accountId: ACCOUNT.accountId },
    ],
    [
      'a delivery older than the replay window',
      'key-acme',
      () => delivery({ triggeredAt: Date.now() - 2 * 24 * 3_600_000 }),
      { httpStatus: 401, outcome: 'stale' },
    ],
    [
      'a body without data',
      'key-acme',
      () => ({ ...delivery(), data: 'x' }),
      { httpStatus: 400, outcome: 'invalid_body', accountId: ACCOUNT.accountId },
    ],
    [
      'a stage change without toStageId',
      'key-acme',
      () => delivery({ data: { opportunityId: 'opp-1' } }),
      { httpStatus: 400, outcome: 'invalid_body', correlationId: 'delivery-token-1' },
    ],
  ])('refuses %s, saying what is known about it', async (_case, key, body, refusal) => {
    await expect(service.receive(key, body(), 'req-1')).rejects.toMatchObject(refusal);

    expect(enqueuer.leverEvents.jobs).toEqual([]);
  });

  it('still answers 200 to a late retry of a delivery it took, though it is past the replay window', async () => {
    const old = delivery({ triggeredAt: Date.now() - 2 * 24 * 3_600_000 });
    // Its job is still in the queue (taken when it was fresh).
    await enqueuer.leverEvents.add({
      accountId: ACCOUNT.accountId,
      opportunityId: 'opp-1',
      candidateId: 'opp-1',
      fromStageId: 'stage-1',
      toStageId: 'stage-2',
      triggeredAt: new Date(old.triggeredAt).toISOString(),
      deliveryToken: old.token,
      correlationId: old.token,
    });

    await expect(service.receive('key-acme', old, 'req-1')).resolves.toMatchObject({ httpStatus: 200, outcome: 'duplicate' });
  });

  it.each<[string, () => void]>([
    ['the cache is not loaded yet', () => (cache.isLoaded = false)],
    ["the account's tokens cannot be decrypted", () => (cache = new FakeAccountCache([{ ...ACCOUNT, tokens: null }]))],
    ['Redis is down', () => (enqueuer.unavailable = true)],
  ])('answers 503 (Lever retries) when %s', async (_case, breakIt) => {
    breakIt();
    service = new LeverWebhookService(cache.asCache(), enqueuer.asEnqueuer(), new GatewayEnv());

    await expect(service.receive('key-acme', delivery(), 'req-1')).rejects.toMatchObject({ httpStatus: 503, outcome: 'unavailable' });
  });
});
