import {
  LeverEventsProducer,
  PlatformEventsProducer,
  leverEventJobId,
  type AddResult,
  type LeverEventsJob,
  type PlatformEventJob,
} from '@lever-assess/queues';
import { TurnBatcher } from '@lever-assess/common';
import { REDIS } from '@lever-assess/redis';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { WebhookUnavailableError } from './webhook.errors';

/**
 * What a verified Lever delivery token was used for before: `first` (never seen), `repeat` (seen
 * with the same event and data: a retry or copy of the same delivery), `reused` (seen with another
 * event or data: a signed token sent again with something else in the unsigned part).
 */
export type LeverTokenUse = 'first' | 'repeat' | 'reused';

/** Redis key of a recorded Lever delivery token: per account and token, hashed like the job id. */
export const leverTokenKey = (queuePrefix: string, accountId: string, deliveryToken: string) =>
  `${queuePrefix}:lever-token:${leverEventJobId({ accountId, deliveryToken })}`;

/**
 * Longest wait for Redis on the request path. With Redis gone the fail-fast connection errors at
 * once; this bounds the other cases (Redis unreachable since start-up, a hung server) so that the
 * sender gets its 503 well within its own timeout.
 */
export const ENQUEUE_TIMEOUT_MS = 2_000;

interface TokenRecord {
  key: string;
  fingerprint: string;
  ttlMs: number;
}

/**
 * The queue producers on the request path: a duplicate delivery is reported (and answered) as
 * such, and Redis trouble becomes a WebhookUnavailableError (503) within ENQUEUE_TIMEOUT_MS. The
 * dispatcher's recorded deliveries are the lasting guard once a completed job has been removed.
 *
 * The two writes of a new delivery (its token, then its job) are group-committed per event-loop
 * turn: the deliveries read in one turn record their tokens in one pipeline and add their jobs in
 * one more, so a burst costs Redis and the gateway two round trips per turn instead of two per
 * delivery. Each delivery is still answered only once its own writes are stored.
 */
@Injectable()
export class WebhookEnqueuer {
  // The deadline is per batch (one timer per turn, not per delivery): every delivery of a batch
  // waits for the same round trip.
  private readonly tokenRecords = new TurnBatcher<TokenRecord, string | null>((records) => withDeadline(this.recordTokens(records)));
  private readonly newLeverEvents = new TurnBatcher<LeverEventsJob, string>((jobs) => withDeadline(this.leverEvents.addMany(jobs)));

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly leverEvents: LeverEventsProducer,
    private readonly platformEvents: PlatformEventsProducer,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  /**
   * Records a verified delivery token with the fingerprint of the delivery's unsigned part, kept
   * `ttlMs` (the replay window: after it the signature check refuses the token anyway). One
   * command: `SET NX GET` answers the earlier fingerprint, if any, and records this one otherwise.
   * @throws WebhookUnavailableError when Redis does not answer in time
   */
  async recordLeverToken(accountId: string, deliveryToken: string, fingerprint: string, ttlMs: number): Promise<LeverTokenUse> {
    const key = leverTokenKey(this.env.QUEUE_PREFIX, accountId, deliveryToken);
    const earlier = await this.fromRedis(() => this.tokenRecords.submit({ key, fingerprint, ttlMs }));
    if (earlier === null) return 'first';
    return earlier === fingerprint ? 'repeat' : 'reused';
  }

  /** One pipeline of `SET NX GET`s; a command Redis refused fails only its own delivery. */
  private async recordTokens(records: TokenRecord[]): Promise<(string | null | Error)[]> {
    const pipeline = this.redis.pipeline();
    for (const { key, fingerprint, ttlMs } of records) pipeline.set(key, fingerprint, 'PX', ttlMs, 'NX', 'GET');
    const replies = (await pipeline.exec()) ?? [];
    return records.map((_, i) => {
      const [err, earlier] = replies[i] ?? [new Error('no reply from Redis'), null];
      return err ?? (earlier as string | null);
    });
  }

  /**
   * `tokenIsNew`: the delivery's token was recorded just now (recordLeverToken said `first`), so no
   * job of it can exist and the look-up is skipped (BullMQ would keep an existing job anyway).
   * @throws WebhookUnavailableError when Redis does not acknowledge in time
   */
  async enqueueLeverEvent(job: LeverEventsJob, { tokenIsNew = false } = {}): Promise<AddResult> {
    // Only resolves once Redis has stored the job: the 202 is a promise we can keep.
    if (!tokenIsNew) return this.fromRedis(() => withDeadline(this.leverEvents.addOnce(job)));
    await this.fromRedis(() => this.newLeverEvents.submit(job));
    return 'accepted';
  }

  /** @throws WebhookUnavailableError when Redis does not acknowledge in time */
  enqueuePlatformEvent(job: PlatformEventJob): Promise<AddResult> {
    return this.fromRedis(() => withDeadline(this.platformEvents.addOnce(job)));
  }

  /** True when the lever-events job of this delivery is still in the queue (waiting, active, completed or failed). */
  leverEventExists(jobId: string): Promise<boolean> {
    return this.fromRedis(() => withDeadline(this.leverEvents.exists(jobId)));
  }

  /** `work` must be bounded by withDeadline, itself or through its batch. */
  private async fromRedis<T>(work: () => Promise<T>): Promise<T> {
    // The shared client shares Redis with the queues: when it is not connected, answer at once.
    if (this.redis.status !== 'ready') throw new WebhookUnavailableError('Redis is unavailable; retry later');
    try {
      return await work();
    } catch (err) {
      if (err instanceof WebhookUnavailableError) throw err;
      throw new WebhookUnavailableError('Redis refused the job; retry later', { cause: err });
    }
  }
}

/** Rejects with a WebhookUnavailableError once ENQUEUE_TIMEOUT_MS have passed without an answer. */
function withDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new WebhookUnavailableError(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms; retry later`)),
      ENQUEUE_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
