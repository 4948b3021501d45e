import type { QueueName } from './queue-names';
import type { Type } from '@nestjs/common';

// @nestjs/bullmq's @Processor() stores its options under this key (bull.constants, not exported).
// queue-wiring.spec.ts decorates a class with the real @Processor, so a library change fails there.
const PROCESSOR_METADATA = 'bullmq:processor_metadata';

/** The queue a class consumes according to its @Processor() decorator, or null. */
export function processorQueue(cls: Type): string | null {
  const meta: unknown = Reflect.getMetadata(PROCESSOR_METADATA, cls);
  if (!meta || typeof meta !== 'object') return null;
  const name = (meta as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

/**
 * Fails start-up when a queue the app owns has no processor, or two: jobs would pile up unseen
 * (or be consumed twice over). Runs while the module is built, before any worker connects.
 */
export function assertQueueProcessors(app: string, owned: readonly QueueName[], processors: readonly Type[]): void {
  const problems: string[] = [];
  for (const queue of owned) {
    const count = processors.filter((p) => processorQueue(p) === queue).length;
    if (count === 0) problems.push(`no @Processor('${queue}') registered; add one under apps/${app}/src and list it in its app module`);
    if (count > 1) problems.push(`${count} processors for '${queue}'; keep exactly one`);
  }
  for (const p of processors) {
    const queue = processorQueue(p);
    if (queue === null || !(owned as readonly string[]).includes(queue)) {
      problems.push(`${p.name} consumes '${queue ?? '(not a @Processor)'}', which ${app} does not own`);
    }
  }
  if (problems.length > 0) throw new Error(`${app} queue wiring is incomplete:\n- ${problems.join('\n- ')}`);
}
