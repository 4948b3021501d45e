import { eventually } from '@lever-assess/testing';
import { ACME_KEY_ID, FaultHarness } from './support/fault-harness';

const BURST = 30;

/**
 * Worker processes killed or stopped in the middle of a burst (issue 15, fault suite). One Lever key
 * allows 10 requests per second, so a burst of 30 candidates takes a few seconds: long enough to
 * kill a worker in the middle. Every test ends with `assertFinalState`.
 */
describe('faults: worker processes killed or stopped mid-burst', () => {
  const harness = new FaultHarness();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('dispatcher SIGKILL mid-burst: a new dispatcher picks up the stalled jobs, every candidate is invited once', async () => {
    const candidates = await harness.addCandidates(BURST, 'dkill');
    await harness.moveAll(candidates);
    const atKill = await harness.whenProgress(() => harness.invitedCount(candidates), 3);
    const killedAt = Date.now();
    await harness.signal('dispatcher', 'SIGKILL');
    expect(atKill).toBeLessThan(BURST);
    await harness.startApp('dispatcher');
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 90_000 });
    console.log(`dispatcher killed at ${atKill}/${BURST} invited; all invited and tagged ${Date.now() - killedAt} ms later`);
  }, 180_000);

  it('result-sync SIGKILL mid-burst: a new result-sync finishes the tags, one status tag each', async () => {
    const candidates = await harness.addCandidates(BURST, 'rkill');
    await harness.moveAll(candidates);
    const atKill = await harness.whenProgress(() => harness.withStatusCount(candidates, 'Sent'), 3);
    const killedAt = Date.now();
    await harness.signal('result-sync', 'SIGKILL');
    expect(atKill).toBeLessThan(BURST);
    await harness.startApp('result-sync');
    await harness.assertFinalState(FaultHarness.sent(candidates));
    console.log(`result-sync killed at ${atKill}/${BURST} tagged; all tagged ${Date.now() - killedAt} ms later`);
  }, 180_000);

  it('result-sync SIGKILL during callbacks: every result lands once (one tag, one report link, one note)', async () => {
    const candidates = await harness.addCandidates(16, 'rkill-cb');
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates));
    const expected = await harness.scoreAll(candidates);
    const atKill = await harness.whenProgress(
      async () => (await harness.withStatusCount(candidates, 'Pass')) + (await harness.withStatusCount(candidates, 'Fail')),
      2,
    );
    await harness.signal('result-sync', 'SIGKILL');
    expect(atKill).toBeLessThan(candidates.length);
    await harness.startApp('result-sync');
    await harness.assertFinalState(expected);
  }, 180_000);

  it('result-sync SIGKILL while its note writes are in flight (Lever applies them after the kill): one note each', async () => {
    const candidates = await harness.addCandidates(8, 'rkill-note');
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates));
    const since = Date.now();
    // Every Lever request of the key now takes 2 s, and is applied even when its client is gone.
    await harness.leverFault({ delayMs: 2_000, count: 200 });
    const expected = await harness.scoreAll(candidates);
    await eventually(
      async () => {
        const { data } = await harness.json<{ data: { method: string; path: string; status: number | null }[] }>(
          'GET',
          `${harness.leverUrl}/_sandbox/requests?keyId=${ACME_KEY_ID}&since=${since}`,
        );
        return data.some((r) => r.method === 'POST' && r.path.includes('/notes') && r.status === null);
      },
      { timeoutMs: 60_000, intervalMs: 25 },
    );
    await harness.signal('result-sync', 'SIGKILL');
    await harness.json('DELETE', `${harness.leverUrl}/_sandbox/keys/${ACME_KEY_ID}/faults`);
    await harness.startApp('result-sync');
    await harness.assertFinalState(expected, { timeoutMs: 120_000 });
    // The scenario happened: a note request lost its client (499) yet Lever stored it, and the re-run found it.
    const { data } = await harness.json<{ data: { method: string; path: string; status: number | null }[] }>(
      'GET',
      `${harness.leverUrl}/_sandbox/requests?keyId=${ACME_KEY_ID}&since=${since}`,
    );
    expect(data.filter((r) => r.method === 'POST' && r.path.includes('/notes') && r.status === 499).length).toBeGreaterThan(0);
  }, 180_000);

  it('webhook-gateway SIGKILL mid-burst: Lever retries what got no answer, every candidate is invited once', async () => {
    const candidates = await harness.addCandidates(BURST, 'gkill');
    const [first, second] = [candidates.slice(0, BURST / 2), candidates.slice(BURST / 2)];
    await harness.moveAll(first);
    await harness.whenProgress(() => harness.invitedCount(first), 1);
    await harness.signal('webhook-gateway', 'SIGKILL');
    // The rest of the burst meets no gateway: Lever's deliveries fail and are retried.
    await harness.moveAll(second);
    await harness.startApp('webhook-gateway');
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
    const ours = new Set(candidates.map((c) => c.opportunityId));
    const deliveries = (await harness.webhookDeliveries()).filter((d) => ours.has(d.body.data?.opportunityId ?? ''));
    expect(deliveries.filter((d) => d.state !== 'delivered')).toEqual([]);
    expect(deliveries.filter((d) => (d.attempts?.length ?? 0) > 1).length).toBeGreaterThan(0);
  }, 180_000);

  it('SIGTERM of both workers mid-burst: they exit cleanly within the grace period and nothing is half-applied', async () => {
    const candidates = await harness.addCandidates(BURST, 'term');
    await harness.moveAll(candidates);
    await harness.whenProgress(() => harness.withStatusCount(candidates, 'Sent'), 3);
    const [dispatcher, resultSync] = await Promise.all([harness.signal('dispatcher', 'SIGTERM'), harness.signal('result-sync', 'SIGTERM')]);
    // Nest re-raises the signal once its shutdown hooks are done; the watchdog would exit 1 after 25 s.
    console.log(`SIGTERM: dispatcher exited in ${dispatcher.ms} ms, result-sync in ${resultSync.ms} ms`);
    for (const exit of [dispatcher, resultSync]) {
      expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
      expect(exit.ms).toBeLessThan(25_000);
    }
    await harness.startApp('dispatcher');
    await harness.startApp('result-sync');
    await harness.assertFinalState(FaultHarness.sent(candidates));
  }, 180_000);
});
