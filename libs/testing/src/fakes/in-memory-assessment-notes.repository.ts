import { ReferenceNotFoundError, type AssessmentNote, type AssessmentNotesRepository } from '@lever-assess/persistence';
import { byCreation, copyRow, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

/**
 * AssessmentNotesRepository over an InMemoryStore: one claim per (assessment, event), every
 * statement checked against the assessment's account (the real SQL joins `assessments`).
 */
export class InMemoryAssessmentNotesRepository implements PublicOf<AssessmentNotesRepository> {
  constructor(private readonly store: InMemoryStore) {}

  asRepository(): AssessmentNotesRepository {
    return this as unknown as AssessmentNotesRepository;
  }

  async claim(accountId: string, assessmentId: string, eventKey: string): Promise<boolean> {
    this.store.assertReachable();
    if (!this.ownedBy(accountId, assessmentId)) throw new ReferenceNotFoundError(accountId, 'assessment', assessmentId);
    if (this.find(assessmentId, eventKey)) return false;
    const row: AssessmentNote = { id: this.store.newId(), assessmentId, eventKey, leverNoteId: null, createdAt: this.store.now() };
    this.store.notes.set(row.id, row);
    return true;
  }

  async setNoteId(accountId: string, assessmentId: string, eventKey: string, leverNoteId: string): Promise<boolean> {
    this.store.assertReachable();
    const row = this.ownedBy(accountId, assessmentId) ? this.find(assessmentId, eventKey) : undefined;
    if (!row) return false;
    row.leverNoteId = leverNoteId;
    return true;
  }

  async release(accountId: string, assessmentId: string, eventKey: string): Promise<boolean> {
    this.store.assertReachable();
    const row = this.ownedBy(accountId, assessmentId) ? this.find(assessmentId, eventKey) : undefined;
    // A claim whose note Lever confirmed is never given back.
    if (!row || row.leverNoteId !== null) return false;
    return this.store.notes.delete(row.id);
  }

  async listForAssessment(accountId: string, assessmentId: string): Promise<AssessmentNote[]> {
    this.store.assertReachable();
    if (!this.ownedBy(accountId, assessmentId)) return [];
    return [...this.store.notes.values()]
      .filter((n) => n.assessmentId === assessmentId)
      .sort(byCreation)
      .map(copyRow);
  }

  private ownedBy(accountId: string, assessmentId: string): boolean {
    return this.store.assessments.get(assessmentId)?.accountId === accountId;
  }

  private find(assessmentId: string, eventKey: string): AssessmentNote | undefined {
    return [...this.store.notes.values()].find((n) => n.assessmentId === assessmentId && n.eventKey === eventKey);
  }
}
