import {
  ACTIVE_ASSESSMENT_STATUSES,
  AssessmentProblemCode,
  AssessmentStatus,
  type RuleKind,
  type StatusTagOwnerView,
} from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, IsNull, type FindOptionsWhere, type Repository } from 'typeorm';
import { Assessment, UQ_ASSESSMENT_ACTIVE, type InvitationRequestBody } from '../entities/assessment.entity';
import { TestDefinition } from '../entities/test-definition.entity';
import { ReferenceNotFoundError } from '../errors/persistence.errors';
import { isUniqueViolation } from '../errors/postgres-errors';
import { translateCheckViolation } from './constraint-errors';
import { normalizePage, type Page, type PageRequest } from './pagination';
import type { Scoped } from './scoped';
import { definedFields } from './defined-fields';
import { SqlParams, entitiesFromReturnedRows, entityFromReturnedRow, plainQuery, selectEntities, updatedEntities } from './returned-rows';

/** How a purged opportunity is named in the audit log: `sha256:<hex>` of its Lever id. */
export function opportunityDigest(opportunityId: string): string {
  return `sha256:${createHash('sha256').update(opportunityId).digest('hex')}`;
}

/**
 * An `error` assessment whose invitation is in doubt: none recorded, but a platform request that
 * may have reached the platform (one is stored, or the row predates stored requests and ended on
 * PLATFORM_UNAVAILABLE). The arguments are the placeholders of those two values.
 */
const inDoubtSql = (errorStatus: string, platformUnavailable: string) =>
  `"status" = ${errorStatus} AND "platform_invitation_id" IS NULL AND ("invitation_request" IS NOT NULL OR "error_code" = ${platformUnavailable})`;

export type EarlierAttemptsQuery = Scoped<{ opportunityId: string; ruleId: string; triggeredAt: Date; otherThanDeliveryToken: string }>;

export interface EarlierAttempts {
  /**
   * The newest assessment of this rule for this very move (same `triggeredAt`) that is no longer
   * active and came from another delivery than `otherThanDeliveryToken`: a redelivered move whose
   * assessment already finished or failed must not start again.
   */
  finishedForMove: Assessment | null;
  /** An assessment reopenInDoubt would take back exists. */
  inDoubt: boolean;
}

export type NewAssessment = Scoped<{
  /** Chosen by the caller when the platform request (whose reference it is) is stored with the row; generated otherwise. */
  id?: string;
  opportunityId: string;
  candidateId: string;
  contactId?: string | null;
  ruleId: string;
  testId?: string | null;
  kind: RuleKind;
  /** Default 'sent': the row is written before the platform call, whose Idempotency-Key is its id. */
  status?: AssessmentStatus;
  triggeredAt: Date;
  sourceDeliveryToken?: string | null;
  errorCode?: string | null;
  errorText?: string | null;
  /** The exact platform request, stored before it is first sent (see Assessment.invitationRequest). */
  invitationRequest?: InvitationRequestBody | null;
}>;

/** What the platform answered for an invitation, as recorded on its assessment. */
export interface RecordedInvitation {
  platformInvitationId: string;
  candidateUrl: string;
  interviewerUrl: string | null;
}

export type AssessmentPatch = Partial<
  Pick<
    Assessment,
    | 'status'
    | 'contactId'
    | 'testId'
    | 'platformInvitationId'
    | 'candidateUrl'
    | 'interviewerUrl'
    | 'reportUrl'
    | 'score'
    | 'errorCode'
    | 'errorText'
    | 'completedAt'
    | 'scoredAt'
    | 'invitationRequest'
  >
>;

export interface AssessmentFilters {
  opportunityId?: string;
  status?: AssessmentStatus;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The active row can finish between our failed insert and the re-read; a few rounds settle it.
const INSERT_ATTEMPTS = 3;

@Injectable()
export class AssessmentsRepository {
  constructor(
    @InjectRepository(Assessment) private readonly repo: Repository<Assessment>,
    @InjectRepository(TestDefinition) private readonly tests: Repository<TestDefinition>,
  ) {}

  /**
   * Inserts the assessment unless one is already active (sent/completed) for the same account,
   * opportunity and rule; then resolves that one with `created: false`. The partial unique index
   * `uq_assessment_active` decides, so concurrent duplicate triggers create exactly one row.
   * @throws ReferenceNotFoundError when the rule or test is not the account's.
   */
  async insertIfNoActive(input: NewAssessment): Promise<{ assessment: Assessment; created: boolean }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const inserted = await this.insertWithReferences(input);
        if (inserted) return { assessment: inserted, created: true };
        // Nothing inserted: a reference is not the account's. Find out which, for the error.
        await this.assertReferences(input);
        throw new ReferenceNotFoundError(input.accountId, 'trigger rule', input.ruleId);
      } catch (err) {
        if (!isUniqueViolation(err, UQ_ASSESSMENT_ACTIVE)) throw translateCheckViolation(err);
        const existing = await this.findActive(input);
        if (existing) return { assessment: existing, created: false };
        if (attempt >= INSERT_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * One statement, run for every new assessment: the row is inserted only when the rule (and the
   * test, if any) are the account's, and comes back as `RETURNING *`. Resolves null when a
   * reference is not the account's.
   */
  private async insertWithReferences(input: NewAssessment): Promise<Assessment | null> {
    // INSERT ... SELECT takes no type from the target columns: every placeholder is cast.
    const sql = new SqlParams();
    const accountId = sql.add(input.accountId, '::uuid');
    const ruleId = sql.add(input.ruleId, '::uuid');
    const testId = sql.add(input.testId ?? null, '::uuid');
    const columns: Record<string, string> = {
      ...(input.id ? { id: sql.add(input.id, '::uuid') } : {}),
      account_id: accountId,
      opportunity_id: sql.add(input.opportunityId, '::text'),
      candidate_id: sql.add(input.candidateId, '::text'),
      contact_id: sql.add(input.contactId ?? null, '::text'),
      rule_id: ruleId,
      test_id: testId,
      kind: sql.add(input.kind, '::text'),
      status: sql.add(input.status ?? AssessmentStatus.Sent, '::text'),
      triggered_at: sql.add(input.triggeredAt, '::timestamptz'),
      source_delivery_token: sql.add(input.sourceDeliveryToken ?? null, '::text'),
      error_code: sql.add(input.errorCode ?? null, '::text'),
      error_text: sql.add(input.errorText ?? null, '::text'),
      // `json`, not `jsonb`: the stored request keeps its key order (it is sent again verbatim).
      invitation_request: sql.add(input.invitationRequest ? JSON.stringify(input.invitationRequest) : null, '::json'),
    };
    const raw: unknown = await plainQuery(
      this.repo,
      `INSERT INTO "assessments" (${Object.keys(columns)
        .map((n) => `"${n}"`)
        .join(', ')})
       SELECT ${Object.values(columns).join(', ')}
       WHERE EXISTS (SELECT 1 FROM "trigger_rules" WHERE "account_id" = ${accountId} AND "id" = ${ruleId})
         AND (${testId} IS NULL OR EXISTS (SELECT 1 FROM "tests" WHERE "account_id" = ${accountId} AND "id" = ${testId}))
       RETURNING *`,
      sql.values,
    );
    return entitiesFromReturnedRows(this.repo, raw)[0] ?? null;
  }

  async findById(accountId: string, id: string): Promise<Assessment | null> {
    const [found] = await selectEntities(this.repo, 'SELECT * FROM "assessments" WHERE "account_id" = $1 AND "id" = $2', [accountId, id]);
    return found ?? null;
  }

  /** The sent/completed assessment occupying the (account, opportunity, rule) slot, if any. */
  findActive(where: Scoped<{ opportunityId: string; ruleId: string }>): Promise<Assessment | null> {
    return this.repo.findOneBy({
      accountId: where.accountId,
      opportunityId: where.opportunityId,
      ruleId: where.ruleId,
      status: In([...ACTIVE_ASSESSMENT_STATUSES]),
    });
  }

  /**
   * What earlier attempts left for this rule, in one statement (read for every rule of every stage
   * change): the move's finished assessment, and whether an `error` assessment is in doubt, the one
   * reopenInDoubt would take back, so that the UPDATE runs only when there is one.
   */
  async findEarlierAttempts(where: EarlierAttemptsQuery): Promise<EarlierAttempts> {
    const [row] = (await plainQuery(
      this.repo,
      `SELECT
         (SELECT row_to_json(f) FROM (
            SELECT * FROM "assessments"
            WHERE "account_id" = $1 AND "opportunity_id" = $2 AND "rule_id" = $3 AND "triggered_at" = $4
              AND NOT ("status" = ANY($5::text[]))
              -- A row without a token (a manual resend) is from another delivery too; <> would skip it.
              AND "source_delivery_token" IS DISTINCT FROM $6
            ORDER BY "created_at" DESC, "id" DESC
            LIMIT 1) f) AS "finished",
         EXISTS (SELECT 1 FROM "assessments"
                 WHERE "account_id" = $1 AND "opportunity_id" = $2 AND "rule_id" = $3 AND ${inDoubtSql('$7', '$8')}) AS "in_doubt"`,
      [
        where.accountId,
        where.opportunityId,
        where.ruleId,
        where.triggeredAt,
        [...ACTIVE_ASSESSMENT_STATUSES],
        where.otherThanDeliveryToken,
        AssessmentStatus.Error,
        AssessmentProblemCode.PlatformUnavailable,
      ],
    )) as { finished: unknown; in_doubt: boolean }[];
    return { finishedForMove: entityFromReturnedRow(this.repo, row?.finished), inDoubt: row?.in_doubt === true };
  }

  /**
   * Newest first, every one: the assessments a delivery wrote for the opportunity that are still
   * 'sent' with no platform invitation (the platform never answered). At most one per rule.
   */
  listSentWithoutInvitation(where: Scoped<{ opportunityId: string; sourceDeliveryToken: string }>): Promise<Assessment[]> {
    return this.repo.find({
      where: {
        accountId: where.accountId,
        opportunityId: where.opportunityId,
        sourceDeliveryToken: where.sourceDeliveryToken,
        status: AssessmentStatus.Sent,
        platformInvitationId: IsNull(),
      },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /**
   * Takes back the newest `error` assessment of this opportunity and rule whose invitation is in
   * doubt: no invitation id recorded, but a platform request that may have reached the platform
   * (one is stored, or the row predates stored requests and ended on PLATFORM_UNAVAILABLE). It
   * becomes `sent` again, without its error, under this delivery, so that sending its stored
   * request under its own id (the Idempotency-Key) gets the invitation the platform may already
   * have created instead of a second one. Null when there is none, or when another assessment
   * holds the active slot (the unique index refuses a second one).
   */
  async reopenInDoubt(where: Scoped<{ opportunityId: string; ruleId: string; sourceDeliveryToken: string }>): Promise<Assessment | null> {
    try {
      // Plain SQL: run for every rule of every stage change (returned-rows.ts selectEntities says why).
      const [reopened] = await updatedEntities(
        this.repo,
        `UPDATE "assessments"
         SET "status" = $5, "error_code" = NULL, "error_text" = NULL, "source_delivery_token" = $6, "updated_at" = CURRENT_TIMESTAMP
         WHERE "id" = (SELECT "id" FROM "assessments"
                       WHERE "account_id" = $1 AND "opportunity_id" = $2 AND "rule_id" = $3 AND ${inDoubtSql('$4', '$7')}
                       ORDER BY "created_at" DESC, "id" DESC LIMIT 1)
           -- The status again outside the sub-query: of two concurrent reopeners, the second
           -- re-checks the updated row and matches nothing.
           AND "status" = $4 AND "platform_invitation_id" IS NULL
         RETURNING *`,
        [
          where.accountId,
          where.opportunityId,
          where.ruleId,
          AssessmentStatus.Error,
          AssessmentStatus.Sent,
          where.sourceDeliveryToken,
          AssessmentProblemCode.PlatformUnavailable,
        ],
      );
      return reopened ?? null;
    } catch (err) {
      if (isUniqueViolation(err, UQ_ASSESSMENT_ACTIVE)) return null;
      throw err;
    }
  }

  /**
   * Records the invitation the platform created for this assessment (and forgets the stored
   * request). It applies while no other invitation id is recorded and the assessment is not
   * canceled; an `error` assessment becomes `sent` again, without its error, since the invitation
   * exists after all (a concurrent run or an exhausted retry marked it while the platform had
   * created it). Null when it does not apply, or when another assessment holds the active slot:
   * the caller then owns an invitation nothing records.
   */
  recordInvitation(accountId: string, id: string, invitation: RecordedInvitation): Promise<Assessment | null> {
    return this.writeInvitation({ accountId, id, onlyUnrecorded: false }, invitation.platformInvitationId, {
      candidateUrl: invitation.candidateUrl,
      interviewerUrl: invitation.interviewerUrl,
    });
  }

  /**
   * The platform-callback side of recordInvitation, without an account (a callback carries none):
   * a signed callback names our assessment (`reference`) and its invitation, and the assessment
   * has no invitation id yet (the dispatcher has not recorded it, or an outage ended it as
   * `error` while the platform had created it). Only a `sent` or `error` assessment without an
   * invitation id adopts one; never one that has another id. Null otherwise.
   */
  async adoptInvitation(assessmentId: string, platformInvitationId: string): Promise<Assessment | null> {
    if (!UUID.test(assessmentId)) return null;
    return this.writeInvitation({ id: assessmentId, onlyUnrecorded: true }, platformInvitationId, {});
  }

  /** Every assessment of the opportunity, oldest first (not paged: an opportunity has a few). */
  listForOpportunity(accountId: string, opportunityId: string): Promise<Assessment[]> {
    return selectEntities(
      this.repo,
      'SELECT * FROM "assessments" WHERE "account_id" = $1 AND "opportunity_id" = $2 ORDER BY "created_at" ASC, "id" ASC',
      [accountId, opportunityId],
    );
  }

  /**
   * Every assessment of the opportunity, as the fields `statusTagOwner` decides by. Not paged: the
   * owner is only right if it sees them all (an opportunity has a few, and the rows are narrow).
   */
  async listStatusTagViews(accountId: string, opportunityId: string): Promise<StatusTagOwnerView[]> {
    const rows = await this.repo.find({
      select: { id: true, status: true, kind: true, triggeredAt: true, createdAt: true },
      where: { accountId, opportunityId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(({ id, status, kind, triggeredAt, createdAt }) => ({ id, status, kind, triggeredAt, createdAt }));
  }

  /**
   * The one lookup without an account: a platform callback carries only our assessment id
   * (`reference`) and the platform's invitation id. Both must match, so a forged reference alone
   * reads nothing.
   */
  async findByPlatformReference(assessmentId: string, platformInvitationId: string): Promise<Assessment | null> {
    // A reference that is no uuid names nothing of ours (and Postgres would refuse the comparison).
    if (!UUID.test(assessmentId)) return null;
    return this.repo.findOneBy({ id: assessmentId, platformInvitationId });
  }

  /** Newest first. */
  async list(accountId: string, filters: AssessmentFilters = {}, page?: PageRequest): Promise<Page<Assessment>> {
    const { limit, offset } = normalizePage(page);
    const where: FindOptionsWhere<Assessment> = { accountId };
    if (filters.opportunityId !== undefined) where.opportunityId = filters.opportunityId;
    if (filters.status !== undefined) where.status = filters.status;
    const [items, total] = await this.repo.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }

  /**
   * Erases what identifies the person behind a deleted Lever candidate (DESIGN.md "Lifecycle"):
   * candidate, interviewer and report URLs, the stored invitation request (name and email), the
   * contact id, and our copy of the opportunity's tags and links. Ids, statuses, scores and times
   * stay, as an anonymous record of what was sent. One transaction; the audit row it writes names
   * the opportunity only by a hash, so support can still answer "was X purged?" given the id.
   * Resolves how many assessments were scrubbed.
   */
  async purgePersonalData(accountId: string, opportunityId: string, actor: string): Promise<number> {
    return this.repo.manager.transaction(async (tx) => {
      const scrubbed = (await tx.query(
        `UPDATE assessments SET candidate_url = NULL, interviewer_url = NULL, report_url = NULL, invitation_request = NULL,
                contact_id = NULL, updated_at = now()
          WHERE account_id = $1 AND opportunity_id = $2 RETURNING id`,
        [accountId, opportunityId],
      )) as [unknown[], number];
      await tx.query(`DELETE FROM lever_opportunity_views WHERE account_id = $1 AND opportunity_id = $2`, [accountId, opportunityId]);
      const count = scrubbed[1];
      await tx.query(
        `INSERT INTO audit_log (actor, action, account_id, entity_type, entity_id, details) VALUES ($1, 'candidate.purged', $2, 'opportunity', $3, $4)`,
        [actor, accountId, opportunityDigest(opportunityId), JSON.stringify({ assessmentsScrubbed: count })],
      );
      return count;
    });
  }

  /** Resolves the updated assessment, or null when it does not exist in the account. */
  async update(accountId: string, id: string, patch: AssessmentPatch): Promise<Assessment | null> {
    return this.updateWhere({ accountId, id }, patch);
  }

  /**
   * Updates only while the status is one of `from`, so repeated or out-of-order events cannot
   * move an assessment backwards (e.g. 'completed' arriving after 'scored'). Resolves the updated
   * assessment, or null when it is missing or in another status.
   */
  async transition(accountId: string, id: string, from: readonly AssessmentStatus[], patch: AssessmentPatch): Promise<Assessment | null> {
    return this.updateWhere({ accountId, id, status: In([...from]) }, patch);
  }

  private async writeInvitation(
    where: { accountId?: string; id: string; onlyUnrecorded: boolean },
    platformInvitationId: string,
    urls: { candidateUrl?: string; interviewerUrl?: string | null },
  ): Promise<Assessment | null> {
    // Plain SQL: once per invitation sent. SET expressions read the row as it was, so every CASE
    // sees the old status.
    const sql = new SqlParams();
    const invitationId = sql.add(platformInvitationId);
    const wasError = `"status" = ${sql.add(AssessmentStatus.Error)}`;
    const set = [
      ...(urls.candidateUrl !== undefined ? [`"candidate_url" = ${sql.add(urls.candidateUrl)}`] : []),
      ...(urls.interviewerUrl !== undefined ? [`"interviewer_url" = ${sql.add(urls.interviewerUrl)}`] : []),
      `"platform_invitation_id" = ${invitationId}`,
      '"invitation_request" = NULL',
      `"status" = CASE WHEN ${wasError} THEN ${sql.add(AssessmentStatus.Sent)} ELSE "status" END`,
      `"error_code" = CASE WHEN ${wasError} THEN NULL ELSE "error_code" END`,
      `"error_text" = CASE WHEN ${wasError} THEN NULL ELSE "error_text" END`,
      '"updated_at" = CURRENT_TIMESTAMP',
    ];
    const conditions = [`"id" = ${sql.add(where.id)}`];
    if (where.accountId !== undefined) conditions.push(`"account_id" = ${sql.add(where.accountId)}`);
    if (where.onlyUnrecorded) {
      conditions.push(
        `"platform_invitation_id" IS NULL AND "status" IN (${sql.add(AssessmentStatus.Sent)}, ${sql.add(AssessmentStatus.Error)})`,
      );
    } else {
      conditions.push(
        `("platform_invitation_id" IS NULL OR "platform_invitation_id" = ${invitationId}) AND "status" <> ${sql.add(AssessmentStatus.Canceled)}`,
      );
    }
    try {
      const [written] = await updatedEntities(
        this.repo,
        `UPDATE "assessments" SET ${set.join(', ')} WHERE ${conditions.join(' AND ')} RETURNING *`,
        sql.values,
      );
      return written ?? null;
    } catch (err) {
      if (isUniqueViolation(err, UQ_ASSESSMENT_ACTIVE)) return null;
      throw err;
    }
  }

  private async updateWhere(where: FindOptionsWhere<Assessment>, patch: AssessmentPatch): Promise<Assessment | null> {
    const values = definedFields(patch);
    if (Object.keys(values).length === 0) return this.repo.findOneBy(where);
    if (patch.testId) await this.assertTest(where.accountId as string, patch.testId);
    try {
      const { raw } = await this.repo.createQueryBuilder().update().set(values).where(where).returning('*').execute();
      return entitiesFromReturnedRows(this.repo, raw)[0] ?? null;
    } catch (err) {
      throw translateCheckViolation(err);
    }
  }

  // Foreign keys prove the rule and test exist; this proves they are the same tenant's (one query for both).
  private async assertReferences(input: NewAssessment): Promise<void> {
    const [found] = (await plainQuery(
      this.repo,
      `SELECT EXISTS (SELECT 1 FROM trigger_rules WHERE account_id = $1 AND id = $2) AS rule,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM tests WHERE account_id = $1 AND id = $3)) AS test`,
      [input.accountId, input.ruleId, input.testId ?? null],
    )) as { rule: boolean; test: boolean }[];
    if (!found.rule) throw new ReferenceNotFoundError(input.accountId, 'trigger rule', input.ruleId);
    if (!found.test) throw new ReferenceNotFoundError(input.accountId, 'test', input.testId as string);
  }

  private async assertTest(accountId: string, testId: string): Promise<void> {
    if (!(await this.tests.existsBy({ accountId, id: testId }))) throw new ReferenceNotFoundError(accountId, 'test', testId);
  }
}
