import { QueueName } from '@lever-assess/queues';
import { processorWiringProblem } from './owned-queues.check';

describe(processorWiringProblem.name, () => {
  it.each<[string, QueueName[], string[], RegExp | null]>([
    ['every owned queue has one processor', [QueueName.LeverEvents], ['lever-events'], null],
    ['processors of other queues are fine', [QueueName.LeverEvents], ['lever-events', 'lever-sync'], null],
    ['a missing processor is named', [QueueName.LeverEvents], [], /no @Processor for queue lever-events/],
    ['a second processor is refused', [QueueName.LeverEvents], ['lever-events', 'lever-events'], /2 @Processor classes for queue lever-events/],
    ['each missing queue is named', [QueueName.LeverEvents, QueueName.LeverSync], ['lever-sync'], /^no @Processor for queue lever-events[^;]*$/],
  ])('%s', (_name, owned, found, expected) => {
    const problem = processorWiringProblem(owned, found);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
