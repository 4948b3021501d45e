import { AssessmentStatus } from '@lever-assess/domain';
import { AssessmentsRepository, TriggerRulesRepository, type Assessment } from '@lever-assess/persistence';
import { PlatformClient, PlatformNotFoundError, PlatformRejectedError } from '@lever-assess/platform-client';
import { LeverEventsProducer, LeverSyncProducer, QueueName } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { ConflictApiError, NotFoundApiError } from '../shared/errors/api.errors';
import { AssessmentDto, ResendAction, type AssessmentPageDto, type AssessmentQueryDto, type ResendResultDto } from './dto/assessment.dto';

// Still running or finished with a result: Lever only needs to show it again.
const SYNC_ON_RESEND: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed, AssessmentStatus.Scored];
const CANCELABLE: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed];

const assessmentNotFound = (id: string) => new NotFoundApiError('ASSESSMENT_NOT_FOUND', `Assessment ${id} does not exist in this account`);

@Injectable()
export class AssessmentsService {
  private readonly logger = new Logger(AssessmentsService.name);

  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly rules: TriggerRulesRepository,
    private readonly lookup: AccountLookup,
    private readonly platform: PlatformClient,
    private readonly leverSync: LeverSyncProducer,
    private readonly leverEvents: LeverEventsProducer,
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
  async resend(actor: AdminActor, accountId: string, assessmentId: string): Promise<ResendResultDto> {
    const assessment = await this.require(accountId, assessmentId);
    const correlationId = `resend-${randomUUID()}`;
    let result: ResendResultDto;
    if (SYNC_ON_RESEND.includes(assessment.status)) {
      const jobId = await this.leverSync.add({ accountId, opportunityId: assessment.opportunityId, assessmentId, correlationId });
      result = { assessmentId, action: ResendAction.LeverSync, queue: QueueName.LeverSync, jobId };
    } else {
      const rule = await this.rules.findById(accountId, assessment.ruleId);
      if (!rule) throw new ConflictApiError('RULE_MISSING', `The rule of assessment ${assessmentId} no longer exists`);
      const jobId = await this.leverEvents.add({
        accountId,
        opportunityId: assessment.opportunityId,
        candidateId: assessment.candidateId,
        fromStageId: null,
        toStageId: rule.stageId,
        triggeredAt: new Date().toISOString(),
        // A fresh delivery token: the original one was processed already and would be dropped.
        deliveryToken: correlationId,
        correlationId,
      });
      result = { assessmentId, action: ResendAction.Retrigger, queue: QueueName.LeverEvents, jobId };
    }
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
    if (!CANCELABLE.includes(assessment.status)) {
      throw new ConflictApiError(
        'ASSESSMENT_NOT_CANCELABLE',
        `Assessment ${assessmentId} is ${assessment.status}; only sent or completed assessments can be canceled`,
      );
    }
    if (!assessment.platformInvitationId) {
      throw new ConflictApiError(
        'ASSESSMENT_NOT_CANCELABLE',
        `Assessment ${assessmentId} has no platform invitation yet; try again in a moment`,
      );
    }
    try {
      await this.platform.cancelInvitation(assessment.platformInvitationId);
    } catch (err) {
      if (err instanceof PlatformRejectedError || err instanceof PlatformNotFoundError) {
        throw new ConflictApiError(
          'ASSESSMENT_NOT_CANCELABLE',
          `The platform refused to cancel the invitation: ${err instanceof PlatformRejectedError ? err.platformMessage : err.message}`,
        );
      }
      throw err;
    }
    const canceled = await this.assessments.transition(accountId, assessmentId, CANCELABLE, { status: AssessmentStatus.Canceled });
    const current = canceled ?? (await this.require(accountId, assessmentId));
    if (current.status !== AssessmentStatus.Canceled) {
      throw new ConflictApiError('ASSESSMENT_NOT_CANCELABLE', `Assessment ${assessmentId} became ${current.status} meanwhile`);
    }
    const correlationId = `cancel-${randomUUID()}`;
    await this.leverSync.add({ accountId, opportunityId: current.opportunityId, assessmentId, correlationId });
    await this.record(actor, accountId, 'assessment.cancel', assessmentId, { previousStatus: assessment.status });
    this.logger.log({ accountId, assessmentId, correlationId, msg: 'assessment canceled' });
    return AssessmentDto.from(current);
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
