import { ACTIVE_ASSESSMENT_STATUSES, AssessmentProblemCode, AssessmentStatus, type StatusTagOwnerView } from '@lever-assess/domain';
import {
  ReferenceNotFoundError,
  UQ_ASSESSMENT_ACTIVE,
  normalizePage,
  type Assessment,
  type AssessmentFilters,
  type AssessmentPatch,
  type AssessmentsRepository,
  type EarlierAttempts,
  type EarlierAttemptsQuery,
  type NewAssessment,
  type Page,
  type PageRequest,
  type RecordedInvitation,
  type Scoped,
} from '@lever-assess/persistence';
import { byCreation, copyRow, definedFields, uniqueViolation, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

const isActive = (status: AssessmentStatus) => ACTIVE_ASSESSMENT_STATUSES.includes(status);
const newestFirst = (a: Assessment, b: Assessment) => byCreation(b, a);

/**
 * AssessmentsRepository over an InMemoryStore, with the semantics the services rely on: at most
 * one active (sent/completed) assessment per (account, opportunity, rule), like the partial unique
 * index; `transition` updates only from the given statuses; every read is scoped by account
 * except the platform-reference look-up.
 */
export class InMemoryAssessmentsRepository implements PublicOf<AssessmentsRepository> {
  constructor(private readonly store: InMemoryStore) {}

  asRepository(): AssessmentsRepository {
    return this as unknown as AssessmentsRepository;
  }

  async insertIfNoActive(input: NewAssessment): Promise<{ assessment: Assessment; created: boolean }> {
    this.store.assertReachable();
    this.assertReferences(input);
    const status = input.status ?? AssessmentStatus.Sent;
    // The unique index is partial: only an active row can collide with another.
    const existing = isActive(status) ? this.active(input) : undefined;
    if (existing) return { assessment: copyRow(existing), created: false };
    const now = this.store.now();
    const row: Assessment = {
      id: input.id ?? this.store.newId(),
      accountId: input.accountId,
      opportunityId: input.opportunityId,
      candidateId: input.candidateId,
      contactId: input.contactId ?? null,
      ruleId: input.ruleId,
      testId: input.testId ?? null,
      kind: input.kind,
      status,
      platformInvitationId: null,
      candidateUrl: null,
      interviewerUrl: null,
      invitationRequest: input.invitationRequest ? copyRow(input.invitationRequest) : null,
      reportUrl: null,
      score: null,
      errorCode: input.errorCode ?? null,
      errorText: input.errorText ?? null,
      sourceDeliveryToken: input.sourceDeliveryToken ?? null,
      triggeredAt: new Date(input.triggeredAt),
      completedAt: null,
      scoredAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.assessments.set(row.id, row);
    return { assessment: copyRow(row), created: true };
  }

  async findById(accountId: string, id: string): Promise<Assessment | null> {
    this.store.assertReachable();
    const row = this.store.assessments.get(id);
    return row?.accountId === accountId ? copyRow(row) : null;
  }

  async findActive(where: Scoped<{ opportunityId: string; ruleId: string }>): Promise<Assessment | null> {
    this.store.assertReachable();
    const row = this.active(where);
    return row ? copyRow(row) : null;
  }

  async findEarlierAttempts(where: EarlierAttemptsQuery): Promise<EarlierAttempts> {
    this.store.assertReachable();
    return { finishedForMove: this.finishedForMove(where), inDoubt: this.newestInDoubt(where) !== undefined };
  }

  async listSentWithoutInvitation(where: Scoped<{ opportunityId: string; sourceDeliveryToken: string }>): Promise<Assessment[]> {
    this.store.assertReachable();
    return this.rows(
      (a) =>
        a.accountId === where.accountId &&
        a.opportunityId === where.opportunityId &&
        a.sourceDeliveryToken === where.sourceDeliveryToken &&
        a.status === AssessmentStatus.Sent &&
        a.platformInvitationId === null,
    ).sort(newestFirst);
  }

  async reopenInDoubt(where: Scoped<{ opportunityId: string; ruleId: string; sourceDeliveryToken: string }>): Promise<Assessment | null> {
    this.store.assertReachable();
    const newest = this.newestInDoubt(where);
    // The unique index refuses a second active row for the slot.
    if (!newest || this.active(where)) return null;
    const next: Assessment = {
      ...newest,
      status: AssessmentStatus.Sent,
      errorCode: null,
      errorText: null,
      sourceDeliveryToken: where.sourceDeliveryToken,
      updatedAt: this.store.now(),
    };
    this.store.assessments.set(next.id, next);
    return copyRow(next);
  }

  async recordInvitation(accountId: string, id: string, invitation: RecordedInvitation): Promise<Assessment | null> {
    this.store.assertReachable();
    const row = this.store.assessments.get(id);
    if (!row || row.accountId !== accountId || row.status === AssessmentStatus.Canceled) return null;
    if (row.platformInvitationId !== null && row.platformInvitationId !== invitation.platformInvitationId) return null;
    return this.writeInvitation(row, { ...invitation });
  }

  async adoptInvitation(assessmentId: string, platformInvitationId: string): Promise<Assessment | null> {
    this.store.assertReachable();
    const row = this.store.assessments.get(assessmentId);
    if (!row || row.platformInvitationId !== null || (row.status !== AssessmentStatus.Sent && row.status !== AssessmentStatus.Error))
      return null;
    return this.writeInvitation(row, { platformInvitationId });
  }

  /** Like the real one, minus the audit row (the unit tier has no audit log). */
  async purgePersonalData(accountId: string, opportunityId: string, _actor: string): Promise<number> {
    this.store.assertReachable();
    const rows = [...this.store.assessments.values()].filter((a) => a.accountId === accountId && a.opportunityId === opportunityId);
    for (const row of rows) {
      Object.assign(row, { candidateUrl: null, interviewerUrl: null, reportUrl: null, invitationRequest: null, contactId: null });
      row.updatedAt = this.store.now();
    }
    for (const [k, view] of this.store.views)
      if (view.accountId === accountId && view.opportunityId === opportunityId) this.store.views.delete(k);
    return rows.length;
  }

  async listForOpportunity(accountId: string, opportunityId: string): Promise<Assessment[]> {
    this.store.assertReachable();
    return this.rows((a) => a.accountId === accountId && a.opportunityId === opportunityId).sort(byCreation);
  }

  async listStatusTagViews(accountId: string, opportunityId: string): Promise<StatusTagOwnerView[]> {
    this.store.assertReachable();
    return this.rows((a) => a.accountId === accountId && a.opportunityId === opportunityId)
      .sort(byCreation)
      .map(({ id, status, kind, triggeredAt, createdAt }) => ({ id, status, kind, triggeredAt, createdAt }));
  }

  async findByPlatformReference(assessmentId: string, platformInvitationId: string): Promise<Assessment | null> {
    this.store.assertReachable();
    const row = this.store.assessments.get(assessmentId);
    return row && row.platformInvitationId === platformInvitationId ? copyRow(row) : null;
  }

  async list(accountId: string, filters: AssessmentFilters = {}, page?: PageRequest): Promise<Page<Assessment>> {
    this.store.assertReachable();
    const { limit, offset } = normalizePage(page);
    const all = this.rows(
      (a) =>
        a.accountId === accountId &&
        (filters.opportunityId === undefined || a.opportunityId === filters.opportunityId) &&
        (filters.status === undefined || a.status === filters.status),
    ).sort(newestFirst);
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }

  async update(accountId: string, id: string, patch: AssessmentPatch): Promise<Assessment | null> {
    this.store.assertReachable();
    return this.updateWhere(accountId, id, null, patch);
  }

  async transition(accountId: string, id: string, from: readonly AssessmentStatus[], patch: AssessmentPatch): Promise<Assessment | null> {
    this.store.assertReachable();
    return this.updateWhere(accountId, id, from, patch);
  }

  /** The conditional UPDATE: null when the row is not the account's or its status is not in `from`. */
  private updateWhere(accountId: string, id: string, from: readonly AssessmentStatus[] | null, patch: AssessmentPatch): Assessment | null {
    const row = this.store.assessments.get(id);
    if (!row || row.accountId !== accountId || (from !== null && !from.includes(row.status))) return null;
    const values = definedFields(patch);
    if (Object.keys(values).length === 0) return copyRow(row);
    if (patch.testId) this.assertTest(accountId, patch.testId);
    const next = { ...row, ...values, updatedAt: this.store.now() };
    if (isActive(next.status) && !isActive(row.status)) {
      const other = this.active(next);
      // The unique index refuses a second active row for the slot.
      if (other && other.id !== id) throw uniqueViolation(UQ_ASSESSMENT_ACTIVE);
    }
    this.store.assessments.set(id, next);
    return copyRow(next);
  }

  /** The invitation recorded; an `error` row becomes `sent` again (null when the active slot is taken, as the unique index refuses). */
  private writeInvitation(row: Assessment, invitation: Partial<RecordedInvitation>): Assessment | null {
    const reopened = row.status === AssessmentStatus.Error;
    if (reopened && this.active(row)) return null;
    const next: Assessment = {
      ...row,
      ...definedFields(invitation),
      invitationRequest: null,
      ...(reopened ? { status: AssessmentStatus.Sent, errorCode: null, errorText: null } : {}),
      updatedAt: this.store.now(),
    };
    this.store.assessments.set(row.id, next);
    return copyRow(next);
  }

  /** EarlierAttempts.finishedForMove: the move's newest finished assessment from another delivery. */
  private finishedForMove(where: EarlierAttemptsQuery): Assessment | null {
    const [newest] = this.rows(
      (a) =>
        a.accountId === where.accountId &&
        a.opportunityId === where.opportunityId &&
        a.ruleId === where.ruleId &&
        a.triggeredAt.getTime() === where.triggeredAt.getTime() &&
        !isActive(a.status) &&
        // IS DISTINCT FROM: a row without a token (a manual resend) counts as another delivery.
        a.sourceDeliveryToken !== where.otherThanDeliveryToken,
    ).sort(newestFirst);
    return newest ?? null;
  }

  /** The `error` assessment of the slot whose invitation is in doubt (the SQL's inDoubtSql), newest first. */
  private newestInDoubt(where: Scoped<{ opportunityId: string; ruleId: string }>): Assessment | undefined {
    return this.rows(
      (a) =>
        a.accountId === where.accountId &&
        a.opportunityId === where.opportunityId &&
        a.ruleId === where.ruleId &&
        a.status === AssessmentStatus.Error &&
        a.platformInvitationId === null &&
        (a.invitationRequest !== null || a.errorCode === AssessmentProblemCode.PlatformUnavailable),
    ).sort(newestFirst)[0];
  }

  private active(where: Scoped<{ opportunityId: string; ruleId: string }>): Assessment | undefined {
    return [...this.store.assessments.values()].find(
      (a) => a.accountId === where.accountId && a.opportunityId === where.opportunityId && a.ruleId === where.ruleId && isActive(a.status),
    );
  }

  /** Copies of the matching rows, unsorted. */
  private rows(match: (a: Assessment) => boolean): Assessment[] {
    return [...this.store.assessments.values()].filter(match).map(copyRow);
  }

  // The foreign keys prove the rule and test exist; the real repository also proves they are the same tenant's.
  private assertReferences(input: NewAssessment): void {
    if (this.store.rules.get(input.ruleId)?.accountId !== input.accountId) {
      throw new ReferenceNotFoundError(input.accountId, 'trigger rule', input.ruleId);
    }
    if (input.testId) this.assertTest(input.accountId, input.testId);
  }

  private assertTest(accountId: string, testId: string): void {
    if (this.store.tests.get(testId)?.accountId !== accountId) throw new ReferenceNotFoundError(accountId, 'test', testId);
  }
}
