import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16: the last scheduled check of each account's Lever key (GET /v1/accounts/:id -> health). */
export class AccountKeyHealth1796420000000 implements MigrationInterface {
  name = 'AccountKeyHealth1796420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "health_status" text NOT NULL DEFAULT 'unchecked'`);
    await q.query(`ALTER TABLE "accounts" ADD "health_checked_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "accounts" ADD "health_problem" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "health_problem"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "health_checked_at"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "health_status"`);
  }
}
