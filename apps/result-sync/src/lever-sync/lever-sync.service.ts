import { AccountConfigCache, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import {
  AssessmentStatus,
  CandidateEventType,
  desiredLinks,
  desiredStatusSuffix,
  linksToAdd,
  statusTagOwner,
  statusTagPlan,
  type StatusTagOwnerView,
  tagPlanSteps,
  type TagStep,
} from '@lever-assess/domain';
import { LeverPermissionError, type LeverAuth, type LeverClient, type LeverNote } from '@lever-assess/lever-client';
import {
  AssessmentNotesRepository,
  AssessmentsRepository,
  CandidateEventsRepository,
  LeverOpportunityViewsRepository,
  OpportunitySyncReadsRepository,
  isForeignKeyViolation,
  type Assessment,
  type AssessmentNote,
  type CandidateEventBatch,
  type LeverOpportunityView,
  type TriggerRule,
} from '@lever-assess/persistence';
import type { LeverSyncJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { AssessmentNotFoundError } from '../result-sync.errors';
import { noteReference, plannedNote, type PlannedNote } from './lever-notes';
import { SYNC_ERROR_CODES, noteCertainlyNotWritten, syncFailureRecord } from './sync-failure';

/** Checks, before each Lever write, that this sync still holds its opportunity's lock. */
export type WriteFence = () => Promise<void>;

/** What a sync knows of the opportunity in Lever: the view we keep, or a fresh read. */
interface KnownOpportunity {
  tags: readonly string[];
  links: readonly string[];
}

interface SyncStartingState {
  assessment: Assessment;
  ownsStatusTag: boolean;
  view: LeverOpportunityView | null;
  noteClaims: AssessmentNote[];
}

/** Requests a sync may need when it has no view and must read first: a read, two tag writes, links, a note check and write. */
const REQUESTS_WITHOUT_VIEW = 6;

/**
 * "Make Lever match assessment X" (state-based, so jobs may repeat or arrive out of order): the
 * status tag (add before remove), the links, and at most one note per assessment event.
 *
 * It plans from our view of the opportunity (what the dispatcher read, changed by every write we
 * made) rather than reading it again, and runs on one reserved turn of the key's budget sized to
 * that plan: a candidate reaches `Sent` with one write. Without a view it reads first.
 */
@Injectable()
export class LeverSyncService {
  private readonly logger = new Logger(LeverSyncService.name);

  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly config: AccountConfigCache,
    private readonly notes: AssessmentNotesRepository,
    private readonly views: LeverOpportunityViewsRepository,
    private readonly syncReads: OpportunitySyncReadsRepository,
    private readonly accounts: LeverAccountsService,
    private readonly timeline: CandidateEventsRepository,
  ) {}

  /**
   * @param fence called before every Lever write; it throws when this sync lost its lock, so
   *   nothing is written by a sync another replica has taken over
   * @throws AssessmentNotFoundError, AccountUnavailableError, LeverError (classified by the processor)
   */
  async reconcile(job: LeverSyncJob, fence: WriteFence = async () => undefined): Promise<void> {
    const { assessment, ownsStatusTag, view, noteClaims } = await this.startingState(job);
    const rule = await this.config.rule(job.accountId, assessment.ruleId);

    let plan: SyncPlan | null = null;
    // Every Lever write made is recorded, even when a later write fails: a tag or link write's
    // step goes with its view update, the rest (a note, a failure) in one insert at the end.
    const steps = this.timeline.batch({
      accountId: job.accountId,
      opportunityId: assessment.opportunityId,
      correlationId: job.correlationId,
    });
    await this.accounts
      .withLever(
        job.accountId,
        async (access, lever) => {
          const known = view ?? (await this.readOpportunity(access, lever, assessment));
          plan ??= planSync(access.account.tagPrefix, known, assessment, rule, ownsStatusTag, noteClaims);
          for (const step of plan.tagSteps) await this.writeTags(access, lever, assessment, step, fence, steps);
          if (plan.links.length > 0) await this.addLinks(access, lever, assessment, plan.links, fence, steps);
          if (plan.note) await this.writeNoteOnce(access, lever, assessment, plan.note, fence, steps);
        },
        (access) => {
          if (!view) return { requests: REQUESTS_WITHOUT_VIEW, holdId: `lever-sync:${assessment.id}` };
          plan = planSync(access.account.tagPrefix, view, assessment, rule, ownsStatusTag, noteClaims);
          return { requests: plan.requests, holdId: `lever-sync:${assessment.id}` };
        },
      )
      .finally(() => steps.flush());
    await this.clearSyncError(assessment);
  }

  /**
   * The job's assessment, whether it owns the status tag (decided among its opportunity's
   * assessments), our view of the opportunity and the assessment's note claims: one statement when
   * the job names the assessment's own opportunity (every job the product enqueues), else read one
   * by one from the assessment found.
   */
  private async startingState(job: LeverSyncJob): Promise<SyncStartingState> {
    const state = await this.syncReads.read(job.accountId, job.opportunityId, job.assessmentId);
    const listed = state.assessments.find((a) => a.id === job.assessmentId);
    if (listed) {
      const ownsStatusTag = ownsStatusTagAmong(listed, state.assessments);
      return { assessment: listed, ownsStatusTag, view: state.view, noteClaims: state.notes };
    }
    const assessment = await this.assessments.findById(job.accountId, job.assessmentId);
    if (!assessment) throw new AssessmentNotFoundError(job.accountId, job.assessmentId);
    const [ownsStatusTag, view, noteClaims] = await Promise.all([
      this.ownsStatusTag(assessment),
      this.views.find(job.accountId, assessment.opportunityId),
      this.notes.listForAssessment(job.accountId, assessment.id),
    ]);
    return { assessment, ownsStatusTag, view, noteClaims };
  }

  /**
   * Records why Lever could not be updated on the assessment, unless it is already an error
   * assessment (its own reason is what the recruiter needs). The status is kept: the assessment's
   * result stays true, and a replay after the account is fixed shows it in Lever.
   */
  async recordFailure(job: LeverSyncJob, err: unknown, code?: string): Promise<void> {
    await this.recordFailureStep(job, code ?? syncFailureRecord(err)?.errorCode ?? 'LEVER_SYNC_FAILED');
    const record = syncFailureRecord(err);
    if (!record) return;
    const assessment = await this.assessments.findById(job.accountId, job.assessmentId);
    if (!assessment || assessment.status === AssessmentStatus.Error) return;
    await this.assessments.update(job.accountId, job.assessmentId, record);
  }

  private async recordFailureStep(job: LeverSyncJob, code: string): Promise<void> {
    try {
      await this.timeline.append({
        accountId: job.accountId,
        opportunityId: job.opportunityId,
        assessmentId: job.assessmentId,
        type: CandidateEventType.LeverSyncFailed,
        correlationId: job.correlationId,
        detail: { code },
      });
    } catch (err) {
      // A deleted account has no timeline left to write to; anything else fails the job.
      if (!isForeignKeyViolation(err)) throw err;
    }
  }

  // One status tag per candidate, several assessments per opportunity (re-triggers, several pads
  // of one move): the tag follows `statusTagOwner`, so a replayed job of an old assessment cannot
  // put its tag back and a live pad does not hide the take-home result of the same move.
  private async ownsStatusTag(assessment: Assessment): Promise<boolean> {
    return ownsStatusTagAmong(assessment, await this.assessments.listStatusTagViews(assessment.accountId, assessment.opportunityId));
  }

  /** The opportunity as Lever has it now, recorded as our view (one request). */
  private async readOpportunity(access: LeverAccount, lever: LeverClient, assessment: Assessment): Promise<KnownOpportunity> {
    const sentAt = new Date();
    const opportunity = await lever.getOpportunity(access.auth, assessment.opportunityId);
    await this.views.recordRead(assessment.accountId, opportunity.id, opportunity, sentAt);
    return opportunity;
  }

  private async writeTags(
    { auth, performAs }: LeverAccount,
    lever: LeverClient,
    assessment: Assessment,
    step: TagStep,
    fence: WriteFence,
    steps: CandidateEventBatch,
  ): Promise<void> {
    await fence();
    if (step.action === 'addTags') await lever.addTags(auth, assessment.opportunityId, step.tags, performAs ?? undefined);
    else await lever.removeTags(auth, assessment.opportunityId, step.tags, performAs ?? undefined);
    steps.add(
      step.action === 'addTags' ? CandidateEventType.LeverTagsAdded : CandidateEventType.LeverTagsRemoved,
      { tags: step.tags },
      {
        assessmentId: assessment.id,
      },
    );
    // The view and the steps so far in one statement (a candidate's "Sent" is one write: one statement).
    await steps.flushWith((rows) =>
      this.views.recordTagWrite(
        assessment.accountId,
        assessment.opportunityId,
        step.action === 'addTags' ? { add: step.tags } : { remove: step.tags },
        { steps: rows },
      ),
    );
    this.logger.log({ msg: `Lever ${step.action}`, opportunityId: assessment.opportunityId, tags: step.tags });
  }

  private async addLinks(
    { auth, performAs }: LeverAccount,
    lever: LeverClient,
    assessment: Assessment,
    links: readonly string[],
    fence: WriteFence,
    steps: CandidateEventBatch,
  ): Promise<void> {
    await fence();
    await lever.addLinks(auth, assessment.opportunityId, links, performAs ?? undefined);
    // Which kind of link, never the URL itself (a personal invitation or report).
    steps.add(
      CandidateEventType.LeverLinksAdded,
      { count: links.length, kinds: links.map((link) => linkKind(assessment, link)) },
      {
        assessmentId: assessment.id,
      },
    );
    await steps.flushWith((rows) => this.views.recordLinksAdded(assessment.accountId, assessment.opportunityId, links, { steps: rows }));
    this.logger.log({ msg: 'Lever addLinks', opportunityId: assessment.opportunityId, links: links.length });
  }

  /**
   * Exactly one note per assessment event: claimed in Postgres before the call. A claim without a
   * Lever note id means an earlier attempt's outcome is unknown (timeout, 5xx): Lever is asked for
   * the note (found by its reference line) before it is written again.
   */
  private async writeNoteOnce(
    { auth, performAs, account }: LeverAccount,
    lever: LeverClient,
    assessment: Assessment,
    note: PlannedNote,
    fence: WriteFence,
    steps: CandidateEventBatch,
  ): Promise<void> {
    const reference = noteReference(assessment.id, note.eventKey);
    await fence();
    if (!(await this.notes.claim(assessment.accountId, assessment.id, note.eventKey))) {
      const claim = (await this.notes.listForAssessment(assessment.accountId, assessment.id)).find((n) => n.eventKey === note.eventKey);
      if (!claim || claim.leverNoteId) return;
      const written = await this.findWrittenNote(lever, auth, assessment.opportunityId, reference);
      if (written === 'unknown') return; // cannot tell without notes:read: a lost note beats a duplicate
      if (written) {
        await this.notes.setNoteId(assessment.accountId, assessment.id, note.eventKey, written.id);
        steps.add(
          CandidateEventType.LeverNoteWritten,
          { eventKey: note.eventKey, noteId: written.id, foundFromEarlierAttempt: true },
          { assessmentId: assessment.id },
        );
        this.logger.log({
          msg: 'Lever note of an earlier attempt found; not writing it again',
          eventKey: note.eventKey,
          noteId: written.id,
        });
        return;
      }
    }
    let noteId: string;
    await fence();
    try {
      ({ noteId } = await lever.createNote(
        auth,
        assessment.opportunityId,
        // Followers hear of a result when the account asks for it (DESIGN.md "recruiter notifications").
        { value: `${note.value}\n${reference}`, notifyFollowers: note.isResult && account.notifyFollowers },
        performAs ?? undefined,
      ));
    } catch (err) {
      if (noteCertainlyNotWritten(err)) await this.notes.release(assessment.accountId, assessment.id, note.eventKey);
      else this.logger.warn({ msg: 'note may or may not exist in Lever; the retry looks for it first', eventKey: note.eventKey });
      throw err;
    }
    await this.notes.setNoteId(assessment.accountId, assessment.id, note.eventKey, noteId);
    steps.add(CandidateEventType.LeverNoteWritten, { eventKey: note.eventKey, noteId }, { assessmentId: assessment.id });
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

interface SyncPlan {
  tagSteps: TagStep[];
  links: string[];
  note: PlannedNote | null;
  /** The Lever requests the plan makes (its turn of the key's budget). */
  requests: number;
}

/** What one sync writes, from what we know of the opportunity (pure; the writes follow it). */
function planSync(
  prefix: string,
  known: KnownOpportunity,
  assessment: Assessment,
  rule: TriggerRule | null,
  ownsStatusTag: boolean,
  noteClaims: readonly AssessmentNote[],
): SyncPlan {
  const thresholds = { passThreshold: rule?.passThreshold ?? null, failThreshold: rule?.failThreshold ?? null };
  const desired = desiredStatusSuffix({ status: assessment.status, score: assessment.score, kind: assessment.kind, ...thresholds });
  // Only the status-tag owner touches the tag; an old status tag is removed only when the candidate carries one.
  const tagSteps = ownsStatusTag ? tagPlanSteps(statusTagPlan(prefix, known.tags, desired)) : [];
  const links = linksToAdd(desiredLinks({ ...assessment, requiredTag: rule?.requiredTag ?? null }), known.links);
  const note = plannedNote(prefix, { ...assessment, ...thresholds });
  const claim = note ? noteClaims.find((c) => c.eventKey === note.eventKey) : undefined;
  // A note already written costs nothing; one whose earlier write is unconfirmed is looked up first.
  const noteRequests = !note || claim?.leverNoteId ? 0 : claim ? 2 : 1;
  return { tagSteps, links, note, requests: tagSteps.length + (links.length > 0 ? 1 : 0) + noteRequests };
}

function ownsStatusTagAmong(assessment: Assessment, opportunityAssessments: readonly StatusTagOwnerView[]): boolean {
  const items = opportunityAssessments.some((a) => a.id === assessment.id)
    ? opportunityAssessments
    : [...opportunityAssessments, assessment];
  return statusTagOwner(items)?.id === assessment.id;
}

function linkKind(assessment: Assessment, link: string): string {
  if (link === assessment.reportUrl) return 'report';
  if (link === assessment.candidateUrl) return 'candidate';
  if (link === assessment.interviewerUrl) return 'interviewer';
  return 'other';
}
