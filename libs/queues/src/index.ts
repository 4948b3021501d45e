export * from './queue-names';
export * from './job-payloads';
export * from './job-ids';
export * from './queue-config';
export * from './redis-connection';
export * from './queues.module';
export * from './redis-lock';
export * from './worker-shutdown';
