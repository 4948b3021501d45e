import { LeverEventName } from '@lever-assess/domain';
import type { LeverDeliveriesRepository, LeverDelivery, NewLeverDelivery, WithTimelineSteps } from '@lever-assess/persistence';
import type { InMemoryCandidateEventsRepository } from './in-memory-candidate-events.repository';
import { copyRow, foreignKeyViolation, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

const key = (accountId: string, deliveryToken: string) => `${accountId}/${deliveryToken}`;

/**
 * LeverDeliveriesRepository over an InMemoryStore: a (account, token) pair is recorded once, and
 * recording one for an account that does not exist fails like the foreign key does. An outcome set
 * with steps appends them through `events` first, so a failing append sets nothing (one statement
 * in PostgreSQL).
 */
export class InMemoryLeverDeliveriesRepository implements PublicOf<LeverDeliveriesRepository> {
  constructor(
    private readonly store: InMemoryStore,
    private readonly events: Pick<InMemoryCandidateEventsRepository, 'append'>,
  ) {}

  asRepository(): LeverDeliveriesRepository {
    return this as unknown as LeverDeliveriesRepository;
  }

  async recordOnce(delivery: NewLeverDelivery): Promise<boolean> {
    this.store.assertReachable();
    if (!this.store.accounts.has(delivery.accountId)) throw foreignKeyViolation('fk_lever_deliveries_account_id');
    const id = key(delivery.accountId, delivery.deliveryToken);
    if (this.store.deliveries.has(id)) return false;
    this.store.deliveries.set(id, {
      accountId: delivery.accountId,
      deliveryToken: delivery.deliveryToken,
      opportunityId: delivery.opportunityId,
      event: delivery.event ?? LeverEventName.StageChange,
      toStageId: delivery.toStageId,
      triggeredAt: new Date(delivery.triggeredAt),
      receivedAt: this.store.now(),
      outcome: null,
    });
    return true;
  }

  async find(accountId: string, deliveryToken: string): Promise<LeverDelivery | null> {
    this.store.assertReachable();
    const row = this.store.deliveries.get(key(accountId, deliveryToken));
    return row ? copyRow(row) : null;
  }

  async existsForMove(where: { accountId: string; opportunityId: string; toStageId: string; since: Date }): Promise<boolean> {
    this.store.assertReachable();
    return [...this.store.deliveries.values()].some(
      (d) =>
        d.accountId === where.accountId &&
        d.opportunityId === where.opportunityId &&
        d.toStageId === where.toStageId &&
        d.event === LeverEventName.StageChange &&
        d.triggeredAt >= where.since,
    );
  }

  async setOutcome(accountId: string, deliveryToken: string, outcome: string, { steps = [] }: WithTimelineSteps = {}): Promise<boolean> {
    this.store.assertReachable();
    if (steps.length > 0) await this.events.append(steps);
    const row = this.store.deliveries.get(key(accountId, deliveryToken));
    if (!row) return false;
    row.outcome = outcome;
    return true;
  }

  async deleteReceivedBefore(cutoff: Date): Promise<number> {
    this.store.assertReachable();
    let deleted = 0;
    for (const [id, row] of this.store.deliveries) {
      if (row.receivedAt < cutoff && this.store.deliveries.delete(id)) deleted++;
    }
    return deleted;
  }
}
