import { RuleKind } from '@lever-assess/domain';
import {
  IDEMPOTENCY_KEY_REUSED,
  PlatformNotFoundError,
  PlatformRejectedError,
  type CreateInvitationRequest,
  type Invitation,
  type InvitationState,
  type PlatformClient,
  type PlatformTest,
} from '@lever-assess/platform-client';
import { copyRow } from './in-memory-store';
import type { FaultOptions } from './fake-lever';
import type { PublicOf } from './public-of';

export type PlatformMethod = keyof PublicOf<PlatformClient>;

interface StoredInvitation {
  invitation: Invitation;
  state: InvitationState;
  request: CreateInvitationRequest;
}

interface ScriptedFault {
  method: PlatformMethod;
  error: Error;
  skip: number;
  remaining: number;
  afterApplying: boolean;
}

/**
 * PlatformClient in memory, with the platform's idempotency: a repeated Idempotency-Key with the
 * same body returns the same invitation, with another body a 422 (as the real platform answers).
 * Failures are scripted with the real error classes of @lever-assess/platform-client.
 */
export class FakePlatform implements PublicOf<PlatformClient> {
  /** Every createInvitation call that reached the platform, repeats included. */
  readonly requests: { request: CreateInvitationRequest; idempotencyKey: string }[] = [];
  /** The test catalog `listTests` answers. */
  tests: PlatformTest[] = [];
  private readonly byKey = new Map<string, StoredInvitation>();
  private readonly faults: ScriptedFault[] = [];
  private nextId = 1;

  asClient(): PlatformClient {
    return this as unknown as PlatformClient;
  }

  /** Distinct invitations created, oldest first. */
  get invitations(): { invitation: Invitation; request: CreateInvitationRequest; idempotencyKey: string }[] {
    return [...this.byKey].map(([idempotencyKey, { invitation, request }]) => copyRow({ invitation, request, idempotencyKey }));
  }

  /** The next call(s) of `method` fail with `error` (e.g. `new PlatformRejectedError(422, '...')`). */
  failNext(method: PlatformMethod, error: Error, { times = 1, afterApplying = false, skip = 0 }: FaultOptions = {}): void {
    this.faults.push({ method, error, skip, remaining: times, afterApplying });
  }

  /** What the platform reports about an invitation later on (completed, scored...). */
  setState(invitationId: string, state: Partial<Omit<InvitationState, 'id'>>): void {
    Object.assign(this.find(invitationId).state, state);
  }

  /** Like the platform: with an account id, the shared tests and that account's own. */
  async listTests(accountId?: string): Promise<PlatformTest[]> {
    return this.call('listTests', () =>
      copyRow(
        this.tests.filter((t) => accountId === undefined || t.accountId === undefined || t.accountId === null || t.accountId === accountId),
      ),
    );
  }

  async createInvitation(req: CreateInvitationRequest, idempotencyKey: string): Promise<Invitation> {
    if (!idempotencyKey) throw new Error('createInvitation needs an idempotency key');
    return this.call('createInvitation', () => {
      this.requests.push(copyRow({ request: req, idempotencyKey }));
      const earlier = this.byKey.get(idempotencyKey);
      if (earlier) {
        if (JSON.stringify(earlier.request) !== JSON.stringify(req)) {
          throw new PlatformRejectedError(
            422,
            'Idempotency-Key was already used with a different request body',
            'Idempotency-Key',
            IDEMPOTENCY_KEY_REUSED,
          );
        }
        return copyRow(earlier.invitation);
      }
      const id = `inv_${this.nextId++}`;
      const invitation: Invitation = {
        id,
        status: 'sent',
        candidateUrl: `https://platform.example/take/${id}`,
        interviewerUrl: req.kind === RuleKind.LiveInterview ? `https://platform.example/interview/${id}` : null,
        expiresAt: new Date(Date.now() + 7 * 24 * 3_600_000).toISOString(),
      };
      this.byKey.set(idempotencyKey, {
        invitation,
        request: copyRow(req),
        state: { id, status: 'sent', score: null, reportUrl: null },
      });
      return copyRow(invitation);
    });
  }

  async findInvitationsByReference(reference: string): Promise<Invitation[]> {
    return this.call('findInvitationsByReference', () =>
      [...this.byKey.values()].filter((s) => s.request.reference === reference).map((s) => copyRow(s.invitation)),
    );
  }

  async getInvitation(id: string): Promise<InvitationState> {
    return this.call('getInvitation', () => copyRow(this.find(id).state));
  }

  async cancelInvitation(id: string): Promise<InvitationState> {
    return this.call('cancelInvitation', () => {
      const { state } = this.find(id);
      if (state.status === 'sent') state.status = 'canceled';
      return copyRow(state);
    });
  }

  private find(invitationId: string): StoredInvitation {
    const stored = [...this.byKey.values()].find((s) => s.invitation.id === invitationId);
    if (!stored) throw new PlatformNotFoundError(`invitation ${invitationId}`);
    return stored;
  }

  private async call<T>(method: PlatformMethod, work: () => T): Promise<T> {
    const scripted = this.faults.find((f) => f.method === method);
    if (!scripted) return work();
    if (scripted.skip > 0) {
      scripted.skip--;
      return work();
    }
    if (--scripted.remaining === 0) this.faults.splice(this.faults.indexOf(scripted), 1);
    if (scripted.afterApplying) work();
    throw scripted.error;
  }
}
