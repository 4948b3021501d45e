import 'reflect-metadata';
import { CandidateEventType, RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { ReferenceNotFoundError } from '..';
import { accountWithRule, makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('AssessmentNotesRepository and LeverDeliveriesRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  async function newAssessment() {
    const { account, rule } = await accountWithRule(repos);
    const { assessment } = await repos.assessments.insertIfNoActive({
      accountId: account.id,
      opportunityId: `opp-${randomUUID()}`,
      candidateId: 'cand',
      ruleId: rule.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(),
    });
    return { accountId: account.id, assessmentId: assessment.id };
  }

  describe('notes', () => {
    it('grants a claim once per assessment and event, even to 10 concurrent callers', async () => {
      const { accountId, assessmentId } = await newAssessment();
      const results = await Promise.all(Array.from({ length: 10 }, () => repos.notes.claim(accountId, assessmentId, 'scored')));
      expect(results.filter(Boolean)).toHaveLength(1);
      await expect(repos.notes.claim(accountId, assessmentId, 'scored')).resolves.toBe(false);
      await expect(repos.notes.claim(accountId, assessmentId, 'error:CANDIDATE_NO_EMAIL')).resolves.toBe(true);
      const other = await newAssessment();
      await expect(repos.notes.claim(other.accountId, other.assessmentId, 'scored')).resolves.toBe(true);
    });

    it("refuses to claim for another account's assessment", async () => {
      const { assessmentId } = await newAssessment();
      const stranger = await newAccount(repos, 'Stranger');
      await expect(repos.notes.claim(stranger.id, assessmentId, 'scored')).rejects.toBeInstanceOf(ReferenceNotFoundError);
      await expect(repos.notes.listForAssessment(stranger.id, assessmentId)).resolves.toEqual([]);
    });

    it('records the Lever note id, and releases only a claim without one', async () => {
      const { accountId, assessmentId } = await newAssessment();
      await repos.notes.claim(accountId, assessmentId, 'sent');
      await repos.notes.claim(accountId, assessmentId, 'scored');
      const stranger = await newAccount(repos, 'Stranger');
      await expect(repos.notes.setNoteId(stranger.id, assessmentId, 'sent', 'note-x')).resolves.toBe(false);
      await expect(repos.notes.setNoteId(accountId, assessmentId, 'sent', 'note-1')).resolves.toBe(true);
      await expect(repos.notes.release(accountId, assessmentId, 'sent')).resolves.toBe(false);
      await expect(repos.notes.release(accountId, assessmentId, 'scored')).resolves.toBe(true);
      await expect(repos.notes.claim(accountId, assessmentId, 'scored')).resolves.toBe(true);
      const notes = await repos.notes.listForAssessment(accountId, assessmentId);
      expect(notes.map((n) => [n.eventKey, n.leverNoteId])).toEqual([
        ['sent', 'note-1'],
        ['scored', null],
      ]);
    });
  });

  describe('deliveries', () => {
    it('records a token once per account', async () => {
      const a = await newAccount(repos);
      const b = await newAccount(repos, 'Other');
      const delivery = {
        accountId: a.id,
        deliveryToken: `tok-${randomUUID()}`,
        opportunityId: 'opp',
        toStageId: 'stage',
        triggeredAt: new Date('2026-03-04T05:06:07.000Z'),
      };
      const first = await Promise.all(Array.from({ length: 5 }, () => repos.deliveries.recordOnce(delivery)));
      expect(first.filter(Boolean)).toHaveLength(1);
      await expect(repos.deliveries.recordOnce(delivery)).resolves.toBe(false);
      // The same token from another account is another delivery.
      await expect(repos.deliveries.recordOnce({ ...delivery, accountId: b.id })).resolves.toBe(true);
      await expect(repos.deliveries.setOutcome(a.id, delivery.deliveryToken, 'no_rule')).resolves.toBe(true);
      await expect(repos.deliveries.find(a.id, delivery.deliveryToken)).resolves.toMatchObject({
        outcome: 'no_rule',
        triggeredAt: delivery.triggeredAt,
      });
      await expect(repos.deliveries.find(b.id, delivery.deliveryToken)).resolves.toMatchObject({ outcome: null });
    });

    it('sets the outcome and writes the timeline steps in one statement: both or neither', async () => {
      const a = await newAccount(repos);
      const deliveryToken = `tok-${randomUUID()}`;
      const opportunityId = `opp-${randomUUID()}`;
      await repos.deliveries.recordOnce({ accountId: a.id, deliveryToken, opportunityId, toStageId: 'stage', triggeredAt: new Date() });
      const step = (type: CandidateEventType, at: Date, detail: Record<string, unknown>) => ({
        accountId: a.id,
        opportunityId,
        type,
        correlationId: deliveryToken,
        detail,
        at,
      });
      const steps = [
        step(CandidateEventType.WebhookReceived, new Date('2026-03-04T05:06:07.001Z'), { outcome: 'sent' }),
        step(CandidateEventType.RuleMatched, new Date('2026-03-04T05:06:07.002Z'), { ruleId: 'r1' }),
      ];

      // A step the database refuses (its account does not exist) fails the statement: no outcome, no step.
      const refused = [...steps, { ...steps[1], accountId: randomUUID() }];
      await expect(repos.deliveries.setOutcome(a.id, deliveryToken, 'assessment:x', { steps: refused })).rejects.toThrow();
      await expect(repos.deliveries.find(a.id, deliveryToken)).resolves.toMatchObject({ outcome: null });
      await expect(repos.events.listForOpportunity(a.id, opportunityId)).resolves.toEqual([]);

      await expect(repos.deliveries.setOutcome(a.id, deliveryToken, 'assessment:x', { steps })).resolves.toBe(true);
      await expect(repos.deliveries.find(a.id, deliveryToken)).resolves.toMatchObject({ outcome: 'assessment:x' });
      const written = await repos.events.listForOpportunity(a.id, opportunityId);
      expect(written.map((e) => [e.type, e.detail, e.at, e.correlationId])).toEqual(
        steps.map((e) => [e.type, e.detail, e.at, e.correlationId]),
      );
      // An unknown delivery: false, as without steps.
      await expect(repos.deliveries.setOutcome(a.id, `tok-${randomUUID()}`, 'no_rule')).resolves.toBe(false);
    });

    it('forgets deliveries received before a cutoff', async () => {
      const a = await newAccount(repos);
      const token = `tok-${randomUUID()}`;
      await repos.deliveries.recordOnce({
        accountId: a.id,
        deliveryToken: token,
        opportunityId: 'o',
        toStageId: 's',
        triggeredAt: new Date(),
      });
      await db.dataSource.query(`UPDATE lever_deliveries SET received_at = now() - interval '30 days' WHERE delivery_token = $1`, [token]);
      await expect(repos.deliveries.deleteReceivedBefore(new Date(Date.now() - 7 * 86_400_000))).resolves.toBeGreaterThanOrEqual(1);
      await expect(repos.deliveries.find(a.id, token)).resolves.toBeNull();
    });
  });
});
