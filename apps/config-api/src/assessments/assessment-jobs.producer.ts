import { QUEUE_CONFIG, QueueName, leverEventJobId, type LeverEventJob, type LeverSyncJob } from '@lever-assess/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

/** The jobs admin actions on assessments start; always awaited, so a 2xx means Redis has them. */
@Injectable()
export class AssessmentJobsProducer {
  constructor(
    @InjectQueue(QueueName.LeverSync) private readonly leverSync: Queue<LeverSyncJob>,
    @InjectQueue(QueueName.LeverEvents) private readonly leverEvents: Queue<LeverEventJob>,
  ) {}

  /** lever-sync is state-based: no job id, the worker reconciles from the current assessment. */
  async syncLever(job: LeverSyncJob): Promise<string> {
    const added = await this.leverSync.add(QueueName.LeverSync, job, QUEUE_CONFIG[QueueName.LeverSync].job);
    return added.id ?? '';
  }

  async retrigger(job: LeverEventJob): Promise<string> {
    const jobId = leverEventJobId(job);
    await this.leverEvents.add(QueueName.LeverEvents, job, { ...QUEUE_CONFIG[QueueName.LeverEvents].job, jobId });
    return jobId;
  }
}
