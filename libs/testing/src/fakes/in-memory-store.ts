import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION } from '@lever-assess/persistence';
import type {
  AccountWithSecrets,
  Assessment,
  AssessmentNote,
  CandidateEvent,
  LeverDelivery,
  LeverOpportunityView,
  TestDefinition,
  TriggerRule,
} from '@lever-assess/persistence';
import { randomUUID } from 'node:crypto';

/**
 * The tables the in-memory repositories share (one store per test), so that what Postgres checks
 * across tables holds in unit tests too: foreign keys, tenant joins, cascades on account delete.
 */
export class InMemoryStore {
  readonly accounts = new Map<string, AccountWithSecrets>();
  readonly tests = new Map<string, TestDefinition>();
  readonly rules = new Map<string, TriggerRule>();
  readonly assessments = new Map<string, Assessment>();
  readonly notes = new Map<string, AssessmentNote>();
  /** Keyed by `<accountId>/<deliveryToken>`, the table's primary key. */
  readonly deliveries = new Map<string, LeverDelivery>();
  readonly views = new Map<string, LeverOpportunityView>();
  /** The timeline, in insertion order. */
  readonly candidateEvents: CandidateEvent[] = [];

  private lastTime = 0;
  private down: Error | null = null;

  /**
   * Strictly increasing: rows created one after the other in a test keep their order, as their
   * createdAt does in Postgres (statusTagOwner and the "newest first" queries rely on it).
   */
  now(): Date {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return new Date(this.lastTime);
  }

  newId(): string {
    return randomUUID();
  }

  /** Every repository call fails with `err` until `recover()`: Postgres is unreachable. */
  outage(err: Error = new Error('connect ECONNREFUSED 127.0.0.1:5432')): void {
    this.down = err;
  }

  recover(): void {
    this.down = null;
  }

  /** Called first by every repository method: throws while the store is down. */
  assertReachable(): void {
    if (this.down) throw this.down;
  }
}

/** A copy of a row, as a query returns it: changing it does not change the table. */
export function copyRow<T>(row: T): T {
  return structuredClone(row);
}

/** The error pg raises for a foreign-key violation (what `isForeignKeyViolation` recognises). */
export function foreignKeyViolation(constraint: string): Error {
  return Object.assign(new Error(`insert or update violates foreign key constraint "${constraint}"`), {
    code: PG_FOREIGN_KEY_VIOLATION,
    constraint,
  });
}

/** The error pg raises for a unique violation (what `isUniqueViolation` recognises). */
export function uniqueViolation(constraint: string): Error {
  return Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), {
    code: PG_UNIQUE_VIOLATION,
    constraint,
  });
}

/** `undefined` means "leave unchanged", as in the real repositories' patches. */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** createdAt then id, ascending: the order of the real repositories' lists. */
export function byCreation(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
