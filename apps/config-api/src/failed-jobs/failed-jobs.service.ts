import { FAILED_JOB_RETENTION, QUEUE_NAMES, REGISTERED_QUEUES, isQueueName, type QueueName } from '@lever-assess/queues';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { ConflictApiError, ForbiddenApiError, NotFoundApiError, RequestValidationError } from '../shared/errors/api.errors';
import type {
  BulkRetryResultDto,
  FailedJobDto,
  FailedJobListDto,
  FailedJobsQueryDto,
  NotRetriedJobDto,
  RetriedJobDto,
  RetryFailedJobsDto,
} from './dto/failed-job.dto';

/**
 * Job payloads carry ids only, but only these fields are shown: an allow-list, so a field added
 * to a payload later (maybe a token) does not leak through this endpoint.
 */
const SHOWN_ID_FIELDS = [
  'accountId',
  'opportunityId',
  'candidateId',
  'assessmentId',
  'toStageId',
  'eventId',
  'invitationId',
  'reference',
  'type',
  'correlationId',
];
const DEFAULT_LIMIT = 50;
const DEFAULT_BULK_LIMIT = 100;
/** Failed jobs read from Redis at once while a bulk retry looks for matches. */
const SCAN_PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** The account a job acts for, when its payload names one (platform-events jobs do not). */
const accountOf = (job: Job): string | null =>
  typeof job.data?.accountId === 'string' && UUID.test(job.data.accountId) ? job.data.accountId : null;

/** The error code a failed reason starts with (`<CODE>: <message>`, docs/dispatcher.md), or null. */
const codeOf = (job: Job): string | null => /^([A-Z][A-Z0-9_]*):/.exec(job.failedReason ?? '')?.[1] ?? null;

const matches = (job: Job, filter: RetryFailedJobsDto) =>
  (!filter.accountId || accountOf(job) === filter.accountId.toLowerCase()) && (!filter.code || codeOf(job) === filter.code);

/** Failed jobs are kept (FAILED_JOB_RETENTION) so they can be inspected and replayed here. */
@Injectable()
export class FailedJobsService {
  private readonly logger = new Logger(FailedJobsService.name);
  private readonly queues: Map<string, Queue>;

  constructor(
    @Inject(REGISTERED_QUEUES) queues: Queue[],
    private readonly audit: AuditService,
  ) {
    this.queues = new Map(queues.map((q) => [q.name, q]));
  }

  /**
   * Newest first, per queue. With `accountId` (always, for an account-scoped caller) only that
   * account's jobs: the failed set is read (bounded by the retention) and filtered, so `totals`
   * are the matching counts and `platform-events` jobs (no account in their payload) never match.
   */
  async list(query: FailedJobsQueryDto, scope: string | null = null): Promise<FailedJobListDto> {
    const accountId = this.scopedAccount(query.accountId, scope);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const names = query.queue ? [query.queue] : QUEUE_NAMES;
    const items: FailedJobDto[] = [];
    const totals: Record<string, number> = {};
    for (const name of names) {
      const queue = this.queue(name);
      if (accountId) {
        const matching = (await this.failedJobs(name)).filter((job) => accountOf(job) === accountId);
        totals[name] = matching.length;
        items.push(...matching.slice(offset, offset + limit).map((job) => this.describe(name, job)));
        continue;
      }
      totals[name] = await queue.getFailedCount();
      const jobs = (await queue.getFailed(offset, offset + limit - 1)) as Job[];
      items.push(...jobs.map((job) => this.describe(name, job)));
    }
    return { items, totals };
  }

  /** An account-scoped caller's filter is its account; asking for another one is a 403. */
  scopedAccount(requested: string | undefined, scope: string | null): string | null {
    const wanted = requested?.toLowerCase() ?? null;
    if (!scope) return wanted;
    if (wanted && wanted !== scope) {
      throw new ForbiddenApiError('ACCOUNT_OUT_OF_SCOPE', 'This sign-in is for another account; it cannot see or change this one');
    }
    return scope;
  }

  async retry(actor: AdminActor, queueName: string, jobId: string, scope: string | null = null): Promise<RetriedJobDto> {
    if (!isQueueName(queueName)) {
      throw RequestValidationError.field('queue', `queue must be one of: ${QUEUE_NAMES.join(', ')}`);
    }
    const job = (await this.queue(queueName).getJob(jobId)) as Job | undefined;
    // Another account's job is answered as unknown to an account-scoped caller.
    if (!job || (scope && accountOf(job) !== scope)) throw new NotFoundApiError('JOB_NOT_FOUND', `No job ${jobId} in queue ${queueName}`);
    const before = await job.getState();
    if (before !== 'failed') throw new ConflictApiError('JOB_NOT_FAILED', `Job ${jobId} is ${before}, not failed`);
    const state = await this.replay(job);
    const accountId = accountOf(job);
    await this.audit.record(actor, {
      action: 'failed-job.retry',
      accountId,
      entityType: 'job',
      entityId: `${queueName}/${jobId}`,
      details: { queue: queueName, jobId },
    });
    this.logger.log({ accountId, queue: queueName, jobId, msg: 'failed job retried' });
    return { id: jobId, queue: queueName, state };
  }

  /**
   * Replays the failed jobs that match every filter given (queue, account, error code), oldest
   * failures first, at most `limit`; `more` says that further jobs match. A job replayed or
   * removed since it was found is reported in `notRetried`. One audit entry names the jobs.
   */
  async retryMany(actor: AdminActor, requested: RetryFailedJobsDto, scope: string | null = null): Promise<BulkRetryResultDto> {
    const filter: RetryFailedJobsDto = { ...requested, accountId: this.scopedAccount(requested.accountId, scope) ?? undefined };
    const limit = filter.limit ?? DEFAULT_BULK_LIMIT;
    const found: { queue: QueueName; job: Job }[] = [];
    let more = false;
    for (const name of filter.queue ? [filter.queue] : QUEUE_NAMES) {
      // Read every failed job of the queue (bounded by FAILED_JOB_RETENTION.count), a page at a time.
      for (let start = 0; start < FAILED_JOB_RETENTION.count && !more; start += SCAN_PAGE) {
        const page = (await this.queue(name).getJobs(['failed'], start, start + SCAN_PAGE - 1, true)) as Job[];
        for (const job of page.filter((j) => matches(j, filter))) {
          if (found.length === limit) {
            more = true;
            break;
          }
          found.push({ queue: name, job });
        }
        if (page.length < SCAN_PAGE) break;
      }
    }
    const jobs: RetriedJobDto[] = [];
    const notRetried: NotRetriedJobDto[] = [];
    for (const { queue, job } of found) {
      const id = job.id ?? '';
      try {
        jobs.push({ id, queue, state: await this.replay(job) });
      } catch (err) {
        // BullMQ refuses to retry a job that is no longer in the failed set (replayed, removed).
        const reason = (await job.getState().catch(() => 'unknown')) === 'failed' ? 'RETRY_FAILED' : 'JOB_NOT_FAILED';
        this.logger.warn({ queue, jobId: id, reason, err, msg: 'failed job not retried' });
        notRetried.push({ id, queue, reason });
      }
    }
    await this.audit.record(actor, {
      action: 'failed-job.retry-bulk',
      accountId: filter.accountId ?? null,
      entityType: 'job',
      entityId: `${filter.queue ?? '*'}/*`,
      details: {
        filter: { queue: filter.queue ?? null, accountId: filter.accountId ?? null, code: filter.code ?? null, limit },
        retried: jobs.map((j) => `${j.queue}/${j.id}`),
        notRetried: notRetried.map((j) => `${j.queue}/${j.id}`),
        more,
      },
    });
    this.logger.log({
      accountId: filter.accountId,
      queue: filter.queue,
      retried: jobs.length,
      notRetried: notRetried.length,
      more,
      msg: 'failed jobs retried',
    });
    return { retried: jobs.length, jobs, notRetried, more };
  }

  /** Every failed job of the queue, newest first (bounded by FAILED_JOB_RETENTION.count). */
  private async failedJobs(name: QueueName): Promise<Job[]> {
    const all: Job[] = [];
    for (let start = 0; start < FAILED_JOB_RETENTION.count; start += SCAN_PAGE) {
      const page = (await this.queue(name).getFailed(start, start + SCAN_PAGE - 1)) as Job[];
      all.push(...page);
      if (page.length < SCAN_PAGE) break;
    }
    return all;
  }

  /** Retries a failed job with a fresh attempt budget and returns its new state. */
  private async replay(job: Job): Promise<string> {
    // The admin fixed the cause, so the usual retries with backoff apply again.
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return job.getState();
  }

  private describe(queue: QueueName, job: Job): FailedJobDto {
    const data = (job.data ?? {}) as Record<string, unknown>;
    const ids = Object.fromEntries(SHOWN_ID_FIELDS.filter((f) => typeof data[f] === 'string').map((f) => [f, data[f] as string]));
    return {
      id: job.id ?? '',
      name: job.name,
      queue,
      failedReason: job.failedReason ?? '',
      attemptsMade: job.attemptsMade,
      createdAt: new Date(job.timestamp).toISOString(),
      processedAt: iso(job.processedOn),
      failedAt: iso(job.finishedOn),
      ids,
    };
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered in config-api's QueuesModule`);
    return queue;
  }
}
