import { QueueName } from '@lever-assess/queues';
import type { Job, Queue } from 'bullmq';
import type { AuditEvent, AuditService } from '../shared/audit/audit.service';
import { FailedJobsService } from './failed-jobs.service';

const ACCOUNT = '7d3c8f0e-4a4b-4c1e-9d2a-0a1b2c3d4e5f';

/** A failed job whose retry fails when `gone` (replayed or removed by someone else meanwhile). */
const job = (id: string, failedReason: string, gone = false) => {
  let state = 'failed';
  return {
    id,
    data: { accountId: ACCOUNT },
    failedReason,
    retry: jest.fn(async () => {
      if (gone) {
        state = 'waiting';
        throw new Error('Job is not in the failed state');
      }
      state = 'waiting';
    }),
    getState: jest.fn(async () => state),
  } as unknown as Job;
};

/** Bulk retry's bookkeeping, on queues whose failed jobs are given: matching, the limit, jobs replayed meanwhile. */
describe('FailedJobsService.retryMany', () => {
  const audit: AuditEvent[] = [];
  const build = (failed: Partial<Record<QueueName, Job[]>>) => {
    const queues = Object.values(QueueName).map(
      (name) =>
        ({
          name,
          getJobs: jest.fn(async (_types: string[], start: number, end: number) => (failed[name] ?? []).slice(start, end + 1)),
        }) as unknown as Queue,
    );
    const auditService = {
      record: jest.fn(async (_actor: unknown, event: AuditEvent) => void audit.push(event)),
    } as unknown as AuditService;
    return new FailedJobsService(queues, auditService);
  };

  beforeEach(() => (audit.length = 0));

  it('reports a job that is no longer failed in notRetried and replays the others', async () => {
    const service = build({ [QueueName.LeverEvents]: [job('a', 'LEVER_KEY_REVOKED: x'), job('b', 'LEVER_KEY_REVOKED: x', true)] });
    const result = await service.retryMany({ kind: 'bootstrap' }, { code: 'LEVER_KEY_REVOKED' });
    expect(result).toEqual({
      retried: 1,
      jobs: [{ id: 'a', queue: 'lever-events', state: 'waiting' }],
      notRetried: [{ id: 'b', queue: 'lever-events', reason: 'JOB_NOT_FAILED' }],
      more: false,
    });
    expect(audit[0]).toMatchObject({
      action: 'failed-job.retry-bulk',
      details: { retried: ['lever-events/a'], notRetried: ['lever-events/b'] },
    });
  });

  it('matches the code as the prefix of the reason only, and stops at the limit with more', async () => {
    const jobs = [
      job('a', 'LEVER_KEY_REVOKED_LATER: x'),
      job('b', 'Lever unavailable: LEVER_KEY_REVOKED: x'),
      job('c', 'LEVER_KEY_REVOKED: x'),
    ];
    const more = [job('d', 'LEVER_KEY_REVOKED: y'), job('e', 'LEVER_KEY_REVOKED: z')];
    const service = build({ [QueueName.LeverSync]: [...jobs, ...more] });
    const result = await service.retryMany(
      { kind: 'bootstrap' },
      { code: 'LEVER_KEY_REVOKED', accountId: ACCOUNT.toUpperCase(), limit: 2 },
    );
    expect(result.jobs.map((j) => j.id)).toEqual(['c', 'd']);
    expect(result.more).toBe(true);
    expect(jobs[0].retry).not.toHaveBeenCalled();
    expect(more[1].retry).not.toHaveBeenCalled();
  });
});
