import { eventually, sleep } from '@lever-assess/testing';
import { FaultHarness, TRIGGER_STAGE } from './support/fault-harness';
import { OwnRedis } from './support/own-redis';

const BURST = 20;

/**
 * Redis stopped and restarted under load (a redis-server of the test's own, append-only file on),
 * and PostgreSQL unreachable for a while (a TCP proxy of the test's own, cut and restored). The
 * machine's shared Redis and PostgreSQL are never touched.
 */
describe('faults: Redis stopped and restarted under load', () => {
  const redis = new OwnRedis();
  let harness: FaultHarness;

  beforeAll(async () => {
    await redis.start();
    harness = new FaultHarness({ redisUrl: redis.url });
    await harness.start();
  }, 120_000);
  afterAll(async () => {
    // Running again if a test failed while it was stopped, so the harness can clean its keys.
    await redis.start().catch(() => undefined);
    await harness?.stop();
    await redis.destroy();
  }, 120_000);

  it('the gateway answers 503 while Redis is down, never 2xx, and everything it acknowledged is processed', async () => {
    const candidates = await harness.addCandidates(BURST, 'redis');
    // A candidate already at the trigger stage whose delivery we post ourselves during the outage.
    const [direct] = await harness.addCandidates(1, 'redis-direct', TRIGGER_STAGE);
    await harness.moveAll(candidates);
    await harness.whenProgress(() => harness.invitedCount(candidates), 3);
    await redis.stop();

    const delivery = harness.signedDelivery(direct);
    const during: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const res = await harness.postDelivery(delivery);
      during.push(res.status);
      // Fail fast (no offline queue): Lever's 5 s timeout is never reached.
      expect(Date.now() - started).toBeLessThan(3_000);
      await sleep(500);
    }
    expect(during.every((s) => s === 503)).toBe(true);

    const restarted = Date.now();
    await redis.start();
    // Lever retries the same envelope (every second here): accepted once the gateway has reconnected.
    const accepted = await eventually(async () => ((await harness.postDelivery(delivery)).status < 300 ? Date.now() : null), {
      timeoutMs: 30_000,
      intervalMs: 1_000,
    });
    console.log(`gateway accepting again ${accepted - restarted} ms after Redis restarted`);

    // The sandbox's own deliveries failed during the outage are retried (1 s, 2 s, 4 s, ...).
    await harness.assertFinalState(FaultHarness.sent([...candidates, direct]), { timeoutMs: 120_000 });
    const deliveries = await harness.webhookDeliveries();
    const ours = new Set(candidates.map((c) => c.opportunityId));
    expect(deliveries.filter((d) => ours.has(d.body.data?.opportunityId ?? '') && d.state !== 'delivered')).toEqual([]);
  }, 240_000);

  it('deliveries posted through the stop and the restart: each one 2xx (and then processed) or 503, never anything else', async () => {
    const candidates = await harness.addCandidates(40, 'redis-load', TRIGGER_STAGE);
    const deliveries = candidates.map((c) => harness.signedDelivery(c));
    const answers: number[] = [];
    let stopping: Promise<void> = Promise.resolve();
    let starting: Promise<void> = Promise.resolve();
    for (let i = 0; i < candidates.length; i++) {
      if (i === 8) stopping = redis.stop();
      if (i === 24) starting = stopping.then(() => redis.start());
      answers.push((await harness.postDelivery(deliveries[i])).status);
      await sleep(100);
    }
    await starting;
    expect(answers.filter((s) => s >= 300 && s !== 503)).toEqual([]);
    const acknowledged = candidates.filter((_, i) => answers[i] < 300);
    const refused = candidates.filter((_, i) => answers[i] === 503);
    console.log(`Redis stop/restart under load: ${acknowledged.length} acknowledged, ${refused.length} refused with 503`);
    expect(refused.length).toBeGreaterThan(0);
    // Everything acknowledged is processed, without any retry from Lever.
    await harness.assertFinalState(FaultHarness.sent(acknowledged), { timeoutMs: 120_000 });
    // Lever retries the refused ones: then they are processed too, once.
    for (const i of candidates.keys()) {
      if (answers[i] === 503) expect((await harness.postDelivery(deliveries[i])).status).toBeLessThan(300);
    }
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
  }, 240_000);
});

describe('faults: PostgreSQL unreachable for a while', () => {
  const harness = new FaultHarness({ pgProxy: true });

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('mid-burst: the gateway keeps accepting, the workers retry, every candidate is invited once', async () => {
    const candidates = await harness.addCandidates(BURST, 'pg');
    await harness.moveAll(candidates);
    await harness.whenProgress(() => harness.invitedCount(candidates), 3);
    harness.pgProxy!.cut();
    // The gateway does not need PostgreSQL to accept a delivery.
    const [late] = await harness.addCandidates(1, 'pg-late');
    await harness.moveAll([late]);
    await sleep(8_000);
    harness.pgProxy!.restore();
    await harness.assertFinalState(FaultHarness.sent([...candidates, late]), { timeoutMs: 120_000 });
  }, 240_000);

  it('during callbacks: every result lands once after PostgreSQL is back', async () => {
    const candidates = await harness.addCandidates(12, 'pg-cb');
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates));
    const scoring = harness.scoreAll(candidates);
    await sleep(300);
    harness.pgProxy!.cut();
    const expected = await scoring;
    await sleep(8_000);
    harness.pgProxy!.restore();
    await harness.assertFinalState(expected, { timeoutMs: 120_000 });
  }, 240_000);
});
