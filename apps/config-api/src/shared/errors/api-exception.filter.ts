import { AccountUnavailableError } from '@lever-assess/account-access';
import { LeverError, LeverRateLimitedError } from '@lever-assess/lever-client';
import {
  ConstraintViolationError,
  PersistenceError,
  ReferenceNotFoundError,
  RuleInUseError,
  TestInUseError,
  TestNameTakenError,
} from '@lever-assess/persistence';
import { PlatformError } from '@lever-assess/platform-client';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigApiError, type FieldError } from './api.errors';

interface ErrorAnswer {
  status: number;
  body: { error: string; message: string; fields?: FieldError[] };
  headers?: Record<string, string>;
}

// CHECK constraints of trigger_rules, named after the field an admin has to change.
const CONSTRAINT_FIELDS: Record<string, string> = {
  ck_trigger_rules_pass_threshold: 'passThreshold',
  ck_trigger_rules_fail_threshold: 'failThreshold',
  ck_trigger_rules_fail_below_pass: 'failThreshold',
  ck_trigger_rules_time_limit: 'timeLimitMinutes',
  ck_trigger_rules_kind: 'kind',
  ck_tests_kind: 'kind',
};

const REFERENCE_FIELDS: Record<string, string> = { test: 'testId', 'trigger rule': 'ruleId' };

/**
 * The one place where errors become HTTP answers `{ error, message, fields? }`. Services throw
 * typed errors (ours, persistence's, the Lever and platform clients'); nothing else builds a
 * response. Unknown errors are logged and answered 500 without detail (no internals leak).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const answer = this.toAnswer(exception);
    if (answer.status >= 500) {
      this.logger.error({ err: exception, reqId: request.id, route: request.routeOptions?.url, msg: 'request failed' });
    } else if (answer.status === 502 || answer.status === 503) {
      this.logger.warn({ reqId: request.id, code: answer.body.error, msg: answer.body.message });
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
    reply.status(answer.status).send(answer.body);
  }

  toAnswer(exception: unknown): ErrorAnswer {
    if (exception instanceof ConfigApiError) {
      const body = { error: exception.code, message: exception.message, ...(exception.fields.length ? { fields: exception.fields } : {}) };
      return { status: exception.status, body, headers: exception.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined };
    }
    if (exception instanceof PersistenceError) return this.persistenceAnswer(exception);
    if (exception instanceof AccountUnavailableError) {
      const status = exception.status === 'missing' ? 404 : 409;
      return { status, body: { error: status === 404 ? 'ACCOUNT_NOT_FOUND' : exception.code, message: exception.message } };
    }
    if (exception instanceof LeverRateLimitedError) {
      const seconds = Math.max(1, Math.ceil(exception.retryAfterMs / 1000));
      return { status: 503, body: { error: exception.code, message: exception.message }, headers: { 'Retry-After': String(seconds) } };
    }
    // Lever or the platform failed us: a gateway error, with their plain-words explanation.
    if (exception instanceof LeverError || exception instanceof PlatformError) {
      return { status: 502, body: { error: exception.code, message: exception.message } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? String((response as { message: unknown }).message)
          : exception.message;
      return { status, body: { error: (HttpStatus[status] as string | undefined) ?? 'HTTP_ERROR', message } };
    }
    const status = statusOf(exception);
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own errors (body too large, bad content type) carry their status code.
      return {
        status,
        body: { error: (HttpStatus[status] as string | undefined) ?? 'BAD_REQUEST', message: (exception as Error).message },
      };
    }
    return { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Unexpected error; see the config-api logs' } };
  }

  private persistenceAnswer(err: PersistenceError): ErrorAnswer {
    const body = (status: number, fields?: FieldError[]): ErrorAnswer => ({
      status,
      body: { error: err.code, message: err.message, ...(fields ? { fields } : {}) },
    });
    if (err instanceof TestNameTakenError) return body(409, [{ field: 'name', messages: [err.message] }]);
    if (err instanceof TestInUseError || err instanceof RuleInUseError) return body(409);
    if (err instanceof ReferenceNotFoundError) {
      return body(400, [{ field: REFERENCE_FIELDS[err.entity] ?? err.entity, messages: [err.message] }]);
    }
    if (err instanceof ConstraintViolationError) {
      return body(400, [{ field: CONSTRAINT_FIELDS[err.constraint] ?? err.constraint, messages: [err.message] }]);
    }
    return { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Unexpected error; see the config-api logs' } };
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
