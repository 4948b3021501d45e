import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CallbackSender, type CallbackRecord } from '../callbacks/callback-sender';
import { apiError } from '../invitations/api-error';
import { InvitationStore, toInvitationState } from '../invitations/invitation.store';
import { AutoCompleter } from '../lifecycle/auto-completer';
import { InvitationLifecycle, type TransitionResult } from '../lifecycle/invitation-lifecycle.service';
import { FAULT_MATCHES, SandboxTraffic } from '../traffic/sandbox-traffic.service';
import { bodyOf, optionalBoolean, optionalHttpUrl, optionalInt, optionalOneOf, requiredScore } from './control-body.reader';

/**
 * Control API for tests and demos (docs/platform-sandbox.md). Unauthenticated on purpose: the
 * sandbox is never deployed where untrusted clients reach it.
 */
@Controller('_sandbox')
export class SandboxControlController {
  constructor(
    private readonly store: InvitationStore,
    private readonly lifecycle: InvitationLifecycle,
    private readonly callbacks: CallbackSender,
    private readonly traffic: SandboxTraffic,
    private readonly autoCompleter: AutoCompleter,
  ) {}

  @Get('invitations')
  invitations() {
    return { data: this.store.list(), requests: this.traffic.requestCounts() };
  }

  @Post('invitations/:id/complete')
  @HttpCode(200)
  complete(@Param('id') id: string, @Body() raw: unknown) {
    return view(this.lifecycle.complete(id, { send: optionalBoolean(bodyOf(raw), 'send') }));
  }

  @Post('invitations/:id/score')
  @HttpCode(200)
  score(@Param('id') id: string, @Body() raw: unknown) {
    const body = bodyOf(raw);
    return view(this.lifecycle.score(id, requiredScore(body), optionalHttpUrl(body, 'reportUrl'), { send: optionalBoolean(body, 'send') }));
  }

  @Post('invitations/:id/expire')
  @HttpCode(200)
  expire(@Param('id') id: string, @Body() raw: unknown) {
    return view(this.lifecycle.expire(id, { send: optionalBoolean(bodyOf(raw), 'send') }));
  }

  @Get('callbacks')
  listCallbacks() {
    return { data: this.callbacks.list() };
  }

  /** Sends a recorded callback once more and answers the receiver's status. */
  @Post('callbacks/:id/replay')
  @HttpCode(200)
  async replay(@Param('id') id: string, @Body() raw: unknown) {
    const timestampMs = optionalInt(bodyOf(raw), 'timestampMs', 0, Number.MAX_SAFE_INTEGER);
    const delivery = await this.callbacks.replay(id, timestampMs);
    if (!delivery) throw apiError(404, 'not_found', `No callback ${id}`);
    return { delivery };
  }

  @Get('faults')
  faults() {
    return { data: this.traffic.listFaults() };
  }

  /** The next `count` matching /v1 requests wait `delayMs` and/or answer `status`. */
  @Post('faults')
  @HttpCode(201)
  addFault(@Body() raw: unknown) {
    const body = bodyOf(raw);
    const status = optionalInt(body, 'status', 400, 599);
    const delayMs = optionalInt(body, 'delayMs', 1, 120_000);
    if (status === undefined && delayMs === undefined) throw apiError(400, 'validation_failed', 'status or delayMs is required', 'status');
    const fault = this.traffic.addFault({
      status,
      delayMs,
      retryAfterSeconds: optionalInt(body, 'retryAfterSeconds', 0, 86_400),
      match: optionalOneOf(body, 'match', FAULT_MATCHES) ?? 'invitations',
      remaining: optionalInt(body, 'count', 1, 10_000) ?? 1,
    });
    return { fault };
  }

  /** Forgets invitations, callbacks, faults and counters, and stops pending timers and deliveries. */
  @Post('reset')
  @HttpCode(200)
  reset() {
    this.autoCompleter.clear();
    this.callbacks.clear();
    this.traffic.clear();
    this.store.clear();
    return { status: 'reset' };
  }
}

function view(result: TransitionResult): {
  invitation: ReturnType<typeof toInvitationState>;
  callbacks: Pick<CallbackRecord, 'id' | 'type' | 'state'>[];
} {
  return {
    invitation: toInvitationState(result.invitation),
    callbacks: result.callbacks.map(({ id, type, state }) => ({ id, type, state })),
  };
}
