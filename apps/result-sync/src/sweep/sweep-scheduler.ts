import { QueueName, SWEEP_ALL_ACCOUNTS, type AccountSweepJob } from '@lever-assess/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { SWEEP_SCHEDULER_ID, SWEEP_SETTINGS, type SweepSettings } from './sweep.settings';

/**
 * Upserts the one BullMQ job scheduler of the sweep at start. Every replica upserts the same
 * scheduler id, so the schedule exists once cluster-wide (a changed SWEEP_INTERVAL_MS replaces it),
 * and its fan-out job adds each account's sweep under a per-interval job id.
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepScheduler.name);

  constructor(
    @InjectQueue(QueueName.AccountSweeps) private readonly queue: Queue<AccountSweepJob>,
    @Inject(SWEEP_SETTINGS) private readonly settings: SweepSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const everyMs = this.settings.intervalMs;
    // A restart keeps the schedule as it is (re-upserting would move it); only a new interval replaces it.
    const existing = await this.queue.getJobScheduler(SWEEP_SCHEDULER_ID);
    if (existing && Number(existing.every) === everyMs) {
      this.logger.log({ msg: 'sweep schedule kept', everyMs, nextAt: existing.next ? new Date(existing.next).toISOString() : null });
      return;
    }
    // The first sweep one interval after the schedule is created (BullMQ would run an `every`
    // schedule at once: a deployment, a test or a bench would then sweep at every start).
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: everyMs, startDate: new Date(Date.now() + everyMs) },
      { name: 'fan-out', data: { accountId: SWEEP_ALL_ACCOUNTS, reason: 'schedule', correlationId: 'sweep-schedule' } },
    );
    this.logger.log({ msg: 'sweep scheduled', everyMs });
  }
}
