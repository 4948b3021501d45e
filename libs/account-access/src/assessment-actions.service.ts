import { AssessmentStatus } from '@lever-assess/domain';
import { AssessmentsRepository, TriggerRulesRepository, type Assessment } from '@lever-assess/persistence';
import { PlatformClient, PlatformNotFoundError, PlatformRejectedError } from '@lever-assess/platform-client';
import { LeverEventsProducer, LeverSyncProducer, QueueName } from '@lever-assess/queues';
import { Injectable } from '@nestjs/common';

// Still running or finished with a result: Lever only needs to show it again.
const SYNC_ON_RESEND: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed, AssessmentStatus.Scored];
const CANCELABLE: readonly AssessmentStatus[] = [AssessmentStatus.Sent, AssessmentStatus.Completed];

export const ResendKind = { LeverSync: 'lever-sync', Retrigger: 'retrigger' } as const;
export type ResendKind = (typeof ResendKind)[keyof typeof ResendKind];

export interface ResendResult {
  action: ResendKind;
  queue: QueueName;
  jobId: string;
}

/** Why an assessment action cannot run; the config API answers 409 with it, the sweep records it. */
export class AssessmentActionError extends Error {
  constructor(
    readonly code: 'RULE_MISSING' | 'ASSESSMENT_NOT_CANCELABLE',
    message: string,
  ) {
    super(message);
    this.name = 'AssessmentActionError';
  }
}

/**
 * Resend and cancel of one assessment, shared by the config API (`POST .../resend|cancel`) and the
 * sweep's recruiter action tags, so both do exactly the same. Needs PlatformClientModule and the
 * lever-events and lever-sync queues registered by the app.
 */
@Injectable()
export class AssessmentActionsService {
  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly rules: TriggerRulesRepository,
    private readonly platform: PlatformClient,
    private readonly leverSync: LeverSyncProducer,
    private readonly leverEvents: LeverEventsProducer,
  ) {}

  /**
   * - sent / completed / scored: enqueue lever-sync, which re-applies the status tag, links and
   *   note (e.g. after a recruiter removed the tag by hand, or Lever was down too long).
   * - error / expired / canceled: the cause was fixed (email added, test configured, key
   *   replaced), so the stage trigger runs again through the dispatcher, as if the candidate had
   *   just reached the rule's stage. These statuses do not hold the active slot, so a new
   *   invitation can be created; the dispatcher still re-reads the candidate from Lever first.
   * @param correlationId also the retrigger's delivery token: pass a fresh one per resend
   * @throws AssessmentActionError RULE_MISSING
   */
  async resend(assessment: Assessment, correlationId: string): Promise<ResendResult> {
    const { accountId, opportunityId, id: assessmentId } = assessment;
    if (SYNC_ON_RESEND.includes(assessment.status)) {
      const jobId = await this.leverSync.add({ accountId, opportunityId, assessmentId, correlationId });
      return { action: ResendKind.LeverSync, queue: QueueName.LeverSync, jobId };
    }
    const rule = await this.rules.findById(accountId, assessment.ruleId);
    if (!rule) throw new AssessmentActionError('RULE_MISSING', `The rule of assessment ${assessmentId} no longer exists`);
    const jobId = await this.leverEvents.add({
      accountId,
      opportunityId,
      candidateId: assessment.candidateId,
      fromStageId: null,
      toStageId: rule.stageId,
      triggeredAt: new Date().toISOString(),
      // A fresh delivery token: the original one was processed already and would be dropped.
      deliveryToken: correlationId,
      correlationId,
    });
    return { action: ResendKind.Retrigger, queue: QueueName.LeverEvents, jobId };
  }

  /**
   * Cancels the invitation on the platform, marks the assessment canceled, then lever-sync shows
   * `<prefix> - Canceled`. An assessment already canceled is returned as it is.
   * @throws AssessmentActionError ASSESSMENT_NOT_CANCELABLE (its status, no invitation yet, the platform refused)
   */
  async cancel(assessment: Assessment, correlationId: string): Promise<{ assessment: Assessment; previousStatus: AssessmentStatus }> {
    const { accountId, id: assessmentId } = assessment;
    const previousStatus = assessment.status;
    if (assessment.status === AssessmentStatus.Canceled) return { assessment, previousStatus };
    if (!CANCELABLE.includes(assessment.status)) {
      throw new AssessmentActionError(
        'ASSESSMENT_NOT_CANCELABLE',
        `Assessment ${assessmentId} is ${assessment.status}; only sent or completed assessments can be canceled`,
      );
    }
    if (!assessment.platformInvitationId) {
      throw new AssessmentActionError(
        'ASSESSMENT_NOT_CANCELABLE',
        `Assessment ${assessmentId} has no platform invitation yet; try again in a moment`,
      );
    }
    try {
      await this.platform.cancelInvitation(assessment.platformInvitationId);
    } catch (err) {
      if (err instanceof PlatformRejectedError || err instanceof PlatformNotFoundError) {
        throw new AssessmentActionError(
          'ASSESSMENT_NOT_CANCELABLE',
          `The platform refused to cancel the invitation: ${err instanceof PlatformRejectedError ? err.platformMessage : err.message}`,
        );
      }
      throw err;
    }
    const canceled = await this.assessments.transition(accountId, assessmentId, CANCELABLE, { status: AssessmentStatus.Canceled });
    const current = canceled ?? (await this.assessments.findById(accountId, assessmentId));
    if (!current || current.status !== AssessmentStatus.Canceled) {
      throw new AssessmentActionError(
        'ASSESSMENT_NOT_CANCELABLE',
        `Assessment ${assessmentId} became ${current?.status ?? 'deleted'} meanwhile`,
      );
    }
    await this.leverSync.add({ accountId, opportunityId: current.opportunityId, assessmentId, correlationId });
    return { assessment: current, previousStatus };
  }
}
