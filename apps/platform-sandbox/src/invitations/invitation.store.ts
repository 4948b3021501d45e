import type { CreateInvitationRequest, Invitation, InvitationState, PlatformInvitationStatus } from '@lever-assess/platform-client';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { findTest } from '../catalog/test-catalog';
import { SANDBOX_ENV, type PlatformSandboxEnv } from '../config';

const EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;

/** What the sandbox keeps per invitation; GET /_sandbox/invitations returns these as they are. */
export interface SandboxInvitation {
  id: string;
  status: PlatformInvitationStatus;
  request: CreateInvitationRequest;
  testName: string | null;
  idempotencyKey: string;
  candidateUrl: string;
  interviewerUrl: string | null;
  reportUrl: string | null;
  score: number | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** How often each API call touched this invitation (create counts idempotent replays). */
  requests: { create: number; read: number; cancel: number };
}

/** The same Idempotency-Key was sent with a different body. */
export class IdempotencyConflictError extends Error {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('Idempotency-Key was already used with a different request body');
  }
}

/** In-memory invitations, keyed by id and by Idempotency-Key. State dies with the process. */
@Injectable()
export class InvitationStore {
  private readonly byId = new Map<string, SandboxInvitation>();
  private readonly byKey = new Map<string, { id: string; fingerprint: string }>();

  constructor(@Inject(SANDBOX_ENV) private readonly env: PlatformSandboxEnv) {}

  /** Creates an invitation, or returns the one already created under `idempotencyKey`. */
  create(request: CreateInvitationRequest, idempotencyKey: string, now = new Date()): { invitation: SandboxInvitation; replayed: boolean } {
    // The request is normalised by the validator (fixed key order), so JSON text compares bodies.
    const fingerprint = JSON.stringify(request);
    const previous = this.byKey.get(idempotencyKey);
    const existing = previous && this.byId.get(previous.id);
    if (previous && existing) {
      if (previous.fingerprint !== fingerprint) throw new IdempotencyConflictError();
      existing.requests.create++;
      return { invitation: existing, replayed: true };
    }
    const id = `inv_${randomBytes(10).toString('hex')}`;
    const base = this.env.PLATFORM_PUBLIC_URL.replace(/\/+$/, '');
    const invitation: SandboxInvitation = {
      id,
      status: 'sent',
      request,
      testName: request.testId ? (findTest(request.testId)?.name ?? null) : null,
      idempotencyKey,
      candidateUrl: `${base}/pads/${id}`,
      interviewerUrl: request.kind === 'live_interview' ? `${base}/pads/${id}/interviewer` : null,
      reportUrl: null,
      score: null,
      expiresAt: new Date(now.getTime() + EXPIRY_MS).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      requests: { create: 1, read: 0, cancel: 0 },
    };
    this.byId.set(id, invitation);
    this.byKey.set(idempotencyKey, { id, fingerprint });
    return { invitation, replayed: false };
  }

  get(id: string): SandboxInvitation | undefined {
    return this.byId.get(id);
  }

  /** The invitations whose request carried this reference, oldest first. */
  findByReference(reference: string): SandboxInvitation[] {
    return [...this.byId.values()].filter((i) => i.request.reference === reference);
  }

  list(): SandboxInvitation[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }

  defaultReportUrl(id: string): string {
    return `${this.env.PLATFORM_PUBLIC_URL.replace(/\/+$/, '')}/reports/${id}`;
  }
}

export function toInvitation(i: SandboxInvitation): Invitation {
  return { id: i.id, status: i.status, candidateUrl: i.candidateUrl, interviewerUrl: i.interviewerUrl, expiresAt: i.expiresAt };
}

export function toInvitationState(i: SandboxInvitation): InvitationState {
  return { id: i.id, status: i.status, score: i.score, reportUrl: i.reportUrl };
}
