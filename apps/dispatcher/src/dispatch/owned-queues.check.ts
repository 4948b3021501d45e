import type { QueueName } from '@lever-assess/queues';
import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** The queues this app consumes; each needs exactly one @Processor (style-examples §7). */
export const OWNED_QUEUES = Symbol('OWNED_QUEUES');

/** Null when every owned queue has exactly one processor, else what the developer must fix. */
export function processorWiringProblem(owned: readonly QueueName[], processorQueues: readonly string[]): string | null {
  const problems: string[] = [];
  for (const queue of owned) {
    const count = processorQueues.filter((q) => q === queue).length;
    if (count === 0)
      problems.push(`no @Processor for queue ${queue}: add one in apps/dispatcher/src/dispatch and provide it in DispatchModule`);
    if (count > 1) problems.push(`${count} @Processor classes for queue ${queue}: keep exactly one`);
  }
  return problems.length ? problems.join('; ') : null;
}

/**
 * Fails start-up (so the pod restarts and the deploy is visibly broken) when an owned queue has
 * no processor: without one, its jobs would pile up in Redis while health checks stay green.
 * Runs after @nestjs/bullmq created the workers (onModuleInit), so each WorkerHost has its worker.
 */
@Injectable()
export class OwnedQueuesCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(OWNED_QUEUES) private readonly owned: readonly QueueName[],
  ) {}

  onApplicationBootstrap(): void {
    const queues = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker.name);
    const problem = processorWiringProblem(this.owned, queues);
    if (problem) throw new Error(`Worker wiring incomplete: ${problem}`);
  }
}
