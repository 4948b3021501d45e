import { AccountStatus } from '@lever-assess/domain';
import { AccountSweepsProducer, QueueName, type AccountSweepJob, type AccountSweepResult } from '@lever-assess/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { QueueEvents, type Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CONFIG_API_ENV } from '../config-api.tokens';
import type { ConfigApiEnv } from '../config';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import { ConflictApiError } from '../shared/errors/api.errors';
import { SweepState, type SweepAnswerDto } from './sweep.dto';
import { SweepFailedError } from './sweep.errors';

const TIMED_OUT = Symbol('timed out');

/**
 * An admin's sweep of one account: the account-sweep job runs in result-sync (every Lever write
 * happens there); this waits for it up to SWEEP_WAIT_MS and answers its result.
 */
@Injectable()
export class SweepService implements OnModuleDestroy {
  private readonly logger = new Logger(SweepService.name);
  private events: Promise<QueueEvents> | null = null;

  constructor(
    private readonly lookup: AccountLookup,
    private readonly producer: AccountSweepsProducer,
    @InjectQueue(QueueName.AccountSweeps) private readonly queue: Queue<AccountSweepJob, AccountSweepResult>,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
  ) {}

  /**
   * @throws AccountNotFoundError (404); ConflictApiError ACCOUNT_NOT_ACTIVE (409); SweepFailedError (502)
   */
  async sweep(accountId: string): Promise<SweepAnswerDto> {
    const account = await this.lookup.require(accountId);
    if (account.status !== AccountStatus.Active) {
      throw new ConflictApiError(
        'ACCOUNT_NOT_ACTIVE',
        `Account ${accountId} is ${account.status}${account.statusReason ? ` (${account.statusReason})` : ''}; only active accounts are swept`,
      );
    }
    // Subscribed before the job exists, so its end cannot be missed.
    const events = await this.queueEvents();
    const correlationId = `sweep-admin-${randomUUID()}`;
    const jobId = await this.producer.addUnique({ accountId, reason: 'admin', correlationId });
    this.logger.log({ accountId, jobId, correlationId, msg: 'sweep requested' });
    const job = await this.queue.getJob(jobId);
    if (!job) throw new SweepFailedError(`Sweep job ${jobId} disappeared before it ran`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        job.waitUntilFinished(events),
        new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), this.env.SWEEP_WAIT_MS))),
      ]);
      if (answer === TIMED_OUT) {
        return { jobId, status: SweepState.Running, message: `The sweep is still running after ${this.env.SWEEP_WAIT_MS} ms; it goes on` };
      }
      return { jobId, status: SweepState.Finished, result: answer };
    } catch (err) {
      throw new SweepFailedError(`The sweep failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private queueEvents(): Promise<QueueEvents> {
    this.events ??= (async () => {
      const events = new QueueEvents(QueueName.AccountSweeps, { connection: this.queue.opts.connection, prefix: this.queue.opts.prefix });
      events.on('error', (err) => this.logger.warn({ err, msg: 'sweep queue events connection error' }));
      await events.waitUntilReady();
      return events;
    })();
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.events) await (await this.events).close();
  }
}
