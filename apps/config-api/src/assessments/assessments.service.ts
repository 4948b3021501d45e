import { AssessmentStatus } from '@lever-assess/domain';
import { AssessmentActionError, AssessmentActionsService } from '@lever-assess/account-access';
import { AssessmentsRepository, type Assessment } from '@lever-assess/persistence';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { ConflictApiError, NotFoundApiError } from '../shared/errors/api.errors';
import { AssessmentDto, type AssessmentPageDto, type AssessmentQueryDto, type ResendResultDto } from './dto/assessment.dto';

const assessmentNotFound = (id: string) => new NotFoundApiError('ASSESSMENT_NOT_FOUND', `Assessment ${id} does not exist in this account`);

@Injectable()
export class AssessmentsService {
  private readonly logger = new Logger(AssessmentsService.name);

  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly lookup: AccountLookup,
    private readonly actions: AssessmentActionsService,
    private readonly audit: AuditService,
  ) {}

  async list(accountId: string, query: AssessmentQueryDto): Promise<AssessmentPageDto> {
    await this.lookup.require(accountId);
    const page = await this.assessments.list(
      accountId,
      { opportunityId: query.opportunityId, status: query.status },
      { limit: query.limit, offset: query.offset },
    );
    return { ...page, items: page.items.map((a) => AssessmentDto.from(a)) };
  }

  async get(accountId: string, assessmentId: string): Promise<AssessmentDto> {
    return AssessmentDto.from(await this.require(accountId, assessmentId));
  }

  /**
   * - sent / completed / scored: enqueue lever-sync, which re-applies the status tag, links and
   *   note (e.g. after a recruiter removed the tag by hand, or Lever was down too long).
   * - error / expired / canceled: the admin fixed the cause (email added, test configured, key
   *   replaced), so the stage trigger runs again through the dispatcher, as if the candidate had
   *   just reached the rule's stage. These statuses do not hold the active slot, so a new
   *   invitation can be created; the dispatcher still re-reads the candidate from Lever first.
   */
  /** What AssessmentActionsService.resend does (lever-sync, or a retrigger of the rule's stage), audited. */
  async resend(actor: AdminActor, accountId: string, assessmentId: string): Promise<ResendResultDto> {
    const assessment = await this.require(accountId, assessmentId);
    const correlationId = `resend-${randomUUID()}`;
    const { action, queue, jobId } = await this.conflictOnRefusal(() => this.actions.resend(assessment, correlationId));
    const result: ResendResultDto = { assessmentId, action, queue, jobId };
    await this.record(actor, accountId, 'assessment.resend', assessmentId, {
      action: result.action,
      status: assessment.status,
      jobId: result.jobId,
    });
    this.logger.log({ accountId, assessmentId, correlationId, action: result.action, msg: 'assessment resent' });
    return result;
  }

  /** Cancels the invitation on the platform, then lever-sync updates the candidate's tag. */
  async cancel(actor: AdminActor, accountId: string, assessmentId: string): Promise<AssessmentDto> {
    const assessment = await this.require(accountId, assessmentId);
    if (assessment.status === AssessmentStatus.Canceled) return AssessmentDto.from(assessment);
    const correlationId = `cancel-${randomUUID()}`;
    const { assessment: current } = await this.conflictOnRefusal(() => this.actions.cancel(assessment, correlationId));
    await this.record(actor, accountId, 'assessment.cancel', assessmentId, { previousStatus: assessment.status });
    this.logger.log({ accountId, assessmentId, correlationId, msg: 'assessment canceled' });
    return AssessmentDto.from(current);
  }

  /** A refused action is a 409 with the action's own code and reason. */
  private async conflictOnRefusal<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      if (err instanceof AssessmentActionError) throw new ConflictApiError(err.code, err.message);
      throw err;
    }
  }

  private async require(accountId: string, assessmentId: string): Promise<Assessment> {
    await this.lookup.require(accountId);
    const assessment = await this.assessments.findById(accountId, assessmentId);
    if (!assessment) throw assessmentNotFound(assessmentId);
    return assessment;
  }

  private record(
    actor: AdminActor,
    accountId: string,
    action: string,
    assessmentId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(actor, { action, accountId, entityType: 'assessment', entityId: assessmentId, details });
  }
}
