import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What we know of each opportunity's tags and links (LeverOpportunityView). */
export class LeverOpportunityViews1796170000000 implements MigrationInterface {
  name = 'LeverOpportunityViews1796170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "lever_opportunity_views" (
        "account_id" uuid NOT NULL,
        "opportunity_id" text NOT NULL,
        "tags" text[] NOT NULL,
        "links" text[] NOT NULL,
        "observed_at" timestamptz NOT NULL,
        CONSTRAINT "pk_lever_opportunity_views" PRIMARY KEY ("account_id", "opportunity_id"),
        CONSTRAINT "fk_lever_opportunity_views_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "lever_opportunity_views"`);
  }
}
