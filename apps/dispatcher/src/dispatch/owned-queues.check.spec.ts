import { QueueName } from '@lever-assess/queues';
import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { OWNED_QUEUES, OwnedQueuesCheck, processorWiringProblem } from './owned-queues.check';

describe(processorWiringProblem.name, () => {
  it.each<[string, QueueName[], string[], RegExp | null]>([
    ['every owned queue has one processor', [QueueName.LeverEvents], ['lever-events'], null],
    ['processors of other queues are fine', [QueueName.LeverEvents], ['lever-events', 'lever-sync'], null],
    ['a missing processor is named', [QueueName.LeverEvents], [], /no @Processor for queue lever-events/],
    [
      'a second processor is refused',
      [QueueName.LeverEvents],
      ['lever-events', 'lever-events'],
      /2 @Processor classes for queue lever-events/,
    ],
    [
      'each missing queue is named',
      [QueueName.LeverEvents, QueueName.LeverSync],
      ['lever-sync'],
      /^no @Processor for queue lever-events[^;]*$/,
    ],
  ])('%s', (_name, owned, found, expected) => {
    const problem = processorWiringProblem(owned, found);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe(OwnedQueuesCheck.name, () => {
  @Module({ imports: [DiscoveryModule], providers: [{ provide: OWNED_QUEUES, useValue: [QueueName.LeverEvents] }, OwnedQueuesCheck] })
  class WorkerWithoutProcessor {}

  it('stops the app at start-up when an owned queue has no processor', async () => {
    await expect(NestFactory.createApplicationContext(WorkerWithoutProcessor, { logger: false, abortOnError: false })).rejects.toThrow(
      /Worker wiring incomplete: no @Processor for queue lever-events/,
    );
  });
});
