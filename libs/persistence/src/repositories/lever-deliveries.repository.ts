import { LeverEventName } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { LeverDelivery } from '../entities/lever-delivery.entity';
import type { WithTimelineSteps } from './candidate-events.repository';
import { withStepsInserted } from './candidate-events.sql';
import { SqlParams, plainQuery } from './returned-rows';
import type { Scoped } from './scoped';

export type NewLeverDelivery = Scoped<{
  deliveryToken: string;
  opportunityId: string;
  /** Defaults to a stage change. */
  event?: LeverEventName;
  /** Null for events other than stage changes. */
  toStageId: string | null;
  triggeredAt: Date;
}>;

/** Lever's delivery token is processed once per account (DESIGN.md "HTTP surfaces"). */
@Injectable()
export class LeverDeliveriesRepository {
  constructor(@InjectRepository(LeverDelivery) private readonly repo: Repository<LeverDelivery>) {}

  /** Resolves true the first time this (account, token) is recorded, false on every repeat. */
  async recordOnce(delivery: NewLeverDelivery): Promise<boolean> {
    // Plain SQL: once per job (returned-rows.ts selectEntities says why).
    const rows: unknown[] = await plainQuery(
      this.repo,
      `INSERT INTO "lever_deliveries" ("account_id", "delivery_token", "opportunity_id", "event", "to_stage_id", "triggered_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING "delivery_token"`,
      [
        delivery.accountId,
        delivery.deliveryToken,
        delivery.opportunityId,
        delivery.event ?? LeverEventName.StageChange,
        delivery.toStageId,
        delivery.triggeredAt,
      ],
    );
    return rows.length > 0;
  }

  find(accountId: string, deliveryToken: string): Promise<LeverDelivery | null> {
    return this.repo.findOneBy({ accountId, deliveryToken });
  }

  /**
   * True when a stage change of the opportunity to `toStageId` triggered at or after `since` was
   * recorded: the sweep's test of "this move was delivered" (any token, webhook or sweep).
   */
  existsForMove(where: Scoped<{ opportunityId: string; toStageId: string; since: Date }>): Promise<boolean> {
    return this.repo.existsBy({
      accountId: where.accountId,
      opportunityId: where.opportunityId,
      toStageId: where.toStageId,
      event: LeverEventName.StageChange,
      triggeredAt: MoreThanOrEqual(where.since),
    });
  }

  /**
   * What processing decided, for support (e.g. `no_rule`, `assessment:<id>`). With `steps`, the
   * job's timeline steps are inserted by the same statement (a data-modifying WITH): both or
   * neither, so a failure leaves the delivery unfinished and its retry writes both, and one round
   * trip instead of two on every stage change. Resolves whether the delivery was found.
   */
  async setOutcome(accountId: string, deliveryToken: string, outcome: string, { steps = [] }: WithTimelineSteps = {}): Promise<boolean> {
    const sql = new SqlParams();
    const update = `UPDATE "lever_deliveries" SET "outcome" = ${sql.add(outcome)}
       WHERE "account_id" = ${sql.add(accountId)} AND "delivery_token" = ${sql.add(deliveryToken)}`;
    const [, affected]: [unknown, number] = await plainQuery(this.repo, withStepsInserted(steps, sql, update), sql.values);
    return affected > 0;
  }

  /**
   * Housekeeping across all accounts: forgets deliveries received before `cutoff`. Keep them
   * longer than the webhook replay window, or an old token could be processed again.
   */
  async deleteReceivedBefore(cutoff: Date): Promise<number> {
    const { affected } = await this.repo.delete({ receivedAt: LessThan(cutoff) });
    return affected ?? 0;
  }
}
