import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';
import { LeverSandboxControl } from './support/sandboxes';

/**
 * EU and other regions (issue 17): an account's `leverApiUrl` sends every Lever call of that
 * account to its own Lever, beside accounts on the default LEVER_API_URL, in one dispatcher.
 */
describe('dispatcher: accounts in two Lever regions', () => {
  let h: DispatcherHarness;
  let eu: { url: string; stop(): Promise<unknown> };

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_regions', testing);
    eu = await testing.startBuiltApp('lever-sandbox', { LOG_LEVEL: 'silent' });
  }, 90_000);

  afterAll(async () => {
    await eu?.stop();
    await h?.close();
  }, 60_000);

  it("each account's calls reach only its own Lever", async () => {
    const euLever = new LeverSandboxControl(eu.url);
    const us = await h.scenario([{ name: 'Uma States' }]);
    const euAccount = await h.scenario([{ name: 'Elsa Europa' }], { lever: euLever });
    expect(euAccount.account.leverApiUrl).toBe(`${eu.url}/v1`);
    expect(us.account.leverApiUrl).toBeNull();
    for (const s of [us, euAccount]) {
      await s.addRule({ stageId: s.stage('Coding Test'), kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    }

    expect((await h.run(us.event('Uma States'))).returnvalue).toEqual({ outcome: 'sent' });
    expect((await h.run(euAccount.event('Elsa Europa'))).returnvalue).toEqual({ outcome: 'sent' });
    for (const s of [us, euAccount]) expect((await s.assessments()).map((a) => a.status)).toEqual([AssessmentStatus.Sent]);

    // Every request each sandbox served came with its own account's key: none strayed.
    const usRequests = await h.lever.allRequests();
    const euRequests = await euLever.allRequests();
    expect(usRequests.length).toBeGreaterThan(0);
    expect(euRequests.length).toBeGreaterThan(0);
    expect(new Set(usRequests.map((r) => r.keyId))).toEqual(new Set([us.keyId]));
    expect(new Set(euRequests.map((r) => r.keyId))).toEqual(new Set([euAccount.keyId]));
    expect(euRequests.map((r) => [r.route, r.status])).toEqual([['/v1/opportunities/:id', 200]]);
  });
});
