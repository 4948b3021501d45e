import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AssessmentNote } from '../entities/assessment-note.entity';
import { ReferenceNotFoundError } from '../errors/persistence.errors';
import { plainQuery, selectEntities } from './returned-rows';

/**
 * "A Lever note is written at most once per assessment event": claim the (assessment, event)
 * pair before calling Lever, write the note only when the claim succeeded, then record the
 * note id. Statements join through `assessments` so the account is always checked.
 */
@Injectable()
export class AssessmentNotesRepository {
  constructor(@InjectRepository(AssessmentNote) private readonly repo: Repository<AssessmentNote>) {}

  /**
   * Resolves true for exactly one caller per (assessment, eventKey); false when already claimed.
   * @throws ReferenceNotFoundError when the assessment is not the account's.
   */
  async claim(accountId: string, assessmentId: string, eventKey: string): Promise<boolean> {
    const rows: { id: string }[] = await plainQuery(
      this.repo,
      `INSERT INTO "assessment_notes" ("assessment_id", "event_key")
       SELECT a."id", $3 FROM "assessments" a WHERE a."id" = $1 AND a."account_id" = $2
       ON CONFLICT ("assessment_id", "event_key") DO NOTHING
       RETURNING "id"`,
      [assessmentId, accountId, eventKey],
    );
    if (rows.length > 0) return true;
    const [{ exists }]: { exists: boolean }[] = await plainQuery(
      this.repo,
      `SELECT EXISTS (SELECT 1 FROM "assessments" WHERE "id" = $1 AND "account_id" = $2) AS "exists"`,
      [assessmentId, accountId],
    );
    if (!exists) throw new ReferenceNotFoundError(accountId, 'assessment', assessmentId);
    return false;
  }

  /** Records the id Lever gave the note. Resolves false when there is no such claim. */
  async setNoteId(accountId: string, assessmentId: string, eventKey: string, leverNoteId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await plainQuery(
      this.repo,
      `UPDATE "assessment_notes" n SET "lever_note_id" = $4
       FROM "assessments" a
       WHERE n."assessment_id" = a."id" AND a."id" = $1 AND a."account_id" = $2 AND n."event_key" = $3`,
      [assessmentId, accountId, eventKey, leverNoteId],
    );
    return affected > 0;
  }

  /**
   * Gives a claim back, for when Lever answered with an error and so certainly wrote no note
   * (never after a timeout: the note may exist). A claim with a note id is never released.
   */
  async release(accountId: string, assessmentId: string, eventKey: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await plainQuery(
      this.repo,
      `DELETE FROM "assessment_notes" n USING "assessments" a
       WHERE n."assessment_id" = a."id" AND a."id" = $1 AND a."account_id" = $2
         AND n."event_key" = $3 AND n."lever_note_id" IS NULL`,
      [assessmentId, accountId, eventKey],
    );
    return affected > 0;
  }

  /** Oldest first. */
  listForAssessment(accountId: string, assessmentId: string): Promise<AssessmentNote[]> {
    return selectEntities(
      this.repo,
      `SELECT n.* FROM "assessment_notes" n
       JOIN "assessments" a ON a."id" = n."assessment_id" AND a."account_id" = $1
       WHERE n."assessment_id" = $2
       ORDER BY n."created_at" ASC, n."id" ASC`,
      [accountId, assessmentId],
    );
  }
}
