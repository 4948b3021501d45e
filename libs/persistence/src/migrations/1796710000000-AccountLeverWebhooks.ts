import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: webhooks registered through Lever's API. `lever_webhooks` records which Lever webhook
 * ids this product created for the account (not secret; their tokens go to the sealed columns),
 * and the stage-change token may be absent: an account created to have its webhooks registered
 * has none until the first sync, and refuses deliveries until then.
 */
export class AccountLeverWebhooks1796710000000 implements MigrationInterface {
  name = 'AccountLeverWebhooks1796710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "lever_webhooks" jsonb`);
    await q.query(`ALTER TABLE "accounts" ALTER COLUMN "lever_signature_token_enc" DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // An account without a stage-change token cannot keep one it never had: it gets an unusable one.
    await q.query(`UPDATE "accounts" SET "lever_signature_token_enc" = '' WHERE "lever_signature_token_enc" IS NULL`);
    await q.query(`ALTER TABLE "accounts" ALTER COLUMN "lever_signature_token_enc" SET NOT NULL`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_webhooks"`);
  }
}
