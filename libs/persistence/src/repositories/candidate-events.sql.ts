// Inside the lib only (not in index.ts): the timeline insert that other repositories' statements carry.
import type { NewCandidateEvent } from './candidate-events.repository';
import type { SqlParams } from './returned-rows';

/**
 * `INSERT INTO "candidate_events" ... VALUES ...` for `rows` (at least one), their values added to
 * `sql`: the insert of `append`, and the one a caller puts in front of its own statement (a
 * data-modifying WITH) to write the steps in the same round trip, both or neither.
 */
export function insertCandidateEventsSql(rows: readonly NewCandidateEvent[], sql: SqlParams): string {
  const values = rows.map(
    (e) =>
      `(${sql.add(e.accountId, '::uuid')}, ${sql.add(e.opportunityId)}, ${sql.add(e.assessmentId ?? null, '::uuid')}, ` +
      `${e.at ? sql.add(e.at, '::timestamptz') : 'now()'}, ${sql.add(e.type)}, ${sql.add(e.correlationId)}, ` +
      `${sql.add(JSON.stringify(e.detail ?? {}), '::jsonb')})`,
  );
  return `INSERT INTO "candidate_events" ("account_id", "opportunity_id", "assessment_id", "at", "type", "correlation_id", "detail")
       VALUES ${values.join(', ')}`;
}

/**
 * `statement` (its values already in `sql`) preceded by the insert of `steps` as a data-modifying
 * WITH, so both happen in one statement; `statement` alone when there are no steps.
 */
export function withStepsInserted(steps: readonly NewCandidateEvent[], sql: SqlParams, statement: string): string {
  return steps.length > 0 ? `WITH "steps" AS (${insertCandidateEventsSql(steps, sql)})\n${statement}` : statement;
}
