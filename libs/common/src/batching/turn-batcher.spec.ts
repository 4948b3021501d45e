import { TurnBatcher } from './turn-batcher';

describe('TurnBatcher', () => {
  const recording = () => {
    const batches: number[][] = [];
    const batcher = new TurnBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => (n < 0 ? new Error(`negative ${n}`) : n * 10));
    }, 4);
    return { batches, batcher };
  };

  it('sends what is submitted in one turn as one batch and answers each caller in order', async () => {
    const { batches, batcher } = recording();
    await expect(Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch in the next turn', async () => {
    const { batches, batcher } = recording();
    await batcher.submit(1);
    await batcher.submit(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it('sends a full batch at once', async () => {
    const { batches, batcher } = recording();
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n)));
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
  });

  it('fails only the item the batch answered with an error', async () => {
    const { batcher } = recording();
    const answers = await Promise.allSettled([1, -2, 3].map((n) => batcher.submit(n)));
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toEqual(new Error('negative -2'));
  });

  it('fails every item when the batch throws, sync or async, and keeps working after', async () => {
    let fail: 'sync' | 'async' | null = 'sync';
    const batcher = new TurnBatcher<number, number>((items) => {
      if (fail === 'sync') throw new Error('sync');
      if (fail === 'async') return Promise.reject(new Error('async'));
      return Promise.resolve(items);
    });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('sync');
    fail = 'async';
    const answers = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    fail = null;
    await expect(batcher.submit(7)).resolves.toBe(7);
  });

  it('fails the items a short answer leaves out', async () => {
    const batcher = new TurnBatcher<number, number>(async (items) => items.slice(0, 1));
    const answers = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect((answers[1] as PromiseRejectedResult).reason.message).toBe('batch answered 1 results for 2 items');
  });
});
