import { ArgumentsHost, Catch, HttpException, Inject, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import type { WebhookOutcome, WebhookSource } from './webhook-outcome';
import { WebhookOutcomeRecorder } from './webhook-outcome.recorder';
import { WebhookRefusedError } from './webhook.errors';

/** `error` codes of framework refusals (raised before a controller runs: body limit, JSON syntax, routing). */
const HTTP_ERROR_CODES: Record<number, string> = {
  400: 'invalid_body',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/**
 * Every error of the gateway answered as JSON `{ error, message }`. Refusals of a webhook, including
 * those Fastify makes before a controller runs (413, malformed JSON), are also recorded (log line +
 * webhooks_received_total), so each webhook leaves exactly one record whatever stopped it.
 */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WebhookExceptionFilter.name);

  constructor(
    private readonly recorder: WebhookOutcomeRecorder,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, error, message, outcome } = this.describe(exception);
    const source = webhookSource(req.url);
    if (source) {
      const refused = exception instanceof WebhookRefusedError ? exception : undefined;
      this.recorder.record({
        source,
        outcome,
        httpStatus: status,
        accountId: refused?.accountId,
        correlationId: refused?.correlationId ?? String(req.id),
        reason: message,
        err: status >= 500 && !refused ? exception : refused?.cause,
      });
    } else if (status >= 500) {
      this.logger.error({ msg: 'request failed', err: exception });
    }
    void reply.status(status).send({ error, message });
  }

  private describe(exception: unknown): { status: number; error: string; message: string; outcome: WebhookOutcome } {
    if (exception instanceof WebhookRefusedError) {
      return { status: exception.httpStatus, error: exception.code, message: exception.message, outcome: exception.outcome };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const message = status === 413 ? `The body is larger than ${this.env.WEBHOOK_BODY_LIMIT_BYTES} bytes` : exception.message;
      return {
        status,
        error: HTTP_ERROR_CODES[status] ?? 'bad_request',
        message,
        outcome: status === 413 ? 'body_too_large' : 'invalid_body',
      };
    }
    return { status: 500, error: 'internal_error', message: 'Internal server error', outcome: 'error' };
  }
}

function webhookSource(url: string): WebhookSource | undefined {
  if (url.startsWith('/webhooks/lever/')) return 'lever';
  if (url === '/webhooks/platform' || url.startsWith('/webhooks/platform?')) return 'platform';
  return undefined;
}
