import { LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import {
  AssessmentStatus,
  desiredLinks,
  desiredStatusSuffix,
  linksToAdd,
  statusTagOwner,
  statusTagPlan,
  tagPlanSteps,
} from '@lever-assess/domain';
import { LeverPermissionError, type LeverAuth, type LeverClient, type LeverNote, type LeverOpportunity } from '@lever-assess/lever-client';
import {
  AssessmentNotesRepository,
  AssessmentsRepository,
  TriggerRulesRepository,
  type Assessment,
  type TriggerRule,
} from '@lever-assess/persistence';
import type { LeverSyncJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { AssessmentNotFoundError } from '../result-sync.errors';
import { noteReference, plannedNote, type PlannedNote } from './lever-notes';
import { SYNC_ERROR_CODES, noteCertainlyNotWritten, syncFailureRecord } from './sync-failure';

/**
 * "Make Lever match assessment X" (state-based, so jobs may repeat or arrive out of order): the
 * status tag (add before remove), the links, and at most one note per assessment event.
 */
@Injectable()
export class LeverSyncService {
  private readonly logger = new Logger(LeverSyncService.name);

  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly rules: TriggerRulesRepository,
    private readonly notes: AssessmentNotesRepository,
    private readonly accounts: LeverAccountsService,
  ) {}

  /** @throws AssessmentNotFoundError, AccountUnavailableError, LeverError (classified by the processor) */
  async reconcile(job: LeverSyncJob): Promise<void> {
    const assessment = await this.assessments.findById(job.accountId, job.assessmentId);
    if (!assessment) throw new AssessmentNotFoundError(job.accountId, job.assessmentId);
    const rule = await this.rules.findById(job.accountId, assessment.ruleId);
    const ownsStatusTag = await this.ownsStatusTag(assessment);

    await this.accounts.withLever(job.accountId, async (access, lever) => {
      const opportunity = await lever.getOpportunity(access.auth, assessment.opportunityId);
      if (ownsStatusTag) await this.syncStatusTag(access, lever, opportunity, assessment, rule);
      await this.syncLinks(access, lever, opportunity, assessment, rule);
      const note = plannedNote(access.account.tagPrefix, {
        ...assessment,
        passThreshold: rule?.passThreshold ?? null,
        failThreshold: rule?.failThreshold ?? null,
      });
      if (note) await this.writeNoteOnce(access, lever, assessment, note);
    });
    await this.clearSyncError(assessment);
  }

  /**
   * Records why Lever could not be updated on the assessment, unless it is already an error
   * assessment (its own reason is what the recruiter needs). The status is kept: the assessment's
   * result stays true, and a replay after the account is fixed shows it in Lever.
   */
  async recordFailure(job: LeverSyncJob, err: unknown): Promise<void> {
    const record = syncFailureRecord(err);
    if (!record) return;
    const assessment = await this.assessments.findById(job.accountId, job.assessmentId);
    if (!assessment || assessment.status === AssessmentStatus.Error) return;
    await this.assessments.update(job.accountId, job.assessmentId, record);
  }

  // One status tag per candidate, several assessments per opportunity (re-triggers, several pads
  // of one move): the tag follows `statusTagOwner`, so a replayed job of an old assessment cannot
  // put its tag back and a live pad does not hide the take-home result of the same move.
  private async ownsStatusTag(assessment: Assessment): Promise<boolean> {
    const items = await this.assessments.listStatusTagViews(assessment.accountId, assessment.opportunityId);
    const owner = statusTagOwner(items.some((a) => a.id === assessment.id) ? items : [...items, assessment]);
    return owner?.id === assessment.id;
  }

  private async syncStatusTag(
    { account, auth, performAs }: LeverAccount,
    lever: LeverClient,
    opportunity: LeverOpportunity,
    assessment: Assessment,
    rule: TriggerRule | null,
  ): Promise<void> {
    const desired = desiredStatusSuffix({
      status: assessment.status,
      score: assessment.score,
      passThreshold: rule?.passThreshold ?? null,
      failThreshold: rule?.failThreshold ?? null,
      kind: assessment.kind,
    });
    for (const step of tagPlanSteps(statusTagPlan(account.tagPrefix, opportunity.tags, desired))) {
      if (step.action === 'addTags') await lever.addTags(auth, opportunity.id, step.tags, performAs ?? undefined);
      else await lever.removeTags(auth, opportunity.id, step.tags, performAs ?? undefined);
      this.logger.log({ msg: `Lever ${step.action}`, opportunityId: opportunity.id, tags: step.tags });
    }
  }

  private async syncLinks(
    { auth, performAs }: LeverAccount,
    lever: LeverClient,
    opportunity: LeverOpportunity,
    assessment: Assessment,
    rule: TriggerRule | null,
  ): Promise<void> {
    const wanted = desiredLinks({ ...assessment, requiredTag: rule?.requiredTag ?? null });
    const missing = linksToAdd(wanted, opportunity.links);
    if (missing.length === 0) return;
    await lever.addLinks(auth, opportunity.id, missing, performAs ?? undefined);
    this.logger.log({ msg: 'Lever addLinks', opportunityId: opportunity.id, links: missing.length });
  }

  /**
   * Lever's note creation is not idempotent: claim (assessment, event) first, write only with the
   * claim, record the note id. The claim is given back only when Lever certainly wrote nothing.
   */
  /**
   * Exactly one note per assessment event: claimed in Postgres before the call. A claim without a
   * Lever note id means an earlier attempt's outcome is unknown (timeout, 5xx): Lever is asked for
   * the note (found by its reference line) before it is written again.
   */
  private async writeNoteOnce(
    { auth, performAs }: LeverAccount,
    lever: LeverClient,
    assessment: Assessment,
    note: PlannedNote,
  ): Promise<void> {
    const reference = noteReference(assessment.id, note.eventKey);
    if (!(await this.notes.claim(assessment.accountId, assessment.id, note.eventKey))) {
      const claim = (await this.notes.listForAssessment(assessment.accountId, assessment.id)).find((n) => n.eventKey === note.eventKey);
      if (!claim || claim.leverNoteId) return;
      const written = await this.findWrittenNote(lever, auth, assessment.opportunityId, reference);
      if (written === 'unknown') return; // cannot tell without notes:read: a lost note beats a duplicate
      if (written) {
        await this.notes.setNoteId(assessment.accountId, assessment.id, note.eventKey, written.id);
        this.logger.log({
          msg: 'Lever note of an earlier attempt found; not writing it again',
          eventKey: note.eventKey,
          noteId: written.id,
        });
        return;
      }
    }
    let noteId: string;
    try {
      ({ noteId } = await lever.createNote(
        auth,
        assessment.opportunityId,
        { value: `${note.value}\n${reference}` },
        performAs ?? undefined,
      ));
    } catch (err) {
      if (noteCertainlyNotWritten(err)) await this.notes.release(assessment.accountId, assessment.id, note.eventKey);
      else this.logger.warn({ msg: 'note may or may not exist in Lever; the retry looks for it first', eventKey: note.eventKey });
      throw err;
    }
    await this.notes.setNoteId(assessment.accountId, assessment.id, note.eventKey, noteId);
    this.logger.log({ msg: 'Lever note written', eventKey: note.eventKey, noteId });
  }

  private async findWrittenNote(
    lever: LeverClient,
    auth: LeverAuth,
    opportunityId: string,
    reference: string,
  ): Promise<LeverNote | null | 'unknown'> {
    try {
      return (await lever.listNotes(auth, opportunityId)).find((n) => n.value.includes(reference)) ?? null;
    } catch (err) {
      if (!(err instanceof LeverPermissionError)) throw err;
      this.logger.warn({ msg: 'the Lever key cannot read notes: an unconfirmed note is not written again', code: err.code });
      return 'unknown';
    }
  }

  private async clearSyncError(assessment: Assessment): Promise<void> {
    if (assessment.status === AssessmentStatus.Error || !assessment.errorCode || !SYNC_ERROR_CODES.has(assessment.errorCode)) return;
    await this.assessments.update(assessment.accountId, assessment.id, { errorCode: null, errorText: null });
  }
}
