import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import * as testing from '@lever-assess/testing';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * Rules by job posting (issue 17): one account sends different tests for different roles at the
 * same stage. The posting comes with the one opportunity read (expand=applications).
 */
describe('dispatcher: rules by job posting', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_postings', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('sends each posting its own test at the same stage, and the stage-only rule to a third posting', async () => {
    const s = await h.scenario([
      { name: 'Bea Backend', postingId: 'posting-backend' },
      { name: 'Fred Frontend', postingId: 'posting-frontend' },
      { name: 'Otto Other', postingId: 'posting-other' },
    ]);
    const stageId = s.stage('Coding Test');
    const plain = await s.addRule({ stageId, kind: RuleKind.TakeHome, testId: s.catalog.basics.id });
    const backend = await s.addRule({ stageId, postingId: 'posting-backend', kind: RuleKind.TakeHome, testId: s.catalog.advanced.id });
    const frontend = await s.addRule({
      stageId,
      postingId: 'posting-frontend',
      kind: RuleKind.LiveInterview,
      testId: s.catalog.pairing.id,
    });

    for (const name of ['Bea Backend', 'Fred Frontend', 'Otto Other']) {
      expect((await h.run(s.event(name))).returnvalue).toEqual({ outcome: 'sent' });
    }

    const sent = async (name: string) => {
      const assessments = await s.assessments(name);
      expect(assessments).toHaveLength(1);
      expect(assessments[0].status).toBe(AssessmentStatus.Sent);
      return { ruleId: assessments[0].ruleId, testId: assessments[0].testId };
    };
    expect(await sent('Bea Backend')).toEqual({ ruleId: backend.id, testId: s.catalog.advanced.id });
    expect(await sent('Fred Frontend')).toEqual({ ruleId: frontend.id, testId: s.catalog.pairing.id });
    expect(await sent('Otto Other')).toEqual({ ruleId: plain.id, testId: s.catalog.basics.id });
    expect((await s.invitations()).map((i) => i.request.testId).sort()).toEqual([
      'tst_live_pairing',
      'tst_python_advanced',
      'tst_python_basics',
    ]);
    // Still one Lever read per delivery: the posting came with the opportunity.
    expect((await s.leverRequests()).map((r) => r.route)).toEqual(Array(3).fill('/v1/opportunities/:id'));
  });

  it('a posting rule alone sends nothing to candidates of other postings', async () => {
    const s = await h.scenario([{ name: 'Nora Nomatch', postingId: 'posting-x' }]);
    await s.addRule({ stageId: s.stage('Coding Test'), postingId: 'posting-y', kind: RuleKind.TakeHome, testId: s.catalog.basics.id });

    const event = s.event('Nora Nomatch');
    expect((await h.run(event)).returnvalue).toEqual({ outcome: 'no-matching-rule' });
    expect(await s.assessments()).toHaveLength(0);
    expect(await s.invitations()).toHaveLength(0);
  });
});
