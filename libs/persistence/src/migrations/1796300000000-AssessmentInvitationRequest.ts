import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exact platform request of each assessment (Assessment.invitationRequest), so that a retry,
 * replay or resend sends it verbatim under the same Idempotency-Key. Nullable: rows written before
 * this migration have none, and the column is cleared once the invitation id is recorded.
 */
export class AssessmentInvitationRequest1796300000000 implements MigrationInterface {
  name = 'AssessmentInvitationRequest1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "assessments" ADD "invitation_request" json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "assessments" DROP COLUMN "invitation_request"`);
  }
}
