import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { LeverOpportunityView } from '../entities/lever-opportunity-view.entity';
import type { WithTimelineSteps } from './candidate-events.repository';
import { withStepsInserted } from './candidate-events.sql';
import { SqlParams, plainQuery, selectEntities } from './returned-rows';

export interface OpportunityFacts {
  tags: readonly string[];
  links: readonly string[];
}

/**
 * Our view of each opportunity's tags and links in Lever (LeverOpportunityView), tenant-scoped.
 * Reads are recorded only when newer than what is stored; our own writes are applied in place.
 */
@Injectable()
export class LeverOpportunityViewsRepository {
  constructor(@InjectRepository(LeverOpportunityView) private readonly repo: Repository<LeverOpportunityView>) {}

  async find(accountId: string, opportunityId: string): Promise<LeverOpportunityView | null> {
    const [view] = await selectEntities(
      this.repo,
      'SELECT * FROM "lever_opportunity_views" WHERE "account_id" = $1 AND "opportunity_id" = $2',
      [accountId, opportunityId],
    );
    return view ?? null;
  }

  /**
   * Records what a Lever read showed, as of `observedAt` (when the read was sent). A view changed
   * since then (a write recorded after the read began) is kept: the read may predate that write.
   */
  async recordRead(accountId: string, opportunityId: string, facts: OpportunityFacts, observedAt: Date): Promise<void> {
    await plainQuery(
      this.repo,
      `INSERT INTO "lever_opportunity_views" ("account_id", "opportunity_id", "tags", "links", "observed_at")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("account_id", "opportunity_id") DO UPDATE
         SET "tags" = EXCLUDED."tags", "links" = EXCLUDED."links", "observed_at" = EXCLUDED."observed_at"
         WHERE "lever_opportunity_views"."observed_at" < EXCLUDED."observed_at"`,
      [accountId, opportunityId, [...new Set(facts.tags)], [...new Set(facts.links)], observedAt],
    );
  }

  /**
   * Applies a tag write Lever confirmed, with the job's pending timeline steps in the same
   * statement. Resolves false when there is no view to change.
   */
  async recordTagWrite(
    accountId: string,
    opportunityId: string,
    change: { add?: readonly string[]; remove?: readonly string[] },
    { steps = [] }: WithTimelineSteps = {},
  ): Promise<boolean> {
    const sql = new SqlParams();
    const update = `UPDATE "lever_opportunity_views"
       SET "tags" = ARRAY(
             SELECT DISTINCT t FROM unnest("tags" || ${sql.add([...(change.add ?? [])], '::text[]')}) AS t
             WHERE NOT (t = ANY(${sql.add([...(change.remove ?? [])], '::text[]')})) ORDER BY t
           ),
           "observed_at" = greatest("observed_at", now())
       WHERE "account_id" = ${sql.add(accountId)} AND "opportunity_id" = ${sql.add(opportunityId)}`;
    const [, affected]: [unknown, number] = await plainQuery(this.repo, withStepsInserted(steps, sql, update), sql.values);
    return affected > 0;
  }

  /** Applies an addLinks Lever confirmed, with the job's pending timeline steps; false when there is no view to change. */
  async recordLinksAdded(
    accountId: string,
    opportunityId: string,
    links: readonly string[],
    { steps = [] }: WithTimelineSteps = {},
  ): Promise<boolean> {
    const sql = new SqlParams();
    const update = `UPDATE "lever_opportunity_views"
       SET "links" = ARRAY(SELECT DISTINCT l FROM unnest("links" || ${sql.add([...links], '::text[]')}) AS l ORDER BY l),
           "observed_at" = greatest("observed_at", now())
       WHERE "account_id" = ${sql.add(accountId)} AND "opportunity_id" = ${sql.add(opportunityId)}`;
    const [, affected]: [unknown, number] = await plainQuery(this.repo, withStepsInserted(steps, sql, update), sql.values);
    return affected > 0;
  }
}
