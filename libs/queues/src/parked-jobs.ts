import type { Job, Queue, Worker } from 'bullmq';

/**
 * Jobs parked because their account's Lever connection is broken (JobOutcome `park`). A parked
 * job is a delayed job, listed in a Redis hash per queue and account (and the account in an index
 * hash per queue), so that the moment an admin
 * replaces the key every one of them is promoted (resumeParkedJobs), without waiting for its delay.
 * The delay is only the safety net for a lost announcement: a parked job wakes after it, finds the
 * account still disconnected (one PostgreSQL read, no Lever call) and parks again.
 */
export const PARK_RECHECK_MS = 15 * 60 * 1000;

/** `<prefix>:<queue>:parked:<accountId>`: hash of that account's parked job ids (-> when parked) in that queue. */
export const parkedJobsKey = (queueQualifiedName: string, accountId: string) => `${queueQualifiedName}:parked:${accountId}`;
/** `<prefix>:<queue>:parked-accounts`: hash of the accounts that have parked jobs in that queue. */
export const parkedAccountsKey = (queueQualifiedName: string) => `${queueQualifiedName}:parked-accounts`;

/** Lists the job under its account and moves it to delayed (not an attempt); the caller then throws DelayedError. */
export async function parkJob(
  worker: Worker,
  job: Job<unknown>,
  token: string | undefined,
  accountId: string,
  recheckMs = PARK_RECHECK_MS,
): Promise<void> {
  const client = await worker.getBackend().client;
  // Listed first: a resume racing this park then finds the job (promoting it once it is delayed, or on the next announcement).
  const now = Date.now();
  await client.hset(parkedJobsKey(job.queueQualifiedName, accountId), { [job.id as string]: now });
  await client.hset(parkedAccountsKey(job.queueQualifiedName), { [accountId]: now });
  await job.moveToDelayed(Date.now() + recheckMs, token);
}

/**
 * Promotes the account's parked jobs in `queue` so they run now, and forgets them. A job that is no
 * longer delayed (already running, finished, or removed) is just forgotten. Safe to run from every
 * replica at once: promote() of a job another replica promoted fails and is ignored.
 * Resolves how many jobs were promoted.
 */
export async function resumeParkedJobs(queue: Queue, accountId: string): Promise<number> {
  const client = await queue.getBackend().client;
  const key = parkedJobsKey(queue.qualifiedName, accountId);
  const ids = Object.keys(await client.hgetall(key));
  let promoted = 0;
  for (const id of ids) {
    await client.hdel(key, id);
    const job = await queue.getJob(id);
    if (!job || !(await job.isDelayed())) continue;
    try {
      await job.promote();
      promoted += 1;
    } catch {
      // Promoted or taken by another replica meanwhile.
    }
  }
  // A job parked meanwhile re-lists its account (HSET after this check): nothing is forgotten.
  if (Object.keys(await client.hgetall(key)).length === 0) await client.hdel(parkedAccountsKey(queue.qualifiedName), accountId);
  return promoted;
}

/** Account ids that have parked jobs in `queue` (after a lost announcement, all are checked). */
export async function accountsWithParkedJobs(queue: Queue): Promise<string[]> {
  const client = await queue.getBackend().client;
  return Object.keys(await client.hgetall(parkedAccountsKey(queue.qualifiedName)));
}

/** How many jobs of the account wait parked in `queue` (the console's backlog). */
export async function countParkedJobs(queue: Queue, accountId: string): Promise<number> {
  const client = await queue.getBackend().client;
  return Object.keys(await client.hgetall(parkedJobsKey(queue.qualifiedName, accountId))).length;
}
