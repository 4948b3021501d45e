/**
 * Group commit for one event-loop turn: every item submitted before the turn's I/O callbacks are
 * done goes to Redis (or anything else) in one call, and each caller gets its own answer. Under
 * load many requests are read in one turn, so N round trips become one; alone, an item waits only
 * for the end of the current turn (setImmediate), not for a timer.
 */
export class TurnBatcher<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param run does one batch; answers one result per item, in order: a value, or an Error for
   *   that item alone. A throw fails every item of the batch.
   * @param maxBatch a full batch goes at once, without waiting for the end of the turn
   */
  constructor(
    private readonly run: (items: In[]) => Promise<(Out | Error)[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let done: Promise<(Out | Error)[]>;
    try {
      done = this.run(batch.map((entry) => entry.item));
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(
      (results) =>
        batch.forEach((entry, i) => {
          const result = results[i];
          if (result instanceof Error) entry.reject(result);
          else if (i >= results.length) entry.reject(new Error(`batch answered ${results.length} results for ${batch.length} items`));
          else entry.resolve(result);
        }),
      (err: unknown) => batch.forEach((entry) => entry.reject(err)),
    );
  }
}
