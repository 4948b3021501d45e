import { JobOutcome } from './job-outcome';
import type { LeverSyncJob } from './job-payloads';
import { QUEUE_CONFIG } from './queue-config';
import { QueueName } from './queue-names';
import { QueueProcessor, type JobContext } from './queue-processor';

/** A processor whose jobs wait until the test lets them finish. */
class GatedProcessor extends QueueProcessor<typeof QueueName.LeverSync, string> {
  readonly running: string[] = [];
  private readonly gates: (() => void)[] = [];
  constructor() {
    super(QueueName.LeverSync);
  }
  protected override accountOf(payload: LeverSyncJob): string {
    return payload.accountId;
  }
  protected logContext(payload: LeverSyncJob) {
    return { correlationId: payload.correlationId };
  }
  protected async handle(payload: LeverSyncJob): Promise<JobOutcome<string>> {
    this.running.push(payload.assessmentId);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return JobOutcome.done(payload.assessmentId);
  }
  openGates(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

const job = (accountId: string, n: number): LeverSyncJob => ({
  accountId,
  opportunityId: `o-${n}`,
  assessmentId: `${accountId}-${n}`,
  correlationId: 'c',
});
const context: JobContext = { id: 'j', attempt: 1, isLastAttempt: false, queueKey: 'test:lever-sync' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('QueueProcessor: slots per account', () => {
  const limit = QUEUE_CONFIG[QueueName.LeverSync].slotsPerAccount;

  it("delays a job once its account holds its share of the worker's slots, while another account's job runs", async () => {
    const processor = new GatedProcessor();
    const busy = Array.from({ length: limit }, (_, i) => processor.run(job('busy', i), context));
    await tick();

    const extra = await processor.run(job('busy', 99), context);
    expect(extra).toMatchObject({ kind: 'delay', code: 'ACCOUNT_SLOTS_FULL' });
    expect(extra.kind === 'delay' && extra.until - Date.now()).toBeLessThanOrEqual(400);

    const other = processor.run(job('quiet', 1), context);
    await tick();
    expect(processor.running).toContain('quiet-1');
    processor.openGates();
    await expect(other).resolves.toEqual({ kind: 'done', result: 'quiet-1' });
    await Promise.all(busy);

    // The slots are given back when the jobs end.
    const again = processor.run(job('busy', 100), context);
    await tick();
    processor.openGates();
    await expect(again).resolves.toEqual({ kind: 'done', result: 'busy-100' });
    expect(processor.running).not.toContain('busy-99');
  });
});
