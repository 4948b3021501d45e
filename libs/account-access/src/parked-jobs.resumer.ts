import { AccountStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import { accountsWithParkedJobs, resumeParkedJobs, type QueueName } from '@lever-assess/queues';
import { subscribeAccountChanges, type AccountChangesSubscription } from '@lever-assess/redis';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';

export const PARKED_JOBS_OPTIONS = Symbol('PARKED_JOBS_OPTIONS');

export interface ParkedJobsOptions {
  redisUrl: string;
  queuePrefix: string;
  /** The queues this app consumes (their parked jobs are resumed here). */
  queues: readonly QueueName[];
}

/**
 * Resumes the jobs parked for a disconnected account (JobOutcome `park`) the moment the account is
 * active again: an admin replaced the key (PATCH), which announces the account on the
 * account-changes channel. Every worker replica listens; resuming is safe to race. When the
 * subscription (re)starts, announcements may have been missed, so every account with parked jobs
 * is checked.
 */
@Injectable()
export class ParkedJobsResumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ParkedJobsResumer.name);
  private subscription?: AccountChangesSubscription;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(PARKED_JOBS_OPTIONS) private readonly options: ParkedJobsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = subscribeAccountChanges(
      this.options.redisUrl,
      this.options.queuePrefix,
      {
        onChange: (accountId) => void this.resumeIfActive(accountId).catch((err: unknown) => this.warn(accountId, err)),
        onSubscribed: () => this.resumeAll(),
        warn: (message, err) => this.logger.warn({ err, msg: message }),
      },
      'lever-assess-parked-jobs',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** Resolves how many jobs were promoted (0 when the account is not active). */
  async resumeIfActive(accountId: string): Promise<number> {
    const account = await this.accounts.findById(accountId);
    if (account?.status !== AccountStatus.Active) return 0;
    let promoted = 0;
    for (const queue of this.queues()) promoted += await resumeParkedJobs(queue, accountId);
    if (promoted > 0) this.logger.log({ accountId, promoted, msg: 'account connected again: parked jobs resumed' });
    return promoted;
  }

  private async resumeAll(): Promise<void> {
    const accountIds = new Set<string>();
    for (const queue of this.queues()) for (const id of await accountsWithParkedJobs(queue)) accountIds.add(id);
    for (const accountId of accountIds) await this.resumeIfActive(accountId).catch((err: unknown) => this.warn(accountId, err));
  }

  private queues(): Queue[] {
    return this.options.queues.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
  }

  // The jobs stay parked and wake by themselves after PARK_RECHECK_MS.
  private warn(accountId: string, err: unknown): void {
    this.logger.warn({ accountId, err, msg: 'could not resume parked jobs; they retry by themselves later' });
  }
}
