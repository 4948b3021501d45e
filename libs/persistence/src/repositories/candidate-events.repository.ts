import type { CandidateEventType } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CandidateEvent } from '../entities/candidate-event.entity';
import type { Scoped } from './scoped';

/** One timeline step. `detail` holds ids, stage ids, tags, codes and counts: never personal data. */
export type NewCandidateEvent = Scoped<{
  opportunityId: string;
  assessmentId?: string | null;
  type: CandidateEventType;
  correlationId: string;
  detail?: Record<string, unknown>;
  /** When the step happened (default: the insert's now()); several steps written at once keep their own times. */
  at?: Date;
}>;

export const MAX_CANDIDATE_EVENTS = 1000;

/** The candidate timeline (docs/config-api.md, timeline): appended by the workers, read by support. */
@Injectable()
export class CandidateEventsRepository {
  constructor(@InjectRepository(CandidateEvent) private readonly repo: Repository<CandidateEvent>) {}

  /** Writes the steps in ONE insert (a job batches its steps); nothing for an empty list. Failures propagate. */
  async append(events: NewCandidateEvent | readonly NewCandidateEvent[]): Promise<void> {
    const rows = Array.isArray(events) ? (events as readonly NewCandidateEvent[]) : [events as NewCandidateEvent];
    if (rows.length === 0) return;
    await this.repo
      .createQueryBuilder()
      .insert()
      .values(
        rows.map((e) => ({
          accountId: e.accountId,
          opportunityId: e.opportunityId,
          assessmentId: e.assessmentId ?? null,
          type: e.type,
          correlationId: e.correlationId,
          // insert() types jsonb values as deep-partial entities; the object is plain JSON.
          detail: (e.detail ?? {}) as never,
          ...(e.at ? { at: e.at } : {}),
        })),
      )
      .updateEntity(false)
      .execute();
  }

  /** Oldest first (by `at`, then insertion order); at most `limit` (default 500, capped at 1000). */
  listForOpportunity(accountId: string, opportunityId: string, { limit = 500 }: { limit?: number } = {}): Promise<CandidateEvent[]> {
    return this.repo.find({
      where: { accountId, opportunityId },
      order: { at: 'ASC', id: 'ASC' },
      take: Math.min(Math.max(1, Math.floor(limit)), MAX_CANDIDATE_EVENTS),
    });
  }
}
