import { logConnectionErrors, redisOptionsFromUrl, type RedisModuleOptions } from '@lever-assess/redis';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PRODUCERS } from './producers';
import { QUEUE_CONFIG } from './queue-config';
import { watchQueueMetrics } from './queue-metrics';
import type { QueueName } from './queue-names';

/** The queues this app registered, for depth metrics and failed-job tooling. */
export const REGISTERED_QUEUES = Symbol('REGISTERED_QUEUES');

export interface QueuesModuleOptions {
  /** The app's Redis options (RedisModule's); `keyPrefix` is BullMQ's prefix, `failFast` applies to producers. */
  redis: RedisModuleOptions;
  /** Queues this app produces to or consumes from; each gets its producer. */
  queues: readonly QueueName[];
}

/** Logs the queues' connection errors (throttled), and keeps ioredis from printing "Unhandled error event". */
@Injectable()
class QueueConnectionLogging {
  constructor(@Inject(REGISTERED_QUEUES) queues: Queue[]) {
    const logger = new Logger('Queues');
    for (const queue of queues) logConnectionErrors(queue, (message) => logger.warn(message), `queue ${queue.name}`);
  }
}

/** Adds this app's queues to the queue gauges (queue-metrics.ts) for as long as the app runs. */
@Injectable()
class QueueDepthRegistration implements OnApplicationShutdown {
  private readonly unwatch: () => void;
  constructor(@Inject(REGISTERED_QUEUES) queues: Queue[]) {
    this.unwatch = watchQueueMetrics(queues);
  }
  onApplicationShutdown() {
    this.unwatch();
  }
}

/**
 * BullMQ for an app: its queues with their default job options, a typed producer per queue, the
 * queue gauges. Needs RedisModule (the same options) for the app's general-purpose client.
 */
@Module({})
export class QueuesModule {
  static forRoot(options: QueuesModuleOptions): DynamicModule {
    const connection = {
      ...redisOptionsFromUrl(options.redis.url),
      ...(options.redis.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
    };
    const producers = options.queues.map((name) => PRODUCERS[name]);
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: options.redis.keyPrefix }),
        BullModule.registerQueue(...options.queues.map((name) => ({ name, defaultJobOptions: QUEUE_CONFIG[name].job }))),
      ],
      providers: [
        {
          provide: REGISTERED_QUEUES,
          inject: options.queues.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => queues,
        },
        QueueConnectionLogging,
        QueueDepthRegistration,
        ...producers,
      ],
      exports: [BullModule, REGISTERED_QUEUES, ...producers],
    };
  }
}
