import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { SandboxRequest } from '../lever-api/lever-api.guard';
import { SandboxState } from '../store/sandbox-state.service';
import { CLIENT_CLOSED_REQUEST, type RequestLogEntry } from './request-log';

/**
 * Records every /v1 request on arrival (so in-flight ones count), then fills in the key and the
 * status when the response finishes, or 499 when the client gave up first (timeouts).
 */
@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly state: SandboxState,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const req = request as SandboxRequest;
      const performAs = (req.query as Record<string, unknown> | undefined)?.perform_as;
      const entry: RequestLogEntry = {
        at: Date.now(),
        keyId: null,
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        path: req.url.split('?')[0],
        status: null,
        ms: null,
        performAs: typeof performAs === 'string' ? performAs : null,
      };
      this.state.requests.record(entry);
      req.sandboxLogEntry = entry;
      reply.raw.on('close', () => {
        entry.status = reply.raw.writableFinished ? reply.statusCode : CLIENT_CLOSED_REQUEST;
        entry.ms = Date.now() - entry.at;
      });
    });
  }
}
