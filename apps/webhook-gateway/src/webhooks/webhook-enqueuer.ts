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

/**
 * KEYS: the token keys; ARGV: fingerprint and TTL (ms) per key, in the same order. Answers, per
 * key, the fingerprint recorded earlier, or nil (Lua false) when this is the first use. Every key
 * is under QUEUE_PREFIX, like the queues' own keys.
 */
const RECORD_TOKENS_LUA = `
local earlier = {}
for i, key in ipairs(KEYS) do
  earlier[i] = redis.call('SET', key, ARGV[2 * i - 1], 'PX', ARGV[2 * i], 'NX', 'GET') or false
end
return earlier`;
const RECORD_TOKENS_COMMAND = 'recordLeverTokens';
type RedisWithTokenScript = Redis & { [RECORD_TOKENS_COMMAND]: (...args: (string | number)[]) => Promise<unknown> };

interface TokenRecord {
  key: string;
  fingerprint: string;
  ttlMs: number;
}

/**
 * Deliveries per group commit. With one batch per turn, a burst read in one turn (50 connections'
 * requests) went to Redis only after the last of them was parsed, and the gateway then waited while
 * Redis worked: it used 81-85% of its core under the ingest load. Batches of 16 overlap the two and
 * keep it busy (ninth round in docs/performance.md: 99-100% of its core and an ingest ratio of 0.81-0.95,
 * against 81-83% and 0.66-0.75).
 */
export const BATCH_MAX = 16;

/**
 * The queue producers on the request path: a duplicate delivery is reported (and answered) as
 * such, and Redis trouble becomes a WebhookUnavailableError (503) within ENQUEUE_TIMEOUT_MS. The
 * dispatcher's recorded deliveries are the lasting guard once a completed job has been removed.
 *
 * The two writes of a new delivery (its token, then its job) are grouped per event-loop turn: the
 * deliveries read in one turn record their tokens in one script call (at most BATCH_MAX per call)
 * and then send their jobs together, one command each, under one deadline. Each delivery is still
 * answered only once its own writes are stored, and a job Redis refuses fails its delivery alone.
 */
@Injectable()
export class WebhookEnqueuer {
  // The deadline is per batch (one timer per batch, not per delivery): every delivery of a batch
  // waits for the same script call, or the same burst of job commands. A batch goes at BATCH_MAX
  // deliveries without waiting for the end of the turn, so Redis works on the first ones while the
  // gateway still reads the rest.
  private readonly tokenRecords = new TurnBatcher<TokenRecord, string | null>(
    (records) => withDeadline(this.recordTokens(records)),
    BATCH_MAX,
  );
  private readonly newLeverEvents = new TurnBatcher<LeverEventsJob, string>(
    (jobs) => withDeadline(this.leverEvents.addMany(jobs)),
    BATCH_MAX,
  );

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly leverEvents: LeverEventsProducer,
    private readonly platformEvents: PlatformEventsProducer,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {
    // EVALSHA, with one EVAL per connection if Redis does not know the script yet.
    if (!(RECORD_TOKENS_COMMAND in redis)) redis.defineCommand(RECORD_TOKENS_COMMAND, { lua: RECORD_TOKENS_LUA });
  }

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

  /**
   * One script call for the whole batch: Redis runs a `SET NX GET` per record and answers the
   * earlier fingerprints in order (nil for a first use). One command instead of one per delivery
   * saves both the gateway (one ioredis command object, one reply) and Redis (one dispatch).
   */
  private async recordTokens(records: TokenRecord[]): Promise<(string | null)[]> {
    const args: (string | number)[] = [records.length];
    for (const { key } of records) args.push(key);
    for (const { fingerprint, ttlMs } of records) args.push(fingerprint, ttlMs);
    const earlier = (await (this.redis as RedisWithTokenScript)[RECORD_TOKENS_COMMAND](...args)) as (string | null)[];
    // A short list fails its missing items in TurnBatcher; anything but a list fails the batch here.
    if (!Array.isArray(earlier)) throw new Error(`token script answered ${typeof earlier}, not a list`);
    return earlier;
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
