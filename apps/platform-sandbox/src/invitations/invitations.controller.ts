import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AutoCompleter } from '../lifecycle/auto-completer';
import { InvitationLifecycle } from '../lifecycle/invitation-lifecycle.service';
import { ApiKeyGuard } from '../traffic/api-key.guard';
import { TrafficGuard } from '../traffic/traffic.guard';
import { apiError } from './api-error';
import { InvalidInvitationRequestError, parseCreateInvitationRequest } from './invitation-request.validator';
import { IdempotencyConflictError, InvitationStore, toInvitation, toInvitationState } from './invitation.store';

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The platform contract's invitation routes (DESIGN.md). */
@Controller('v1/invitations')
@UseGuards(TrafficGuard, ApiKeyGuard)
export class InvitationsController {
  constructor(
    private readonly store: InvitationStore,
    private readonly lifecycle: InvitationLifecycle,
    private readonly autoCompleter: AutoCompleter,
  ) {}

  /** 201 with the invitation; the same Idempotency-Key and body answer the same invitation again. */
  @Post()
  create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!idempotencyKey || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw apiError(
        400,
        'validation_failed',
        `Idempotency-Key header is required (1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters)`,
        'Idempotency-Key',
      );
    }
    let created;
    try {
      created = this.store.create(parseCreateInvitationRequest(body), idempotencyKey);
    } catch (err) {
      if (err instanceof InvalidInvitationRequestError) throw apiError(400, err.code, err.message, err.field);
      if (err instanceof IdempotencyConflictError) throw apiError(422, err.code, err.message, 'Idempotency-Key');
      throw err;
    }
    if (created.replayed) reply.header('idempotent-replayed', 'true');
    else this.autoCompleter.schedule(created.invitation.id);
    return toInvitation(created.invitation);
  }

  /**
   * `GET /v1/invitations?reference=<assessment id>`: `{ data: Invitation[] }`, oldest first. An
   * extension of DESIGN.md's contract (no list without a reference): how a client that got 422
   * `idempotency_key_reused` fetches the invitation it already created.
   */
  @Get()
  findByReference(@Query('reference') reference: unknown) {
    if (typeof reference !== 'string' || reference === '' || reference.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw apiError(
        400,
        'validation_failed',
        `reference query parameter is required (1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters)`,
        'reference',
      );
    }
    const found = this.store.findByReference(reference);
    for (const invitation of found) invitation.requests.read++;
    return { data: found.map(toInvitation) };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    const invitation = this.store.get(id);
    if (!invitation) throw apiError(404, 'not_found', `No invitation ${id}`);
    invitation.requests.read++;
    return toInvitationState(invitation);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string) {
    const invitation = this.store.get(id);
    if (invitation) invitation.requests.cancel++;
    return toInvitationState(this.lifecycle.cancel(id));
  }
}
