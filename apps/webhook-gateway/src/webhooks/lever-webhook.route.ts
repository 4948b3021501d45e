import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LeverWebhookService } from './lever-webhook.service';
import { WebhookOutcomeRecorder } from './webhook-outcome.recorder';

interface LeverWebhookRoutePath {
  Params: { webhookKey: string };
}

/**
 * Lever's webhook URL per account: `POST /webhooks/lever/:webhookKey` (DESIGN.md "HTTP surfaces").
 * 202 accepted; 200 for pings, repeats and ignored events.
 *
 * The gateway's hot path, so it is a plain Fastify route on Nest's own instance instead of a Nest
 * controller: Nest's per-request layers (guards, interceptors, pipes, parameter decorators) do
 * nothing here and cost several percent of the gateway's CPU per webhook (docs/performance.md,
 * eighteenth round). A refusal is thrown as before: Fastify hands it to the error handler Nest
 * installs, so WebhookExceptionFilter answers and records it like every other route's errors.
 */
@Injectable()
export class LeverWebhookRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly service: LeverWebhookService,
    private readonly recorder: WebhookOutcomeRecorder,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post<LeverWebhookRoutePath>('/webhooks/lever/:webhookKey', (req, reply) => this.receive(req, reply));
  }

  private async receive(req: FastifyRequest<LeverWebhookRoutePath>, reply: FastifyReply): Promise<FastifyReply> {
    const answer = await this.service.receive(req.params.webhookKey, req.body, String(req.id));
    this.recorder.record({ source: 'lever', ...answer, reason: answer.body.reason });
    return reply.code(answer.httpStatus).send(answer.body);
  }
}
