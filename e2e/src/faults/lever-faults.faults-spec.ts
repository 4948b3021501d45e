import { FaultHarness } from './support/fault-harness';

const BURST = 15;

/**
 * Lever misbehaving under a burst: 429 storms (with and without Retry-After) and 5xx storms,
 * injected on the account's key in the Lever sandbox (each faulted request writes nothing).
 */
describe('faults: Lever 429 and 5xx storms', () => {
  const harness = new FaultHarness();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('a 429 storm mid-burst: jobs wait for their turn, every candidate ends with one Sent tag', async () => {
    const candidates = await harness.addCandidates(BURST, 'l429');
    const before = await harness.leverStatusCounts();
    await harness.leverFault({ status: 429, count: 10, retryAfter: 1 });
    await harness.leverFault({ status: 429, count: 15 });
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
    // Every injected 429 was answered (the storm really happened).
    expect((await harness.leverStatusCounts())['429'] - (before['429'] ?? 0)).toBeGreaterThanOrEqual(25);
  }, 240_000);

  it('a 5xx storm on the reads and writes: retried with backoff, one invitation and one Sent tag each', async () => {
    const candidates = await harness.addCandidates(BURST, 'l5xx');
    const before = await harness.leverStatusCounts();
    await harness.leverFault({ status: 503, count: 15 });
    await harness.leverFault({ status: 500, count: 5 });
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
    const after = await harness.leverStatusCounts();
    expect(after['503'] - (before['503'] ?? 0)).toBe(15);
    expect(after['500'] - (before['500'] ?? 0)).toBe(5);
  }, 240_000);

  it('5xx and 429 while results arrive: each result tag, report link and note written once', async () => {
    const candidates = await harness.addCandidates(12, 'l5xx-cb');
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates));
    await harness.leverFault({ status: 502, count: 12 });
    await harness.leverFault({ status: 429, count: 6, retryAfter: 1 });
    await harness.leverFault({ status: 503, count: 8 });
    const before = await harness.leverStatusCounts();
    const expected = await harness.scoreAll(candidates);
    await harness.assertFinalState(expected, { timeoutMs: 120_000 });
    const after = await harness.leverStatusCounts();
    expect(after['502'] - (before['502'] ?? 0)).toBe(12);
    expect(after['503'] - (before['503'] ?? 0)).toBe(8);
  }, 240_000);
});
