import type { CandidateEventType } from '@lever-assess/domain';
import {
  CandidateEventBatch,
  type CandidateEvent,
  type CandidateEventScope,
  type CandidateEventsRepository,
  type NewCandidateEvent,
} from '@lever-assess/persistence';
import { copyRow, foreignKeyViolation, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

/**
 * CandidateEventsRepository over an InMemoryStore: one call appends all its rows or none (one
 * insert), an unknown account fails like the foreign key does, and lists are oldest first.
 */
export class InMemoryCandidateEventsRepository implements PublicOf<CandidateEventsRepository> {
  private nextId = 1;

  constructor(private readonly store: InMemoryStore) {}

  asRepository(): CandidateEventsRepository {
    return this as unknown as CandidateEventsRepository;
  }

  /** Every row appended so far, oldest first (for assertions across opportunities). */
  all(): CandidateEvent[] {
    return this.store.candidateEvents.map((row) => copyRow(row));
  }

  async append(events: NewCandidateEvent | readonly NewCandidateEvent[]): Promise<void> {
    this.store.assertReachable();
    const rows = Array.isArray(events) ? (events as readonly NewCandidateEvent[]) : [events as NewCandidateEvent];
    if (rows.some((e) => !this.store.accounts.has(e.accountId))) throw foreignKeyViolation('fk_candidate_events_account_id');
    const now = this.store.now();
    for (const e of rows) {
      this.store.candidateEvents.push({
        id: String(this.nextId++),
        accountId: e.accountId,
        opportunityId: e.opportunityId,
        assessmentId: e.assessmentId ?? null,
        at: e.at ? new Date(e.at) : now,
        type: e.type,
        correlationId: e.correlationId,
        detail: structuredClone(e.detail ?? {}),
      });
    }
  }

  batch(scope: CandidateEventScope): CandidateEventBatch {
    return new CandidateEventBatch(this, scope);
  }

  async listForOpportunity(accountId: string, opportunityId: string, { limit = 500 }: { limit?: number } = {}): Promise<CandidateEvent[]> {
    this.store.assertReachable();
    return this.store.candidateEvents
      .filter((e) => e.accountId === accountId && e.opportunityId === opportunityId)
      .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id))
      .slice(0, limit)
      .map((row) => copyRow(row));
  }

  async lastAt(accountId: string, type: CandidateEventType): Promise<Date | null> {
    this.store.assertReachable();
    const rows = this.store.candidateEvents.filter((e) => e.accountId === accountId && e.type === type);
    return rows.length ? new Date(Math.max(...rows.map((e) => e.at.getTime()))) : null;
  }

  async recentOfTypes(accountId: string, types: readonly CandidateEventType[], limit = 5): Promise<CandidateEvent[]> {
    this.store.assertReachable();
    return this.store.candidateEvents
      .filter((e) => e.accountId === accountId && types.includes(e.type as CandidateEventType))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || Number(b.id) - Number(a.id))
      .slice(0, limit)
      .map((row) => copyRow(row));
  }
}
