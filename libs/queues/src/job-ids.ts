import { hash as digest } from 'node:crypto';
import type { LeverEventJob, PlatformEventJob } from './job-payloads';

// BullMQ rejects job ids containing ':' and all-digit ids, so ids are hashed with a letter prefix.
// One-shot hash: computed for every webhook, twice (the token record and the job id).
const hash = (parts: string[]) => digest('sha256', parts.join('|'), 'hex').slice(0, 40);

/** One job per (account, Lever delivery token): a redelivery while the job exists is dropped. */
export const leverEventJobId = (job: Pick<LeverEventJob, 'accountId' | 'deliveryToken'>) =>
  `le-${hash([job.accountId, job.deliveryToken])}`;

/** One job per platform event id. */
export const platformEventJobId = (job: Pick<PlatformEventJob, 'eventId'>) => `pe-${hash([job.eventId])}`;

/** One scheduled sweep per (account, interval bucket): replicas fanning out the same interval make one job. */
export const accountSweepJobId = (accountId: string, intervalMs: number, now = Date.now()) =>
  `as-${hash([accountId, String(Math.floor(now / intervalMs))])}`;
