/**
 * Queue names. The values are persisted in Redis (keys `<prefix>:<name>:...`): renaming one strands
 * every job already queued, so never change a value without a migration plan.
 */
export const QueueName = {
  LeverEvents: 'lever-events',
  PlatformEvents: 'platform-events',
  LeverSync: 'lever-sync',
  AccountSweeps: 'account-sweeps',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
