import type { CandidateEventType } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { CandidateEvent } from '../entities/candidate-event.entity';
import type { Scoped } from './scoped';
import { insertCandidateEventsSql } from './candidate-events.sql';
import { SqlParams, plainQuery } from './returned-rows';

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

/** A write that also inserts the job's timeline steps, in the same statement: both or neither, one round trip. */
export interface WithTimelineSteps {
  steps?: readonly NewCandidateEvent[];
}

/** What every step of one job shares: the candidate and the job's correlation id. */
export type CandidateEventScope = Scoped<{ opportunityId: string; correlationId: string }>;

/**
 * The steps of one job, each stamped with the time it happened, written by `flush` in one insert
 * at the end of the job's step (one round trip on the hot path instead of one per step).
 */
export class CandidateEventBatch {
  private readonly rows: NewCandidateEvent[] = [];
  /** When the job began: the time of the step that opened it (`addFirst`). */
  readonly startedAt = new Date();

  constructor(
    private readonly repo: Pick<CandidateEventsRepository, 'append'>,
    private readonly scope: CandidateEventScope,
  ) {}

  add(type: CandidateEventType, detail: Record<string, unknown> = {}, options: { assessmentId?: string | null; at?: Date } = {}): this {
    this.rows.push({ ...this.scope, type, detail, assessmentId: options.assessmentId ?? null, at: options.at ?? new Date() });
    return this;
  }

  /** Before the steps added so far (the step that opened the job, once its outcome is known). */
  addFirst(type: CandidateEventType, detail: Record<string, unknown> = {}, options: { at?: Date } = {}): this {
    this.rows.unshift({ ...this.scope, type, detail, assessmentId: null, at: options.at ?? this.startedAt });
    return this;
  }

  get size(): number {
    return this.rows.length;
  }

  /**
   * Hands what was added to `write`, one statement that writes it together with something else
   * (both or neither, one round trip), then empties the batch. Failures propagate: the job retries.
   */
  async flushWith(write: (rows: readonly NewCandidateEvent[]) => Promise<unknown>): Promise<void> {
    await write(this.rows);
    this.rows.length = 0;
  }

  /** Writes what was added (nothing when empty) and empties the batch. Failures propagate: the job retries. */
  async flush(): Promise<void> {
    if (this.rows.length > 0) await this.flushWith((rows) => this.repo.append(rows));
  }
}

/** The candidate timeline (docs/config-api.md, timeline): appended by the workers, read by support. */
@Injectable()
export class CandidateEventsRepository {
  constructor(@InjectRepository(CandidateEvent) private readonly repo: Repository<CandidateEvent>) {}

  /** Writes the steps in ONE insert (a job batches its steps); nothing for an empty list. Failures propagate. */
  async append(events: NewCandidateEvent | readonly NewCandidateEvent[]): Promise<void> {
    const rows = Array.isArray(events) ? (events as readonly NewCandidateEvent[]) : [events as NewCandidateEvent];
    if (rows.length === 0) return;
    // Plain SQL, one statement for the batch: every job writes one (returned-rows.ts selectEntities says why).
    const sql = new SqlParams();
    await plainQuery(this.repo, insertCandidateEventsSql(rows, sql), sql.values);
  }

  /** A batch of one job's steps for one candidate, written by its `flush`. */
  batch(scope: CandidateEventScope): CandidateEventBatch {
    return new CandidateEventBatch(this, scope);
  }

  /** Oldest first (by `at`, then insertion order); at most `limit` (default 500, capped at 1000). */
  listForOpportunity(accountId: string, opportunityId: string, { limit = 500 }: { limit?: number } = {}): Promise<CandidateEvent[]> {
    return this.repo.find({
      where: { accountId, opportunityId },
      order: { at: 'ASC', id: 'ASC' },
      take: Math.min(Math.max(1, Math.floor(limit)), MAX_CANDIDATE_EVENTS),
    });
  }

  /** When the account's latest step of `type` happened (e.g. the last webhook), or null. */
  async lastAt(accountId: string, type: CandidateEventType): Promise<Date | null> {
    const row = await this.repo.findOne({ where: { accountId, type }, order: { at: 'DESC', id: 'DESC' } });
    return row?.at ?? null;
  }

  /** The account's latest steps of these types, newest first (the console's "recent errors"). */
  recentOfTypes(accountId: string, types: readonly CandidateEventType[], limit = 5): Promise<CandidateEvent[]> {
    return this.repo.find({ where: { accountId, type: In([...types]) }, order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
