import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: Lever lifecycle deliveries (archived, hired, deleted) are recorded beside stage
 * changes, so a delivery row says which event it was and has a stage only for stage changes; and
 * each account chooses whether result notes notify the candidate's followers.
 */
export class LifecycleEvents1796400000000 implements MigrationInterface {
  name = 'LifecycleEvents1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "lever_deliveries" ADD "event" text NOT NULL DEFAULT 'candidateStageChange'`);
    await q.query(`ALTER TABLE "lever_deliveries" ALTER COLUMN "to_stage_id" DROP NOT NULL`);
    await q.query(`ALTER TABLE "accounts" ADD "notify_followers" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "notify_followers"`);
    await q.query(`DELETE FROM "lever_deliveries" WHERE "to_stage_id" IS NULL`);
    await q.query(`ALTER TABLE "lever_deliveries" ALTER COLUMN "to_stage_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "lever_deliveries" DROP COLUMN "event"`);
  }
}
