import { LeverAccountsService } from '@lever-assess/account-access';
import { AssessmentStatus, CandidateEventType } from '@lever-assess/domain';
import { AssessmentsRepository, CandidateEventsRepository } from '@lever-assess/persistence';
import { QUEUE_NAMES, REGISTERED_QUEUES, countParkedJobs } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { FailedJobsService } from '../failed-jobs/failed-jobs.service';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AccountOverviewDto, CandidateSearchDto } from './overview.dto';

const ERROR_TYPES = [CandidateEventType.InvitationFailed, CandidateEventType.LeverSyncFailed];
/** Lever opportunities one email search shows (a person rarely has more). */
const SEARCH_LIMIT = 20;

/** The console's account summary and candidate search (issue 18). */
@Injectable()
export class OverviewService {
  private readonly queues: Queue[];

  constructor(
    @Inject(REGISTERED_QUEUES) queues: Queue[],
    private readonly lookup: AccountLookup,
    private readonly events: CandidateEventsRepository,
    private readonly assessments: AssessmentsRepository,
    private readonly failedJobs: FailedJobsService,
    private readonly leverAccounts: LeverAccountsService,
  ) {
    this.queues = queues.filter((q) => (QUEUE_NAMES as readonly string[]).includes(q.name));
  }

  async overview(accountId: string): Promise<AccountOverviewDto> {
    await this.lookup.require(accountId);
    const [parked, failed, sent, completed, lastWebhookAt, errors] = await Promise.all([
      Promise.all(this.queues.map((q) => countParkedJobs(q, accountId))),
      this.failedJobs.list({ accountId, limit: 1 }),
      this.assessments.list(accountId, { status: AssessmentStatus.Sent }, { limit: 1 }),
      this.assessments.list(accountId, { status: AssessmentStatus.Completed }, { limit: 1 }),
      this.events.lastAt(accountId, CandidateEventType.WebhookReceived),
      this.events.recentOfTypes(accountId, ERROR_TYPES, 5),
    ]);
    return {
      parkedJobs: parked.reduce((a, b) => a + b, 0),
      failedJobs: Object.values(failed.totals).reduce((a, b) => a + b, 0),
      openAssessments: sent.total + completed.total,
      lastWebhookAt: lastWebhookAt?.toISOString() ?? null,
      recentErrors: errors.map((e) => ({
        at: e.at.toISOString(),
        type: e.type,
        opportunityId: e.opportunityId,
        code: typeof e.detail?.code === 'string' ? e.detail.code : null,
      })),
    };
  }

  /** Lever's opportunities of a person, by email (confidential ones too), one request. */
  async searchByEmail(accountId: string, email: string): Promise<CandidateSearchDto> {
    await this.lookup.require(accountId);
    const page = await this.leverAccounts.withLever(accountId, ({ auth }, lever) =>
      lever.listOpportunities(auth, { email, confidentiality: 'all', limit: SEARCH_LIMIT }),
    );
    // One entry per opportunity, whatever the list repeats.
    const unique = [...new Map(page.data.map((o) => [o.id, o])).values()];
    return { items: unique.map((o) => ({ opportunityId: o.id, name: o.name, stageName: o.stageName, archived: o.archived })) };
  }
}
