import { FlowHarness } from './flow-harness';

interface RuleView {
  id: string;
  stageName: string | null;
  requiredTag: string | null;
  enabled: boolean;
}
interface TestView {
  id: string;
  name: string;
}

// The workers keep each account's rules and catalog in memory (AccountConfigCache, up to
// ACCOUNT_CONFIG_CACHE_MS = 30 s by default). An admin's edit through the config API must reach
// the next stage change at once, not after that time: config-api announces it and every worker
// drops what it kept. Each step below runs well within the 30 s.
describe('config edits reach the workers at once', () => {
  const harness = new FlowHarness();
  let run = 0;
  const email = () => `config-${process.pid}-${++run}@candidates.example`;
  let accountId: string;

  beforeAll(async () => {
    await harness.start({ configApi: true });
    const { items } = await harness.admin<{ items: { id: string }[] }>('GET', '/v1/accounts');
    accountId = items[0].id;
  }, 120_000);
  afterAll(() => harness.stop(), 120_000);

  const rules = () => harness.admin<{ items: RuleView[] }>('GET', `/v1/accounts/${accountId}/trigger-rules`).then((r) => r.items);
  const catalog = () => harness.admin<{ items: TestView[] }>('GET', `/v1/accounts/${accountId}/tests`).then((r) => r.items);

  it('uses a renamed catalog test and a disabled rule on the very next stage change', async () => {
    // The dispatcher reads (and keeps) the account's rules and catalog.
    const first = email();
    const firstId = await harness.addCandidate('Kept Config', [first]);
    await harness.moveTo(firstId, 'Coding Test');
    expect((await harness.invitationFor(first)).testName).toBe('Python Basics');
    await harness.untilStatus(firstId, 'Sent');

    // A catalog rename: the new name is the override tag from now on.
    const advanced = (await catalog()).find((t) => t.name === 'Python Advanced');
    expect(advanced).toBeDefined();
    await harness.admin('PATCH', `/v1/accounts/${accountId}/tests/${advanced?.id}`, { name: 'Python Expert' });
    const tagged = email();
    const taggedId = await harness.addCandidate('Expert Tag', [tagged], ['python expert']);
    await harness.moveTo(taggedId, 'Coding Test');
    expect((await harness.invitationFor(tagged)).testName).toBe('Python Advanced');
    await harness.untilStatus(taggedId, 'Sent');

    // The stage's rule disabled: the next candidate gets nothing.
    const rule = (await rules()).find((r) => r.stageName === 'Coding Test' && r.requiredTag === null);
    expect(rule?.enabled).toBe(true);
    await harness.admin('PATCH', `/v1/accounts/${accountId}/trigger-rules/${rule?.id}`, { enabled: false });
    const ignored = email();
    const ignoredId = await harness.addCandidate('After Disable', [ignored]);
    await harness.moveTo(ignoredId, 'Coding Test');
    await harness.deliveredWebhook(ignoredId);
    await harness.idle();
    expect((await harness.invitations()).some((i) => i.request.candidate.email === ignored)).toBe(false);
    expect(harness.statusTags(await harness.candidate(ignoredId))).toEqual([]);

    // Enabled again: sent again.
    await harness.admin('PATCH', `/v1/accounts/${accountId}/trigger-rules/${rule?.id}`, { enabled: true });
    const again = email();
    const againId = await harness.addCandidate('After Enable', [again]);
    await harness.moveTo(againId, 'Coding Test');
    await harness.invitationFor(again);
    await harness.untilStatus(againId, 'Sent');
  });
});
