import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 17: a trigger rule may name a Lever posting (job); such a rule beats a stage-only rule at its stage. */
export class TriggerRulePosting1796600000000 implements MigrationInterface {
  name = 'TriggerRulePosting1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "trigger_rules" ADD "posting_id" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "trigger_rules" DROP COLUMN "posting_id"`);
  }
}
