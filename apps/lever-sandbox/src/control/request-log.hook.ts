import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { SandboxRequest } from '../lever-api/lever-api.guard';
import { SandboxState } from '../store/sandbox-state.service';

/** Records every /v1 response (status included, 401/429 too) into the request log. */
@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly state: SandboxState,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onResponse', async (request, reply) => {
      if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
      const req = request as SandboxRequest;
      const performAs = (req.query as Record<string, unknown> | undefined)?.perform_as;
      this.state.requests.record({
        at: Date.now() - reply.elapsedTime,
        keyId: req.sandboxKeyId ?? null,
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        path: req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        performAs: typeof performAs === 'string' ? performAs : null,
      });
    });
  }
}
