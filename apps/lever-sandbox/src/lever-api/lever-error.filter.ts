import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LeverApiError } from './lever-api.error';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'ResourceNotFound',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
};

/** Renders every error Lever-style: `{ code, message }` with the HTTP status. */
@Catch()
export class LeverErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof LeverApiError) {
      void reply.status(error.status).headers(error.headers).send({ code: error.code, message: error.message });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      void reply
        .status(status)
        .send({ code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'InternalError' : 'BadRequest'), message: error.message });
      return;
    }
    const status = (error as { statusCode?: number })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      void reply.status(status).send({ code: CODE_BY_STATUS[status] ?? 'BadRequest', message: (error as Error).message });
      return;
    }
    void reply.status(500).send({ code: 'InternalError', message: 'Internal server error' });
  }
}
