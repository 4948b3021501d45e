import type { PlatformEventType, RuleKind } from '@lever-assess/domain';

/**
 * The assessment platform contract (DESIGN.md "Assessment platform contract"), declared once:
 * platform-client sends and reads these, webhook-gateway parses callbacks into them and
 * platform-sandbox serves them. Field names are the wire names; never rename one.
 */

/** Invitation lifecycle on the platform side. Values are on the wire. */
export const PlatformInvitationStatus = {
  Sent: 'sent',
  Completed: 'completed',
  Scored: 'scored',
  Expired: 'expired',
  Canceled: 'canceled',
} as const;
export type PlatformInvitationStatus = (typeof PlatformInvitationStatus)[keyof typeof PlatformInvitationStatus];
export const PLATFORM_INVITATION_STATUSES: readonly PlatformInvitationStatus[] = Object.values(PlatformInvitationStatus);

/**
 * One entry of `GET /v1/tests[?accountId=<platform account id>]`. With `accountId` the platform
 * answers the tests that account may use: the shared library and the account's own.
 */
export interface PlatformTest {
  id: string;
  name: string;
  kind: RuleKind;
  durationMinutes: number;
  /** The platform account a private test belongs to; absent (or null) for a shared library test. */
  accountId?: string | null;
}

/** Body of `POST /v1/invitations`. */
export interface CreateInvitationRequest {
  /** Required for take_home; optional (null) for live_interview. */
  testId: string | null;
  kind: RuleKind;
  timeLimitMinutes: number;
  candidate: { name: string; email: string };
  /** Our assessment id; echoed back in every callback. */
  reference: string;
  /** The account's platform account id. */
  accountId: string;
}

/** Answer of `POST /v1/invitations`. */
export interface Invitation {
  id: string;
  status: PlatformInvitationStatus;
  candidateUrl: string;
  /** Only live interviews have an interviewer link. */
  interviewerUrl: string | null;
  /** ISO 8601. */
  expiresAt: string;
}

/** Answer of `GET /v1/invitations/:id` and `POST /v1/invitations/:id/cancel`. */
export interface InvitationState {
  id: string;
  status: PlatformInvitationStatus;
  score: number | null;
  reportUrl: string | null;
}

/** Body of a callback the platform POSTs to `<gateway>/webhooks/platform`. */
export interface PlatformCallbackEvent {
  /** Unique per event; the dedupe key of the `platform-events` queue. */
  id: string;
  type: PlatformEventType;
  data: {
    invitationId: string;
    reference: string;
    score?: number;
    reportUrl?: string;
    /** ISO 8601. */
    occurredAt: string;
  };
}
