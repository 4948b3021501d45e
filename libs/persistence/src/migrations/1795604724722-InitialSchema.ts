import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema, written by hand (see docs/persistence.md). Enum-like columns are text
 * with CHECK constraints rather than Postgres enums: adding a value is one constraint swap in a
 * transaction, removing one is possible at all. Values match @lever-assess/domain as of this
 * migration and are spelled out here on purpose: a migration is history and never imports
 * constants that may change later.
 */
export class InitialSchema1795604724722 implements MigrationInterface {
  name = 'InitialSchema1795604724722';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "accounts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "tag_prefix" text NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "status_reason" text,
        "webhook_key" text NOT NULL,
        "lever_api_key_enc" text NOT NULL,
        "lever_signature_token_enc" text NOT NULL,
        "lever_signature_tokens_enc" text,
        "perform_as_user_id" text,
        "platform_account_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_accounts" PRIMARY KEY ("id"),
        CONSTRAINT "ck_accounts_status" CHECK ("status" IN ('active', 'disconnected', 'disabled'))
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_accounts_webhook_key" ON "accounts" ("webhook_key")`);

    await q.query(`
      CREATE TABLE "tests" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "name" text NOT NULL,
        "platform_test_id" text NOT NULL,
        "kind" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_tests" PRIMARY KEY ("id"),
        CONSTRAINT "ck_tests_kind" CHECK ("kind" IN ('take_home', 'live_interview')),
        CONSTRAINT "fk_tests_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // The test name is the override tag, matched case-insensitively.
    await q.query(`CREATE UNIQUE INDEX "uq_tests_account_lower_name" ON "tests" ("account_id", lower("name"))`);

    await q.query(`
      CREATE TABLE "trigger_rules" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "stage_id" text NOT NULL,
        "stage_name" text,
        "required_tag" text,
        "kind" text NOT NULL,
        "test_id" uuid,
        "pass_threshold" integer,
        "fail_threshold" integer,
        "time_limit_minutes" integer NOT NULL DEFAULT 120,
        "enabled" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_trigger_rules" PRIMARY KEY ("id"),
        CONSTRAINT "ck_trigger_rules_kind" CHECK ("kind" IN ('take_home', 'live_interview')),
        CONSTRAINT "ck_trigger_rules_pass_threshold" CHECK ("pass_threshold" BETWEEN 0 AND 100),
        CONSTRAINT "ck_trigger_rules_fail_threshold" CHECK ("fail_threshold" BETWEEN 0 AND 100),
        CONSTRAINT "ck_trigger_rules_fail_below_pass" CHECK ("fail_threshold" < "pass_threshold"),
        CONSTRAINT "ck_trigger_rules_time_limit" CHECK ("time_limit_minutes" > 0),
        CONSTRAINT "fk_trigger_rules_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        -- NO ACTION is checked at statement end: an account delete cascades through rules and
        -- tests together, while deleting a test that a rule still uses is refused.
        CONSTRAINT "fk_trigger_rules_test_id" FOREIGN KEY ("test_id")
          REFERENCES "tests" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "ix_trigger_rules_account_stage" ON "trigger_rules" ("account_id", "stage_id")`);
    await q.query(`CREATE INDEX "ix_trigger_rules_test_id" ON "trigger_rules" ("test_id")`);

    await q.query(`
      CREATE TABLE "assessments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "opportunity_id" text NOT NULL,
        "candidate_id" text NOT NULL,
        "contact_id" text,
        "rule_id" uuid NOT NULL,
        "test_id" uuid,
        "kind" text NOT NULL,
        "status" text NOT NULL DEFAULT 'sent',
        "platform_invitation_id" text,
        "candidate_url" text,
        "interviewer_url" text,
        "report_url" text,
        "score" numeric(6,2),
        "error_code" text,
        "error_text" text,
        "source_delivery_token" text,
        "triggered_at" timestamptz NOT NULL,
        "completed_at" timestamptz,
        "scored_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_assessments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_assessments_kind" CHECK ("kind" IN ('take_home', 'live_interview')),
        CONSTRAINT "ck_assessments_status"
          CHECK ("status" IN ('sent', 'completed', 'scored', 'expired', 'canceled', 'error')),
        CONSTRAINT "fk_assessments_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_assessments_rule_id" FOREIGN KEY ("rule_id")
          REFERENCES "trigger_rules" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "fk_assessments_test_id" FOREIGN KEY ("test_id")
          REFERENCES "tests" ("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    // One active assessment per (account, opportunity, rule): duplicate triggers become one
    // invitation. Partial, so an 'error' (or finished) assessment does not block a retry.
    await q.query(`
      CREATE UNIQUE INDEX "uq_assessment_active" ON "assessments" ("account_id", "opportunity_id", "rule_id")
      WHERE "status" IN ('sent', 'completed')`);
    await q.query(`CREATE INDEX "ix_assessments_account_opportunity" ON "assessments" ("account_id", "opportunity_id")`);
    await q.query(`CREATE INDEX "ix_assessments_account_created" ON "assessments" ("account_id", "created_at")`);
    await q.query(`CREATE INDEX "ix_assessments_rule_id" ON "assessments" ("rule_id")`);
    await q.query(`CREATE INDEX "ix_assessments_test_id" ON "assessments" ("test_id")`);
    await q.query(`CREATE INDEX "ix_assessments_platform_invitation_id" ON "assessments" ("platform_invitation_id")`);

    await q.query(`
      CREATE TABLE "assessment_notes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "assessment_id" uuid NOT NULL,
        "event_key" text NOT NULL,
        "lever_note_id" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_assessment_notes" PRIMARY KEY ("id"),
        CONSTRAINT "fk_assessment_notes_assessment_id" FOREIGN KEY ("assessment_id")
          REFERENCES "assessments" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE UNIQUE INDEX "uq_assessment_notes_assessment_event" ON "assessment_notes" ("assessment_id", "event_key")`);

    await q.query(`
      CREATE TABLE "lever_deliveries" (
        "account_id" uuid NOT NULL,
        "delivery_token" text NOT NULL,
        "opportunity_id" text NOT NULL,
        "to_stage_id" text NOT NULL,
        "triggered_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "outcome" text,
        CONSTRAINT "pk_lever_deliveries" PRIMARY KEY ("account_id", "delivery_token"),
        CONSTRAINT "fk_lever_deliveries_account_id" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "ix_lever_deliveries_received_at" ON "lever_deliveries" ("received_at")`);

    await q.query(`
      CREATE TABLE "admin_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "token_hash" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_admin_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "ck_admin_tokens_token_hash" CHECK ("token_hash" ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_admin_tokens_token_hash" ON "admin_tokens" ("token_hash")`);

    // No foreign key to accounts: the audit trail outlives a deleted account.
    await q.query(`
      CREATE TABLE "audit_log" (
        "id" bigserial NOT NULL,
        "actor" text NOT NULL,
        "action" text NOT NULL,
        "account_id" uuid,
        "entity_type" text NOT NULL,
        "entity_id" text NOT NULL,
        "details" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_audit_log" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "ix_audit_log_account_created" ON "audit_log" ("account_id", "created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Reverse dependency order; each table takes its indexes and constraints with it.
    for (const table of [
      'audit_log',
      'admin_tokens',
      'lever_deliveries',
      'assessment_notes',
      'assessments',
      'trigger_rules',
      'tests',
      'accounts',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}
