import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The candidate timeline (CandidateEvent): one row per step, read per opportunity in order. */
export class CandidateEvents1796410000000 implements MigrationInterface {
  name = 'CandidateEvents1796410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "candidate_events" (
        "id" bigserial NOT NULL,
        "account_id" uuid NOT NULL,
        "opportunity_id" text NOT NULL,
        "assessment_id" uuid,
        "at" timestamptz NOT NULL DEFAULT now(),
        "type" text NOT NULL,
        "correlation_id" text NOT NULL,
        "detail" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "pk_candidate_events" PRIMARY KEY ("id"),
        CONSTRAINT "fk_candidate_events_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "ix_candidate_events_account_opportunity_at" ON "candidate_events" ("account_id", "opportunity_id", "at", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "candidate_events"`);
  }
}
