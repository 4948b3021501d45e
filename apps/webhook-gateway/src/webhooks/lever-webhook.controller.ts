import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LeverWebhookService } from './lever-webhook.service';
import { WebhookOutcomeRecorder } from './webhook-outcome.recorder';

/** Lever's webhook URL per account: `POST /webhooks/lever/:webhookKey` (DESIGN.md "HTTP surfaces"). */
@Controller('webhooks/lever')
export class LeverWebhookController {
  constructor(
    private readonly service: LeverWebhookService,
    private readonly recorder: WebhookOutcomeRecorder,
  ) {}

  /** 202 accepted; 200 for pings, repeats and ignored events; refusals go through WebhookExceptionFilter. */
  @Post(':webhookKey')
  @HttpCode(200)
  async receive(
    @Param('webhookKey') webhookKey: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.service.receive(webhookKey, body, String(req.id));
    this.recorder.record({ source: 'lever', ...answer, reason: answer.body.reason });
    reply.status(answer.httpStatus);
    return answer.body;
  }
}
