import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: an account reaches Lever with an API key or with OAuth tokens (sealed like the key).
 * The API key may be empty: an OAuth account has none, and an account created for OAuth has
 * neither until its admin connects it.
 */
export class LeverOAuth1796700000000 implements MigrationInterface {
  name = 'LeverOAuth1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "lever_auth_kind" text NOT NULL DEFAULT 'api_key'`);
    await q.query(`ALTER TABLE "accounts" ADD "lever_oauth_access_token_enc" text`);
    await q.query(`ALTER TABLE "accounts" ADD "lever_oauth_refresh_token_enc" text`);
    await q.query(`ALTER TABLE "accounts" ADD "lever_oauth_expires_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "accounts" ALTER COLUMN "lever_api_key_enc" DROP NOT NULL`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_lever_auth_kind" CHECK ("lever_auth_kind" IN ('api_key', 'oauth'))`);
    await q.query(
      `ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_lever_oauth_tokens" CHECK ("lever_auth_kind" <> 'oauth' OR ("lever_oauth_access_token_enc" IS NOT NULL AND "lever_oauth_refresh_token_enc" IS NOT NULL AND "lever_oauth_expires_at" IS NOT NULL))`,
    );
  }

  // Fails while an account has no API key (OAuth ones): give them a key, or delete them, first.
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_lever_oauth_tokens"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_lever_auth_kind"`);
    await q.query(`ALTER TABLE "accounts" ALTER COLUMN "lever_api_key_enc" SET NOT NULL`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_oauth_expires_at"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_oauth_refresh_token_enc"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_oauth_access_token_enc"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "lever_auth_kind"`);
  }
}
