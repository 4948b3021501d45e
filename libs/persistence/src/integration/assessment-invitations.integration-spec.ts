import 'reflect-metadata';
import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import type { InvitationRequestBody, NewAssessment } from '..';
import { accountWithRule, makeRepositories, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

/** The stored platform request and the ways an invitation gets recorded (issue 15: brown-outs, crashes, late callbacks). */
describe('AssessmentsRepository: platform requests and invitations', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  const request = (reference: string): InvitationRequestBody => ({
    testId: 'tst_python_basics',
    kind: RuleKind.TakeHome,
    timeLimitMinutes: 90,
    candidate: { name: 'Ada Lovelace', email: 'ada@candidates.example' },
    reference,
    accountId: 'platform-account-1',
  });
  const invitation = (id: string) => ({
    platformInvitationId: id,
    candidateUrl: `https://platform.example/pads/${id}`,
    interviewerUrl: null,
  });

  async function newInput(overrides: Partial<NewAssessment> = {}): Promise<NewAssessment> {
    const { account, rule } = await accountWithRule(repos);
    const id = randomUUID();
    return {
      id,
      accountId: account.id,
      opportunityId: `opp-${randomUUID()}`,
      candidateId: `cand-${randomUUID()}`,
      ruleId: rule.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date('2026-01-02T03:04:05.678Z'),
      sourceDeliveryToken: `tok-${randomUUID()}`,
      invitationRequest: request(id),
      ...overrides,
    };
  }

  /** An assessment that ended as `error` with this code, its request kept or not. */
  async function errored(input: NewAssessment, errorCode: string, keepRequest = true) {
    const { assessment } = await repos.assessments.insertIfNoActive(input);
    return (await repos.assessments.update(input.accountId, assessment.id, {
      status: AssessmentStatus.Error,
      errorCode,
      errorText: 'x',
      ...(keepRequest ? {} : { invitationRequest: null }),
    }))!;
  }

  it('inserts under the id the caller chose and gives the stored request back verbatim, key order included', async () => {
    const input = await newInput();
    const { assessment } = await repos.assessments.insertIfNoActive(input);

    expect(assessment.id).toBe(input.id);
    const reread = await repos.assessments.findById(input.accountId, assessment.id);
    expect(JSON.stringify(reread?.invitationRequest)).toBe(JSON.stringify(input.invitationRequest));
  });

  describe('reopenInDoubt', () => {
    /** What findEarlierAttempts (the dispatcher's read before it) says: is there one to take back? */
    const inDoubt = async (where: { accountId: string; opportunityId: string; ruleId: string }) =>
      (await repos.assessments.findEarlierAttempts({ ...where, triggeredAt: new Date(0), otherThanDeliveryToken: 'x' })).inDoubt;

    it('takes back the newest errored attempt whose invitation may exist, under the new delivery', async () => {
      const input = await newInput();
      const older = await errored(input, 'PLATFORM_UNAVAILABLE');
      const newer = await errored({ ...input, id: randomUUID() }, 'PLATFORM_AUTH_FAILED');
      await expect(inDoubt(input)).resolves.toBe(true);

      const reopened = await repos.assessments.reopenInDoubt({ ...input, sourceDeliveryToken: 'tok-replay' });

      expect(reopened).toMatchObject({
        id: newer.id,
        status: AssessmentStatus.Sent,
        errorCode: null,
        errorText: null,
        sourceDeliveryToken: 'tok-replay',
        invitationRequest: input.invitationRequest,
      });
      await expect(repos.assessments.findById(input.accountId, older.id)).resolves.toMatchObject({ status: AssessmentStatus.Error });
      // The slot is taken now: a second reopen is refused by the unique index, not an error.
      await expect(repos.assessments.reopenInDoubt({ ...input, sourceDeliveryToken: 'tok-again' })).resolves.toBeNull();
    });

    it('takes back an errored row from before stored requests only when it ended on PLATFORM_UNAVAILABLE', async () => {
      const refused = await newInput({ invitationRequest: null });
      await errored(refused, 'PLATFORM_REJECTED', false);
      await expect(inDoubt(refused)).resolves.toBe(false);
      await expect(repos.assessments.reopenInDoubt({ ...refused, sourceDeliveryToken: 't' })).resolves.toBeNull();

      const unavailable = await newInput({ invitationRequest: null });
      const row = await errored(unavailable, 'PLATFORM_UNAVAILABLE', false);
      await expect(inDoubt(unavailable)).resolves.toBe(true);
      await expect(repos.assessments.reopenInDoubt({ ...unavailable, sourceDeliveryToken: 't' })).resolves.toMatchObject({ id: row.id });
    });

    it('leaves alone errors with an invitation, and other opportunities, rules and accounts', async () => {
      const input = await newInput();
      const withInvitation = await errored(input, 'PLATFORM_UNAVAILABLE');
      await repos.assessments.update(input.accountId, withInvitation.id, { platformInvitationId: 'inv-x' });
      const other = await newInput();

      await expect(inDoubt(input)).resolves.toBe(false);
      await errored(
        await newInput({ ...input, id: randomUUID(), ruleId: other.ruleId, accountId: other.accountId }),
        'PLATFORM_UNAVAILABLE',
      );
      await expect(inDoubt({ ...input, opportunityId: 'opp-other' })).resolves.toBe(false);
      await expect(inDoubt({ ...input, accountId: other.accountId })).resolves.toBe(false);
      await expect(inDoubt({ ...other, opportunityId: input.opportunityId })).resolves.toBe(true);
      await expect(repos.assessments.reopenInDoubt({ ...input, sourceDeliveryToken: 't' })).resolves.toBeNull();
      await expect(repos.assessments.reopenInDoubt({ ...input, opportunityId: 'opp-other', sourceDeliveryToken: 't' })).resolves.toBeNull();
      await expect(repos.assessments.reopenInDoubt({ ...input, accountId: other.accountId, sourceDeliveryToken: 't' })).resolves.toBeNull();
    });

    it('gives the row to exactly one of several concurrent reopeners', async () => {
      const input = await newInput();
      await errored(input, 'PLATFORM_UNAVAILABLE');

      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => repos.assessments.reopenInDoubt({ ...input, sourceDeliveryToken: `t${i}` })),
      );

      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });

  describe('recordInvitation', () => {
    it('records the invitation and forgets the request', async () => {
      const input = await newInput();
      const { assessment } = await repos.assessments.insertIfNoActive(input);

      await expect(repos.assessments.recordInvitation(input.accountId, assessment.id, invitation('inv-1'))).resolves.toMatchObject({
        status: AssessmentStatus.Sent,
        platformInvitationId: 'inv-1',
        candidateUrl: 'https://platform.example/pads/inv-1',
        invitationRequest: null,
      });
      // Again with the same id (a concurrent run, or a callback adopted it first): applies; another id does not.
      await expect(repos.assessments.recordInvitation(input.accountId, assessment.id, invitation('inv-1'))).resolves.not.toBeNull();
      await expect(repos.assessments.recordInvitation(input.accountId, assessment.id, invitation('inv-2'))).resolves.toBeNull();
      await expect(
        repos.assessments.recordInvitation('00000000-0000-4000-8000-000000000000', assessment.id, invitation('inv-1')),
      ).resolves.toBeNull();
    });

    it('makes an errored assessment sent again (the invitation exists after all), unless another one holds the slot', async () => {
      const input = await newInput();
      const first = await errored(input, 'PLATFORM_UNAVAILABLE');

      await expect(repos.assessments.recordInvitation(input.accountId, first.id, invitation('inv-1'))).resolves.toMatchObject({
        status: AssessmentStatus.Sent,
        errorCode: null,
        errorText: null,
      });

      const second = await errored(await newInput(), 'PLATFORM_UNAVAILABLE');
      await repos.assessments.insertIfNoActive({
        ...input,
        accountId: second.accountId,
        ruleId: second.ruleId,
        opportunityId: second.opportunityId,
        id: randomUUID(),
      });
      await expect(repos.assessments.recordInvitation(second.accountId, second.id, invitation('inv-2'))).resolves.toBeNull();
    });

    it('does not record on a canceled assessment', async () => {
      const input = await newInput();
      const { assessment } = await repos.assessments.insertIfNoActive(input);
      await repos.assessments.update(input.accountId, assessment.id, { status: AssessmentStatus.Canceled });

      await expect(repos.assessments.recordInvitation(input.accountId, assessment.id, invitation('inv-1'))).resolves.toBeNull();
    });
  });

  describe('adoptInvitation', () => {
    it('gives a sent or errored assessment without invitation id the one a callback names, only once', async () => {
      const sent = await newInput();
      const { assessment } = await repos.assessments.insertIfNoActive(sent);
      await expect(repos.assessments.adoptInvitation(assessment.id, 'inv-1')).resolves.toMatchObject({ platformInvitationId: 'inv-1' });
      await expect(repos.assessments.adoptInvitation(assessment.id, 'inv-2')).resolves.toBeNull();

      const failed = await errored(await newInput(), 'PLATFORM_UNAVAILABLE');
      await expect(repos.assessments.adoptInvitation(failed.id, 'inv-3')).resolves.toMatchObject({
        status: AssessmentStatus.Sent,
        errorCode: null,
        platformInvitationId: 'inv-3',
      });
    });

    it('adopts nothing for a canceled assessment, an unknown reference or one that is no uuid', async () => {
      const input = await newInput();
      const { assessment } = await repos.assessments.insertIfNoActive(input);
      await repos.assessments.update(input.accountId, assessment.id, { status: AssessmentStatus.Canceled });

      await expect(repos.assessments.adoptInvitation(assessment.id, 'inv-1')).resolves.toBeNull();
      await expect(repos.assessments.adoptInvitation(randomUUID(), 'inv-1')).resolves.toBeNull();
      await expect(repos.assessments.adoptInvitation('not-a-uuid', 'inv-1')).resolves.toBeNull();
      await expect(repos.assessments.findByPlatformReference('not-a-uuid', 'inv-1')).resolves.toBeNull();
    });
  });
});
