import { eventually } from '@lever-assess/testing';
import { FaultHarness } from './support/fault-harness';

interface Callback {
  id: string;
  type: string;
  invitationId: string;
}

/**
 * The assessment platform misbehaving: 5xx on invitation creation, an invitation created while the
 * client had already timed out (then retried under the same Idempotency-Key), and its callbacks
 * duplicated and out of order.
 */
describe('faults: platform 5xx, accept-then-timeout, callbacks duplicated and out of order', () => {
  const harness = new FaultHarness();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('5xx on invitation creation mid-burst: retried, one invitation and one Sent tag each', async () => {
    const candidates = await harness.addCandidates(12, 'p5xx');
    await harness.platformFault({ status: 503, count: 10, match: 'create' });
    await harness.platformFault({ status: 500, count: 4, match: 'create' });
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
    expect(await harness.pendingPlatformFaults()).toEqual([]);
  }, 240_000);

  it('the platform creates the invitation but answers after the client timed out: still one invitation each', async () => {
    const candidates = await harness.addCandidates(8, 'ptimeout');
    // The client gives up after 10 s; the sandbox serves the delayed create afterwards.
    await harness.platformFault({ delayMs: 11_000, count: 2, match: 'create' });
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
    expect(await harness.pendingPlatformFaults()).toEqual([]);
  }, 240_000);

  it('dispatcher SIGKILL while its invitation requests are in flight: the new dispatcher resumes them, one invitation each', async () => {
    const candidates = await harness.addCandidates(10, 'pinflight');
    // Every create takes 3 s: the kill lands while the platform is creating the invitations.
    await harness.platformFault({ delayMs: 3_000, count: 10, match: 'create' });
    await harness.moveAll(candidates);
    await eventually(async () => (await harness.pendingPlatformFaults()).length < 10, { timeoutMs: 30_000, intervalMs: 25 });
    await harness.signal('dispatcher', 'SIGKILL');
    await harness.startApp('dispatcher');
    await harness.assertFinalState(FaultHarness.sent(candidates), { timeoutMs: 120_000 });
  }, 240_000);

  it('callbacks duplicated and out of order: scored before completed, each twice, ends in the right tag once', async () => {
    const candidates = await harness.addCandidates(10, 'pcb');
    await harness.moveAll(candidates);
    await harness.assertFinalState(FaultHarness.sent(candidates));
    // Hold every callback (completed, then scored), then deliver them reversed and twice each, all at once.
    const expected = await harness.scoreAll(candidates, { send: false });
    const invitations = await harness.invitationsByEmail(candidates);
    const ids = new Set(candidates.map((c) => invitations.get(c.email)!.id));
    const { data } = await harness.json<{ data: Callback[] }>('GET', `${harness.platformUrl}/_sandbox/callbacks`);
    const mine = data.filter((c) => ids.has(c.invitationId));
    expect(mine).toHaveLength(2 * candidates.length);
    const scored = mine.filter((c) => c.type === 'invitation.scored');
    const completed = mine.filter((c) => c.type === 'invitation.completed');
    await Promise.all([...scored, ...scored].map((c) => harness.platform(`/callbacks/${c.id}/replay`)));
    await Promise.all([...completed, ...completed].map((c) => harness.platform(`/callbacks/${c.id}/replay`)));
    await harness.assertFinalState(expected);
  }, 240_000);
});
