import type { OpportunitySyncReadsRepository, OpportunitySyncState } from '@lever-assess/persistence';
import type { InMemoryAssessmentNotesRepository } from './in-memory-assessment-notes.repository';
import type { InMemoryAssessmentsRepository } from './in-memory-assessments.repository';
import type { InMemoryLeverOpportunityViewsRepository } from './in-memory-lever-opportunity-views.repository';
import type { PublicOf } from './public-of';

/**
 * OpportunitySyncReadsRepository over the other fakes: the three reads it stands for (one
 * statement in PostgreSQL, where it is tested to equal them).
 */
export class InMemoryOpportunitySyncReads implements PublicOf<OpportunitySyncReadsRepository> {
  constructor(
    private readonly assessments: Pick<InMemoryAssessmentsRepository, 'listForOpportunity'>,
    private readonly views: Pick<InMemoryLeverOpportunityViewsRepository, 'find'>,
    private readonly notes: Pick<InMemoryAssessmentNotesRepository, 'listForAssessment'>,
  ) {}

  asRepository(): OpportunitySyncReadsRepository {
    return this as unknown as OpportunitySyncReadsRepository;
  }

  async read(accountId: string, opportunityId: string, assessmentId: string): Promise<OpportunitySyncState> {
    return {
      assessments: await this.assessments.listForOpportunity(accountId, opportunityId),
      view: await this.views.find(accountId, opportunityId),
      notes: await this.notes.listForAssessment(accountId, assessmentId),
    };
  }
}
