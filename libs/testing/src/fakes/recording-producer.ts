import { copyRow } from './in-memory-store';

/** What `addOnce` of a real producer resolves (AddResult of @lever-assess/queues). */
export type RecordedAddResult = 'accepted' | 'duplicate';

/**
 * A queue producer (QueueProducer of @lever-assess/queues) that keeps the jobs it is given instead
 * of sending them to Redis. Give it the real producer's job-id function: as in BullMQ, a job whose
 * id is already held is kept instead of the new one. `failNext` makes the next add fail, as when
 * Redis refuses the job.
 *
 * It does not import @lever-assess/queues (whose integration specs import this lib: an Nx cycle),
 * so pass it as the real producer with `standIn<LeverSyncProducer>(producer)`, which checks it has
 * the producer's whole public surface.
 */
export class RecordingProducer<P> {
  /** The payloads stored, in order. */
  readonly jobs: P[] = [];
  private readonly ids = new Set<string>();
  private readonly failures: Error[] = [];
  private added = 0;

  /** @param jobId undefined for state-based queues (lever-sync): every add is a new job */
  constructor(readonly jobId: (payload: P) => string | undefined = () => undefined) {}

  failNext(err: Error = new Error('Connection is closed.')): void {
    this.failures.push(err);
  }

  async add(payload: P): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const jobId = this.jobId(payload);
    if (jobId !== undefined && this.ids.has(jobId)) return jobId;
    if (jobId !== undefined) this.ids.add(jobId);
    this.jobs.push(copyRow(payload));
    return jobId ?? String(++this.added);
  }

  /** Like the real addMany (one command per job): a failure set with failNext fails the next job alone. */
  async addMany(payloads: P[]): Promise<(string | Error)[]> {
    const results: (string | Error)[] = [];
    for (const payload of payloads) results.push(await this.add(payload).catch((err: Error) => err));
    return results;
  }

  async addOnce(payload: P): Promise<RecordedAddResult> {
    const jobId = this.jobId(payload);
    if (jobId !== undefined && this.ids.has(jobId)) return 'duplicate';
    await this.add(payload);
    return 'accepted';
  }

  async exists(jobId: string): Promise<boolean> {
    return this.ids.has(jobId);
  }
}
