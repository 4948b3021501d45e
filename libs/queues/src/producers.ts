import { inOneWrite } from '@lever-assess/redis';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type Type } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { accountSweepJobId, leverEventJobId, platformEventJobId } from './job-ids';
import type { AccountSweepJob, JobOf, LeverEventsJob, LeverSyncJob, PlatformEventJob } from './job-payloads';
import { QueueName } from './queue-names';

export type AddResult = 'accepted' | 'duplicate';

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Adds jobs to one queue: builds the job id and relies on the default job options registered
 * with the queue (QUEUE_CONFIG), so no call site re-applies them. Every method resolves only once
 * Redis has stored the job.
 */
export abstract class QueueProducer<Q extends QueueName> {
  /** The queue's own connection once BullMQ has opened it (addMany writes its batch through it). */
  private connection: object | undefined;
  private connectionLookup: Promise<void> | undefined;

  protected constructor(
    private readonly queue: Queue,
    private readonly name: Q,
    /** Undefined for state-based queues, whose repeated jobs are harmless. */
    readonly jobId: (payload: JobOf<Q>) => string | undefined,
  ) {}

  /** Adds the job (a job with the same id still in Redis is kept instead); returns its id. */
  async add(payload: JobOf<Q>): Promise<string> {
    const jobId = this.jobId(payload);
    const job = await this.queue.add(this.name, payload, jobId ? { jobId } : {});
    return job.id ?? jobId ?? '';
  }

  /**
   * add() for several jobs at once: each is its own command, and they leave in one socket write
   * (inOneWrite). Resolves, in order, each job's id or the Error that refused that job alone (never
   * rejects).
   *
   * Not BullMQ's addBulk: that builds an ioredis pipeline, and every ioredis pipeline defines a
   * getter closure on itself, which keeps it and all its commands alive past the young generation.
   * Under a burst of webhooks each batch was promoted to the old space (fourteenth round in
   * docs/performance.md).
   */
  addMany(payloads: JobOf<Q>[]): Promise<(string | Error)[]> {
    const addAll = () => Promise.all(payloads.map((payload) => this.add(payload).catch(asError)));
    if (this.connection) return inOneWrite(this.connection, payloads.length, addAll);
    // BullMQ hands its connection out as one promise: the first batch goes without waiting for it,
    // and if it never connects every batch goes uncorked (its adds fail on their own anyway).
    this.connectionLookup ??= this.queue.getBackend().client.then(
      (client) => void (this.connection = client),
      () => undefined,
    );
    return addAll();
  }

  /**
   * Adds the job unless one with its id is still in Redis. BullMQ's add() keeps the existing job
   * without saying so, hence the look-up first. Two copies racing each other both see `accepted`
   * and still make one job.
   */
  async addOnce(payload: JobOf<Q>): Promise<AddResult> {
    const jobId = this.jobId(payload);
    if (jobId && (await this.exists(jobId))) return 'duplicate';
    await this.add(payload);
    return 'accepted';
  }

  /** True while a job with this id is in the queue (waiting, active, completed or failed). */
  async exists(jobId: string): Promise<boolean> {
    // One field of the job's hash: the answer without reading and parsing the job as getJob() does.
    const client = await this.queue.getBackend().client;
    return (await client.hexists(this.queue.toKey(jobId), 'timestamp')) === 1;
  }
}

/** `lever-events`: one job per (account, Lever delivery token). */
@Injectable()
export class LeverEventsProducer extends QueueProducer<typeof QueueName.LeverEvents> {
  constructor(@InjectQueue(QueueName.LeverEvents) queue: Queue<LeverEventsJob>) {
    super(queue, QueueName.LeverEvents, leverEventJobId);
  }
}

/** `platform-events`: one job per platform event id. */
@Injectable()
export class PlatformEventsProducer extends QueueProducer<typeof QueueName.PlatformEvents> {
  constructor(@InjectQueue(QueueName.PlatformEvents) queue: Queue<PlatformEventJob>) {
    super(queue, QueueName.PlatformEvents, platformEventJobId);
  }
}

/** `lever-sync`: no job id; the sync is state-based (it reads the assessment when it runs). */
@Injectable()
export class LeverSyncProducer extends QueueProducer<typeof QueueName.LeverSync> {
  constructor(@InjectQueue(QueueName.LeverSync) queue: Queue<LeverSyncJob>) {
    super(queue, QueueName.LeverSync, () => undefined);
  }
}

/**
 * `account-sweeps`: a scheduled sweep has one job per (account, interval bucket), so the
 * fan-outs of several replicas make one; an admin's sweep gets a job of its own.
 */
@Injectable()
export class AccountSweepsProducer extends QueueProducer<typeof QueueName.AccountSweeps> {
  constructor(@InjectQueue(QueueName.AccountSweeps) private readonly sweeps: Queue<AccountSweepJob>) {
    super(sweeps, QueueName.AccountSweeps, () => undefined);
  }

  /** The account's sweep of the current interval (kept when it exists); returns its job id. */
  async addForInterval(payload: AccountSweepJob, intervalMs: number, now = Date.now()): Promise<string> {
    const jobId = accountSweepJobId(payload.accountId, intervalMs, now);
    await this.sweeps.add(QueueName.AccountSweeps, payload, { jobId });
    return jobId;
  }

  /** A sweep of its own (an admin's); returns its job id. */
  async addUnique(payload: AccountSweepJob): Promise<string> {
    const jobId = `as-admin-${randomUUID()}`;
    await this.sweeps.add(QueueName.AccountSweeps, payload, { jobId });
    return jobId;
  }
}

/** The producer of each queue; exhaustive, so a new queue without a producer does not compile. */
export const PRODUCERS: { [Q in QueueName]: Type<QueueProducer<Q>> } = {
  [QueueName.LeverEvents]: LeverEventsProducer,
  [QueueName.PlatformEvents]: PlatformEventsProducer,
  [QueueName.LeverSync]: LeverSyncProducer,
  [QueueName.AccountSweeps]: AccountSweepsProducer,
};
