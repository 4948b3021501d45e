import { PlatformEventType } from '@lever-assess/domain';
import type { PlatformCallbackEvent } from '@lever-assess/platform-client';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CallbackSender, type CallbackRecord } from '../callbacks/callback-sender';
import { apiError } from '../invitations/api-error';
import { InvitationStore, type SandboxInvitation } from '../invitations/invitation.store';

export interface TransitionResult {
  invitation: SandboxInvitation;
  callbacks: CallbackRecord[];
}

interface SendOption {
  /** false: record the callback as held (send it later with a replay). */
  send?: boolean;
}

/**
 * Moves invitations forward (sent -> completed -> scored, sent -> expired, sent -> canceled) and
 * emits the matching callbacks. Used by the control API, the human pages and auto-complete.
 */
@Injectable()
export class InvitationLifecycle {
  constructor(
    private readonly store: InvitationStore,
    private readonly callbacks: CallbackSender,
  ) {}

  complete(id: string, options: SendOption = {}): TransitionResult {
    const invitation = this.require(id);
    if (invitation.status !== 'sent') throw conflict(invitation, 'complete');
    return { invitation, callbacks: [this.markCompleted(invitation, options)] };
  }

  /** Scoring a still-open invitation completes it first, so receivers see completed then scored. */
  score(id: string, score: number, reportUrl: string | undefined, options: SendOption = {}): TransitionResult {
    const invitation = this.require(id);
    if (invitation.status !== 'sent' && invitation.status !== 'completed' && invitation.status !== 'scored') {
      throw conflict(invitation, 'score');
    }
    const callbacks = invitation.status === 'sent' ? [this.markCompleted(invitation, options)] : [];
    invitation.status = 'scored';
    invitation.score = score;
    invitation.reportUrl = reportUrl ?? this.store.defaultReportUrl(invitation.id);
    callbacks.push(this.emit(invitation, PlatformEventType.Scored, options, { score, reportUrl: invitation.reportUrl }));
    return { invitation, callbacks };
  }

  expire(id: string, options: SendOption = {}): TransitionResult {
    const invitation = this.require(id);
    if (invitation.status !== 'sent') throw conflict(invitation, 'expire');
    invitation.status = 'expired';
    return { invitation, callbacks: [this.emit(invitation, PlatformEventType.Expired, options)] };
  }

  /** Idempotent; the contract has no canceled callback. */
  cancel(id: string): SandboxInvitation {
    const invitation = this.require(id);
    if (invitation.status === 'canceled') return invitation;
    if (invitation.status !== 'sent') throw conflict(invitation, 'cancel');
    invitation.status = 'canceled';
    invitation.updatedAt = new Date().toISOString();
    return invitation;
  }

  private markCompleted(invitation: SandboxInvitation, options: SendOption): CallbackRecord {
    invitation.status = 'completed';
    return this.emit(invitation, PlatformEventType.Completed, options);
  }

  private emit(
    invitation: SandboxInvitation,
    type: PlatformEventType,
    options: SendOption,
    extra: { score?: number; reportUrl?: string } = {},
  ): CallbackRecord {
    const occurredAt = new Date().toISOString();
    invitation.updatedAt = occurredAt;
    const event: PlatformCallbackEvent = {
      id: `evt_${randomBytes(10).toString('hex')}`,
      type,
      data: { invitationId: invitation.id, reference: invitation.request.reference, ...extra, occurredAt },
    };
    return this.callbacks.emit(event, { send: options.send ?? true });
  }

  private require(id: string): SandboxInvitation {
    const invitation = this.store.get(id);
    if (!invitation) throw apiError(404, 'not_found', `No invitation ${id}`);
    return invitation;
  }
}

function conflict(invitation: SandboxInvitation, action: string) {
  return apiError(409, 'invalid_transition', `Cannot ${action} an invitation that is ${invitation.status}`);
}
