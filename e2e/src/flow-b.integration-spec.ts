import { signLeverWebhook } from '@lever-assess/common';
import { randomBytes } from 'node:crypto';
import { FlowHarness, SIGNATURE_TOKEN, TAG_PREFIX, expectNoSecretLogged, type CandidateState, type Invitation } from './flow-harness';

// Flow B end to end (issue 5): a tag + a stage make a pad. Every app runs as a process against
// the sandboxes; the demo account's pad configurations come from seed-demo.js:
//   "Live Pad"  @ Onsite      -> live_interview, no test
//   "Take Home" @ Onsite      -> take_home "JavaScript Fundamentals", 90 minutes, pass 70 / fail 40
//   "Take Home" @ Coding Test -> take_home "JavaScript Fundamentals", default limit, pass 70 / fail 40
//   (untagged)  @ Coding Test -> take_home "Python Basics" (Flow A)
describe('Flow B: a tagged configuration makes a pad', () => {
  const harness = new FlowHarness();
  let run = 0;
  const email = () => `pad-${process.pid}-${++run}@candidates.example`;
  const idle = () => harness.idle();
  const mine = async (address: string) => (await harness.invitations()).filter((i) => i.request.candidate.email === address);
  const hasLinks =
    (...links: (string | null)[]) =>
    (s: CandidateState) =>
      links.every((l) => l !== null && s.links.includes(l));
  const byKind = (invitations: Invitation[], kind: string) => invitations.filter((i) => i.request.kind === kind);

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop(), 120_000);

  it('a "Live Pad" candidate at Onsite gets a live pad without a test, both pad links and the Live Pad tag; a finished interview needs review', async () => {
    const address = email();
    const id = await harness.addCandidate('Lena Live', [address], ['Live Pad']);
    await harness.moveTo(id, 'Onsite');

    const pad = await harness.invitationFor(address);
    expect(pad.request).toMatchObject({
      kind: 'live_interview',
      testId: null,
      timeLimitMinutes: 120,
      candidate: { name: 'Lena Live', email: address },
    });
    expect(pad.testName).toBeNull();
    expect(pad.interviewerUrl).toEqual(expect.stringContaining('/interviewer'));
    await harness.untilStatus(id, 'Live Pad', hasLinks(pad.candidateUrl, pad.interviewerUrl));
    await idle();
    expect(await mine(address)).toHaveLength(1);

    await harness.platform(`/invitations/${pad.id}/complete`);
    await harness.untilStatus(id, 'Needs Review');
  });

  it('a live rule without a test takes the live test a candidate tag names', async () => {
    const address = email();
    const id = await harness.addCandidate('Paula Pairing', [address], ['Live Pad', 'live pairing']);
    await harness.moveTo(id, 'Onsite');
    const pad = await harness.invitationFor(address);
    expect(pad.request).toMatchObject({ kind: 'live_interview', testId: 'tst_live_pairing' });
    await harness.untilStatus(id, 'Live Pad', hasLinks(pad.candidateUrl, pad.interviewerUrl));
  });

  it('a candidate without the tag gets nothing from the tagged rules', async () => {
    const address = email();
    const id = await harness.addCandidate('Nico Notag', [address], ['Full-time', 'Live', 'Take-Home']);
    await harness.moveTo(id, 'Onsite');
    await harness.deliveredWebhook(id);
    await idle();
    expect(await mine(address)).toEqual([]);
    const state = await harness.candidate(id);
    expect(harness.statusTags(state)).toEqual([]);
    expect(state.links).toEqual([]);
  });

  it('a "Take Home" candidate at Onsite gets a take-home pad with the configured 90 minutes and its link; then Needs Review, Pass and the report link', async () => {
    const address = email();
    const id = await harness.addCandidate('Tara Takehome', [address], ['Take Home']);
    await harness.moveTo(id, 'Onsite');

    const pad = await harness.invitationFor(address);
    expect(pad.request).toMatchObject({ kind: 'take_home', timeLimitMinutes: 90 });
    expect(pad.testName).toBe('JavaScript Fundamentals');
    expect(pad.interviewerUrl).toBeNull();
    await harness.untilStatus(id, 'Sent', hasLinks(pad.candidateUrl));

    await harness.platform(`/invitations/${pad.id}/complete`);
    await harness.untilStatus(id, 'Needs Review');
    await harness.platform(`/invitations/${pad.id}/score`, { score: 82 });
    const report = `${harness.platformUrl}/reports/${pad.id}`;
    await harness.untilStatus(id, 'Pass', (s) => hasLinks(pad.candidateUrl, report)(s) && s.notes.length > 0);
    await idle();
    const notes = (await harness.candidate(id)).notes;
    expect(notes).toHaveLength(1);
    expect(notes[0].value).toContain(`${TAG_PREFIX}: assessment result: Pass`);
  });

  it('a tagged rule wins over the untagged rule of the same stage, with the default 120 minutes', async () => {
    const address = email();
    const id = await harness.addCandidate('Wim Winner', [address], ['take home']);
    await harness.moveTo(id, 'Coding Test');
    const pad = await harness.invitationFor(address);
    expect(pad.request).toMatchObject({ kind: 'take_home', timeLimitMinutes: 120 });
    expect(pad.testName).toBe('JavaScript Fundamentals');
    await harness.untilStatus(id, 'Sent', hasLinks(pad.candidateUrl));
    await idle();
    // Not also the stage's Flow A test (Python Basics).
    expect((await mine(address)).map((i) => i.testName)).toEqual(['JavaScript Fundamentals']);
  });

  it('two tags at one stage make two pads; the take-home result shows in the status tag, not the live pad', async () => {
    const address = email();
    const id = await harness.addCandidate('Dana Double', [address], ['Live Pad', 'Take Home']);
    await harness.moveTo(id, 'Onsite');

    const pads = await harness.invitationsFor(address, 2);
    const [live] = byKind(pads, 'live_interview');
    const [takeHome] = byKind(pads, 'take_home');
    expect(live.request).toMatchObject({ testId: null, timeLimitMinutes: 120 });
    expect(takeHome.request).toMatchObject({ testId: 'tst_javascript_fundamentals', timeLimitMinutes: 90 });
    expect(takeHome.request.reference).not.toBe(live.request.reference); // an assessment each
    await harness.untilStatus(id, 'Sent', hasLinks(live.candidateUrl, live.interviewerUrl, takeHome.candidateUrl));

    await harness.platform(`/invitations/${takeHome.id}/score`, { score: 30 });
    await harness.untilStatus(id, 'Fail', hasLinks(`${harness.platformUrl}/reports/${takeHome.id}`));
    await harness.platform(`/invitations/${live.id}/complete`);
    await idle();
    expect(harness.statusTags(await harness.candidate(id))).toEqual([`${TAG_PREFIX} - Fail`]);
    expect(await mine(address)).toHaveLength(2);
  });

  it('one pad per rule for a delivery repeated three times plus a second delivery of the same move', async () => {
    const address = email();
    const id = await harness.addCandidate('Rita Repeat', [address], ['Take Home', 'Live Pad']);
    await harness.moveTo(id, 'Onsite');
    const delivery = await harness.deliveredWebhook(id);
    for (let i = 0; i < 2; i++) expect((await harness.postWebhook(delivery.body)).status).toBeLessThan(300);
    // A second Lever webhook configured for the same event: same move, its own token.
    const token = randomBytes(24).toString('hex');
    const second = { ...delivery.body, token, signature: signLeverWebhook(token, delivery.body.triggeredAt as number, SIGNATURE_TOKEN) };
    expect((await harness.postWebhook(second)).status).toBeLessThan(300);

    await harness.untilStatus(id, 'Sent');
    await idle();
    const pads = await mine(address);
    expect(pads.map((p) => p.request.kind).sort()).toEqual(['live_interview', 'take_home']);
    const state = await harness.candidate(id);
    expect(harness.statusTags(state)).toEqual([`${TAG_PREFIX} - Sent`]);
    expect(state.links.filter((l) => l.includes('/pads/'))).toHaveLength(3);
  });

  // Last: it stops the product's apps to read every line they wrote.
  it('wrote no secret to any log line of the whole run', () => expectNoSecretLogged(harness));
});
