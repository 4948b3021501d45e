import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 17: an account's own Lever API base URL (EU and other regions); null: LEVER_API_URL. */
export class AccountLeverApiUrl1796610000000 implements MigrationInterface {
  name = 'AccountLeverApiUrl1796610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "lever_api_url" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_api_url"`);
  }
}
