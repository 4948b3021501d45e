import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: recruiter action tags (`<prefix> - Resend` / `- Cancel`) are recorded before the sweep
 * acts, so a tag seen again before its removal succeeded is only removed, never acted on twice.
 * At most one 'acted' row per (account, opportunity, action); once the tag is gone the row is
 * 'tag_removed', and a tag added again later makes a new action.
 */
export class RecruiterActions1796500000000 implements MigrationInterface {
  name = 'RecruiterActions1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "recruiter_actions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "opportunity_id" text NOT NULL,
        "action" text NOT NULL,
        "assessment_id" uuid,
        "outcome" text,
        "status" text NOT NULL DEFAULT 'acted',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_recruiter_actions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_recruiter_actions_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "ck_recruiter_actions_action" CHECK ("action" IN ('Resend', 'Cancel')),
        CONSTRAINT "ck_recruiter_actions_status" CHECK ("status" IN ('acted', 'tag_removed'))
      )`);
    await q.query(`
      CREATE UNIQUE INDEX "uq_recruiter_actions_acted" ON "recruiter_actions" ("account_id", "opportunity_id", "action")
      WHERE "status" = 'acted'`);
    await q.query(`CREATE INDEX "ix_recruiter_actions_account_opportunity" ON "recruiter_actions" ("account_id", "opportunity_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "recruiter_actions"`);
  }
}
