import { signLeverWebhook } from '@lever-assess/common';
import { CandidateEventType } from '@lever-assess/domain';
import { CandidateEvent, CandidateEventsRepository, createDataSource } from '@lever-assess/persistence';
import { eventually } from '@lever-assess/testing';
import { randomBytes } from 'node:crypto';
import { FlowHarness, SIGNATURE_TOKEN, expectNoSecretLogged } from './flow-harness';

// Flow A end to end (issue 3): Lever sandbox -> gateway -> dispatcher -> platform sandbox ->
// gateway -> result-sync -> Lever sandbox, every app a real process, asserted on what Lever holds.
describe('Flow A: a stage sends a test', () => {
  const harness = new FlowHarness();
  let run = 0;
  const email = () => `cand-${process.pid}-${++run}@candidates.example`;
  const idle = () => harness.idle();
  const envelope = (body: Record<string, unknown>) =>
    fetch(harness.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // The config API too: the last flow test edits the catalog and a rule through it.
  beforeAll(() => harness.start({ configApi: true }), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('sends the test, then Needs Review, then Pass with the report link', async () => {
    const address = email();
    const id = await harness.addCandidate('Pat Pass', [address]);
    await harness.moveTo(id, 'Coding Test');

    const invitation = await harness.invitationFor(address);
    expect(invitation.request).toMatchObject({ kind: 'take_home', timeLimitMinutes: 120, candidate: { name: 'Pat Pass', email: address } });
    expect(invitation.testName).toBe('Python Basics');
    const sent = await harness.untilStatus(id, 'Sent');
    // Writes are attributed to the account's integration user.
    expect(sent.history.some((h) => h.performAs === 'b0000000-0000-4000-8000-000000000003')).toBe(true);

    await harness.platform(`/invitations/${invitation.id}/complete`);
    await harness.untilStatus(id, 'Needs Review');

    await harness.platform(`/invitations/${invitation.id}/score`, { score: 85 });
    const passed = await harness.untilStatus(id, 'Pass', (s) => s.links.some((l) => l.endsWith(`/reports/${invitation.id}`)));
    expect(passed.links.filter((l) => l.includes('/reports/'))).toHaveLength(1);
  });

  it.each([
    [20, 'Fail'],
    [40, 'Fail'],
    [55, 'Needs Review'],
    [70, 'Pass'],
  ])('a score of %i gives %s (pass >= 70, fail <= 40) with the report link', async (score, suffix) => {
    const address = email();
    const id = await harness.addCandidate(`Scored ${score}`, [address]);
    await harness.moveTo(id, 'Coding Test');
    const invitation = await harness.invitationFor(address);
    await harness.untilStatus(id, 'Sent');
    await harness.platform(`/invitations/${invitation.id}/score`, { score });
    await harness.untilStatus(id, suffix as string, (s) => s.links.some((l) => l.includes(`/reports/${invitation.id}`)));
  });

  it('sends the catalog test named by a candidate tag instead of the stage default', async () => {
    const address = email();
    const id = await harness.addCandidate('Olga Override', [address], ['python advanced ']);
    await harness.moveTo(id, 'Coding Test');
    expect((await harness.invitationFor(address)).testName).toBe('Python Advanced');
    await harness.untilStatus(id, 'Sent');
  });

  it('does nothing for a stage without a trigger rule', async () => {
    const address = email();
    const id = await harness.addCandidate('Nina Nontrigger', [address]);
    await harness.moveTo(id, 'Onsite');
    await eventually(async () => (await harness.deliveriesFor(id)).some((d) => d.state === 'delivered'));
    await idle();
    expect((await harness.invitations()).some((i) => i.request.candidate.email === address)).toBe(false);
    expect(harness.statusTags(await harness.candidate(id))).toEqual([]);
  });

  it('sends one invitation and one status tag for a delivery repeated three times plus a second delivery of the same move', async () => {
    const address = email();
    const id = await harness.addCandidate('Dora Duplicate', [address]);
    await harness.moveTo(id, 'Coding Test');
    const [delivery] = await eventually(async () => {
      const found = (await harness.deliveriesFor(id)).filter((d) => d.state === 'delivered');
      return found.length ? found : null;
    });
    for (let i = 0; i < 2; i++) expect((await envelope(delivery.body)).status).toBeLessThan(300);
    // A second webhook configured for the same event: same move, its own token and signature.
    const token = randomBytes(24).toString('hex');
    const second = { ...delivery.body, token, signature: signLeverWebhook(token, delivery.body.triggeredAt as number, SIGNATURE_TOKEN) };
    expect((await envelope(second)).status).toBeLessThan(300);

    await harness.untilStatus(id, 'Sent');
    await idle();
    expect((await harness.invitations()).filter((i) => i.request.candidate.email === address)).toHaveLength(1);
    expect(harness.statusTags(await harness.candidate(id))).toEqual(['Acme Test - Sent']);
  });

  it('shows the Error tag and one note when the candidate has no email', async () => {
    const id = await harness.addCandidate('Sam Noemail', []);
    await harness.moveTo(id, 'Coding Test');
    const state = await harness.untilStatus(id, 'Error', (s) => s.notes.length > 0);
    await idle();
    const notes = (await harness.candidate(id)).notes;
    expect(notes).toHaveLength(1);
    expect(notes[0].value).toMatch(/email/i);
    expect(state.tags).toContain('Acme Test - Error');
  });

  it('refuses forged, stale and malformed deliveries and enqueues nothing for them', async () => {
    const address = email();
    const id = await harness.addCandidate('Fiona Forged', [address]);
    const toStageId = await harness.stageId('Coding Test');
    const data = { opportunityId: id, candidateId: id, contactId: 'c', toStageId, fromStageId: null };
    const token = randomBytes(24).toString('hex');
    const now = Date.now();
    const forged = await envelope({
      triggeredAt: now,
      event: 'candidateStageChange',
      data,
      token,
      signature: signLeverWebhook(token, now, 'not-the-token'),
    });
    const stale = now - 25 * 60 * 60 * 1000;
    const old = await envelope({
      triggeredAt: stale,
      event: 'candidateStageChange',
      data,
      token,
      signature: signLeverWebhook(token, stale, SIGNATURE_TOKEN),
    });
    const malformed = await fetch(harness.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"triggeredAt": 1,',
    });
    expect([forged.status, old.status, malformed.status]).toEqual([401, 401, 400]);
    await idle();
    expect((await harness.invitations()).some((i) => i.request.candidate.email === address)).toBe(false);
    expect(harness.statusTags(await harness.candidate(id))).toEqual([]);
  });

  it('ends in the right tags when the scored event arrives before the completed one', async () => {
    const address = email();
    const id = await harness.addCandidate('Otto Outoforder', [address]);
    await harness.moveTo(id, 'Coding Test');
    const invitation = await harness.invitationFor(address);
    await harness.untilStatus(id, 'Sent');
    // Hold both callbacks (completed, then scored), then deliver them in reverse order.
    await harness.platform(`/invitations/${invitation.id}/score`, { score: 90, send: false });
    const { data: callbacks } = await harness.json<{ data: { id: string; type: string; invitationId: string }[] }>(
      'GET',
      `${harness.platformUrl}/_sandbox/callbacks`,
    );
    const mine = callbacks.filter((c) => c.invitationId === invitation.id);
    const scored = mine.find((c) => c.type === 'invitation.scored')!;
    const completed = mine.find((c) => c.type === 'invitation.completed')!;
    await harness.platform(`/callbacks/${scored.id}/replay`);
    await harness.untilStatus(id, 'Pass');
    await harness.platform(`/callbacks/${completed.id}/replay`);
    await idle();
    expect(harness.statusTags(await harness.candidate(id))).toEqual(['Acme Test - Pass']);
  });

  it('carries one correlation id on the log lines from the webhook to the Lever write', async () => {
    const address = email();
    const id = await harness.addCandidate('Cora Correlation', [address]);
    await harness.moveTo(id, 'Coding Test');
    await harness.untilStatus(id, 'Sent');
    await idle();
    const lines = (app: string) =>
      harness.apps[app]
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The correlation id of a trigger is Lever's delivery token (docs/decisions.md).
    const [delivery] = await harness.deliveriesFor(id);
    const correlationId = delivery.body.token as string;
    // The apps buffer their log lines and write them out within 250 ms.
    await eventually(() => lines('webhook-gateway').some((l) => l.correlationId === correlationId));
    await eventually(() => lines('dispatcher').some((l) => l.correlationId === correlationId));
    await eventually(() => lines('result-sync').some((l) => l.correlationId === correlationId && l.assessmentId));
  });

  it('shows the whole run on the candidate timeline, in order, under the delivery token where it has one', async () => {
    const address = email();
    const id = await harness.addCandidate('Tim Timeline', [address]);
    await harness.moveTo(id, 'Coding Test');
    const invitation = await harness.invitationFor(address);
    await harness.untilStatus(id, 'Sent');
    await harness.platform(`/invitations/${invitation.id}/complete`);
    await harness.untilStatus(id, 'Needs Review');
    await harness.platform(`/invitations/${invitation.id}/score`, { score: 85 });
    await harness.untilStatus(id, 'Pass', (s) => s.links.some((l) => l.endsWith(`/reports/${invitation.id}`)) && s.notes.length > 0);
    await idle();

    const ds = await createDataSource(harness.env.DATABASE_URL).initialize();
    try {
      const [{ account_id: accountId }] = await ds.query(`SELECT account_id FROM assessments WHERE opportunity_id = $1`, [id]);
      const steps = await new CandidateEventsRepository(ds.getRepository(CandidateEvent)).listForOpportunity(accountId, id);
      const [delivery] = await harness.deliveriesFor(id);
      const token = delivery.body.token as string;
      const types = steps.map((s) => s.type);
      // The order of the first occurrence of each step.
      const order = [
        CandidateEventType.WebhookReceived,
        CandidateEventType.RuleMatched,
        CandidateEventType.InvitationCreated,
        CandidateEventType.LeverTagsAdded,
        CandidateEventType.PlatformEventApplied,
        CandidateEventType.LeverLinksAdded,
        CandidateEventType.LeverNoteWritten,
      ];
      const positions = order.map((type) => types.indexOf(type));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      // From the webhook to the first Lever write, one correlation id: the delivery token.
      expect(steps.slice(0, 4).map((s) => [s.type, s.correlationId])).toEqual(order.slice(0, 4).map((type) => [type, token]));
      expect(steps[0].detail).toMatchObject({ outcome: 'sent' });
      expect(steps[3].detail).toEqual({ tags: ['Acme Test - Sent'] });
      // Each platform event and the writes it caused share the platform event's id.
      const applied = steps.filter((s) => s.type === CandidateEventType.PlatformEventApplied);
      expect(applied.map((s) => s.detail.eventType)).toEqual(['invitation.completed', 'invitation.scored']);
      for (const step of steps.slice(types.indexOf(CandidateEventType.PlatformEventApplied))) {
        expect(applied.map((s) => s.correlationId)).toContain(step.correlationId);
      }
      expect(JSON.stringify(steps)).not.toMatch(/Tim Timeline|candidates\.example|https?:/);
    } finally {
      await ds.destroy();
    }
  });

  // The workers keep each account's rules and catalog in memory (AccountConfigCache, up to
  // ACCOUNT_CONFIG_CACHE_MS = 30 s). An admin's edit through the config API must reach the next
  // stage change at once, not after that time: config-api announces it and every worker drops what
  // it kept. Each step below runs well within the 30 s. It leaves the catalog and rule as it found them.
  it('uses a renamed catalog test and a disabled rule on the very next stage change', async () => {
    const { items: accounts } = await harness.admin<{ items: { id: string }[] }>('GET', '/v1/accounts');
    const base = `/v1/accounts/${accounts[0].id}`;
    // The dispatcher reads (and keeps) the account's rules and catalog.
    const first = email();
    const firstId = await harness.addCandidate('Kept Config', [first]);
    await harness.moveTo(firstId, 'Coding Test');
    expect((await harness.invitationFor(first)).testName).toBe('Python Basics');
    await harness.untilStatus(firstId, 'Sent');

    // A catalog rename: the new name is the override tag from now on.
    const { items: tests } = await harness.admin<{ items: { id: string; name: string }[] }>('GET', `${base}/tests`);
    const advanced = tests.find((t) => t.name === 'Python Advanced');
    expect(advanced).toBeDefined();
    await harness.admin('PATCH', `${base}/tests/${advanced?.id}`, { name: 'Python Expert' });
    const tagged = email();
    const taggedId = await harness.addCandidate('Expert Tag', [tagged], ['python expert']);
    await harness.moveTo(taggedId, 'Coding Test');
    expect((await harness.invitationFor(tagged)).testName).toBe('Python Advanced');
    await harness.untilStatus(taggedId, 'Sent');
    await harness.admin('PATCH', `${base}/tests/${advanced?.id}`, { name: 'Python Advanced' });

    // The stage's rule disabled: the next candidate gets nothing.
    const { items: rules } = await harness.admin<{
      items: { id: string; stageName: string | null; requiredTag: string | null; enabled: boolean }[];
    }>('GET', `${base}/trigger-rules`);
    const rule = rules.find((r) => r.stageName === 'Coding Test' && r.requiredTag === null);
    expect(rule?.enabled).toBe(true);
    await harness.admin('PATCH', `${base}/trigger-rules/${rule?.id}`, { enabled: false });
    const ignored = email();
    const ignoredId = await harness.addCandidate('After Disable', [ignored]);
    await harness.moveTo(ignoredId, 'Coding Test');
    await harness.deliveredWebhook(ignoredId);
    await idle();
    expect((await harness.invitations()).some((i) => i.request.candidate.email === ignored)).toBe(false);
    expect(harness.statusTags(await harness.candidate(ignoredId))).toEqual([]);

    // Enabled again: sent again.
    await harness.admin('PATCH', `${base}/trigger-rules/${rule?.id}`, { enabled: true });
    const again = email();
    const againId = await harness.addCandidate('After Enable', [again]);
    await harness.moveTo(againId, 'Coding Test');
    await harness.invitationFor(again);
    await harness.untilStatus(againId, 'Sent');
  });

  // Last: it stops the product's apps to read every line they wrote.
  it('wrote no secret to any log line of the whole run', () => expectNoSecretLogged(harness));
});
