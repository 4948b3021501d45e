import { QueueName } from '@lever-assess/queues';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LeverEventDispatchService } from './lever-event-dispatch.service';
import { LeverEventsProcessor } from './lever-events.processor';
import { LeverSyncProducer } from './lever-sync.producer';
import { OWNED_QUEUES, OwnedQueuesCheck } from './owned-queues.check';

/** The `lever-events` worker. Needs QueuesModule (lever-events, lever-sync), PersistenceModule and AccountAccessModule. */
@Module({
  imports: [DiscoveryModule],
  providers: [
    LeverEventDispatchService,
    LeverEventsProcessor,
    LeverSyncProducer,
    { provide: OWNED_QUEUES, useValue: [QueueName.LeverEvents] },
    OwnedQueuesCheck,
  ],
})
export class DispatchModule {}
