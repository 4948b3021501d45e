import { AccountUnavailableError } from '@lever-assess/account-access';
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
import { accountSweepsTotal, sweepFindingsTotal } from '../result-sync.metrics';
import { AccountSweepService } from './account-sweep.service';
import { SWEEP_SETTINGS, type SweepSettings } from './sweep.settings';

/** What the scheduler's fan-out job returns. */
export interface SweepFanOutResult {
  accounts: number;
}

const ACCOUNTS_PAGE = 500;

function count(result: AccountSweepResult): void {
  accountSweepsTotal.inc({ outcome: result.complete ? 'swept' : 'incomplete' });
  const findings: Record<string, number> = {
    invited: result.invited.length,
    before_lookback: result.skipped.beforeLookback,
    before_rule: result.skipped.beforeRule,
    already_handled: result.skipped.alreadyHandled,
    tag_repaired: result.tagsRepaired.length,
    action: result.actions.length,
  };
  for (const [kind, n] of Object.entries(findings)) if (n > 0) sweepFindingsTotal.inc({ kind }, n);
}

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
      if (data.accountId === SWEEP_ALL_ACCOUNTS) {
        const fanned = await this.fanOut(data);
        accountSweepsTotal.inc({ outcome: 'fan_out' });
        return JobOutcome.done(fanned);
      }
      // Turns held per job attempt: a re-run after a delay finds the turns it reserved.
      const result = await this.sweeps.sweep(data, `sweep:${job.id ?? data.correlationId}:${job.attempt}`);
      count(result);
      return JobOutcome.done(result);
    } catch (err) {
      if (err instanceof AccountUnavailableError && data.reason === 'schedule') {
        // Disabled or disconnected since the fan-out: nothing to sweep, nothing to replay.
        accountSweepsTotal.inc({ outcome: err.code });
        this.logger.log({ msg: 'account not active: scheduled sweep skipped', status: err.status });
        return JobOutcome.done();
      }
      const outcome = outcomeOfError(err);
      accountSweepsTotal.inc({ outcome: outcome.kind === 'done' ? 'swept' : outcome.code });
      return outcome;
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
