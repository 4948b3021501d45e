import 'reflect-metadata';
import { QueueName } from './queue-names';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { assertQueueProcessors, processorQueue } from './queue-wiring';

@Processor(QueueName.LeverSync)
class SyncProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

@Processor({ name: QueueName.PlatformEvents })
class EventsProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

@Processor(QueueName.PlatformEvents)
class SecondEventsProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

class NotAProcessor {}

describe('assertQueueProcessors', () => {
  const owned = [QueueName.PlatformEvents, QueueName.LeverSync];

  it('reads the queue from the real @Processor decorator', () => {
    expect(processorQueue(SyncProcessor)).toBe('lever-sync');
    expect(processorQueue(EventsProcessor)).toBe('platform-events');
    expect(processorQueue(NotAProcessor)).toBeNull();
  });

  it('accepts exactly one processor per owned queue', () => {
    expect(() => assertQueueProcessors('result-sync', owned, [EventsProcessor, SyncProcessor])).not.toThrow();
  });

  it.each([
    ['a queue without processor', [SyncProcessor], /no @Processor\('platform-events'\)/],
    ['two processors for one queue', [EventsProcessor, SecondEventsProcessor, SyncProcessor], /2 processors for 'platform-events'/],
    ['a class that is not a processor', [EventsProcessor, SyncProcessor, NotAProcessor], /NotAProcessor consumes '\(not a @Processor\)'/],
  ])('refuses %s', (_name, processors, message) => {
    expect(() => assertQueueProcessors('result-sync', owned, processors)).toThrow(message);
  });

  it('refuses a processor of a queue the app does not own', () => {
    expect(() => assertQueueProcessors('result-sync', [QueueName.LeverSync], [SyncProcessor, EventsProcessor])).toThrow(
      /EventsProcessor consumes 'platform-events', which result-sync does not own/,
    );
  });
});
