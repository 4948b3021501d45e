import { AccountStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import {
  AccountSweepsProducer,
  JobOutcome,
  QueueName,
  QueueProcessor,
  QueueWorker,
  SWEEP_ALL_ACCOUNTS,
  outcomeOfError,
  type AccountSweepJob,
  type AccountSweepResult,
  type JobContext,
} from '@lever-assess/queues';
import { Inject } from '@nestjs/common';
import { AccountSweepService } from './account-sweep.service';
import { SWEEP_SETTINGS, type SweepSettings } from './sweep.settings';

/** What the scheduler's fan-out job returns. */
export interface SweepFanOutResult {
  accounts: number;
}

const ACCOUNTS_PAGE = 500;

/**
 * `account-sweeps`: the scheduler's fan-out job (accountId '*') adds one sweep per active account
 * for the current interval (one job id per account and interval, so replicas agree); every other
 * job sweeps its account and returns what it found and did.
 */
@QueueWorker(QueueName.AccountSweeps)
export class AccountSweepsProcessor extends QueueProcessor<typeof QueueName.AccountSweeps, AccountSweepResult | SweepFanOutResult> {
  constructor(
    private readonly sweeps: AccountSweepService,
    private readonly accounts: AccountsRepository,
    private readonly producer: AccountSweepsProducer,
    @Inject(SWEEP_SETTINGS) private readonly settings: SweepSettings,
  ) {
    super(QueueName.AccountSweeps);
  }

  protected override accountOf(data: AccountSweepJob): string | null {
    return data.accountId === SWEEP_ALL_ACCOUNTS ? null : data.accountId;
  }

  protected logContext(data: AccountSweepJob) {
    return { correlationId: data.correlationId, ...(data.accountId === SWEEP_ALL_ACCOUNTS ? {} : { accountId: data.accountId }) };
  }

  protected async handle(data: AccountSweepJob, job: JobContext): Promise<JobOutcome<AccountSweepResult | SweepFanOutResult>> {
    try {
      if (data.accountId === SWEEP_ALL_ACCOUNTS) return JobOutcome.done(await this.fanOut(data));
      // Turns held per job attempt: a re-run after a delay finds the turns it reserved.
      return JobOutcome.done(await this.sweeps.sweep(data, `sweep:${job.id ?? data.correlationId}:${job.attempt}`));
    } catch (err) {
      return outcomeOfError(err);
    }
  }

  private async fanOut(data: AccountSweepJob): Promise<SweepFanOutResult> {
    const now = Date.now();
    let accounts = 0;
    for (let offset = 0; ; offset += ACCOUNTS_PAGE) {
      const page = await this.accounts.list({ limit: ACCOUNTS_PAGE, offset });
      for (const account of page.items.filter((a) => a.status === AccountStatus.Active)) {
        await this.producer.addForInterval(
          {
            accountId: account.id,
            reason: 'schedule',
            correlationId: `${data.correlationId}:${Math.floor(now / this.settings.intervalMs)}`,
          },
          this.settings.intervalMs,
          now,
        );
        accounts++;
      }
      if (page.items.length < ACCOUNTS_PAGE) break;
    }
    this.logger.log({ msg: 'sweeps added for the interval', accounts });
    return { accounts };
  }
}
