import { QueueName } from '@lever-assess/queues';

/** The queues result-sync consumes; each needs exactly one processor (checked at start-up). */
export const OWNED_QUEUES = [QueueName.PlatformEvents, QueueName.LeverSync] as const;
