import type { LeverOpportunityView, LeverOpportunityViewsRepository, OpportunityFacts, WithTimelineSteps } from '@lever-assess/persistence';
import type { InMemoryCandidateEventsRepository } from './in-memory-candidate-events.repository';
import { copyRow, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

const key = (accountId: string, opportunityId: string) => `${accountId}/${opportunityId}`;

/**
 * LeverOpportunityViewsRepository over an InMemoryStore: a read is recorded only when newer than
 * the stored view; our writes change an existing view in place (and nothing without one). A write
 * with timeline steps appends them through `events` first, so a failing append changes nothing
 * (one statement in PostgreSQL).
 */
export class InMemoryLeverOpportunityViewsRepository implements PublicOf<LeverOpportunityViewsRepository> {
  constructor(
    private readonly store: InMemoryStore,
    private readonly events: Pick<InMemoryCandidateEventsRepository, 'append'>,
  ) {}

  asRepository(): LeverOpportunityViewsRepository {
    return this as unknown as LeverOpportunityViewsRepository;
  }

  async find(accountId: string, opportunityId: string): Promise<LeverOpportunityView | null> {
    this.store.assertReachable();
    const row = this.store.views.get(key(accountId, opportunityId));
    return row ? copyRow(row) : null;
  }

  async recordRead(accountId: string, opportunityId: string, facts: OpportunityFacts, observedAt: Date): Promise<void> {
    this.store.assertReachable();
    const existing = this.store.views.get(key(accountId, opportunityId));
    if (existing && existing.observedAt >= observedAt) return;
    this.store.views.set(key(accountId, opportunityId), {
      accountId,
      opportunityId,
      tags: [...new Set(facts.tags)],
      links: [...new Set(facts.links)],
      observedAt: new Date(observedAt),
    });
  }

  async recordTagWrite(
    accountId: string,
    opportunityId: string,
    change: { add?: readonly string[]; remove?: readonly string[] },
    { steps = [] }: WithTimelineSteps = {},
  ): Promise<boolean> {
    this.store.assertReachable();
    if (steps.length > 0) await this.events.append(steps);
    const row = this.store.views.get(key(accountId, opportunityId));
    if (!row) return false;
    const removed = new Set(change.remove ?? []);
    row.tags = [...new Set([...row.tags, ...(change.add ?? [])])].filter((t) => !removed.has(t)).sort();
    row.observedAt = new Date(Math.max(row.observedAt.getTime(), this.store.now().getTime()));
    return true;
  }

  async recordLinksAdded(
    accountId: string,
    opportunityId: string,
    links: readonly string[],
    { steps = [] }: WithTimelineSteps = {},
  ): Promise<boolean> {
    this.store.assertReachable();
    if (steps.length > 0) await this.events.append(steps);
    const row = this.store.views.get(key(accountId, opportunityId));
    if (!row) return false;
    row.links = [...new Set([...row.links, ...links])].sort();
    row.observedAt = new Date(Math.max(row.observedAt.getTime(), this.store.now().getTime()));
    return true;
  }
}
