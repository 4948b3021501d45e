import { AssessmentStatus, RuleKind } from '@lever-assess/domain';
import {
  ReferenceNotFoundError,
  TestNameTakenError,
  isForeignKeyViolation,
  type EarlierAttemptsQuery,
  type NewAssessment,
} from '@lever-assess/persistence';
import { randomUUID } from 'node:crypto';
import { UnitFakes } from './unit-fakes';

// The semantics of the real repositories that the services rely on, pinned for their fakes (the
// real ones are pinned by libs/persistence's integration specs).
describe('in-memory repositories', () => {
  let f: UnitFakes;
  let accountId: string;
  let slot: NewAssessment;
  beforeEach(async () => {
    f = new UnitFakes();
    accountId = (await f.addAccount()).account.id;
    const rule = await f.rules.create(accountId, { stageId: 's1', kind: RuleKind.TakeHome });
    slot = { accountId, opportunityId: 'opp-1', candidateId: 'opp-1', ruleId: rule.id, kind: rule.kind, triggeredAt: new Date() };
  });

  describe('assessments', () => {
    it('keeps one active assessment per (account, opportunity, rule): a second insert resolves the first', async () => {
      const first = await f.assessments.insertIfNoActive(slot);

      const second = await f.assessments.insertIfNoActive({ ...slot, triggeredAt: new Date(Date.now() + 1000) });

      expect(first.created).toBe(true);
      expect(second).toEqual({ assessment: first.assessment, created: false });
    });

    it('frees the slot once the assessment is no longer active', async () => {
      const { assessment } = await f.assessments.insertIfNoActive(slot);
      await f.assessments.update(accountId, assessment.id, { status: AssessmentStatus.Error });

      await expect(f.assessments.insertIfNoActive(slot)).resolves.toMatchObject({ created: true });
    });

    it('transitions only from the given statuses, else resolves null and changes nothing', async () => {
      const { assessment } = await f.assessments.insertIfNoActive(slot);

      await expect(
        f.assessments.transition(accountId, assessment.id, [AssessmentStatus.Completed], { status: AssessmentStatus.Scored }),
      ).resolves.toBeNull();
      await expect(
        f.assessments.transition(accountId, assessment.id, [AssessmentStatus.Sent], {
          status: AssessmentStatus.Completed,
          score: undefined,
        }),
      ).resolves.toMatchObject({ status: AssessmentStatus.Completed, score: null });
    });

    it('scopes reads and writes by account', async () => {
      const { assessment } = await f.assessments.insertIfNoActive(slot);
      const other = (await f.addAccount()).account.id;

      await expect(f.assessments.findById(other, assessment.id)).resolves.toBeNull();
      await expect(f.assessments.update(other, assessment.id, { status: AssessmentStatus.Canceled })).resolves.toBeNull();
      await expect(f.assessments.insertIfNoActive({ ...slot, accountId: other })).rejects.toBeInstanceOf(ReferenceNotFoundError);
    });

    it('returns copies: changing a read row does not change the table', async () => {
      const { assessment } = await f.assessments.insertIfNoActive(slot);
      assessment.status = AssessmentStatus.Scored;

      await expect(f.assessments.findById(accountId, assessment.id)).resolves.toMatchObject({ status: AssessmentStatus.Sent });
    });

    it("finds a finished assessment of the same move from another delivery only (a row without token counts as another's)", async () => {
      const { assessment } = await f.assessments.insertIfNoActive({ ...slot, sourceDeliveryToken: 'token-1' });
      await f.assessments.update(accountId, assessment.id, { status: AssessmentStatus.Error });
      const move = { accountId, opportunityId: 'opp-1', ruleId: slot.ruleId, triggeredAt: slot.triggeredAt };
      const finishedForMove = async (query: EarlierAttemptsQuery) => (await f.assessments.findEarlierAttempts(query)).finishedForMove;

      await expect(finishedForMove({ ...move, otherThanDeliveryToken: 'token-1' })).resolves.toBeNull();
      await expect(finishedForMove({ ...move, otherThanDeliveryToken: 'token-2' })).resolves.toMatchObject({
        id: assessment.id,
      });
    });
  });

  it('claims a note once per (assessment, event), refuses another account, and never releases a confirmed one', async () => {
    const { assessment } = await f.assessments.insertIfNoActive(slot);

    await expect(f.notes.claim(accountId, assessment.id, 'scored')).resolves.toBe(true);
    await expect(f.notes.claim(accountId, assessment.id, 'scored')).resolves.toBe(false);
    await expect(f.notes.claim(randomUUID(), assessment.id, 'scored')).rejects.toBeInstanceOf(ReferenceNotFoundError);
    await f.notes.setNoteId(accountId, assessment.id, 'scored', 'note-1');
    await expect(f.notes.release(accountId, assessment.id, 'scored')).resolves.toBe(false);
  });

  it('records a delivery once, and refuses one of a missing account like the foreign key', async () => {
    const delivery = { accountId, deliveryToken: 't1', opportunityId: 'opp-1', toStageId: 's1', triggeredAt: new Date() };

    await expect(f.deliveries.recordOnce(delivery)).resolves.toBe(true);
    await expect(f.deliveries.recordOnce(delivery)).resolves.toBe(false);
    const missing = await f.deliveries.recordOnce({ ...delivery, accountId: randomUUID() }).catch((err: unknown) => err);
    expect(isForeignKeyViolation(missing)).toBe(true);
  });

  it('keeps test names unique per account ignoring case, and lists them by name', async () => {
    await f.tests.create(accountId, { name: 'Python', platformTestId: 'p', kind: RuleKind.TakeHome });
    await f.tests.create(accountId, { name: 'Go', platformTestId: 'g', kind: RuleKind.TakeHome });

    await expect(f.tests.create(accountId, { name: 'PYTHON', platformTestId: 'x', kind: RuleKind.TakeHome })).rejects.toBeInstanceOf(
      TestNameTakenError,
    );
    expect((await f.tests.list(accountId)).map((t) => t.name)).toEqual(['Go', 'Python']);
  });

  it('marks an account disconnected only while it holds the failing key and is not disabled', async () => {
    const oldKey = (await f.accounts.findByIdWithSecrets(accountId))!.leverApiKeyEnc;
    await f.accounts.update(accountId, { leverApiKeyEnc: f.box.encrypt('new-key') });

    await expect(f.accounts.markDisconnectedIfKey(accountId, oldKey, 'LEVER_KEY_REVOKED')).resolves.toBe(false);
    const newKey = (await f.accounts.findByIdWithSecrets(accountId))!.leverApiKeyEnc;
    await expect(f.accounts.markDisconnectedIfKey(accountId, newKey, 'LEVER_KEY_REVOKED')).resolves.toBe(true);
    await expect(f.accounts.findById(accountId)).resolves.toMatchObject({ status: 'disconnected', statusReason: 'LEVER_KEY_REVOKED' });
    await f.accounts.setStatus(accountId, 'disabled', 'DISABLED_BY_ADMIN');
    await expect(f.accounts.markDisconnectedIfKey(accountId, newKey, 'LEVER_KEY_REVOKED')).resolves.toBe(false);
  });

  it('fails every call while the store is down', async () => {
    f.store.outage();

    await expect(f.assessments.findById(accountId, randomUUID())).rejects.toThrow('ECONNREFUSED');
    f.store.recover();
    await expect(f.assessments.findById(accountId, randomUUID())).resolves.toBeNull();
  });
});
