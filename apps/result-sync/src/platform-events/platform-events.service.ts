import { withLogContext } from '@lever-assess/common';
import { CandidateEventType, applyPlatformEvent, platformEventSources } from '@lever-assess/domain';
import { AssessmentsRepository, CandidateEventsRepository, type Assessment } from '@lever-assess/persistence';
import { LeverSyncProducer, type PlatformEventJob } from '@lever-assess/queues';
import { Injectable, Logger } from '@nestjs/common';
import { InvalidPlatformEventError, UnknownPlatformReferenceError } from '../result-sync.errors';
import { platformEventPatch, platformEventProblem } from './platform-event-patch';

export type PlatformEventOutcome = 'applied' | 'ignored';

/** Moves an assessment forward on a platform event, then asks lever-sync to show it in Lever. */
@Injectable()
export class PlatformEventsService {
  private readonly logger = new Logger(PlatformEventsService.name);

  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly leverSync: LeverSyncProducer,
    private readonly timeline: CandidateEventsRepository,
  ) {}

  /**
   * @throws UnknownPlatformReferenceError when reference + invitation id match no assessment, and the
   *   reference names none that can adopt the invitation
   * @throws InvalidPlatformEventError when the score or report URL cannot be stored
   */
  async apply(event: PlatformEventJob): Promise<PlatformEventOutcome> {
    const problem = platformEventProblem(event);
    if (problem) throw new InvalidPlatformEventError(problem);
    const assessment = (await this.assessments.findByPlatformReference(event.reference, event.invitationId)) ?? (await this.adopt(event));
    if (!assessment) throw new UnknownPlatformReferenceError(event.reference, event.invitationId);

    return withLogContext({ accountId: assessment.accountId, assessmentId: assessment.id }, async () => {
      let outcome: PlatformEventOutcome = 'ignored';
      const next = applyPlatformEvent(assessment.status, event.type);
      if (next !== null) {
        // Conditional on the statuses the event applies from: a concurrent event that got there
        // first makes this a no-op instead of a step backwards.
        const moved = await this.assessments.transition(
          assessment.accountId,
          assessment.id,
          platformEventSources(event.type),
          platformEventPatch(event, assessment.completedAt),
        );
        if (moved) outcome = 'applied';
      }
      await this.timeline.append({
        accountId: assessment.accountId,
        opportunityId: assessment.opportunityId,
        assessmentId: assessment.id,
        type: outcome === 'applied' ? CandidateEventType.PlatformEventApplied : CandidateEventType.PlatformEventIgnored,
        correlationId: event.correlationId,
        detail: { eventType: event.type, eventId: event.eventId, from: assessment.status, ...(outcome === 'applied' ? { to: next } : {}) },
      });
      // Enqueued even when ignored: lever-sync is state-based, and if a previous attempt moved the
      // row but died before enqueueing, this retry is what brings Lever up to date.
      await this.leverSync.add({
        accountId: assessment.accountId,
        opportunityId: assessment.opportunityId,
        assessmentId: assessment.id,
        correlationId: event.correlationId,
      });
      this.logger.log({ msg: `platform event ${outcome}`, eventId: event.eventId, type: event.type, from: assessment.status });
      return outcome;
    });
  }

  /**
   * The callback is signed by the platform (the gateway checked it) and names our assessment as
   * its reference, but the assessment has no invitation id: the dispatcher has not recorded it
   * yet, or an outage ended it as `error` while the platform had created the invitation. The
   * assessment adopts the invitation (an `error` one becomes `sent` again), so the result still
   * reaches Lever. Never one that holds another invitation id.
   */
  private async adopt(event: PlatformEventJob): Promise<Assessment | null> {
    const adopted = await this.assessments.adoptInvitation(event.reference, event.invitationId);
    if (adopted) {
      this.logger.warn({
        accountId: adopted.accountId,
        assessmentId: adopted.id,
        invitationId: event.invitationId,
        eventId: event.eventId,
        msg: 'invitation id not recorded yet: adopted from the platform callback',
      });
    }
    return adopted;
  }
}
