import { PLATFORM_SIGNATURE_HEADER, PLATFORM_TIMESTAMP_HEADER } from '@lever-assess/common';
import { Body, Controller, HttpCode, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformWebhookService } from './platform-webhook.service';
import { WebhookOutcomeRecorder } from './webhook-outcome.recorder';

/** The assessment platform's signed callbacks: `POST /webhooks/platform`. */
@Controller('webhooks/platform')
export class PlatformWebhookController {
  constructor(
    private readonly service: PlatformWebhookService,
    private readonly recorder: WebhookOutcomeRecorder,
  ) {}

  /** 202 accepted; 200 for a repeated event id; refusals go through WebhookExceptionFilter. */
  @Post()
  @HttpCode(200)
  async receive(@Body() body: unknown, @Req() req: RawBodyRequest<FastifyRequest>, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.service.receive({
      rawBody: req.rawBody,
      body,
      timestamp: singleHeader(req.headers[PLATFORM_TIMESTAMP_HEADER]),
      signature: singleHeader(req.headers[PLATFORM_SIGNATURE_HEADER]),
      requestId: String(req.id),
    });
    this.recorder.record({ source: 'platform', ...answer });
    reply.status(answer.httpStatus);
    return answer.body;
  }
}

/** A header sent twice arrives as an array: that is not a valid signature either. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
