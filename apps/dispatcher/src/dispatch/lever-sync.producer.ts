import { QUEUE_CONFIG, QueueName, type LeverSyncJob } from '@lever-assess/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Asks result-sync to make Lever match an assessment. No jobId: the sync is state-based (it reads
 * the assessment when it runs), so a repeated or extra job is harmless.
 */
@Injectable()
export class LeverSyncProducer {
  constructor(@InjectQueue(QueueName.LeverSync) private readonly queue: Queue<LeverSyncJob>) {}

  async enqueue(job: LeverSyncJob): Promise<void> {
    await this.queue.add(QueueName.LeverSync, job, QUEUE_CONFIG[QueueName.LeverSync].job);
  }
}
