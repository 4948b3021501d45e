import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, the console: account-scoped API tokens (`admin_tokens.account_id`), browser sessions
 * (the cookie's secret stored hashed) and one-time sign-in links (the code stored hashed).
 */
export class ConsoleSessions1796800000000 implements MigrationInterface {
  name = 'ConsoleSessions1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "admin_tokens" ADD "account_id" uuid`);
    await q.query(`CREATE INDEX "ix_admin_tokens_account_id" ON "admin_tokens" ("account_id")`);
    await q.query(`
      ALTER TABLE "admin_tokens" ADD CONSTRAINT "fk_admin_tokens_account_id" FOREIGN KEY ("account_id")
        REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`
      CREATE TABLE "console_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "secret_hash" text NOT NULL,
        "actor" text NOT NULL,
        "actor_name" text NOT NULL,
        "admin_token_id" uuid,
        "account_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_console_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_console_sessions_admin_token_id" FOREIGN KEY ("admin_token_id")
          REFERENCES "admin_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_console_sessions_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "ck_console_sessions_secret_hash" CHECK ("secret_hash" ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_console_sessions_secret_hash" ON "console_sessions" ("secret_hash")`);
    await q.query(`CREATE INDEX "ix_console_sessions_expires_at" ON "console_sessions" ("expires_at")`);
    await q.query(`
      CREATE TABLE "console_sign_in_links" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code_hash" text NOT NULL,
        "name" text NOT NULL,
        "account_id" uuid,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        CONSTRAINT "pk_console_sign_in_links" PRIMARY KEY ("id"),
        CONSTRAINT "fk_console_sign_in_links_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "ck_console_sign_in_links_code_hash" CHECK ("code_hash" ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_console_sign_in_links_code_hash" ON "console_sign_in_links" ("code_hash")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "console_sign_in_links"`);
    await q.query(`DROP TABLE "console_sessions"`);
    await q.query(`ALTER TABLE "admin_tokens" DROP CONSTRAINT "fk_admin_tokens_account_id"`);
    await q.query(`DROP INDEX "ix_admin_tokens_account_id"`);
    await q.query(`ALTER TABLE "admin_tokens" DROP COLUMN "account_id"`);
  }
}
