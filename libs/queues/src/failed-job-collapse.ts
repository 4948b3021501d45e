import { Job, type Worker } from 'bullmq';
import { FAILED_JOB_RETENTION } from './queue-config';

/**
 * Atomically: when the job that just failed is in the failed set, it becomes the group's last failed
 * job, and the group's previous one is returned when it is still failed (else nothing is returned:
 * a replayed, running or removed job is never touched). The pointer lives as long as failed jobs do.
 * KEYS: the group's pointer, the queue's failed set. ARGV: the failed job's id, the pointer's TTL (s).
 */
const SWAP_LUA = `
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return false end
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if previous and previous ~= ARGV[1] and redis.call('ZSCORE', KEYS[2], previous) then return previous end
return false
`;

const SWAP_COMMAND = 'leverAssessSwapFailedInGroup';
const defined = new WeakSet<object>();

/** The Redis key that names the last failed job of a group (no job id holds ':', so no job key is ever this). */
export const failedGroupKey = (queueQualifiedName: string, group: string) => `${queueQualifiedName}:failed-group:${group}`;

/**
 * Collapses the failed jobs of one group (for `lever-sync`: one assessment) to the last one that
 * failed: call it when a job has failed (the worker's `failed` event). When the job is failed for good
 * (in the failed set; a failed attempt that will be retried is not), the group's previously failed
 * job is removed, so a week of failed syncs of one assessment leaves one job to replay. Only for
 * state-based jobs, where any one of them does what all would. The job that just failed is never
 * removed, so the only failed job of a group always stays; a previous job that was replayed meanwhile
 * is not failed any more and is left alone. Returns the id of the removed job, if any.
 */
export async function collapseFailedJob(worker: Worker, job: Job, group: string): Promise<string | null> {
  if (!job.id) return null;
  const client = await worker.getBackend().client;
  if (!defined.has(client)) {
    client.defineCommand(SWAP_COMMAND, { numberOfKeys: 2, lua: SWAP_LUA });
    defined.add(client);
  }
  const previous = (await client.runCommand(SWAP_COMMAND, [
    failedGroupKey(worker.qualifiedName, group),
    worker.toKey('failed'),
    job.id,
    FAILED_JOB_RETENTION.age,
  ])) as string | null;
  if (!previous) return null;
  // An admin may have replayed the previous job since the swap: look at its state once more (the
  // window left is one round trip, and the group's newest failed job stays in any case).
  const old = await Job.fromId(worker, previous);
  if (!old || !(await old.isFailed())) return null;
  await old.remove();
  return previous;
}
