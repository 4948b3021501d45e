import { QUEUE_NAMES, REGISTERED_QUEUES, isQueueName, type QueueName } from '@lever-assess/queues';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { ConflictApiError, NotFoundApiError, RequestValidationError } from '../shared/errors/api.errors';
import type { FailedJobDto, FailedJobListDto, FailedJobsQueryDto, RetriedJobDto } from './dto/failed-job.dto';

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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** Failed jobs are kept (never removed automatically) so they can be inspected and replayed here. */
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

  async list(query: FailedJobsQueryDto): Promise<FailedJobListDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const names = query.queue ? [query.queue] : QUEUE_NAMES;
    const items: FailedJobDto[] = [];
    const totals: Record<string, number> = {};
    for (const name of names) {
      const queue = this.queue(name);
      totals[name] = await queue.getFailedCount();
      const jobs = (await queue.getFailed(offset, offset + limit - 1)) as Job[];
      items.push(...jobs.map((job) => this.describe(name, job)));
    }
    return { items, totals };
  }

  async retry(actor: AdminActor, queueName: string, jobId: string): Promise<RetriedJobDto> {
    if (!isQueueName(queueName)) {
      throw RequestValidationError.field('queue', `queue must be one of: ${QUEUE_NAMES.join(', ')}`);
    }
    const job = (await this.queue(queueName).getJob(jobId)) as Job | undefined;
    if (!job) throw new NotFoundApiError('JOB_NOT_FOUND', `No job ${jobId} in queue ${queueName}`);
    const before = await job.getState();
    if (before !== 'failed') throw new ConflictApiError('JOB_NOT_FAILED', `Job ${jobId} is ${before}, not failed`);
    // A fresh attempt budget: the admin fixed the cause, so the usual retries with backoff apply.
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    const state = await job.getState();
    const accountId = typeof job.data?.accountId === 'string' && UUID.test(job.data.accountId) ? job.data.accountId : null;
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
