import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AssessmentNote } from '../entities/assessment-note.entity';
import { Assessment } from '../entities/assessment.entity';
import { LeverOpportunityView } from '../entities/lever-opportunity-view.entity';
import { entitiesFromReturnedRows, entityFromReturnedRow, plainQuery } from './returned-rows';

/** What a sync of one assessment starts from: the same entities the three repositories' reads give. */
export interface OpportunitySyncState {
  /** The opportunity's assessments (oldest first), as AssessmentsRepository.listForOpportunity. */
  assessments: Assessment[];
  /** Our view of the opportunity in Lever, as LeverOpportunityViewsRepository.find. */
  view: LeverOpportunityView | null;
  /** The assessment's note claims (oldest first), as AssessmentNotesRepository.listForAssessment. */
  notes: AssessmentNote[];
}

// Each part is the statement its repository runs, its rows as JSON; the notes join the account's
// assessments, so another tenant's assessment id finds none.
const READ_SQL = `SELECT
  (SELECT coalesce(json_agg(a ORDER BY a."created_at" ASC, a."id" ASC), '[]'::json)
     FROM "assessments" a WHERE a."account_id" = $1 AND a."opportunity_id" = $2) AS "assessments",
  (SELECT row_to_json(v) FROM "lever_opportunity_views" v
     WHERE v."account_id" = $1 AND v."opportunity_id" = $2) AS "view",
  (SELECT coalesce(json_agg(n ORDER BY n."created_at" ASC, n."id" ASC), '[]'::json)
     FROM "assessment_notes" n JOIN "assessments" na ON na."id" = n."assessment_id" AND na."account_id" = $1
     WHERE n."assessment_id" = $3) AS "notes"`;

/**
 * result-sync's reads for one job in one statement instead of three (docs/performance.md, eleventh
 * round): the rows come back as JSON and are converted with each entity's column metadata, as
 * the plain SQL reads convert theirs (a timestamp's ISO text becomes the same Date), so callers
 * get exactly the entities of the separate reads (tested against PostgreSQL).
 */
@Injectable()
export class OpportunitySyncReadsRepository {
  constructor(
    @InjectRepository(Assessment) private readonly assessments: Repository<Assessment>,
    @InjectRepository(LeverOpportunityView) private readonly views: Repository<LeverOpportunityView>,
    @InjectRepository(AssessmentNote) private readonly notes: Repository<AssessmentNote>,
  ) {}

  /** The opportunity's assessments and view, and the notes of `assessmentId`, tenant-scoped. */
  async read(accountId: string, opportunityId: string, assessmentId: string): Promise<OpportunitySyncState> {
    const [row] = (await plainQuery(this.assessments, READ_SQL, [accountId, opportunityId, assessmentId])) as {
      assessments: unknown;
      view: unknown;
      notes: unknown;
    }[];
    return {
      assessments: entitiesFromReturnedRows(this.assessments, row?.assessments),
      view: entityFromReturnedRow(this.views, row?.view),
      notes: entitiesFromReturnedRows(this.notes, row?.notes),
    };
  }
}
