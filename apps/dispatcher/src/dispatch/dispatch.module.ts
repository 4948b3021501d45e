import { Module } from '@nestjs/common';
import { LeverEventDispatchService } from './lever-event-dispatch.service';
import { LeverEventsProcessor } from './lever-events.processor';
import { LeverLifecycleService } from './lever-lifecycle.service';

/** The worker's processors; the app module checks their wiring before any worker starts. */
export const DISPATCHER_PROCESSORS = [LeverEventsProcessor];

/**
 * The `lever-events` worker. Needs QueuesModule (lever-events, lever-sync), PersistenceModule,
 * AccountAccessModule and PlatformClientModule.
 */
@Module({ providers: [LeverEventDispatchService, LeverLifecycleService, ...DISPATCHER_PROCESSORS] })
export class DispatchModule {}
